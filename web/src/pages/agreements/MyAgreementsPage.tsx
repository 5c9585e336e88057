// "My agreements": what this member of staff still has to accept (read to the end first) and what
// they have accepted, with the exact text of each accepted version.
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { AgreementText } from '../../components/agreements/AgreementText.tsx';
import { ScrollToAccept } from '../../components/agreements/ScrollToAccept.tsx';
import { methodLabel, type MyAgreements } from '../../components/agreements/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { formatDate, formatDateTime } from '../../format.ts';

function Outstanding({ item }: { item: MyAgreements['outstanding'][number] }) {
  const client = useQueryClient();
  const [read, setRead] = useState(false);
  const accept = useMutation({
    mutationFn: () => api.post<void>(`/my-agreements/${item.versionId}/accept`, { scrolledToEnd: true }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['my-agreements'] }),
  });
  const hintId = `hint-${item.versionId}`;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={`t-${item.versionId}`}>
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={2} fz={20} id={`t-${item.versionId}`}>
            {item.title}
          </Title>
          {item.dueOn && (
            <Badge color="orange" variant="light">
              Due {formatDate(item.dueOn)}
            </Badge>
          )}
        </Group>
        <ScrollToAccept text={item.text} label={`Text of ${item.title}`} onEnd={() => setRead(true)} />
        <Text id={hintId} fz="sm" role="status" fw={600} c={read ? 'teal.9' : 'gray.8'}>
          {read ? 'You have reached the end. You can now accept.' : 'Scroll to the end of the agreement to accept it.'}
        </Text>
        {accept.error && <ErrorAlert error={accept.error} title="Your acceptance was not saved" />}
        <Group>
          <Button onClick={() => accept.mutate()} disabled={!read} loading={accept.isPending} aria-describedby={hintId}>
            I accept this agreement
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function MyAgreementsPage() {
  const q = useQuery({ queryKey: ['my-agreements'], queryFn: () => api.get<MyAgreements>('/my-agreements') });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Page title="My agreements" intro="The agreements your school asks you to accept, and the ones you have accepted.">
      {q.isPending && <Loading />}
      {q.error && <ErrorAlert error={q.error} />}
      {q.data && (
        <>
          {q.data.outstanding.length === 0 ? (
            <Alert color="teal" variant="light" title="Nothing to accept" role="status">
              You are up to date with every agreement.
            </Alert>
          ) : (
            q.data.outstanding.map((o) => <Outstanding key={o.versionId} item={o} />)
          )}
          <Stack gap="sm" component="section" aria-labelledby="accepted-heading">
            <Title order={2} fz={20} id="accepted-heading">
              Accepted
            </Title>
            {q.data.accepted.length === 0 && <Text>You have not accepted any agreement yet.</Text>}
            {q.data.accepted.map((a) => (
              <Card key={a.acceptanceId ?? a.versionId} withBorder padding="md">
                <Group justify="space-between" gap="xs">
                  <div>
                    <Text fw={700}>
                      {a.title} (version {a.number})
                    </Text>
                    <Text fz="sm">
                      Accepted {formatDateTime(a.at)} · {methodLabel(a.method)}
                    </Text>
                    {a.withdrawnAt && (
                      <Badge color="gray.8" variant="outline">
                        Withdrawn {formatDate(a.withdrawnAt)}
                      </Badge>
                    )}
                  </div>
                  <Button variant="subtle" size="sm" onClick={() => setOpen(open === a.versionId ? null : a.versionId)} aria-expanded={open === a.versionId}>
                    {open === a.versionId ? 'Hide what I agreed to' : 'Show what I agreed to'}
                  </Button>
                </Group>
                {open === a.versionId && (
                  <Stack mt="sm" p="sm" bg="gray.0" style={{ borderRadius: 8 }}>
                    <AgreementText text={a.text} />
                  </Stack>
                )}
              </Card>
            ))}
          </Stack>
          <Anchor component={Link} to="/">
            Back to home
          </Anchor>
        </>
      )}
    </Page>
  );
}
