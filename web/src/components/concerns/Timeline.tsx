// The case timeline: append-only. A mistake is put right by a correction entry, never by editing.
import { Badge, Button, Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { entryKindLabel, type TimelineEntry } from './types.ts';


function CorrectionForm({ concernId, entry, onDone }: { concernId: string; entry: TimelineEntry; onDone: () => void }) {
  const client = useQueryClient();
  const [text, setText] = useState('');
  const save = useMutation({
    mutationFn: () => api.post<void>(`/concerns/${concernId}/corrections`, { entryId: entry.id, text: text.trim() }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['concern', concernId] });
      onDone();
    },
  });
  return (
    <Stack
      gap="xs"
      component="form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate();
      }}
      mt="xs"
    >
      <Textarea label="Correction" description="The entry stays as it was; this correction is added after it." value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} data-autofocus autoFocus />
      {save.error && <ErrorAlert error={save.error} title="The correction was not saved" />}
      <Group gap="xs">
        <Button type="submit" size="xs" loading={save.isPending} disabled={!text.trim()}>
          Add correction
        </Button>
        <Button size="xs" variant="subtle" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

export function Timeline({ concernId, entries, canWrite }: { concernId: string; entries: TimelineEntry[]; canWrite: boolean }) {
  const client = useQueryClient();
  const [note, setNote] = useState('');
  const [correcting, setCorrecting] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => api.post<void>(`/concerns/${concernId}/notes`, { text: note.trim() }),
    onSuccess: async () => {
      setNote('');
      await client.invalidateQueries({ queryKey: ['concern', concernId] });
    },
  });
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="timeline-heading">
      <Title order={2} fz={20} id="timeline-heading" mb="sm">
        Timeline
      </Title>
      <Stack gap="sm" component="ol" m={0} p={0} style={{ listStyle: 'none' }}>
        {entries.map((t) => (
          <li key={t.id} style={{ borderLeft: `3px solid var(--mantine-color-${t.kind === 'correction' ? 'orange-7' : 'blue-3'})`, paddingLeft: 12 }}>
            <Group gap="xs" wrap="wrap">
              <Text fz="sm" fw={700} component="span">
                {formatDateTime(t.at)}
              </Text>
              <Badge variant="light" color={t.kind === 'correction' ? 'orange' : 'blue'} tt="none">
                {entryKindLabel(t.kind)}
              </Badge>
              <Text fz="sm" c="dimmed" component="span">
                by {t.by.name}
              </Text>
            </Group>
            <Text className="break-anywhere" style={{ whiteSpace: 'pre-wrap' }}>
              {t.text}
            </Text>
            {canWrite && t.kind !== 'correction' && correcting !== t.id && (
              <Button size="compact-xs" variant="subtle" onClick={() => setCorrecting(t.id)} aria-label={`Correct the entry of ${formatDateTime(t.at)}: ${t.text.slice(0, 60)}`}>
                Correct this entry
              </Button>
            )}
            {correcting === t.id && <CorrectionForm concernId={concernId} entry={t} onDone={() => setCorrecting(null)} />}
          </li>
        ))}
      </Stack>
      {canWrite && (
        <Stack
          gap="xs"
          mt="md"
          component="form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Textarea label="Add a note" description="What was done or learned, by whom. Notes cannot be edited later." value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
          {add.error && <ErrorAlert error={add.error} title="The note was not added" />}
          <Button type="submit" size="sm" loading={add.isPending} disabled={!note.trim()} w="fit-content">
            Add note
          </Button>
        </Stack>
      )}
    </Card>
  );
}
