// Search-as-you-type picker over the school's people, choosing several. Results are plain buttons
// (no custom combobox) so keyboards and screen readers use it like any list of links.
import { Button, CloseButton, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, type PeoplePage } from '../../api.ts';
import { kindLabel, yearLabel } from '../../format.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';

export type Picked = { personId: string; name: string; kind: string; detail: string };

function detailOf(p: PeoplePage['people'][number]): string {
  if (p.kind === 'pupil') return [yearLabel(p.yearGroup), p.registrationGroup].filter((x) => x && x !== '—').join(' · ');
  return p.jobTitle ?? kindLabel(p.kind);
}

export function PeoplePicker({
  schoolId,
  label,
  description,
  value,
  onChange,
  kind,
  chosenLabel = 'Chosen',
}: {
  schoolId: string;
  label: string;
  description?: string;
  value: Picked[];
  onChange: (next: Picked[]) => void;
  kind?: string;
  chosenLabel?: string;
}) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const statusId = useId();
  const results = useQuery({
    queryKey: ['people-picker', schoolId, kind, debounced],
    queryFn: () => api.get<PeoplePage>(`/schools/${schoolId}/people`, { q: debounced, kind, limit: 8 }),
    enabled: debounced.length >= 2,
    staleTime: 30_000,
  });
  const chosen = new Set(value.map((v) => v.personId));
  const found = (results.data?.people ?? []).filter((p) => !chosen.has(p.id));

  const add = (p: PeoplePage['people'][number]) => {
    onChange([...value, { personId: p.id, name: p.name, kind: p.kind, detail: detailOf(p) }]);
    setQ('');
  };

  return (
    <Stack gap={6}>
      <TextInput
        label={label}
        description={description}
        type="search"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        placeholder="Type two or more letters of a name"
        autoComplete="off"
        aria-describedby={statusId}
        onKeyDown={(e) => {
          // Enter picks the only match, so a quick typist never has to leave the field.
          if (e.key === 'Enter') {
            e.preventDefault();
            const only = found.length === 1 ? found[0] : undefined;
            if (only) add(only);
          }
        }}
      />
      <Text id={statusId} role="status" aria-live="polite" fz="sm" c="dimmed">
        {debounced.length < 2
          ? ''
          : results.isPending
            ? 'Searching…'
            : found.length === 0
              ? 'Nobody matches. Check the spelling, or use “unknown / outside the school”.'
              : `${found.length} ${found.length === 1 ? 'match' : 'matches'}: choose below.`}
      </Text>
      {results.error && <ErrorAlert error={results.error} title="Could not search people" />}
      {debounced.length >= 2 && found.length > 0 && (
        <Paper withBorder p={4}>
          <Stack gap={2} component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label={`Matches for ${debounced}`}>
            {found.map((p) => (
              <li key={p.id}>
                <Button variant="subtle" fullWidth justify="flex-start" onClick={() => add(p)} h="auto" py={6} styles={{ label: { whiteSpace: 'normal', textAlign: 'left' } }}>
                  <span>
                    Add <strong>{p.name}</strong>
                    <Text component="span" fz="sm" c="gray.8">
                      {' '}
                      — {kindLabel(p.kind)}
                      {detailOf(p) ? `, ${detailOf(p)}` : ''}
                    </Text>
                  </span>
                </Button>
              </li>
            ))}
          </Stack>
        </Paper>
      )}
      {value.length > 0 && (
        <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label={chosenLabel}>
          {value.map((v) => (
            <Group key={v.personId} component="li" gap={6} wrap="nowrap" bg="blue.0" px="sm" py={4} style={{ borderRadius: 6 }}>
              <Text fz="sm" style={{ flex: 1 }} className="break-anywhere">
                <strong>{v.name}</strong> — {kindLabel(v.kind)}
                {v.detail ? `, ${v.detail}` : ''}
              </Text>
              <CloseButton aria-label={`Remove ${v.name}`} onClick={() => onChange(value.filter((x) => x.personId !== v.personId))} />
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
