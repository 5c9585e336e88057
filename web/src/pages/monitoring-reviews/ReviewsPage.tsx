// The current school's monitoring reviews: due, overdue and signed off, each opening its review.
import { Alert, Anchor, Badge, Box, Button, Group, Paper, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OverdueReviews } from '../../components/OverdueReviews.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';
import { canSeeTrustReviews, periodLabel, type ReviewSummary, STATUS_COLORS, STATUS_LABELS } from './types.ts';

type Filter = 'open' | 'overdue' | 'signed_off' | 'all';

export function ReviewsPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const [filter, setFilter] = useState<Filter>('open');
  const reviews = useQuery({
    queryKey: ['monitoring-reviews', school?.id, filter],
    queryFn: () =>
      api.get<{ reviews: ReviewSummary[] }>(`/schools/${school?.id}/monitoring-reviews`, {
        status: filter === 'signed_off' || filter === 'overdue' ? filter : undefined,
      }),
    enabled: Boolean(school),
  });
  if (!school)
    return (
      <Page title="Monitoring reviews">
        <Alert color="yellow">Choose a school first.</Alert>
      </Page>
    );
  const rows = (reviews.data?.reviews ?? []).filter((r) => filter !== 'open' || r.status !== 'signed_off');
  return (
    <Page
      title="Monitoring reviews"
      intro={`Haven opens each review of ${school.name}'s filtering and monitoring when its week, month or school year ends, with the figures filled in. The reviewer reads them, writes notes and actions, and signs it off.`}
      actions={
        <Group gap="xs">
          <Button component={Link} to="/monitoring-reviews/schedule" variant="light" size="sm">
            Review schedule
          </Button>
        </Group>
      }
    >
      {canSeeTrustReviews(session) && <OverdueReviews scope="trust" />}
      <Stack gap="sm">
        <SegmentedControl
          aria-label="Show reviews"
          value={filter}
          onChange={(v) => setFilter(v as Filter)}
          data={[
            { value: 'open', label: 'To do' },
            { value: 'overdue', label: 'Overdue' },
            { value: 'signed_off', label: 'Signed off' },
            { value: 'all', label: 'All' },
          ]}
          fullWidth
          maw={520}
        />
        {reviews.isPending && <Loading />}
        {reviews.error && <ErrorAlert error={reviews.error} />}
        {reviews.data && rows.length === 0 && <Text c="dimmed">No reviews here.</Text>}
        {rows.length > 0 && (
          <Stack gap="xs" hiddenFrom="sm">
            {rows.map((r) => (
              <Paper key={r.id} withBorder p="sm" radius="md">
                <Group justify="space-between" align="flex-start" wrap="nowrap">
                  <Anchor component={Link} to={`/monitoring-reviews/${r.id}`} fw={600}>
                    {r.label}
                  </Anchor>
                  <Badge color={STATUS_COLORS[r.status]} variant="light" style={{ flexShrink: 0, overflow: 'visible' }}>
                    {STATUS_LABELS[r.status]}
                  </Badge>
                </Group>
                <Text size="sm">{periodLabel(r)}</Text>
                <Text size="sm" c="dimmed">
                  {r.reviewerLabel} · {r.status === 'signed_off' ? `signed off by ${r.signedOffBy?.name ?? ''}, ${formatDateTime(r.signedOffAt)}` : `overdue from ${formatDateTime(r.overdueAt)}`}
                </Text>
              </Paper>
            ))}
          </Stack>
        )}
        {rows.length > 0 && (
          <Box visibleFrom="sm">
          <TableWrap label="Monitoring reviews">
            <Table striped verticalSpacing="xs" aria-label="Monitoring reviews" miw={560}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Review</Table.Th>
                  <Table.Th scope="col">Period</Table.Th>
                  <Table.Th scope="col">Reviewer</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/monitoring-reviews/${r.id}`} fw={600}>
                        {r.label}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{periodLabel(r)}</Table.Td>
                    <Table.Td>{r.reviewerLabel}</Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLORS[r.status]} variant="light">
                        {STATUS_LABELS[r.status]}
                      </Badge>
                      <Text size="xs" c="dimmed">
                        {r.status === 'signed_off' ? `${r.signedOffBy?.name ?? ''}, ${formatDateTime(r.signedOffAt)}` : `Overdue from ${formatDateTime(r.overdueAt)}`}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableWrap>
          </Box>
        )}
      </Stack>
    </Page>
  );
}
