// The incident log with the columns schools keep on paper, for a date range, with CSV and PDF copies.
import { Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, withQuery } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import type { IncidentRow } from '../../components/concerns/types.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** The API's `to` is exclusive; people mean "up to and including" the date they pick. */
function apiRange(r: { from: string; to: string }) {
  const end = r.to ? new Date(`${r.to}T00:00:00Z`) : null;
  if (end && !Number.isNaN(end.getTime())) end.setUTCDate(end.getUTCDate() + 1);
  return { from: r.from || undefined, to: end && !Number.isNaN(end.getTime()) ? isoDate(end) : undefined };
}

/** The start of this school year (1 September), a sensible default range. */
function schoolYearStart(now = new Date()): string {
  const y = now.getMonth() >= 8 ? now.getFullYear() : now.getFullYear() - 1;
  return `${y}-09-01`;
}

export function IncidentLogPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const [draft, setDraft] = useState({ from: schoolYearStart(), to: isoDate(new Date()) });
  const [range, setRange] = useState(draft);
  const base = `/schools/${school?.id}/incident-log`;
  const log = useQuery({
    queryKey: ['incident-log', school?.id, range],
    queryFn: () => api.get<{ rows: IncidentRow[] }>(base, apiRange(range)),
    enabled: Boolean(school),
    placeholderData: keepPreviousData,
  });
  const download = (ext: string) => `/api/v1${withQuery(`${base}.${ext}`, apiRange(range))}`;
  return (
    <Page title="Incident log" intro="Every concern in the period: date, time, incident, action taken and by whom, and who reported it.">
      <Stack gap="sm">
        <Group
          component="form"
          aria-label="Choose dates"
          gap="sm"
          align="flex-end"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            setRange(draft);
          }}
        >
          <TextInput label="From" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} w={{ base: '100%', xs: 180 }} />
          <TextInput label="To" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} w={{ base: '100%', xs: 180 }} />
          <Button type="submit">
            Show
          </Button>
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
            {log.data.rows.length === 0 ? 'No incidents in these dates.' : `${log.data.rows.length} ${log.data.rows.length === 1 ? 'incident' : 'incidents'}`}
          </Text>
          {log.data.rows.length > 0 && (
            <TableWrap label="Incident log">
              <Table striped verticalSpacing="xs" miw={760} aria-label="Incident log">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Date</Table.Th>
                    <Table.Th scope="col">Time</Table.Th>
                    <Table.Th scope="col">Reference</Table.Th>
                    <Table.Th scope="col">Incident</Table.Th>
                    <Table.Th scope="col">Action taken</Table.Th>
                    <Table.Th scope="col">By</Table.Th>
                    <Table.Th scope="col">Reported by</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {log.data.rows.map((r) => (
                    <Table.Tr key={r.reference}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{r.date}</Table.Td>
                      <Table.Td>{r.time}</Table.Td>
                      <Table.Td>{r.reference}</Table.Td>
                      <Table.Td className="break-anywhere">{r.incident}</Table.Td>
                      <Table.Td className="break-anywhere">{r.actionTaken}</Table.Td>
                      <Table.Td>{r.actionBy}</Table.Td>
                      <Table.Td>{r.reportedBy}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableWrap>
          )}
        </Stack>
      )}
    </Page>
  );
}
