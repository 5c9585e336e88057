// A calm light theme whose colours all meet WCAG AA contrast on white.
import { type CSSVariablesResolver, createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'blue',
  // Shade 8 (#1971c2) keeps white button text above 4.5:1; Mantine's default shade 6 does not.
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  focusRing: 'always',
  components: {
    Anchor: { defaultProps: { underline: 'always' } },
  },
});

/** Mantine's dimmed grey (#868e96) is 3.3:1 on white; use a darker grey so quiet text stays readable. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    // Light (tinted) alerts and badges: Mantine's text shades for these are too pale on their tint.
    '--mantine-color-yellow-light-color': '#664200',
    '--mantine-color-orange-light-color': '#8a3300',
    '--mantine-color-teal-light-color': '#05573f',
    '--mantine-color-green-light-color': '#1d5e26',
    '--mantine-color-gray-light-color': '#343a40',
    // Light buttons and the active menu item keep AA contrast on their darker hover tint too.
    '--mantine-color-blue-light-color': 'var(--mantine-color-blue-9)',
    // …and that hover tint stays pale enough (blue-1) for blue-9 text to keep 4.5:1 under the pointer.
    '--mantine-color-blue-light-hover': 'var(--mantine-color-blue-1)',
    '--mantine-color-red-light-color': 'var(--mantine-color-red-9)',
    '--mantine-color-disabled-color': 'var(--mantine-color-gray-7)',
  },
  dark: {},
});
