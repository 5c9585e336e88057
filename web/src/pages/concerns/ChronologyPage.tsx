// A pupil's chronology: every concern and action about them in time order, with a printable PDF.
import { Alert, Anchor, Button, Group, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, isStatus } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { type Chronology, entryKindLabel } from '../../components/concerns/types.ts';
import { formatDateTime } from '../../format.ts';


export function ChronologyPage() {
  const { personId = '' } = useParams();
  const q = useQuery({
    queryKey: ['chronology', personId],
    queryFn: () => api.get<Chronology>(`/people/${encodeURIComponent(personId)}/chronology`),
  });
  if (q.isPending) return <Loading />;
  if (q.error) {
    return (
      <Page title="Chronology">
        {isStatus(q.error, 403, 404, 400) ? (
          <Alert color="yellow" title="We cannot show this chronology">
            The chronology is for the safeguarding team, and only for pupils of your school.
          </Alert>
        ) : (
          <ErrorAlert error={q.error} />
        )}
        <Anchor component={Link} to={`/people/${personId}`}>
          Back to the person
        </Anchor>
      </Page>
    );
  }
  const { pupil, entries } = q.data;
  return (
    <Page
      title={`Chronology: ${pupil.name}`}
      intro="Concerns and actions about this pupil, oldest first. Opening it is recorded in the audit trail."
      actions={
        <Group gap="sm">
          <Button component="a" href={`/api/v1/people/${pupil.id}/chronology.pdf`} target="_blank" rel="noopener" size="sm">
            Print or save as PDF
          </Button>
          <Anchor component={Link} to={`/people/${pupil.id}`}>
            Back to {pupil.name}
          </Anchor>
        </Group>
      }
    >
      {entries.length === 0 ? (
        <Text>Nothing recorded for this pupil.</Text>
      ) : (
        <TableWrap label={`Chronology of ${pupil.name}`}>
          <Table striped verticalSpacing="xs" miw={560} aria-label={`Chronology of ${pupil.name}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">Concern</Table.Th>
                <Table.Th scope="col">What</Table.Th>
                <Table.Th scope="col">Detail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e, i) => (
                <Table.Tr key={`${e.concernId}:${e.at}:${i}`}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {e.concernId ? (
                      <Anchor component={Link} to={`/concerns/${e.concernId}`}>
                        {e.reference}
                      </Anchor>
                    ) : e.alertId ? (
                      <Anchor component={Link} to={`/alerts/${e.alertId}`}>
                        Alert
                      </Anchor>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{entryKindLabel(e.kind)}</Table.Td>
                  <Table.Td className="break-anywhere">{e.text}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableWrap>
      )}
    </Page>
  );
}
