// The frame for pages before sign-in (and the forced first-login steps): landmarks, skip link,
// a narrow centred column.
import { Box, Container, Group, Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { quickHide, useQuickHideShortcut } from './quick-hide.ts';
import { SkipLink } from './Layout.tsx';

export function PublicLayout({ children, wide }: { children: ReactNode; wide?: boolean }) {
  useQuickHideShortcut();
  return (
    <>
      <SkipLink />
      <Box component="header" bg="white" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        {/* As wide as the card below plus this row's padding, so "Haven" lines up with the card's edge. */}
        <Group h={64} px="md" justify="space-between" maw={(wide ? 860 : 480) + 32} mx="auto">
          <Text fw={750} fz={22} c="blue.9">
            Haven
          </Text>
          <Text
            component="button"
            type="button"
            onClick={quickHide}
            fz="sm"
            fw={600}
            c="gray.8"
            style={{ background: 'none', border: '1px solid var(--mantine-color-gray-5)', borderRadius: 6, padding: '4px 10px', cursor: 'pointer' }}
          >
            Quick hide
          </Text>
        </Group>
      </Box>
      <Box component="main" id="main" tabIndex={-1} bg="gray.0" mih="calc(100vh - 65px)" py={{ base: 'md', sm: 48 }} px="sm">
        <Container size={wide ? 860 : 480} p={0}>
          <Paper withBorder shadow="xs" p={{ base: 'md', sm: 'xl' }} radius="md">
            {children}
          </Paper>
        </Container>
      </Box>
    </>
  );
}
