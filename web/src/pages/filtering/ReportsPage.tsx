// "This should be blocked / unblocked": any member of staff reports a site. The online safety lead
// (or headteacher) sees the open reports and turns each into a change request in the reporter's
// name, or declines it with a reason. Others see their own reports and what became of them.
import { Alert, Anchor, Button, Card, Group, NativeSelect, Radio, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { emptyGroup, type GroupDraft, GroupField, groupOf, groupProblem, isoFromLocal } from '../../components/filtering/ChangeFields.tsx';
import type { Report } from '../../components/filtering/types.ts';
import { formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

function ReportForm({ schoolId }: { schoolId: string }) {
  const client = useQueryClient();
  const [f, setF] = useState({ url: '', direction: 'block', why: '', whereSeen: '' });
  const [errors, setErrors] = useState<{ url?: string; why?: string }>({});
  const [sent, setSent] = useState(false);
  const send = useMutation({
    mutationFn: () => api.post(`/schools/${schoolId}/filter-reports`, { ...f, url: f.url.trim(), why: f.why.trim(), whereSeen: f.whereSeen.trim() || null }),
    onSuccess: async () => {
      setF({ url: '', direction: 'block', why: '', whereSeen: '' });
      setSent(true);
      await client.invalidateQueries({ queryKey: ['filter-reports'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSent(false);
    const found = { ...(f.url.trim() ? {} : { url: 'Enter the address of the site.' }), ...(f.why.trim() ? {} : { why: 'Say why it should change.' }) };
    setErrors(found);
    if (found.url) return document.getElementById('report-url')?.focus();
    if (found.why) return document.getElementById('report-why')?.focus();
    send.mutate();
  };
  return (
    <form noValidate onSubmit={submit} aria-labelledby="report-heading" style={{ maxWidth: 640 }}>
      <Stack gap="sm">
        <Title order={2} fz={22} id="report-heading">
          Report a site
        </Title>
        <TextInput id="report-url" label="Site address" placeholder="e.g. https://example.com/page" value={f.url} onChange={(e) => setF({ ...f, url: e.currentTarget.value })} error={errors.url} required />
        <Radio.Group label="It should be" value={f.direction} onChange={(direction) => setF({ ...f, direction })}>
          <Group gap="lg" mt={6}>
            <Radio value="block" label="Blocked" />
            <Radio value="unblock" label="Unblocked (allowed)" />
          </Group>
        </Radio.Group>
        <Textarea id="report-why" label="Why" autosize minRows={2} value={f.why} onChange={(e) => setF({ ...f, why: e.currentTarget.value })} error={errors.why} required />
        <TextInput label="Where you met it (optional)" description="For example the room, device or lesson." value={f.whereSeen} onChange={(e) => setF({ ...f, whereSeen: e.currentTarget.value })} />
        {send.error && <ErrorAlert error={send.error} title="The report was not sent" />}
        {sent && (
          <Alert color="green" role="status">
            Thank you. The online safety lead will decide what to do with it.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={send.isPending}>
            Send the report
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Decide({ r }: { r: Report }) {
  const client = useQueryClient();
  const [mode, setMode] = useState<'none' | 'convert' | 'decline'>('none');
  const [group, setGroup] = useState<GroupDraft>(emptyGroup());
  const [reason, setReason] = useState(r.why);
  const [endsAt, setEndsAt] = useState('');
  const [declineReason, setDeclineReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['filter-reports'] });
  const convert = useMutation({
    mutationFn: () => api.post(`/filter-reports/${r.id}/convert`, { userGroup: groupOf(group), reason: reason.trim(), endsAt: r.direction === 'unblock' ? isoFromLocal(endsAt) : null }),
    onSuccess: refresh,
  });
  const decline = useMutation({ mutationFn: () => api.post(`/filter-reports/${r.id}/decline`, { reason: declineReason.trim() }), onSuccess: refresh });
  const p = `decide-${r.id}`;
  if (mode === 'none') {
    return (
      <Group gap="sm">
        <Button size="xs" onClick={() => setMode('convert')}>
          Turn into a change request
        </Button>
        <Button size="xs" variant="outline" color="red" onClick={() => setMode('decline')}>
          Decline
        </Button>
      </Group>
    );
  }
  if (mode === 'decline') {
    return (
      <Stack
        component="form"
        gap="xs"
        aria-label={`Decline the report about ${r.url}`}
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (!declineReason.trim()) return setError('Say why it is declined; the reporter sees this.');
          setError(null);
          decline.mutate();
        }}
      >
        <Textarea label="Why it is declined" description="The reporter sees this." autosize minRows={2} value={declineReason} onChange={(e) => setDeclineReason(e.currentTarget.value)} error={error} data-autofocus autoFocus />
        {decline.error && <ErrorAlert error={decline.error} />}
        <Group gap="sm">
          <Button type="submit" size="xs" color="red" loading={decline.isPending}>
            Decline the report
          </Button>
          <Button size="xs" variant="subtle" onClick={() => setMode('none')}>
            Cancel
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack
      component="form"
      gap="xs"
      aria-label={`Request a change for ${r.url}`}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const g = groupProblem(group);
        if (g || !reason.trim()) return setError(g ?? 'Give the educational reason.');
        setError(null);
        convert.mutate();
      }}
    >
      <Text fz="sm">
        The request is made in {r.reported.name}’s name: the headteacher and a second person still decide it.
      </Text>
      <GroupField value={group} onChange={setGroup} idPrefix={p} error={error && groupProblem(group) ? error : undefined} />
      <Textarea label="Educational reason" autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={!reason.trim() ? (error ?? undefined) : undefined} />
      {r.direction === 'unblock' && (
        <TextInput type="datetime-local" label="Unblock ends (optional)" description="Leave empty for until further notice." value={endsAt} onChange={(e) => setEndsAt(e.currentTarget.value)} w={{ base: '100%', xs: 260 }} />
      )}
      {convert.error && <ErrorAlert error={convert.error} />}
      <Group gap="sm">
        <Button type="submit" size="xs" loading={convert.isPending}>
          Send as a change request
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setMode('none')}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

function ReportCard({ r, canDecide }: { r: Report; canDecide: boolean }) {
  return (
    <Card withBorder padding="sm" component="li">
      <Stack gap={4}>
        <Text fw={700} className="break-anywhere">
          {r.direction === 'block' ? 'Block' : 'Unblock'}: {r.url}
        </Text>
        <Text fz="sm" className="break-anywhere">
          Why: {r.why}
        </Text>
        {r.whereSeen && <Text fz="sm">Where: {r.whereSeen}</Text>}
        <Text fz="sm" c="dimmed">
          Reported by {r.reported.name}, {formatDateTime(r.reported.at)}
        </Text>
        {r.decision?.decision === 'declined' && (
          <Text fz="sm">
            Declined by {r.decision.name}, {formatDateTime(r.decision.at)}: {r.decision.reason}
          </Text>
        )}
        {r.decision?.decision === 'change_requested' && (
          <Text fz="sm">
            Passed on by {r.decision.name}, {formatDateTime(r.decision.at)} as{' '}
            <Anchor component={Link} to={`/filter-changes/${r.decision.changeId}`}>
              a change request
            </Anchor>
          </Text>
        )}
        {canDecide && r.status === 'open' && <Decide r={r} />}
      </Stack>
    </Card>
  );
}

export function ReportsPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const [status, setStatus] = useState<'open' | 'decided' | 'all'>('open');
  const list = useQuery({
    queryKey: ['filter-reports', school?.id, status],
    queryFn: () => api.get<{ canDecide: boolean; reports: Report[] }>(`/schools/${school?.id}/filter-reports`, { status }),
    enabled: Boolean(school),
    placeholderData: keepPreviousData,
  });
  const canDecide = list.data?.canDecide ?? false;
  return (
    <Page title="Site reports" intro="Tell the online safety lead that a site should be blocked or unblocked. They decide whether it becomes a change request.">
      {school && <ReportForm schoolId={school.id} />}
      <Stack gap="sm" component="section" aria-labelledby="reports-heading">
        <Title order={2} fz={22} id="reports-heading">
          {canDecide ? 'Reports to decide' : 'Your reports'}
        </Title>
        <NativeSelect
          label="Show"
          data={[
            { value: 'open', label: 'Open' },
            { value: 'decided', label: 'Decided' },
            { value: 'all', label: 'All' },
          ]}
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value as typeof status)}
          w={{ base: '100%', xs: 200 }}
        />
        {list.error && <ErrorAlert error={list.error} />}
        {list.isPending && school && <Loading />}
        {list.data && (
          <>
            <Text role="status" aria-live="polite" fw={600}>
              {list.data.reports.length === 0 ? 'No reports to show.' : `${list.data.reports.length} ${list.data.reports.length === 1 ? 'report' : 'reports'}`}
            </Text>
            <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Site reports">
              {list.data.reports.map((r) => (
                <ReportCard key={r.id} r={r} canDecide={canDecide} />
              ))}
            </Stack>
          </>
        )}
      </Stack>
    </Page>
  );
}
