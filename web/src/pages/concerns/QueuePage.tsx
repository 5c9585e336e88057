// The triage queue for responders: open concerns, urgent first then oldest first (the server's
// order), with the owner and the flags to scan for. Below it, a search over all concerns.
import { Alert, Anchor, Box, Button, Card, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, isStatus } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { CaseBadges } from '../../components/concerns/CaseBadges.tsx';
import { type ConcernSummary, outcomeLabel, STATUS_LABELS, TYPE_LABELS, TYPES, typeLabel } from '../../components/concerns/types.ts';
import { formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

/** On a phone: one card per concern, so nothing hides off to the side. */
function ConcernCards({ label, concerns, showOutcome }: { label: string; concerns: ConcernSummary[]; showOutcome?: boolean }) {
  return (
    <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label={label}>
      {concerns.map((c) => (
        <Card key={c.id} withBorder padding="sm" component="li">
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Anchor component={Link} to={`/concerns/${c.id}`} fw={700}>
              {c.reference}
            </Anchor>
            <CaseBadges c={c} />
          </Group>
          <Text fz="sm">
            {typeLabel(c.type)}
            {c.pupils.length > 0 ? ` · ${c.pupils.map((p) => p.name).join(', ')}` : ''}
          </Text>
          <Text fz="sm" c="dimmed">
            Reported {formatDateTime(c.createdAt)} · {c.owner ? `Owner: ${c.owner.name}` : 'No owner yet'}
            {showOutcome && c.outcome ? ` · ${outcomeLabel(c.outcome)}` : ''}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}

function ConcernTable(props: { label: string; concerns: ConcernSummary[]; showOutcome?: boolean }) {
  return (
    <>
      <Box hiddenFrom="sm">
        <ConcernCards {...props} />
      </Box>
      <Box visibleFrom="sm">
        <WideTable {...props} />
      </Box>
    </>
  );
}

function WideTable({ label, concerns, showOutcome }: { label: string; concerns: ConcernSummary[]; showOutcome?: boolean }) {
  return (
    <TableWrap label={label}>
      <Table striped highlightOnHover verticalSpacing="xs" miw={640} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Reference</Table.Th>
            <Table.Th scope="col">Type</Table.Th>
            <Table.Th scope="col">Pupils</Table.Th>
            <Table.Th scope="col">Reported</Table.Th>
            <Table.Th scope="col">Owner</Table.Th>
            <Table.Th scope="col">Flags</Table.Th>
            {showOutcome && <Table.Th scope="col">Outcome</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {concerns.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <Anchor component={Link} to={`/concerns/${c.id}`} fw={600}>
                  {c.reference}
                </Anchor>
              </Table.Td>
              <Table.Td>{typeLabel(c.type)}</Table.Td>
              <Table.Td>{c.pupils.length === 0 ? '—' : c.pupils.map((p) => p.name).join(', ')}</Table.Td>
              <Table.Td>{formatDateTime(c.createdAt)}</Table.Td>
              <Table.Td>{c.owner?.name ?? <Text span c="red.9" fw={600} fz="sm">Nobody yet</Text>}</Table.Td>
              <Table.Td>
                <CaseBadges c={c} />
              </Table.Td>
              {showOutcome && <Table.Td>{outcomeLabel(c.outcome)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableWrap>
  );
}

function AllConcerns({ schoolId }: { schoolId: string }) {
  const [draft, setDraft] = useState({ q: '', status: '', type: '' });
  const [query, setQuery] = useState({ q: '', status: '', type: '' });
  const list = useQuery({
    queryKey: ['concerns', schoolId, query],
    queryFn: () => api.get<{ total: number; concerns: ConcernSummary[] }>(`/schools/${schoolId}/concerns`, { ...query, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="sm" component="section" aria-labelledby="all-heading">
      <Title order={2} fz={22} id="all-heading">
        All concerns
      </Title>
      <Group
        component="form"
        role="search"
        aria-label="Search concerns"
        gap="sm"
        align="flex-end"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setQuery(draft);
        }}
      >
        <TextInput label="Reference or words" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.currentTarget.value })} w={{ base: '100%', xs: 220 }} />
        <NativeSelect
          label="Status"
          data={[{ value: '', label: 'Any status' }, ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))]}
          value={draft.status}
          onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}
          w={{ base: '100%', xs: 180 }}
        />
        <NativeSelect
          label="Type"
          data={[{ value: '', label: 'Any type' }, ...TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] ?? t }))]}
          value={draft.type}
          onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value })}
          w={{ base: '100%', xs: 260 }}
        />
        <Button type="submit">
          Search
        </Button>
      </Group>
      {list.error && <ErrorAlert error={list.error} />}
      {list.isPending && <Loading />}
      {list.data && (
        <>
          <Text role="status" aria-live="polite" fw={600}>
            {list.data.total === 0 ? 'No concerns match.' : `${list.data.total} ${list.data.total === 1 ? 'concern' : 'concerns'}${list.data.total > 50 ? ' (showing the newest 50)' : ''}`}
          </Text>
          {list.data.concerns.length > 0 && <ConcernTable label="All concerns" concerns={list.data.concerns} showOutcome />}
        </>
      )}
    </Stack>
  );
}

export function QueuePage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const queue = useQuery({
    queryKey: ['concern-queue', school?.id],
    queryFn: () => api.get<{ concerns: ConcernSummary[] }>(`/schools/${school?.id}/concerns/queue`),
    enabled: Boolean(school),
    refetchInterval: 60_000,
  });
  return (
    <Page
      title="Concerns"
      intro="Open concerns: urgent first, then the oldest."
      actions={
        <Group gap="xs">
          <Button component={Link} to="/concerns/new" size="sm">
            Report a concern
          </Button>
          <Button component={Link} to="/incident-log" variant="subtle" size="sm">
            Incident log
          </Button>
        </Group>
      }
    >
      <Stack gap="sm" component="section" aria-labelledby="queue-heading">
        <Title order={2} fz={22} id="queue-heading">
          Triage queue
        </Title>
        {queue.isPending && school && <Loading />}
        {queue.error &&
          (isStatus(queue.error, 403) ? (
            <Alert color="yellow" title="Not for your role">
              The queue is for the safeguarding team. To report something, use “Report a concern”.
            </Alert>
          ) : (
            <ErrorAlert error={queue.error} />
          ))}
        {queue.data && queue.data.concerns.length === 0 && <Text>No open concerns.</Text>}
        {queue.data && queue.data.concerns.length > 0 && <ConcernTable label="Triage queue" concerns={queue.data.concerns} />}
      </Stack>
      {school && !isStatus(queue.error, 403) && <AllConcerns schoolId={school.id} />}
    </Page>
  );
}
