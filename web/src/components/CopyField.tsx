import { Button, Code, Group, Stack } from '@mantine/core';
import { useClipboard } from '@mantine/hooks';

/** A secret shown once, with a copy button that says when it worked. */
export function CopyField({ value, label }: { value: string; label: string }) {
  const clipboard = useClipboard({ timeout: 2500 });
  return (
    <Stack gap={6}>
      <Code block fz="md" className="break-anywhere" aria-label={label}>
        {value}
      </Code>
      <Group>
        <Button size="xs" variant={clipboard.copied ? 'filled' : 'default'} color={clipboard.copied ? 'teal.9' : undefined} onClick={() => clipboard.copy(value)}>
          {clipboard.copied ? 'Copied' : `Copy ${/^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label}`}
        </Button>
        <span role="status" aria-live="polite" style={{ position: 'absolute', left: -9999 }}>
          {clipboard.copied ? `${label} copied to the clipboard` : ''}
        </span>
      </Group>
    </Stack>
  );
}
