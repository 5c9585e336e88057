// One change request: what is asked, each fact (requested, approved, agreed, applied, reverted) with
// who and when, its log, and only the steps this viewer may take now (the server lists them).
import { Alert, Box, Button, Card, Group, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { LogEntries } from '../../components/filtering/LogEntries.tsx';
import { type ChangeDetail, describeGroup, describeTargets, kindLabel, type LogEntry, shortRef, type Step } from '../../components/filtering/types.ts';
import { formatDateTime } from '../../format.ts';
import { StateBadge } from './ChangesPage.tsx';

function Fact({ title, done, children }: { title: string; done: boolean; children: React.ReactNode }) {
  return (
    <Card withBorder padding="sm" component="li" bg={done ? undefined : 'gray.0'}>
      <Title order={3} fz="md">
        {title}
      </Title>
      <Text fz="sm" component="div">
        {children}
      </Text>
    </Card>
  );
}

function Facts({ c }: { c: ChangeDetail }) {
  const headRefused = c.state === 'refused' && c.head && !c.second;
  const secondRefused = c.state === 'refused' && c.second;
  return (
    <Stack gap="xs" component="section" aria-labelledby="facts-heading">
      <Title order={2} fz={22} id="facts-heading">
        What has happened
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
        <Fact title="Requested" done>
          {c.requested.name}, {formatDateTime(c.requested.at)}
        </Fact>
        <Fact title={headRefused ? 'Refused by the headteacher' : 'Approved by the headteacher'} done={Boolean(c.head)}>
          {c.head ? (
            <>
              {c.head.name}, {formatDateTime(c.head.at)}
              {c.head.reason && <Text fz="sm">Reason: {c.head.reason}</Text>}
            </>
          ) : (
            'Not yet'
          )}
        </Fact>
        <Fact title={secondRefused ? 'Refused by the second person' : 'Agreed by the second person'} done={Boolean(c.second)}>
          {c.second ? (
            <>
              {c.second.name}, {formatDateTime(c.second.at)}
              {c.second.reason && <Text fz="sm">Reason: {c.second.reason}</Text>}
            </>
          ) : (
            'Not yet'
          )}
        </Fact>
        <Fact title="Applied by the IT provider" done={Boolean(c.applied)}>
          {c.applied ? (
            <>
              {c.applied.name}, {formatDateTime(c.applied.at)}
              <Text fz="sm">Ticket: {c.applied.ticketReference || 'none'}</Text>
            </>
          ) : (
            'Not yet'
          )}
        </Fact>
        {c.temporary && (
          <Fact title="Reverted" done={Boolean(c.reverted)}>
            {c.reverted ? `${c.reverted.name}, ${formatDateTime(c.reverted.at)}` : c.revertDueAt ? `Due since ${formatDateTime(c.revertDueAt)}` : `Due at ${formatDateTime(c.endsAt)}`}
          </Fact>
        )}
      </SimpleGrid>
    </Stack>
  );
}

function Log({ log }: { log: LogEntry[] }) {
  return (
    <Stack gap="xs" component="section" aria-labelledby="log-heading">
      <Title order={2} fz={22} id="log-heading">
        Log
      </Title>
      <LogEntries label="Log of this request" rows={log} showRequest={false} />
    </Stack>
  );
}

const STEP_BUTTONS: Record<Step, string> = {
  approve: 'Approve',
  agree: 'Agree',
  refuse: 'Refuse',
  apply: 'Record as applied',
  revert: 'Record as reverted',
};

function Steps({ c }: { c: ChangeDetail }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const take = useMutation({
    mutationFn: (step: Step) => api.post<{ state: string }>(`/filter-changes/${c.id}/${step}`, step === 'apply' ? { ticketReference: ticket.trim() } : { reason: reason.trim() || undefined }),
    onSuccess: async (_r, step) => {
      setReason('');
      setTicket('');
      setDone(`${STEP_BUTTONS[step]}: done.`);
      await client.invalidateQueries({ queryKey: ['filter-change', c.id] });
      await client.invalidateQueries({ queryKey: ['filter-changes'] });
    },
  });
  const decisions = c.allowedSteps.filter((s) => s === 'approve' || s === 'agree' || s === 'refuse');
  const go = (step: Step) => (e?: FormEvent) => {
    e?.preventDefault();
    setDone(null);
    if ((step === 'approve' || step === 'agree' || step === 'refuse') && !reason.trim()) {
      setError('Give the reason for your decision.');
      document.getElementById('step-reason')?.focus();
      return;
    }
    if (step === 'apply' && !ticket.trim()) {
      setError('Enter the ticket reference of the change.');
      document.getElementById('step-ticket')?.focus();
      return;
    }
    setError(null);
    take.mutate(step);
  };
  return (
    <Stack gap="xs" component="section" aria-labelledby="steps-heading">
      <Title order={2} fz={22} id="steps-heading">
        Your part
      </Title>
      {done && (
        <Alert color="green" role="status">
          {done}
        </Alert>
      )}
      {take.error && <ErrorAlert error={take.error} title="That step was not recorded" />}
      {c.allowedSteps.length === 0 && <Text>There is nothing for you to do on this request now.</Text>}
      {decisions.length > 0 && (
        <form noValidate onSubmit={go(decisions.includes('approve') ? 'approve' : decisions.includes('agree') ? 'agree' : 'refuse')} aria-label="Your decision" style={{ maxWidth: 640 }}>
          <Stack gap="sm">
            <Textarea id="step-reason" label="Reason for your decision" description="Weigh the benefit to teaching against the risk." autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} required />
            <Group gap="sm">
              {decisions.includes('approve') && (
                <Button type="submit" loading={take.isPending && take.variables === 'approve'}>
                  Approve
                </Button>
              )}
              {decisions.includes('agree') && (
                <Button type="submit" loading={take.isPending && take.variables === 'agree'}>
                  Agree
                </Button>
              )}
              {decisions.includes('refuse') && (
                <Button type="button" color="red" variant="outline" onClick={() => go('refuse')()} loading={take.isPending && take.variables === 'refuse'}>
                  Refuse
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      )}
      {c.allowedSteps.includes('apply') && (
        <form noValidate onSubmit={go('apply')} aria-label="Record as applied" style={{ maxWidth: 640 }}>
          <Stack gap="sm">
            <TextInput id="step-ticket" label="Ticket reference" description="The reference of the change in your filtering system or help desk." value={ticket} onChange={(e) => setTicket(e.currentTarget.value)} error={error} required w={{ base: '100%', xs: 300 }} />
            <Group>
              <Button type="submit" loading={take.isPending}>
                Record as applied
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {c.allowedSteps.includes('revert') && (
        <form noValidate onSubmit={go('revert')} aria-label="Record as reverted" style={{ maxWidth: 640 }}>
          <Stack gap="sm">
            <Textarea id="step-reason" label="Note (optional)" autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Group>
              <Button type="submit" loading={take.isPending}>
                Record as reverted
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}

export function ChangePage() {
  const { changeId = '' } = useParams();
  const q = useQuery({ queryKey: ['filter-change', changeId], queryFn: () => api.get<ChangeDetail>(`/filter-changes/${changeId}`) });
  const c = q.data;
  return (
    <Page title={c ? `${kindLabel(c.kind)} request ${shortRef(c.id)}` : 'Filtering change request'}>
      {q.error && <ErrorAlert error={q.error} />}
      {q.isPending && <Loading />}
      {c && (
        <>
          <Stack gap={6}>
            <Group gap="sm">
              <StateBadge state={c.state} />
              {c.lapsed && <Text fz="sm">The unblock period has ended.</Text>}
            </Group>
            <Box>
              <Text className="break-anywhere">
                <strong>{kindLabel(c.kind)}</strong> {describeTargets(c.targets)}
              </Text>
              <Text>For: {describeGroup(c.userGroup)}</Text>
              <Text>{c.endsAt ? `Until ${formatDateTime(c.endsAt)} (temporary)` : c.kind === 'unblock' ? 'Until further notice' : 'Permanent'}</Text>
              <Text className="break-anywhere">Reason: {c.reason}</Text>
            </Box>
          </Stack>
          <Steps c={c} />
          <Facts c={c} />
          <Log log={c.log} />
        </>
      )}
    </Page>
  );
}
