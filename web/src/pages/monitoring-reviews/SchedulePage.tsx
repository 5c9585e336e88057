// The school's review schedule: which reviews, how often, who signs them off, and when they count
// as overdue. The headteacher or a trust administrator changes it; everyone else reads it.
import { Alert, Button, Checkbox, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { currentSchool, useSignedIn } from '../../session.ts';
import { CADENCE_LABELS, REVIEWER_ROLE_LABELS, type Schedule, type ScheduleEntry } from './types.ts';

const slug = (label: string, taken: Set<string>) => {
  const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(\d)/, 'r_$1').slice(0, 32) || 'review';
  let kind = base;
  for (let n = 2; taken.has(kind); n++) kind = `${base}_${n}`;
  return kind;
};

function Editor({ schedule }: { schedule: Schedule }) {
  const client = useQueryClient();
  const [kinds, setKinds] = useState<ScheduleEntry[]>(schedule.kinds);
  useEffect(() => setKinds(schedule.kinds), [schedule]);
  const save = useMutation({
    mutationFn: () => api.put<Schedule>(`/schools/${schedule.schoolId}/monitoring-schedule`, { kinds }),
    onSuccess: (data) => client.setQueryData(['monitoring-schedule', schedule.schoolId], data),
  });
  const set = (i: number, patch: Partial<ScheduleEntry>) => setKinds((xs) => xs.map((k, j) => (j === i ? { ...k, ...patch } : k)));
  const add = () =>
    setKinds((xs) => [...xs, { kind: slug('New review', new Set(xs.map((x) => x.kind))), label: 'New review', cadence: 'monthly', reviewerRoles: ['headteacher'], overdueAfterDays: 14 }]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Stack gap="sm" component="form" onSubmit={submit} aria-labelledby="edit-heading">
      <Title order={2} fz={20} id="edit-heading">
        Change the schedule
      </Title>
      {kinds.map((k, i) => (
        <Paper key={k.kind} withBorder p="md" radius="md" role="group" aria-label={`Review ${i + 1}`}>
          <Stack gap="xs">
            <TextInput label={`Review ${i + 1}: name`} value={k.label} onChange={(e) => set(i, { label: e.currentTarget.value })} required />
            <Group grow align="flex-start" wrap="wrap">
              <Select
                label="How often"
                data={Object.entries(CADENCE_LABELS).map(([value, label]) => ({ value, label }))}
                value={k.cadence}
                onChange={(v) => v && set(i, { cadence: v as ScheduleEntry['cadence'] })}
                allowDeselect={false}
                miw={180}
              />
              <NumberInput label="Overdue after (days)" min={1} max={365} value={k.overdueAfterDays} onChange={(v) => set(i, { overdueAfterDays: Number(v) || 1 })} miw={160} />
            </Group>
            <Checkbox.Group label="Signed off by" description="Any holder of these roles at the school, or trust-wide." value={k.reviewerRoles} onChange={(v) => set(i, { reviewerRoles: v })}>
              <Group gap="md" mt={4}>
                {Object.entries(REVIEWER_ROLE_LABELS).map(([role, label]) => (
                  <Checkbox key={role} value={role} label={label} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button variant="subtle" color="red" size="xs" onClick={() => setKinds((xs) => xs.filter((_, j) => j !== i))}>
                Remove review {i + 1}
              </Button>
            </Group>
          </Stack>
        </Paper>
      ))}
      <Group>
        <Button variant="light" onClick={add}>
          Add a review
        </Button>
        <Button type="submit" loading={save.isPending}>
          Save schedule
        </Button>
      </Group>
      {save.error && <ErrorAlert error={save.error} title="Schedule not saved" />}
      {save.isSuccess && (
        <Alert color="green" variant="light" role="status">
          Schedule saved. New reviews follow it from the next period that ends.
        </Alert>
      )}
    </Stack>
  );
}

export function SchedulePage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const schedule = useQuery({
    queryKey: ['monitoring-schedule', school?.id],
    queryFn: () => api.get<Schedule>(`/schools/${school?.id}/monitoring-schedule`),
    enabled: Boolean(school),
  });
  if (!school)
    return (
      <Page title="Review schedule">
        <Alert color="yellow">Choose a school first.</Alert>
      </Page>
    );
  return (
    <Page title="Review schedule" intro={`When ${school.name}'s filtering and monitoring is reviewed, and by whom.`}>
      {schedule.isPending && <Loading />}
      {schedule.error && <ErrorAlert error={schedule.error} />}
      {schedule.data && (
        <>
          <Stack gap="xs">
            {!schedule.data.custom && <Text size="sm">This is the standard schedule: weekly by the headteacher, monthly by the trust CEO as quality assurance, yearly by governors.</Text>}
            <TableWrap label="Review schedule">
              <Table striped aria-label="Review schedule" miw={520}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Review</Table.Th>
                    <Table.Th scope="col">How often</Table.Th>
                    <Table.Th scope="col">Signed off by</Table.Th>
                    <Table.Th scope="col">Overdue after</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {schedule.data.kinds.map((k) => (
                    <Table.Tr key={k.kind}>
                      <Table.Td>{k.label}</Table.Td>
                      <Table.Td>{CADENCE_LABELS[k.cadence]}</Table.Td>
                      <Table.Td>{k.reviewerRoles.map((r) => REVIEWER_ROLE_LABELS[r] ?? r).join(' or ')}</Table.Td>
                      <Table.Td>{k.overdueAfterDays} days</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableWrap>
          </Stack>
          {schedule.data.canEdit ? <Editor schedule={schedule.data} /> : <Text c="dimmed">Only the headteacher or a trust administrator can change the schedule.</Text>}
        </>
      )}
    </Page>
  );
}
