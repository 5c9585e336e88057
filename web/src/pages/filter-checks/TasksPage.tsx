// Tasks for the IT provider: each category a filter check found not blocked, open until the
// network manager records who fixed it, when, how, and ideally a re-test.
import { Alert, Anchor, Badge, Button, Card, Group, Radio, SegmentedControl, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { formatDate, formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';
import type { Task } from './types.ts';

const nowLocal = () => {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function FixForm({ task, defaultName, onDone }: { task: Task; defaultName: string; onDone: () => void }) {
  const [fixedBy, setFixedBy] = useState(defaultName);
  const [fixedAt, setFixedAt] = useState(nowLocal());
  const [how, setHow] = useState('');
  const [retest, setRetest] = useState('none');
  const [retestUrl, setRetestUrl] = useState(task.url ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: unknown) => api.post(`/filter-check-tasks/${task.id}/fixed`, body),
    onSuccess: onDone,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!fixedBy.trim()) errs.fixedBy = 'Say who fixed it.';
    if (!fixedAt) errs.fixedAt = 'Enter when it was fixed.';
    if (!how.trim()) errs.how = 'Say how it was fixed, for example the rule or category changed.';
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    save.mutate({
      fixedBy: fixedBy.trim(),
      fixedAt: new Date(fixedAt).toISOString(),
      how: how.trim(),
      retest: retest === 'none' ? undefined : { outcome: retest, url: retestUrl.trim() || undefined },
    });
  };
  const p = `fix-${task.id}`;
  return (
    <form onSubmit={submit} noValidate aria-label={`Record ${task.category} fixed`}>
      <Stack gap="xs" mt="xs">
        <TextInput id={`${p}-by`} label="Who fixed it" required value={fixedBy} onChange={(e) => setFixedBy(e.currentTarget.value)} error={errors.fixedBy} />
        <TextInput id={`${p}-at`} type="datetime-local" label="When" required value={fixedAt} onChange={(e) => setFixedAt(e.currentTarget.value)} error={errors.fixedAt} />
        <Textarea id={`${p}-how`} label="How it was fixed" required autosize minRows={2} value={how} onChange={(e) => setHow(e.currentTarget.value)} error={errors.how} />
        <Radio.Group label="Re-test result" value={retest} onChange={setRetest}>
          <Group gap="md" mt={4}>
            <Radio value="none" label="Not re-tested" />
            <Radio value="blocked" label="Now blocked" />
            <Radio value="not_blocked" label="Still not blocked" />
          </Group>
        </Radio.Group>
        {retest !== 'none' && <TextInput id={`${p}-url`} label="Address re-tested" value={retestUrl} onChange={(e) => setRetestUrl(e.currentTarget.value)} />}
        {save.error && <ErrorAlert error={save.error} title="The fix was not recorded" />}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save fix
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function TasksPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const client = useQueryClient();
  const [status, setStatus] = useState<'open' | 'fixed'>('open');
  const [fixing, setFixing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const tasks = useQuery({
    queryKey: ['filter-check-tasks', school?.id, status],
    queryFn: () => api.get<{ mayRecordFix: boolean; tasks: Task[] }>(`/schools/${school?.id}/filter-check-tasks`, { status }),
    enabled: Boolean(school),
  });
  if (!school) return <Page title="IT tasks"><Alert color="yellow">Choose a school first.</Alert></Page>;
  const done = (t: Task) => () => {
    setFixing(null);
    setSaved(`${t.category} recorded fixed.`);
    void client.invalidateQueries({ queryKey: ['filter-check-tasks', school.id] });
    void client.invalidateQueries({ queryKey: ['filter-checks', school.id] });
  };
  return (
    <Page title="IT tasks" intro="Categories a filter check found not blocked. Each stays open until the IT provider records it fixed.">
      <SegmentedControl
        value={status}
        onChange={(v) => setStatus(v as 'open' | 'fixed')}
        data={[
          { value: 'open', label: 'Open' },
          { value: 'fixed', label: 'Fixed' },
        ]}
        aria-label="Show tasks"
        w="fit-content"
      />
      {saved && (
        <Alert color="teal" role="status">
          {saved}
        </Alert>
      )}
      {tasks.isPending && <Loading />}
      {tasks.error && <ErrorAlert error={tasks.error} />}
      {tasks.data && tasks.data.tasks.length === 0 && <Text>{status === 'open' ? 'No open tasks: every failed category has been fixed.' : 'No fixed tasks yet.'}</Text>}
      {tasks.data && tasks.data.tasks.length > 0 && (
        <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label={status === 'open' ? 'Open tasks' : 'Fixed tasks'}>
          {tasks.data.tasks.map((t) => (
            <li key={t.id}>
              <Card withBorder padding="sm">
                <Stack gap={4}>
                  <Group justify="space-between" gap="xs">
                    <Title order={2} fz={18}>
                      {t.category}
                    </Title>
                    <Badge color={t.status === 'open' ? 'red.9' : 'teal.9'} variant="outline" tt="none">
                      {t.status === 'open' ? 'Open' : 'Fixed'}
                    </Badge>
                  </Group>
                  <Text fz="sm" className="break-anywhere">
                    Not blocked: {t.url ?? 'no address given'}
                  </Text>
                  {t.check && (
                    <Text fz="sm">
                      Found on{' '}
                      <Anchor component={Link} to={`/filter-checks/${t.checkId}`}>
                        {formatDate(t.check.checkedOn)}, {t.check.device}
                      </Anchor>{' '}
                      ({t.check.userGroupLabel})
                    </Text>
                  )}
                  {t.fix && (
                    <Text fz="sm">
                      Fixed by {t.fix.fixedBy} on {formatDateTime(t.fix.fixedAt)}: {t.fix.how}
                      {/[.!?]$/.test(t.fix.how) ? '' : '.'}
                      {t.fix.retest ? ` Re-test: ${t.fix.retest.outcome === 'blocked' ? 'now blocked' : 'not blocked'}.` : ' Not re-tested.'}
                    </Text>
                  )}
                  {t.status === 'open' && tasks.data.mayRecordFix && fixing !== t.id && (
                    <Button variant="outline" w="fit-content" onClick={() => setFixing(t.id)} aria-label={`Record ${t.category} fixed`}>
                      Record fixed
                    </Button>
                  )}
                  {fixing === t.id && <FixForm task={t} defaultName={session.account.displayName} onDone={done(t)} />}
                </Stack>
              </Card>
            </li>
          ))}
        </Stack>
      )}
    </Page>
  );
}
