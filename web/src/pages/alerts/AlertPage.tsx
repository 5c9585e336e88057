// One alert: why it fired, the events behind it, its history, and the ways to settle it —
// acknowledge, dismiss (with the reason; a false positive counts against the rule), or open or
// join a concern (the events go to the case as evidence).
import { Alert, Anchor, Button, Card, Checkbox, Group, NativeSelect, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, isStatus } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { type ConcernSummary, TYPE_LABELS, TYPES, typeLabel } from '../../components/concerns/types.ts';
import { formatDateTime } from '../../format.ts';
import { PriorityBadge, StatusBadge } from './PriorityBadge.tsx';
import { type AlertDetail, HISTORY_LABELS, subjectLabel } from './types.ts';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" fz="sm" fw={700} c="gray.8">
        {label}
      </Text>
      <Text component="dd" m={0} className="break-anywhere">
        {children === null || children === undefined || children === '' ? '—' : children}
      </Text>
    </div>
  );
}

function useSettle(alertId: string) {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: ['alert', alertId] });
    await client.invalidateQueries({ queryKey: ['alerts'] });
  };
}

function Acknowledge({ alert }: { alert: AlertDetail }) {
  const settle = useSettle(alert.id);
  const [note, setNote] = useState('');
  const save = useMutation({ mutationFn: () => api.post(`/alerts/${alert.id}/acknowledge`, note.trim() ? { note: note.trim() } : {}), onSuccess: settle });
  return (
    <Stack
      gap="xs"
      component="form"
      aria-labelledby="ack-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Title order={3} fz={17} id="ack-heading">
        Acknowledge
      </Title>
      <Text fz="sm" c="dimmed">
        You have seen it and are looking into it. It stays in the queue.
      </Text>
      <TextInput label="Note (optional)" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={2000} />
      {save.error && <ErrorAlert error={save.error} title="Not acknowledged" />}
      <Group>
        <Button type="submit" variant="default" loading={save.isPending}>
          Acknowledge
        </Button>
      </Group>
    </Stack>
  );
}

function Dismiss({ alert }: { alert: AlertDetail }) {
  const settle = useSettle(alert.id);
  const [reason, setReason] = useState('');
  const [falsePositive, setFalsePositive] = useState(false);
  const [tried, setTried] = useState(false);
  const save = useMutation({ mutationFn: () => api.post(`/alerts/${alert.id}/dismiss`, { reason: reason.trim(), falsePositive }), onSuccess: settle });
  const missing = tried && !reason.trim();
  return (
    <Stack
      gap="xs"
      component="form"
      aria-labelledby="dismiss-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        setTried(true);
        if (reason.trim()) save.mutate();
      }}
    >
      <Title order={3} fz={17} id="dismiss-heading">
        Dismiss
      </Title>
      <Textarea
        label="Why you dismiss it"
        description="Required. It stays in the record with your name."
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={missing ? 'Write why you dismiss the alert.' : undefined}
        withAsterisk
        autosize
        minRows={2}
        maxLength={2000}
      />
      <Checkbox
        label={`It was a false positive (counts against the rule “${alert.ruleLabel}”, now ${alert.falsePositiveCount})`}
        checked={falsePositive}
        onChange={(e) => setFalsePositive(e.currentTarget.checked)}
      />
      {save.error && <ErrorAlert error={save.error} title="Not dismissed" />}
      <Group>
        <Button type="submit" variant="default" loading={save.isPending}>
          Dismiss
        </Button>
      </Group>
    </Stack>
  );
}

