import { Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect } from 'react';

/** A page: sets the document title and gives the page its one h1. */
export function Page({ title, intro, children, actions }: { title: string; intro?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} – Haven`;
  }, [title]);
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Title order={1} fz={{ base: 26, sm: 30 }}>
          {title}
        </Title>
        {intro && <Text c="dimmed">{intro}</Text>}
        {actions}
      </Stack>
      {children}
    </Stack>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Text role="status" c="dimmed">
      {label}
    </Text>
  );
}
