// Quick hide: for when someone walks up behind you. The button (or Escape twice within a second)
// covers the screen at once and replaces this page with a neutral public page. `location.replace`
// keeps Haven off the Back button for this tab entry; the session itself stays signed in.
import { useEffect } from 'react';

export const NEUTRAL_URL = 'https://www.bbc.co.uk/weather';
const DOUBLE_PRESS_MS = 1000;

export function quickHide(): void {
  const cover = document.createElement('div');
  cover.className = 'neutral-cover';
  document.body.appendChild(cover);
  document.title = 'Weather';
  window.location.replace(NEUTRAL_URL);
}

export function useQuickHideShortcut(): void {
  useEffect(() => {
    let last = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      const now = Date.now();
      if (now - last < DOUBLE_PRESS_MS) quickHide();
      last = now;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