function OpenConcern({ alert }: { alert: AlertDetail }) {
  const navigate = useNavigate();
  const settle = useSettle(alert.id);
  const [type, setType] = useState(alert.suggestedConcernType);
  const [summary, setSummary] = useState('');
  const [urgent, setUrgent] = useState(alert.priority === 'high');
  const [tried, setTried] = useState(false);
  const save = useMutation({
    mutationFn: () => api.post<{ concernId: string; reference: string }>(`/alerts/${alert.id}/open-concern`, { type, summary: summary.trim(), urgent }),
    onSuccess: async (out) => {
      await settle();
      navigate(`/concerns/${out.concernId}`);
    },
  });
  const missing = tried && !summary.trim();
  return (
    <Stack
      gap="xs"
      component="form"
      aria-labelledby="open-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        setTried(true);
        if (summary.trim()) save.mutate();
      }}
    >
      <Title order={3} fz={17} id="open-heading">
        Open a concern
      </Title>
      <Text fz="sm" c="dimmed">
        You become its reporter. {alert.subject.person ? `${alert.subject.person.name} is named as involved.` : 'The person is recorded as unknown.'} The events are attached as evidence.
      </Text>
      <NativeSelect label="Type of concern" data={TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] ?? t }))} value={type} onChange={(e) => setType(e.currentTarget.value)} />
      <Textarea
        label="What the concern is about"
        description="In your words; the alert's details are added after it."
        value={summary}
        onChange={(e) => setSummary(e.currentTarget.value)}
        error={missing ? 'Write what the concern is about.' : undefined}
        withAsterisk
        autosize
        minRows={3}
        maxLength={5000}
      />
      <Checkbox label="Urgent" checked={urgent} onChange={(e) => setUrgent(e.currentTarget.checked)} />
      {save.error && <ErrorAlert error={save.error} title="The concern was not opened" />}
      <Group>
        <Button type="submit" loading={save.isPending}>
          Open a concern
        </Button>
      </Group>
    </Stack>
  );
}

