// One monitoring review: the period's figures, then the reviewer's notes, actions and sign-off.
// Until sign-off the figures are counted again each time the page opens; after it they are frozen.
import { Alert, Anchor, Badge, Button, Group, List, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { formatDate, formatDateTime } from '../../format.ts';
import {
  ALERT_STATUS_LABELS,
  CHANGE_STATE_LABELS,
  CONCERN_TYPE_LABELS,
  periodLabel,
  PRIORITY_LABELS,
  type Review,
  type ReviewAction,
  STATUS_COLORS,
  STATUS_LABELS,
} from './types.ts';

function Counts({ title, total, rows, note }: { title: string; total: number; rows: [string, number][]; note?: string }) {
  const id = `fig-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" align="baseline" wrap="nowrap">
        <Title order={3} fz={16} id={id}>
          {title}
        </Title>
        <Text fw={700} fz={22}>
          {total}
        </Text>
      </Group>
      {note && (
        <Text size="sm" c="dimmed">
          {note}
        </Text>
      )}
      {rows.length > 0 && (
        <Table fz="sm" verticalSpacing={4} mt="xs" aria-label={title}>
          <Table.Tbody>
            {rows.map(([label, n]) => (
              <Table.Tr key={label}>
                <Table.Th scope="row" fw={400}>
                  {label}
                </Table.Th>
                <Table.Td ta="right">{n}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** Counts in the labels' order (JSON storage does not keep key order), then any the labels do not know. */
const labelled = (counts: Record<string, number>, labels: Record<string, string>): [string, number][] => [
  ...Object.keys(labels).filter((k) => k in counts).map((k): [string, number] => [labels[k] ?? k, counts[k] ?? 0]),
  ...Object.entries(counts).filter(([k]) => !(k in labels)),
];

function FiguresView({ r }: { r: Review }) {
  const f = r.figures;
  return (
    <Stack gap="sm" component="section" aria-labelledby="figures-heading">
      <Title order={2} fz={20} id="figures-heading">
        Figures for the period
      </Title>
      <Text size="sm" c="dimmed">
        {r.status === 'signed_off' ? `Frozen when signed off, ${formatDateTime(r.figuresAt)}.` : `Counted ${formatDateTime(r.figuresAt)}; counted again each time the review is opened until it is signed off.`}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Counts title="Alerts by priority" total={f.alerts.total} rows={labelled(f.alerts.byPriority, PRIORITY_LABELS)} />
        <Counts title="Alerts by outcome" total={f.alerts.total} rows={labelled(f.alerts.byStatus, ALERT_STATUS_LABELS)} />
        <Counts
          title="Blocked attempts by category"
          total={f.blocked.total}
          rows={f.blocked.byCategory.map((c) => [c.category, c.events])}
          {...(f.blocked.byCategory.length === 0 ? { note: 'None blocked in this period.' } : {})}
        />
        <Counts title="Filtering change requests" total={f.changeRequests.total} rows={labelled(f.changeRequests.byState, CHANGE_STATE_LABELS)} {...(f.changeRequests.total === 0 ? { note: 'None requested in this period.' } : {})} />
        <Counts title="Filtering-related concerns" total={f.concerns.total} rows={labelled(f.concerns.byType, CONCERN_TYPE_LABELS)} />
      </SimpleGrid>
    </Stack>
  );
}

const emptyAction = (): ReviewAction => ({ what: '', owner: '', dueOn: '' });

function SignOffForm({ r }: { r: Review }) {
  const client = useQueryClient();
  const [notes, setNotes] = useState('');
  const [actions, setActions] = useState<ReviewAction[]>([]);
  const signOff = useMutation({
    mutationFn: () => api.post<Review>(`/monitoring-reviews/${r.id}/sign-off`, { notes: notes.trim(), actions: actions.filter((a) => a.what.trim() || a.owner.trim() || a.dueOn) }),
    onSuccess: (data) => {
      client.setQueryData(['monitoring-review', r.id], data);
      void client.invalidateQueries({ queryKey: ['monitoring-reviews'] });
      void client.invalidateQueries({ queryKey: ['monitoring-overdue'] });
    },
  });
  const set = (i: number, patch: Partial<ReviewAction>) => setActions((xs) => xs.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signOff.mutate();
  };
  return (
    <Stack gap="sm" component="form" onSubmit={submit} aria-labelledby="signoff-heading">
      <Title order={2} fz={20} id="signoff-heading">
        Notes, actions and sign-off
      </Title>
      <Textarea
        label="Your notes"
        description="What you looked at, what stood out, and what you concluded."
        required
        autosize
        minRows={4}
        value={notes}
        onChange={(e) => setNotes(e.currentTarget.value)}
        error={signOff.error && !notes.trim() ? 'Write your notes before signing off.' : undefined}
      />
      <Stack gap="xs">
        <Text fw={600} size="sm">
          Actions
        </Text>
        {actions.length === 0 && (
          <Text size="sm" c="dimmed">
            No actions. Add one if something needs doing.
          </Text>
        )}
        {actions.map((a, i) => (
          <Paper key={i} withBorder p="sm" radius="md">
            <Stack gap="xs">
              <TextInput label={`Action ${i + 1}: what`} value={a.what} onChange={(e) => set(i, { what: e.currentTarget.value })} required />
              <Group grow align="flex-end" wrap="wrap">
                <TextInput label="Owner" value={a.owner} onChange={(e) => set(i, { owner: e.currentTarget.value })} required miw={160} />
                <TextInput label="Due by" type="date" value={a.dueOn} onChange={(e) => set(i, { dueOn: e.currentTarget.value })} required miw={160} />
              </Group>
              <Group justify="flex-end">
                <Button variant="subtle" color="red" size="xs" onClick={() => setActions((xs) => xs.filter((_, j) => j !== i))}>
                  Remove action {i + 1}
                </Button>
              </Group>
            </Stack>
          </Paper>
        ))}
        <Group>
          <Button variant="light" size="sm" onClick={() => setActions((xs) => [...xs, emptyAction()])}>
            Add an action
          </Button>
        </Group>
      </Stack>
      {signOff.error && <ErrorAlert error={signOff.error} title="Not signed off" />}
      <Group>
        <Button type="submit" loading={signOff.isPending}>
          Sign off this review
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        Once signed off, the review and its figures can no longer be changed.
      </Text>
    </Stack>
  );
}

function SignedOff({ r }: { r: Review }) {
  return (
    <Stack gap="sm" component="section" aria-labelledby="signed-heading">
      <Title order={2} fz={20} id="signed-heading">
        Signed off
      </Title>
      <Text>
        By {r.signedOffBy?.name} on {formatDateTime(r.signedOffAt)}.
      </Text>
      <Paper withBorder p="md" radius="md">
        <Text style={{ whiteSpace: 'pre-wrap' }}>{r.notes}</Text>
      </Paper>
      <Title order={3} fz={16}>
        Actions
      </Title>
      {r.actions.length > 0 ? (
        <List spacing="xs" aria-label="Actions">
          {r.actions.map((a, i) => (
            <List.Item key={i}>
              <Text>{a.what}</Text>
              <Text size="sm" c="dimmed">
                Owner: {a.owner} · due by {formatDate(a.dueOn)}
              </Text>
            </List.Item>
          ))}
        </List>
      ) : (
        <Text c="dimmed">No actions.</Text>
      )}
    </Stack>
  );
}

export function ReviewPage() {
  const { reviewId = '' } = useParams();
  const review = useQuery({ queryKey: ['monitoring-review', reviewId], queryFn: () => api.get<Review>(`/monitoring-reviews/${reviewId}`) });
  if (review.isPending) return <Loading />;
  if (review.error) return <Page title="Monitoring review"><ErrorAlert error={review.error} /></Page>;
  const r = review.data;
  return (
    <Page
      title={r.label}
      intro={`${r.schoolName}, ${periodLabel(r)}. Reviewer: ${r.reviewerLabel}.`}
      actions={
        <Group gap="xs">
          <Badge color={STATUS_COLORS[r.status]} variant="light" size="lg">
            {STATUS_LABELS[r.status]}
          </Badge>
          {r.status !== 'signed_off' && <Text size="sm">Due {formatDateTime(r.dueAt)}; overdue from {formatDateTime(r.overdueAt)}.</Text>}
        </Group>
      }
    >
      <Anchor component={Link} to="/monitoring-reviews" size="sm">
        All monitoring reviews
      </Anchor>
      <FiguresView r={r} />
      {r.status === 'signed_off' ? (
        <SignedOff r={r} />
      ) : r.canSignOff ? (
        <SignOffForm r={r} />
      ) : (
        <Alert color="blue" variant="light" title="Waiting for the reviewer">
          Only the {r.reviewerLabel.toLowerCase()} can sign off this review. You can read it and its figures.
        </Alert>
      )}
    </Page>
  );
}
