// One filter check as it was recorded: results by category and the tasks its failures raised.
// Nothing here is editable; a mistake is put right by recording a correcting check.
import { Alert, Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { formatDate, formatDateTime } from '../../format.ts';
import { useSignedIn } from '../../session.ts';
import { type CheckDetail, canRecordChecks } from './types.ts';

export function CheckPage() {
  const { checkId } = useParams();
  const session = useSignedIn();
  const check = useQuery({ queryKey: ['filter-check', checkId], queryFn: () => api.get<CheckDetail>(`/filter-checks/${checkId}`) });
  if (check.isPending) return <Page title="Filter check"><Loading /></Page>;
  if (check.error) return <Page title="Filter check"><ErrorAlert error={check.error} /></Page>;
  const c = check.data;
  return (
    <Page
      title={`Filter check, ${formatDate(c.checkedOn)}`}
      intro={`${c.device} · ${c.userGroupLabel} · ${c.methodLabel}${c.serviceName ? ` (${c.serviceName})` : ''}`}
      actions={
        <Group gap="xs" mt="xs">
          <Button component={Link} to="/filter-checks" variant="outline">
            All checks
          </Button>
          {canRecordChecks(session) && (
            <Button component={Link} to={`/filter-checks/new?corrects=${c.id}`} variant="subtle">
              Record a correction
            </Button>
          )}
        </Group>
      }
    >
      <Text>
        Run by {c.checkedBy.name}; recorded by {c.recordedBy.name} on {formatDateTime(c.recordedAt)}.
      </Text>
      {c.correctsId && (
        <Alert color="blue">
          This check corrects <Anchor component={Link} to={`/filter-checks/${c.correctsId}`}>an earlier check</Anchor>.
        </Alert>
      )}
      {c.correctedBy.map((id) => (
        <Alert key={id} color="yellow">
          A <Anchor component={Link} to={`/filter-checks/${id}`}>later check</Anchor> corrects this one.
        </Alert>
      ))}
      <Stack gap="xs" component="section" aria-labelledby="results-heading">
        <Title order={2} fz={20} id="results-heading">
          Results
        </Title>
        <TableWrap label="Results by category">
          <Table striped aria-label="Results by category" miw={480}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Category</Table.Th>
                <Table.Th scope="col">Result</Table.Th>
                <Table.Th scope="col">Address tested</Table.Th>
                <Table.Th scope="col">Note</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.results.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{r.category}</Table.Td>
                  <Table.Td>
                    <Badge color={r.outcome === 'blocked' ? 'teal.9' : 'red.9'} variant="outline" tt="none">
                      {r.outcomeLabel}
                    </Badge>
                  </Table.Td>
                  <Table.Td className="break-anywhere">{r.url ?? '—'}</Table.Td>
                  <Table.Td>{r.note ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableWrap>
      </Stack>
      {c.followUp && (
        <Stack gap={4} component="section" aria-labelledby="follow-heading">
          <Title order={2} fz={20} id="follow-heading">
            Follow-up actions
          </Title>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{c.followUp}</Text>
        </Stack>
      )}
      {c.tasks.length > 0 && (
        <Stack gap={4} component="section" aria-labelledby="tasks-heading">
          <Title order={2} fz={20} id="tasks-heading">
            Tasks for the IT provider
          </Title>
          <ul>
            {c.tasks.map((t) => (
              <li key={t.id}>
                {t.category}: {t.status === 'open' ? 'open' : `fixed by ${t.fix?.fixedBy} on ${formatDateTime(t.fix?.fixedAt)} — ${t.fix?.how}`}
              </li>
            ))}
          </ul>
          <Anchor component={Link} to="/filter-checks/tasks">
            Open IT tasks
          </Anchor>
        </Stack>
      )}
    </Page>
  );
}
