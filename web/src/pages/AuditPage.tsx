// Search the audit trail: who did what, when, from where. Newest first; "Load more" pages back.
import { Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type AuditEvent } from '../api.ts';
import { TableWrap } from '../components/TableWrap.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { Loading, Page } from '../components/Page.tsx';
import { formatDateTime } from '../format.ts';

const PAGE = 50;
type Filters = { q: string; action: string; recordType: string; from: string; to: string };
const EMPTY: Filters = { q: '', action: '', recordType: '', from: '', to: '' };

function toQuery(f: Filters) {
  return {
    q: f.q.trim(),
    action: f.action.trim(),
    recordType: f.recordType.trim(),
    from: f.from ? new Date(`${f.from}T00:00:00`).toISOString() : undefined,
    // "to" a date means to the end of that day.
    to: f.to ? new Date(`${f.to}T23:59:59.999`).toISOString() : undefined,
  };
}

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'object' && Object.keys(detail as object).length === 0) return '';
  return JSON.stringify(detail);
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const q = useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) => api.get<{ events: AuditEvent[] }>('/audit', { ...toQuery(filters), limit: PAGE, before: pageParam }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.events.length < PAGE ? undefined : last.events[last.events.length - 1]?.seq),
  });
  const events = q.data?.pages.flatMap((p) => p.events) ?? [];
  const set = (k: keyof Filters) => (e: React.ChangeEvent<HTMLInputElement>) => {
    // Read the value now: React clears currentTarget once the handler returns.
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [k]: value }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };

  return (
    <Page title="Audit trail" intro="Every sign-in, change and view of protected details, newest first.">
      <form onSubmit={submit} role="search" aria-label="Search the audit trail">
        <Stack gap="sm">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput label="Search" description="Person, email or words in the details" value={draft.q} onChange={set('q')} w={{ base: '100%', sm: 260 }} />
            <TextInput label="Action" description="For example auth.login" value={draft.action} onChange={set('action')} w={{ base: '100%', sm: 200 }} />
            <TextInput label="Record type" description="For example person" value={draft.recordType} onChange={set('recordType')} w={{ base: '100%', sm: 180 }} />
          </Group>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput label="From" type="date" value={draft.from} onChange={set('from')} w={{ base: '100%', xs: 180 }} />
            <TextInput label="To" type="date" value={draft.to} onChange={set('to')} w={{ base: '100%', xs: 180 }} />
            <Button type="submit">Search</Button>
            <Button
              variant="default"
              onClick={() => {
                setDraft(EMPTY);
                setFilters(EMPTY);
              }}
            >
              Clear
            </Button>
          </Group>
        </Stack>
      </form>
      {q.isPending && <Loading />}
      {q.error && <ErrorAlert error={q.error} />}
      {q.data && (
        <Stack gap="sm">
          <Text role="status" fw={600}>
            {events.length === 0 ? 'No events match.' : `Showing ${events.length} ${events.length === 1 ? 'event' : 'events'}${q.hasNextPage ? ' (more available)' : ''}`}
          </Text>
          {events.length > 0 && (
            <TableWrap label="Audit events">
              <Table striped verticalSpacing="xs" miw={760} aria-label="Audit events">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">When</Table.Th>
                    <Table.Th scope="col">Who</Table.Th>
                    <Table.Th scope="col">Action</Table.Th>
                    <Table.Th scope="col">Record</Table.Th>
                    <Table.Th scope="col">From</Table.Th>
                    <Table.Th scope="col">Details</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {events.map((e) => (
                    <Table.Tr key={e.seq}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                      <Table.Td className="break-anywhere">{e.actor}</Table.Td>
                      <Table.Td>
                        <Code>{e.action}</Code>
                      </Table.Td>
                      <Table.Td className="break-anywhere">
                        {e.recordType ?? '—'}
                        {e.recordId ? ` ${e.recordId.slice(0, 8)}…` : ''}
                      </Table.Td>
                      <Table.Td>{e.ip ?? '—'}</Table.Td>
                      <Table.Td className="break-anywhere" fz="sm">
                        {detailText(e.detail)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableWrap>
          )}
          {q.hasNextPage && (
            <Group>
              <Button variant="default" onClick={() => q.fetchNextPage()} loading={q.isFetchingNextPage}>
                Load more
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </Page>
  );
}
