// Dashboard card: monitoring reviews past their grace period and still not signed off, for one
// school (the headteacher's home page) or across the trust (trust leaders). Shows nothing to
// people who may not see reviews, so it can be placed without a role check.
import { Anchor, Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, isStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { periodLabel, type ReviewSummary } from '../pages/monitoring-reviews/types.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export type OverdueReviewsProps =
  /** One school's overdue reviews (GET /schools/:schoolId/monitoring-reviews/overdue). */
  | { scope: 'school'; schoolId: string; limit?: number }
  /** Every school of the signed-in person's trust (GET /monitoring-reviews/overdue). */
  | { scope: 'trust'; limit?: number };

export function OverdueReviews(props: OverdueReviewsProps) {
  const path = props.scope === 'trust' ? '/monitoring-reviews/overdue' : `/schools/${props.schoolId}/monitoring-reviews/overdue`;
  const limit = props.limit ?? 5;
  const q = useQuery({
    queryKey: ['monitoring-overdue', path],
    queryFn: () => api.get<{ reviews: ReviewSummary[] }>(path),
    retry: (n, e) => !isStatus(e, 403, 404) && n < 2,
  });
  if (q.error && isStatus(q.error, 403, 404)) return null;
  const headingId = `overdue-reviews-${props.scope}`;
  const reviews = q.data?.reviews ?? [];
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={headingId}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} fz={18} id={headingId}>
            {props.scope === 'trust' ? 'Overdue monitoring reviews across the trust' : 'Overdue monitoring reviews'}
          </Title>
          {q.data && (
            <Badge color={reviews.length > 0 ? 'red' : 'green'} variant="light" aria-label={`${reviews.length} overdue`}>
              {reviews.length}
            </Badge>
          )}
        </Group>
        {q.isPending && (
          <Text size="sm" c="dimmed" role="status">
            Loading…
          </Text>
        )}
        {q.error && <ErrorAlert error={q.error} />}
        {q.data && reviews.length === 0 && <Text size="sm">None overdue. Every review is signed off or still within its time.</Text>}
        {reviews.length > 0 && (
          <List spacing={6} size="sm">
            {reviews.slice(0, limit).map((r) => (
              <List.Item key={r.id}>
                <Anchor component={Link} to={`/monitoring-reviews/${r.id}`} fw={600}>
                  {props.scope === 'trust' ? `${r.schoolName}: ${r.label}` : r.label}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {periodLabel(r)} · {r.reviewerLabel} · overdue since {formatDateTime(r.overdueAt)}
                </Text>
              </List.Item>
            ))}
          </List>
        )}
        {reviews.length > limit && <Text size="sm">and {reviews.length - limit} more.</Text>}
        {props.scope === 'school' && (
          <Anchor component={Link} to="/monitoring-reviews" size="sm">
            All monitoring reviews
          </Anchor>
        )}
      </Stack>
    </Paper>
  );
}
