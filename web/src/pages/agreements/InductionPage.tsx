// Induction: each new member of staff's checklist, incomplete ones first, with the two items a
// person ticks by hand (policy read, training recorded); the others come from Haven's own records.
import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { canManageInduction, INDUCTION_LABELS, type InductionItems, type InductionRow } from '../../components/agreements/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { formatDate } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

const MANUAL: (keyof InductionItems)[] = ['policyRead', 'trainingRecorded'];

function Person({ row, canTick }: { row: InductionRow; canTick: boolean }) {
  const client = useQueryClient();
  const tick = useMutation({
    mutationFn: (item: keyof InductionItems) => api.post<void>(`/people/${row.personId}/induction/${item}`, { done: !row.items[item] }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['induction'] }),
  });
  const keys = Object.keys(INDUCTION_LABELS) as (keyof InductionItems)[];
  const done = keys.filter((k) => row.items[k]).length;
  return (
    <Card withBorder padding="md" component="li" aria-labelledby={`ind-${row.personId}`}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <div>
            <Anchor component={Link} to={`/people/${row.personId}`} fw={700} id={`ind-${row.personId}`}>
              {row.name}
            </Anchor>
            <Text fz="sm">Started {formatDate(row.startedOn)}</Text>
          </div>
          <Badge color={row.complete ? 'teal' : 'orange'} variant="light">
            {row.complete ? 'Complete' : `${done} of ${keys.length} done`}
          </Badge>
        </Group>
        <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {keys.map((k) => (
            <Group key={k} component="li" gap="xs" justify="space-between" wrap="nowrap">
              <Text>
                <span aria-hidden="true">{row.items[k] ? '✓' : '○'}</span> {INDUCTION_LABELS[k]}
                <span className="visually-hidden" style={{ position: 'absolute', left: -9999 }}>
                  {row.items[k] ? ': done' : ': not done'}
                </span>
              </Text>
              {canTick && MANUAL.includes(k) && (
                <Button
                  size="xs"
                  variant={row.items[k] ? 'subtle' : 'light'}
                  onClick={() => tick.mutate(k)}
                  loading={tick.isPending && tick.variables === k}
                  aria-label={`${row.items[k] ? 'Undo' : 'Mark done'}: ${INDUCTION_LABELS[k].toLowerCase()} for ${row.name}`}
                >
                  {row.items[k] ? 'Undo' : 'Mark done'}
                </Button>
              )}
            </Group>
          ))}
        </Stack>
        {tick.error && <ErrorAlert error={tick.error} title="Not saved" />}
      </Stack>
    </Card>
  );
}

export function InductionPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const q = useQuery({
    queryKey: ['induction', school?.id],
    queryFn: () => api.get<{ staff: InductionRow[] }>(`/schools/${school?.id}/induction`),
    enabled: Boolean(school),
  });
  const rows = [...(q.data?.staff ?? [])].sort((a, b) => Number(a.complete) - Number(b.complete) || (b.startedOn ?? '').localeCompare(a.startedOn ?? ''));
  const incomplete = rows.filter((r) => !r.complete).length;
  return (
    <Page title="Induction" intro="New staff and their online safety induction checklist. Incomplete ones come first.">
      {q.isPending && school && <Loading />}
      {q.error && <ErrorAlert error={q.error} />}
      {q.data && (
        <>
          <Text fw={700} role="status">
            {rows.length === 0 ? 'No new staff.' : incomplete === 0 ? 'Everyone has finished induction.' : `${incomplete} of ${rows.length} not finished`}
          </Text>
          <Title order={2} className="visually-hidden" style={{ position: 'absolute', left: -9999 }}>
            New staff
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
            {rows.map((r) => (
              <Person key={r.personId} row={r} canTick={canManageInduction(session)} />
            ))}
          </SimpleGrid>
        </>
      )}
    </Page>
  );
}
