// The change-control log: every step of every request, oldest first, searchable by words and dates,
// with CSV and PDF copies for the governors' yearly audit.
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, withQuery } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { LogEntries } from '../../components/filtering/LogEntries.tsx';
import type { LogEntry } from '../../components/filtering/types.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** The API's `to` is exclusive; people mean "up to and including" the date they pick. */
function apiQuery(f: { q: string; from: string; to: string }) {
  const end = f.to ? new Date(`${f.to}T00:00:00Z`) : null;
  if (end && !Number.isNaN(end.getTime())) end.setUTCDate(end.getUTCDate() + 1);
  return { q: f.q.trim() || undefined, from: f.from || undefined, to: end && !Number.isNaN(end.getTime()) ? isoDate(end) : undefined };
}

export function ChangeLogPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const [draft, setDraft] = useState({ q: '', from: '', to: '' });
  const [search, setSearch] = useState(draft);
  const base = `/schools/${school?.id}/filter-change-log`;
  const log = useQuery({
    queryKey: ['filter-change-log', school?.id, search],
    queryFn: () => api.get<{ rows: LogEntry[] }>(base, apiQuery(search)),
    enabled: Boolean(school),
    placeholderData: keepPreviousData,
  });
  const download = (ext: string) => `/api/v1${withQuery(`${base}.${ext}`, apiQuery(search))}`;
  return (
    <Page title="Filtering change-control log" intro="Every step of every filtering change: who, what, when and why. Nothing in it can be edited or deleted.">
      <Stack gap="sm">
        <Group
          component="form"
          role="search"
          aria-label="Search the log"
          gap="sm"
          align="flex-end"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            setSearch(draft);
          }}
        >
          <TextInput label="Words" type="search" description="A site, a name or a reason" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.currentTarget.value })} w={{ base: '100%', xs: 240 }} />
          <TextInput label="From" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} w={{ base: '100%', xs: 170 }} />
          <TextInput label="To" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} w={{ base: '100%', xs: 170 }} />
          <Button type="submit">Search</Button>
        </Group>
        <Group gap="sm">
          <Button component="a" href={download('csv')} download variant="outline" size="sm">
            Download CSV
          </Button>
          <Button component="a" href={download('pdf')} target="_blank" rel="noopener" variant="outline" size="sm">
            Download PDF
          </Button>
        </Group>
      </Stack>
      {log.error && <ErrorAlert error={log.error} />}
      {log.isPending && school && <Loading />}
      {log.data && (
        <Stack gap="sm">
          <Text role="status" aria-live="polite" fw={600}>
            {log.data.rows.length === 0 ? 'Nothing in the log matches.' : `${log.data.rows.length} ${log.data.rows.length === 1 ? 'entry' : 'entries'}`}
          </Text>
          {log.data.rows.length > 0 && (
            <LogEntries label="Change-control log" rows={log.data.rows} showRequest />
          )}
        </Stack>
      )}
    </Page>
  );
}