function JoinConcern({ alert }: { alert: AlertDetail }) {
  const settle = useSettle(alert.id);
  const open = useQuery({
    queryKey: ['concern-queue', alert.schoolId],
    queryFn: () => api.get<{ concerns: ConcernSummary[] }>(`/schools/${alert.schoolId}/concerns/queue`),
  });
  const [concernId, setConcernId] = useState('');
  const save = useMutation({ mutationFn: () => api.post(`/alerts/${alert.id}/join-concern`, { concernId }), onSuccess: settle });
  const cases = open.data?.concerns ?? [];
  return (
    <Stack
      gap="xs"
      component="form"
      aria-labelledby="join-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (concernId) save.mutate();
      }}
    >
      <Title order={3} fz={17} id="join-heading">
        Add to an open concern
      </Title>
      {open.error && <ErrorAlert error={open.error} />}
      {open.data && cases.length === 0 ? (
        <Text fz="sm">There are no open concerns at this school.</Text>
      ) : (
        <>
          <NativeSelect
            label="Concern"
            data={[{ value: '', label: 'Choose a concern' }, ...cases.map((c) => ({ value: c.id, label: `${c.reference} – ${typeLabel(c.type)}${c.pupils.length ? ` – ${c.pupils.map((p) => p.name).join(', ')}` : ''}` }))]}
            value={concernId}
            onChange={(e) => setConcernId(e.currentTarget.value)}
          />
          {save.error && <ErrorAlert error={save.error} title="Not added" />}
          <Group>
            <Button type="submit" variant="default" loading={save.isPending} disabled={!concernId}>
              Add to the concern
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}

function Events({ alert }: { alert: AlertDetail }) {
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="events-heading">
      <Title order={2} fz={20} id="events-heading" mb="xs">
        Events
      </Title>
      <Text fz="sm" c="dimmed" mb="sm">
        {alert.events.length < alert.eventCount
          ? `The first ${alert.events.length} of ${alert.eventCount} events are kept with the alert.`
          : `${alert.eventCount} ${alert.eventCount === 1 ? 'event' : 'events'}.`}
      </Text>
      <TableWrap label="Events behind the alert">
        <Table striped verticalSpacing="xs" miw={820} aria-label="Events behind the alert">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">When</Table.Th>
              <Table.Th scope="col">User</Table.Th>
              <Table.Th scope="col">Device or IP</Table.Th>
              <Table.Th scope="col">Site</Table.Th>
              <Table.Th scope="col">Action</Table.Th>
              <Table.Th scope="col">Filter category</Table.Th>
              <Table.Th scope="col">Source</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {alert.events.map((e) => (
              <Table.Tr key={e.seq}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                <Table.Td className="break-anywhere">{e.user ?? '—'}</Table.Td>
                <Table.Td className="break-anywhere">{e.device ?? e.clientIp ?? '—'}</Table.Td>
                <Table.Td className="break-anywhere">
                  {e.host}
                  {e.url && e.url !== e.host && (
                    <Text fz="xs" c="dimmed" className="break-anywhere">
                      {e.url}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{e.action === 'blocked' ? 'Blocked' : 'Allowed'}</Table.Td>
                <Table.Td className="break-anywhere">{[e.filterCategory, e.reason].filter(Boolean).join(' – ') || '—'}</Table.Td>
                <Table.Td>{e.source}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableWrap>
    </Card>
  );
}

function History({ alert }: { alert: AlertDetail }) {
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="history-heading">
      <Title order={2} fz={20} id="history-heading" mb="sm">
        History
      </Title>
      <Stack gap="xs" component="ol" m={0} p={0} style={{ listStyle: 'none' }}>
        {alert.history.map((h) => (
          <li key={h.id}>
            <Text fz="sm">
              <strong>{HISTORY_LABELS[h.kind] ?? h.kind}</strong> · {formatDateTime(h.at)} · {h.by}
            </Text>
            {h.note && (
              <Text fz="sm" c="gray.8" className="break-anywhere">
                {h.note}
              </Text>
            )}
          </li>
        ))}
      </Stack>
    </Card>
  );
}

export function AlertPage() {
  const { alertId = '' } = useParams();
  const q = useQuery({ queryKey: ['alert', alertId], queryFn: () => api.get<AlertDetail>(`/alerts/${encodeURIComponent(alertId)}`) });
  if (q.isPending) return <Loading />;
  if (q.error) {
    return (
      <Page title="Alert">
        {isStatus(q.error, 403, 404, 400) ? (
          <Alert color="yellow" title="We cannot show this alert">
            It does not exist, or it is not for you: alerts are for the safeguarding team of their school.
          </Alert>
        ) : (
          <ErrorAlert error={q.error} />
        )}
        <Anchor component={Link} to="/alerts">
          Back to the alerts
        </Anchor>
      </Page>
    );
  }
  const a = q.data;
  const can = (x: AlertDetail['allowedActions'][number]) => a.allowedActions.includes(x);
  return (
    <Page
      title={`${a.ruleLabel}${a.categoryLabel ? `: ${a.categoryLabel}` : ''}`}
      actions={
        <Group gap="xs">
          <PriorityBadge priority={a.priority} />
          <StatusBadge status={a.status} />
          <Anchor component={Link} to="/alerts" fz="sm">
            Back to the alerts
          </Anchor>
        </Group>
      }
    >
      <Card withBorder padding="lg" component="section" aria-labelledby="why-heading">
        <Title order={2} fz={20} id="why-heading" mb="xs">
          Why it fired
        </Title>
        <Text className="break-anywhere">{a.why}</Text>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm" mt="md" component="dl" m={0}>
          <Field label="Who or what">
            {a.subject.person ? (
              <>
                {a.subject.person.name} <Text span c="dimmed" fz="sm">({a.subject.key})</Text>
              </>
            ) : (
              subjectLabel(a)
            )}
          </Field>
          <Field label="Events">{a.eventCount}</Field>
          <Field label="First seen">{formatDateTime(a.firstAt)}</Field>
          <Field label="Last seen">{formatDateTime(a.lastAt)}</Field>
          <Field label="Raised">{formatDateTime(a.raisedAt)}</Field>
          <Field label="False positives of this rule">{a.falsePositiveCount}</Field>
          {a.concern && (
            <Field label="Concern">
              <Anchor component={Link} to={`/concerns/${a.concern.id}`}>
                {a.concern.reference ?? 'Open the concern'}
              </Anchor>
            </Field>
          )}
          {a.acknowledged && <Field label="Acknowledged">{`${formatDateTime(a.acknowledged.at)} by ${a.acknowledged.by ?? 'unknown'}${a.acknowledged.note ? `: ${a.acknowledged.note}` : ''}`}</Field>}
          {a.dismissed && (
            <Field label="Dismissed">{`${formatDateTime(a.dismissed.at)} by ${a.dismissed.by ?? 'unknown'}${a.dismissed.falsePositive ? ' (false positive)' : ''}: ${a.dismissed.reason ?? ''}`}</Field>
          )}
        </SimpleGrid>
      </Card>

      {a.allowedActions.length > 0 && (
        <Card withBorder padding="lg" component="section" aria-labelledby="actions-heading">
          <Title order={2} fz={20} id="actions-heading" mb="sm">
            What to do
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
            {can('open_concern') && <OpenConcern alert={a} />}
            {can('join_concern') && <JoinConcern alert={a} />}
            {can('acknowledge') && <Acknowledge alert={a} />}
            {can('dismiss') && <Dismiss alert={a} />}
          </SimpleGrid>
        </Card>
      )}

      <Events alert={a} />
      <History alert={a} />
    </Page>
  );
}
