// Change-control log rows: a table on wide screens, one card per step on a phone.
import { Anchor, Box, Card, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../format.ts';
import { TableWrap } from '../TableWrap.tsx';
import { type LogEntry, shortRef, STEP_LABELS } from './types.ts';

const stepLabel = (s: string) => STEP_LABELS[s] ?? s;

function RequestLink({ id }: { id: string }) {
  return (
    <Anchor component={Link} to={`/filter-changes/${id}`} aria-label={`Request ${shortRef(id)}`}>
      {shortRef(id)}
    </Anchor>
  );
}

export function LogEntries({ label, rows, showRequest }: { label: string; rows: LogEntry[]; showRequest: boolean }) {
  return (
    <>
      <Box hiddenFrom="sm">
        <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label={label}>
          {rows.map((r) => (
            <Card key={r.id} withBorder padding="sm" component="li">
              <Text fw={700} fz="sm">
                {stepLabel(r.step)} · {formatDateTime(r.at)}
                {showRequest && (
                  <>
                    {' · '}
                    <RequestLink id={r.changeId} />
                  </>
                )}
              </Text>
              <Text fz="sm">By {r.by}</Text>
              <Text fz="sm" className="break-anywhere">
                {r.what}
              </Text>
              {r.reason && (
                <Text fz="sm" className="break-anywhere">
                  Why: {r.reason}
                </Text>
              )}
            </Card>
          ))}
        </Stack>
      </Box>
      <Box visibleFrom="sm">
        <TableWrap label={label}>
          <Table striped verticalSpacing="xs" miw={680} aria-label={label}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">When</Table.Th>
                {showRequest && <Table.Th scope="col">Request</Table.Th>}
                <Table.Th scope="col">Step</Table.Th>
                <Table.Th scope="col">By</Table.Th>
                <Table.Th scope="col">What</Table.Th>
                <Table.Th scope="col">Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.at)}</Table.Td>
                  {showRequest && (
                    <Table.Td>
                      <RequestLink id={r.changeId} />
                    </Table.Td>
                  )}
                  <Table.Td>{stepLabel(r.step)}</Table.Td>
                  <Table.Td>{r.by}</Table.Td>
                  <Table.Td className="break-anywhere">{r.what}</Table.Td>
                  <Table.Td className="break-anywhere">{r.reason ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableWrap>
      </Box>
    </>
  );
}
