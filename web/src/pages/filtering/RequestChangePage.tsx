// "Request a change": any member of staff asks in writing for sites or categories to be blocked or
// unblocked, for whom, why, and (for an unblock) until when. Nothing changes until two people agree.
import { Alert, Button, Group, Radio, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Page } from '../../components/Page.tsx';
import { emptyGroup, type GroupDraft, GroupField, groupOf, groupProblem, isoFromLocal, TargetsField } from '../../components/filtering/ChangeFields.tsx';
import type { Target } from '../../components/filtering/types.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

type Errors = Partial<Record<'targets' | 'group' | 'reason' | 'endsAt', string>>;
const FIRST_FIELD: Record<keyof Errors, string> = { targets: 'req-target-0', group: 'req-group-years', reason: 'req-reason', endsAt: 'req-ends' };

export function RequestChangePage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const navigate = useNavigate();
  const client = useQueryClient();
  const [kind, setKind] = useState<'block' | 'unblock'>('unblock');
  const [targets, setTargets] = useState<Target[]>([{ type: 'site', value: '' }]);
  const [group, setGroup] = useState<GroupDraft>(emptyGroup());
  const [reason, setReason] = useState('');
  const [temporary, setTemporary] = useState(true);
  const [endsAt, setEndsAt] = useState('');
  // Errors show from the first try to send, then follow the form as it is corrected.
  const [tried, setTried] = useState(false);

  const send = useMutation({
    mutationFn: () =>
      api.post<{ id: string }>(`/schools/${school?.id}/filter-changes`, {
        kind,
        targets: targets.map((t) => ({ ...t, value: t.value.trim() })),
        userGroup: groupOf(group),
        reason: reason.trim(),
        endsAt: kind === 'unblock' && temporary ? isoFromLocal(endsAt) : null,
      }),
    onSuccess: async (r) => {
      await client.invalidateQueries({ queryKey: ['filter-changes'] });
      navigate(`/filter-changes/${r.id}`);
    },
  });

  const validate = (): Errors => {
    const found: Errors = {};
    if (targets.some((t) => !t.value.trim())) found.targets = 'Fill in every site or category, or remove the empty one.';
    const g = groupProblem(group);
    if (g) found.group = g;
    if (!reason.trim()) found.reason = 'Give the educational reason for the change.';
    if (kind === 'unblock' && temporary) {
      if (!endsAt) found.endsAt = 'Choose when the unblock should end, or choose “Until further notice”.';
      else if (new Date(endsAt).getTime() <= Date.now()) found.endsAt = 'The end must be in the future.';
    }
    return found;
  };
  const errors = tried ? validate() : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    const found = validate();
    const first = (Object.keys(found) as (keyof Errors)[])[0];
    if (first) {
      const id = first === 'group' && group.group === 'class' ? 'req-group-class' : FIRST_FIELD[first];
      document.getElementById(id)?.focus();
      return;
    }
    send.mutate();
  };

  return (
    <Page title="Request a filtering change" intro="The headteacher and a second person (the online safety lead or a deputy DSL) must both agree before the IT provider makes the change.">
      <form noValidate onSubmit={submit} aria-label="Request a filtering change" style={{ maxWidth: 720 }}>
        <Stack gap="md">
          <Radio.Group label="What should happen?" value={kind} onChange={(v) => setKind(v as 'block' | 'unblock')} required>
            <Group gap="lg" mt={6}>
              <Radio value="unblock" label="Unblock (allow)" />
              <Radio value="block" label="Block" />
            </Group>
          </Radio.Group>
          <TargetsField value={targets} onChange={setTargets} error={errors.targets} idPrefix="req-target" />
          <GroupField value={group} onChange={setGroup} error={errors.group} idPrefix="req-group" />
          <Textarea
            id="req-reason"
            label="Educational reason"
            description="What it is for, and why the benefit outweighs the risk."
            autosize
            minRows={3}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errors.reason}
            required
          />
          {kind === 'unblock' && (
            <Stack gap="xs">
              <Radio.Group label="For how long?" value={temporary ? 'temporary' : 'permanent'} onChange={(v) => setTemporary(v === 'temporary')}>
                <Group gap="lg" mt={6}>
                  <Radio value="temporary" label="Until a date and time (temporary)" />
                  <Radio value="permanent" label="Until further notice" />
                </Group>
              </Radio.Group>
              {temporary && (
                <TextInput
                  id="req-ends"
                  type="datetime-local"
                  label="Unblock ends"
                  description="The IT provider is told to revert it then. If it is not agreed and applied before this time, the request expires."
                  value={endsAt}
                  onChange={(e) => setEndsAt(e.currentTarget.value)}
                  error={errors.endsAt}
                  w={{ base: '100%', xs: 260 }}
                />
              )}
            </Stack>
          )}
          {send.error && <ErrorAlert error={send.error} title="The request was not sent" />}
          {!school && <Alert color="yellow">Choose a school first.</Alert>}
          <Group>
            <Button type="submit" loading={send.isPending} disabled={!school}>
              Send the request
            </Button>
          </Group>
        </Stack>
      </form>
    </Page>
  );
}
