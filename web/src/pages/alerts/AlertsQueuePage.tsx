// The alerts triage queue: what the filtering and monitoring logs raised, high first then oldest
// first (the server's order), with filters, and each rule's count of false positives.
import { Alert, Anchor, Box, Button, Card, Group, NativeSelect, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, isStatus } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';
import { PriorityBadge, StatusBadge } from './PriorityBadge.tsx';
import { type AlertQueue, type AlertSummary, subjectLabel } from './types.ts';

const STATUS_FILTERS = [
  { value: 'active', label: 'Open and acknowledged' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'concern', label: 'Part of a concern' },
  { value: 'dismissed', label: 'Dismissed' },
  { value: 'all', label: 'All' },
];
const PRIORITY_FILTERS = [
  { value: '', label: 'Any priority' },
  { value: 'high', label: 'High' },
  { value: 'medium', label: 'Medium' },
  { value: 'low', label: 'Low' },
];

const what = (a: AlertSummary) => [a.ruleLabel, a.categoryLabel].filter(Boolean).join(': ');
const events = (n: number) => `${n} ${n === 1 ? 'event' : 'events'}`;

function AlertCards({ alerts }: { alerts: AlertSummary[] }) {
  return (
    <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Alerts">
      {alerts.map((a) => (
        <Card key={a.id} withBorder padding="sm" component="li">
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Anchor component={Link} to={`/alerts/${a.id}`} fw={700}>
              {what(a)}
            </Anchor>
            <Group gap={6}>
              <PriorityBadge priority={a.priority} />
              <StatusBadge status={a.status} />
            </Group>
          </Group>
          <Text fz="sm" className="break-anywhere">
            {a.why}
          </Text>
          <Text fz="sm" c="dimmed">
            {subjectLabel(a)} · {formatDateTime(a.firstAt)} · {events(a.eventCount)}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}

function AlertTable({ alerts }: { alerts: AlertSummary[] }) {
  return (
    <TableWrap label="Alerts">
      <Table striped highlightOnHover verticalSpacing="xs" miw={900} aria-label="Alerts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Priority</Table.Th>
            <Table.Th scope="col">Alert</Table.Th>
            <Table.Th scope="col">Why</Table.Th>
            <Table.Th scope="col">Who or what</Table.Th>
            <Table.Th scope="col">First seen</Table.Th>
            <Table.Th scope="col">Events</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {alerts.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td style={{ minWidth: 96 }}>
                <PriorityBadge priority={a.priority} />
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/alerts/${a.id}`} fw={600}>
                  {what(a)}
                </Anchor>
              </Table.Td>
              <Table.Td className="break-anywhere">{a.why}</Table.Td>
              <Table.Td className="break-anywhere" style={{ minWidth: 120 }}>
                {subjectLabel(a)}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(a.firstAt)}</Table.Td>
              <Table.Td>{a.eventCount}</Table.Td>
              <Table.Td style={{ minWidth: 150 }}>
                <StatusBadge status={a.status} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableWrap>
  );
}

function RuleCounts({ rules }: { rules: AlertQueue['rules'] }) {
  return (
    <Stack gap="xs" component="section" aria-labelledby="fp-heading">
      <Title order={2} fz={20} id="fp-heading">
        False positives by rule
      </Title>
      <Text fz="sm" c="dimmed">
        Alerts dismissed as false positives. A rule that keeps firing wrongly needs its settings or category lists looked at.
      </Text>
      <Group gap="lg" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
        {rules.map((r) => (
          <Text component="li" key={r.rule} fz="sm">
            {r.label}: <strong>{r.falsePositives}</strong>
          </Text>
        ))}
      </Group>
    </Stack>
  );
}

export function AlertsQueuePage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const [draft, setDraft] = useState({ status: 'active', priority: '' });
  const [filter, setFilter] = useState(draft);
  const queue = useQuery({
    queryKey: ['alerts', school?.id, filter],
    queryFn: () => api.get<AlertQueue>(`/schools/${school?.id}/alerts`, { ...filter, limit: 200 }),
    enabled: Boolean(school),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  return (
    <Page title="Alerts" intro="What the filtering and monitoring logs raised: high priority first, then the oldest. Opening an alert is recorded in the audit trail.">
      <Group
        component="form"
        role="search"
        aria-label="Filter alerts"
        gap="sm"
        align="flex-end"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setFilter(draft);
        }}
      >
        <NativeSelect label="Status" data={STATUS_FILTERS} value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })} w={{ base: '100%', xs: 240 }} />
        <NativeSelect label="Priority" data={PRIORITY_FILTERS} value={draft.priority} onChange={(e) => setDraft({ ...draft, priority: e.currentTarget.value })} w={{ base: '100%', xs: 180 }} />
        <Button type="submit">Show</Button>
      </Group>
      {!school && <Text>Choose a school first.</Text>}
      {queue.isPending && school && <Loading />}
      {queue.error &&
        (isStatus(queue.error, 403) ? (
          <Alert color="yellow" title="Not for your role">
            Alerts are for the DSL, deputy DSLs, the online safety lead and the headteacher.
          </Alert>
        ) : (
          <ErrorAlert error={queue.error} />
        ))}
      {queue.data && (
        <>
          <Text role="status" aria-live="polite" fw={600}>
            {queue.data.total === 0 ? 'No alerts match.' : `${queue.data.total} ${queue.data.total === 1 ? 'alert' : 'alerts'}${queue.data.total > queue.data.alerts.length ? ` (showing ${queue.data.alerts.length})` : ''}`}
          </Text>
          {queue.data.alerts.length > 0 && (
            <>
              <Box hiddenFrom="sm">
                <AlertCards alerts={queue.data.alerts} />
              </Box>
              <Box visibleFrom="sm">
                <AlertTable alerts={queue.data.alerts} />
              </Box>
            </>
          )}
          <RuleCounts rules={queue.data.rules} />
        </>
      )}
    </Page>
  );
}
