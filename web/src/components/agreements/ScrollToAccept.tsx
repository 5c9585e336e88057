// The agreement in its own scroll box. Reports once the reader has reached the end (or when the text
// is short enough to need no scrolling). Focusable so keyboard users can scroll it with the arrows.
import { Box } from '@mantine/core';
import { useCallback, useEffect, useRef } from 'react';
import { AgreementText } from './AgreementText.tsx';

export function ScrollToAccept({ text, label, onEnd, height = 320 }: { text: string; label: string; onEnd: () => void; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const check = useCallback(() => {
    const el = ref.current;
    if (el && el.scrollTop + el.clientHeight >= el.scrollHeight - 8) onEnd();
  }, [onEnd]);
  useEffect(() => {
    check();
  }, [check, text]);
  return (
    <Box
      ref={ref}
      onScroll={check}
      role="region"
      aria-label={label}
      tabIndex={0}
      data-testid="agreement-scroll"
      p="md"
      mah={height}
      style={{ overflowY: 'auto', border: '1px solid var(--mantine-color-gray-5)', borderRadius: 8, background: 'var(--mantine-color-white)' }}
    >
      <AgreementText text={text} />
    </Box>
  );
}
