// An agreement's text as written: blank lines split paragraphs, "- " lines become a list, and a
// short line on its own before a list reads as a subheading. Nothing is reworded.
import { List, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

type Block = { kind: 'p' | 'h'; text: string } | { kind: 'ul'; items: string[] };

function blocks(text: string): Block[] {
  const out: Block[] = [];
  const paras = text.replace(/\r\n/g, '\n').split(/\n\s*\n/);
  for (const para of paras) {
    const lines = para.split('\n').filter((l) => l.trim() !== '');
    let list: string[] | null = null;
    for (const line of lines) {
      const m = /^\s*[-*•]\s+(.*)$/.exec(line);
      if (m) {
        if (!list) {
          list = [];
          out.push({ kind: 'ul', items: list });
        }
        list.push(m[1] ?? '');
        continue;
      }
      list = null;
      const isHeading = lines.length > 1 && line === lines[0] && line.length < 60 && !/[.:;,]$/.test(line.trim());
      out.push({ kind: isHeading ? 'h' : 'p', text: line });
    }
  }
  return out;
}

export function AgreementText({ text, size = 'md' }: { text: string; size?: 'md' | 'lg' }): ReactNode {
  const fz = size === 'lg' ? 20 : undefined;
  return (
    <Stack gap="sm">
      {blocks(text).map((b, i) =>
        b.kind === 'ul' ? (
          <List key={i} spacing={4} fz={fz}>
            {b.items.map((item, j) => (
              <List.Item key={j}>{item}</List.Item>
            ))}
          </List>
        ) : (
          <Text key={i} fz={fz} fw={b.kind === 'h' ? 700 : undefined}>
            {b.text}
          </Text>
        ),
      )}
    </Stack>
  );
}
