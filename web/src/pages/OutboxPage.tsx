// The outbox: every email Haven has queued or sent, so admins can see what people were told.
import { Badge, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, isStatus, type OutboxMessage } from '../api.ts';
import { TableWrap } from '../components/TableWrap.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { Loading, Page } from '../components/Page.tsx';
import { formatDateTime } from '../format.ts';

const STATUS: Record<string, { label: string; color: string }> = {
  sent: { label: 'Sent', color: 'teal.9' },
  outbox: { label: 'Not sent yet', color: 'gray.8' },
  pending: { label: 'Waiting', color: 'gray.8' },
  queued: { label: 'Waiting', color: 'gray.8' },
  failed: { label: 'Failed', color: 'red.9' },
};

export function OutboxPage() {
  const q = useQuery({
    queryKey: ['outbox'],
    queryFn: () => api.get<{ messages: OutboxMessage[] }>('/outbox', { limit: 100 }),
    retry: (n, e) => !isStatus(e, 403, 404) && n < 2,
  });
  return (
    <Page title="Outbox" intro="Emails Haven has sent or is about to send, newest first.">
      {q.isPending && <Loading />}
      {q.error && (isStatus(q.error, 404) ? <Text>The outbox is not available yet.</Text> : <ErrorAlert error={q.error} />)}
      {q.data && q.data.messages.length === 0 && <Text>No emails yet.</Text>}
      {q.data && q.data.messages.length > 0 && (
        <TableWrap label="Emails">
          <Table striped verticalSpacing="sm" miw={640} aria-label="Emails">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">To</Table.Th>
                <Table.Th scope="col">Subject and message</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.messages.map((m) => {
                const st = STATUS[m.status] ?? { label: m.status, color: 'gray.8' };
                return (
                  <Table.Tr key={m.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(m.createdAt)}</Table.Td>
                    <Table.Td className="break-anywhere">{m.to}</Table.Td>
                    <Table.Td>
                      <details>
                        <summary style={{ cursor: 'pointer', fontWeight: 600 }}>{m.subject}</summary>
                        <Stack gap={4} mt="xs">
                          <Text component="pre" fz="sm" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: 0 }} className="break-anywhere">
                            {m.text}
                          </Text>
                        </Stack>
                      </details>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={st.color} variant="outline">
                        {st.label}
                      </Badge>
                      {m.sentAt && <Text fz="xs">{formatDateTime(m.sentAt)}</Text>}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableWrap>
      )}
    </Page>
  );
}
