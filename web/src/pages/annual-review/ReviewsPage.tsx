// Annual filtering and monitoring reviews of the current school: when the next is due (a year after
// the last sign-off), each review with its printable record, and starting a new one.
import { Alert, Anchor, Badge, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { formatDate } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';
import { pdfHref, type ReviewList } from './types.ts';

const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function StartForm({ schoolId }: { schoolId: string }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const today = new Date();
  const yearAgo = new Date(today.getFullYear() - 1, today.getMonth(), today.getDate() + 1);
  const [periodStart, setStart] = useState(iso(yearAgo));
  const [periodEnd, setEnd] = useState(iso(today));
  const start = useMutation({
    mutationFn: () => api.post<{ id: string }>(`/schools/${schoolId}/annual-reviews`, { periodStart, periodEnd }),
    onSuccess: (r) => {
      void client.invalidateQueries({ queryKey: ['annual-reviews', schoolId] });
      navigate(`/annual-reviews/${r.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  return (
    <Stack gap="xs" component="section" aria-labelledby="start-heading">
      <Title order={2} fz={20} id="start-heading">
        Start a review
      </Title>
      <form onSubmit={submit}>
        <Group align="flex-end" gap="sm">
          <TextInput type="date" label="Period from" required value={periodStart} onChange={(e) => setStart(e.currentTarget.value)} />
          <TextInput type="date" label="Period to" required value={periodEnd} onChange={(e) => setEnd(e.currentTarget.value)} />
          <Button type="submit" loading={start.isPending}>
            Start the review
          </Button>
        </Group>
      </form>
      {start.error && <ErrorAlert error={start.error} title="The review was not started" />}
    </Stack>
  );
}

export function ReviewsPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const list = useQuery({
    queryKey: ['annual-reviews', school?.id],
    queryFn: () => api.get<ReviewList>(`/schools/${school?.id}/annual-reviews`),
    enabled: Boolean(school),
  });
  if (!school) return <Page title="Annual filtering and monitoring review"><Alert color="yellow">Choose a school first.</Alert></Page>;
  const d = list.data;
  return (
    <Page title="Annual filtering and monitoring review" intro={`The yearly review of filtering and monitoring at ${school.name} against the four DfE standards, signed off by a governor.`}>
      {list.isPending && <Loading />}
      {list.error && <ErrorAlert error={list.error} />}
      {d && (
        <Alert color={d.overdue ? 'red' : 'teal'} title={d.overdue ? 'A review is due' : 'Next review due'} role="status">
          {d.nextDueAt
            ? `Last signed off ${formatDate(d.lastSignedOffAt)}. The next review is due by ${formatDate(d.nextDueAt)}.`
            : 'No review has been signed off yet. The standards expect one at least every year.'}
        </Alert>
      )}
      {d && (
        <Stack gap="xs" component="section" aria-labelledby="reviews-heading">
          <Title order={2} fz={20} id="reviews-heading">
            Reviews
          </Title>
          {d.reviews.length === 0 && <Text>No reviews yet.</Text>}
          {d.reviews.length > 0 && (
            <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
              {d.reviews.map((r) => (
                <li key={r.id}>
                  <Stack gap={4} p="sm" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8 }}>
                    <Group justify="space-between" gap="xs">
                      <Anchor component={Link} to={`/annual-reviews/${r.id}`} fw={700}>
                        {formatDate(r.periodStart)} to {formatDate(r.periodEnd)}
                      </Anchor>
                      <Badge color={r.status === 'signed_off' ? 'teal.9' : 'gray.8'} variant="outline" tt="none">
                        {r.status === 'signed_off' ? 'Signed off' : 'Draft'}
                      </Badge>
                    </Group>
                    <Text fz="sm">{r.signedOff ? `Signed off by ${r.signedOff.name} on ${formatDate(r.signedOff.at)}` : `Last saved ${formatDate(r.updatedAt)}`}</Text>
                    <Anchor href={pdfHref(r.id)} fz="sm">
                      Printable record (PDF) for {formatDate(r.periodEnd)}
                    </Anchor>
                  </Stack>
                </li>
              ))}
            </Stack>
          )}
        </Stack>
      )}
      {d?.mayStart && <StartForm schoolId={school.id} />}
    </Page>
  );
}
