// The next-step panel of a case. What it offers comes from the server's `allowedTransitions`;
// each form sends one event to POST /concerns/:id/transitions and shows the problem if refused.
import { Alert, Badge, Button, Card, Checkbox, Group, List, NativeSelect, Radio, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { api, ApiError } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { localDateTimeValue } from './draft.ts';
import { type Picked, PeoplePicker } from './PeoplePicker.tsx';
import { ACTION_LABELS, AGENCY_LABELS, AREA_LABELS, AREAS, type Concern, OUTCOME_LABELS, roleName, TYPE_LABELS, TYPES } from './types.ts';

function useTransition(concern: Concern) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<Concern>(`/concerns/${concern.id}/transitions`, body),
    onSuccess: (next) => {
      client.setQueryData(['concern', concern.id], next);
      void client.invalidateQueries({ queryKey: ['concern', concern.id] });
      void client.invalidateQueries({ queryKey: ['concern-queue'] });
    },
  });
}

function Step({ title, children, tone }: { title: string; children: ReactNode; tone?: 'danger' }) {
  return (
    <Stack gap="xs" p="sm" style={{ border: `1px solid var(--mantine-color-${tone === 'danger' ? 'red-7' : 'gray-4'})`, borderRadius: 8 }} component="section" aria-label={title}>
      <Title order={3} fz={17}>
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function onForm(fn: () => void) {
  return (e: FormEvent) => {
    e.preventDefault();
    fn();
  };
}

function OwnerStep({ concern, schoolId, can }: { concern: Concern; schoolId: string; can: Set<string> }) {
  const t = useTransition(concern);
  const [owner, setOwner] = useState<Picked[]>([]);
  const [assigning, setAssigning] = useState(false);
  const chosen = owner[owner.length - 1];
  return (
    <Step title="Owner">
      <Text>{concern.owner ? `${concern.owner.name} owns this case.` : 'Nobody owns this case yet.'}</Text>
      {can.has('take') && (
        <Button onClick={() => t.mutate({ event: 'take' })} loading={t.isPending && t.variables?.event === 'take'} w="fit-content">
          Take this case
        </Button>
      )}
      {can.has('assign') && !assigning && (
        <Button variant="subtle" size="compact-sm" onClick={() => setAssigning(true)} w="fit-content">
          Give the case to someone else…
        </Button>
      )}
      {can.has('assign') && assigning && (
        <Stack gap="xs" component="form" onSubmit={onForm(() => chosen && t.mutate({ event: 'assign', ownerPersonId: chosen.personId }, { onSuccess: () => setAssigning(false) }))}>
          <PeoplePicker schoolId={schoolId} kind="staff" label="Give the case to someone else" value={chosen ? [chosen] : []} onChange={(v) => setOwner(v.slice(-1))} chosenLabel="New owner" />
          <Group gap="xs">
            <Button type="submit" variant="outline" disabled={!chosen} loading={t.isPending && t.variables?.event === 'assign'}>
              {chosen ? `Make ${chosen.name} the owner` : 'Choose the new owner'}
            </Button>
            <Button variant="subtle" onClick={() => setAssigning(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      )}
      {t.error && <ErrorAlert error={t.error} title="The owner was not changed" />}
    </Step>
  );
}

function PathStep({ concern, can }: { concern: Concern; can: Set<string> }) {
  const t = useTransition(concern);
  const [closing, setClosing] = useState(false);
  const [outcome, setOutcome] = useState<string>('no_further_action');
  const [reason, setReason] = useState('');
  return (
    <Step title="Triage: which path?">
      <Text>Is illegal activity suspected, or is a child at risk of serious harm?</Text>
      <Group gap="sm">
        {can.has('suspect_illegal') && (
          <Button color="red.8" onClick={() => t.mutate({ event: 'suspect_illegal' })} loading={t.isPending && t.variables?.event === 'suspect_illegal'}>
            Yes — follow the illegal path
          </Button>
        )}
        {can.has('start_investigation') && (
          <Button onClick={() => t.mutate({ event: 'start_investigation' })} loading={t.isPending && t.variables?.event === 'start_investigation'}>
            No — start an investigation
          </Button>
        )}
      </Group>
      {can.has('close_without_action') && !closing && (
        <Button variant="subtle" onClick={() => setClosing(true)} w="fit-content">
          Close without action…
        </Button>
      )}
      {closing && (
        <Stack gap="xs" component="form" onSubmit={onForm(() => t.mutate({ event: 'close_without_action', outcome, reason: reason.trim() }))}>
          <Radio.Group label="Why close without action?" value={outcome} onChange={setOutcome}>
            <Stack gap={6} mt={6}>
              <Radio value="duplicate" label="It duplicates another concern" />
              <Radio value="no_further_action" label="No further action is needed" />
            </Stack>
          </Radio.Group>
          <Textarea label="Reason" description="For example the reference of the concern it duplicates." value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} withAsterisk />
          <Group gap="xs">
            <Button type="submit" variant="outline" loading={t.isPending && t.variables?.event === 'close_without_action'}>
              Close the concern
            </Button>
            <Button variant="subtle" onClick={() => setClosing(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      )}
      {t.error && <ErrorAlert error={t.error} title="That step was refused" />}
    </Step>
  );
}

function IllegalStep({ concern, can }: { concern: Concern; can: Set<string> }) {
  const t = useTransition(concern);
  const ill = concern.illegal;
  const [viewingStopped, setViewingStopped] = useState(Boolean(ill?.viewingStoppedAt));
  const [deviceIsolated, setDeviceIsolated] = useState(Boolean(ill?.deviceIsolatedAt));
  const [agency, setAgency] = useState(ill?.referral?.agency ?? 'police');
  const [reference, setReference] = useState(ill?.referral?.reference ?? '');
  const [referredAt, setReferredAt] = useState(() => localDateTimeValue());
  const contained = Boolean(ill?.viewingStoppedAt && ill?.deviceIsolatedAt);
  return (
    <Step title="Illegal path" tone="danger">
      <Text>Nothing more happens to the evidence: it is read-only. Record containment and the referral, then complete the referral.</Text>
      {contained ? (
        <Text>
          ✓ Viewing stopped {formatDateTime(ill?.viewingStoppedAt)}; device isolated {formatDateTime(ill?.deviceIsolatedAt)}.
        </Text>
      ) : (
        can.has('record_containment') && (
          <Stack gap="xs" component="form" onSubmit={onForm(() => t.mutate({ event: 'record_containment', viewingStopped, deviceIsolated }))}>
            <Checkbox label="All viewing of the material has stopped" checked={viewingStopped} onChange={(e) => setViewingStopped(e.currentTarget.checked)} />
            <Checkbox label="The device is isolated and preserved (left on, not used, kept safe)" checked={deviceIsolated} onChange={(e) => setDeviceIsolated(e.currentTarget.checked)} />
            <Button type="submit" variant="outline" w="fit-content" loading={t.isPending && t.variables?.event === 'record_containment'}>
              Record containment
            </Button>
          </Stack>
        )
      )}
      {ill?.referral ? (
        <Text>
          ✓ Referred to {AGENCY_LABELS[ill.referral.agency] ?? ill.referral.agency}, reference <strong>{ill.referral.reference}</strong>, at {formatDateTime(ill.referral.referredAt)}.
        </Text>
      ) : (
        can.has('record_referral') && (
          <Stack
            gap="xs"
            component="form"
            onSubmit={onForm(() => t.mutate({ event: 'record_referral', agency, reference: reference.trim(), referredAt: new Date(referredAt).toISOString() }))}
          >
            <NativeSelect label="Referred to" data={Object.entries(AGENCY_LABELS).map(([value, label]) => ({ value, label }))} value={agency} onChange={(e) => setAgency(e.currentTarget.value)} />
            <TextInput label="Their reference" value={reference} onChange={(e) => setReference(e.currentTarget.value)} withAsterisk />
            <TextInput label="When referred" type="datetime-local" value={referredAt} onChange={(e) => setReferredAt(e.currentTarget.value)} maw={280} />
            <Button type="submit" variant="outline" w="fit-content" loading={t.isPending && t.variables?.event === 'record_referral'}>
              Record referral
            </Button>
          </Stack>
        )
      )}
      {can.has('complete_referral') && (
        <Button color="red.8" onClick={() => t.mutate({ event: 'complete_referral' })} w="fit-content" loading={t.isPending && t.variables?.event === 'complete_referral'}>
          Complete the referral
        </Button>
      )}
      {t.error && <ErrorAlert error={t.error} title="That step was refused" />}
    </Step>
  );
}

function InvestigationStep({ concern, schoolId, can }: { concern: Concern; schoolId: string; can: Set<string> }) {
  const t = useTransition(concern);
  const recorded = concern.investigation?.attendees ?? [];
  const [attendees, setAttendees] = useState<Picked[]>(() => recorded.map((a) => ({ personId: a.personId, name: a.name, kind: 'staff', detail: roleName(a.role) })));
  const [findings, setFindings] = useState(concern.investigation?.findings ?? '');
  const [judgement, setJudgement] = useState<string | null>(concern.investigation?.judgement ?? null);
  return (
    <Step title="Investigation">
      <Text>At least two senior staff (headteacher, DSL, deputy DSL or online safety lead) must be recorded as present before findings are saved.</Text>
      {recorded.length > 0 && (
        <div>
          <Text fw={600} fz="sm">
            Recorded as present
          </Text>
          <List size="sm">
            {recorded.map((a) => (
              <List.Item key={a.personId}>
                {a.name}
                {a.role ? ` — ${roleName(a.role)}` : ''}
              </List.Item>
            ))}
          </List>
        </div>
      )}
      {can.has('record_attendees') && (
        <Stack gap="xs" component="form" onSubmit={onForm(() => t.mutate({ event: 'record_attendees', attendeePersonIds: attendees.map((a) => a.personId) }))}>
          <PeoplePicker schoolId={schoolId} kind="staff" label="Who was present?" value={attendees} onChange={setAttendees} chosenLabel="Present" />
          <Button type="submit" variant="outline" w="fit-content" disabled={attendees.length === 0} loading={t.isPending && t.variables?.event === 'record_attendees'}>
            Record who was present
          </Button>
        </Stack>
      )}
      {can.has('save_findings') && (
        <Stack gap="xs" component="form" onSubmit={onForm(() => t.mutate({ event: 'save_findings', findings: findings.trim(), judgement }))}>
          <Textarea label="Findings" description="What the investigation found: URLs visited, screenshots taken, what people said." value={findings} onChange={(e) => setFindings(e.currentTarget.value)} autosize minRows={3} withAsterisk />
          <Radio.Group label="Judgement" value={judgement} onChange={setJudgement} withAsterisk>
            <Group gap="lg" mt={6}>
              <Radio value="substantiated" label="Substantiated" />
              <Radio value="not_substantiated" label="Not substantiated" />
            </Group>
          </Radio.Group>
          <Button type="submit" w="fit-content" disabled={!judgement} loading={t.isPending && t.variables?.event === 'save_findings'}>
            Save findings
          </Button>
        </Stack>
      )}
      {t.error && <ErrorAlert error={t.error} title="That step was refused" />}
    </Step>
  );
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function ActionsStep({ concern, can }: { concern: Concern; can: Set<string> }) {
  const t = useTransition(concern);
  const proposed = concern.proposedActions.map((p) => p.action);
  const [ticked, setTicked] = useState<string[]>(proposed);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const deviates = !sameSet(proposed, ticked);
  const recorded = concern.actionsTaken.length > 0 || Boolean(concern.deviationReason);
  const labelOf = (a: string) => concern.proposedActions.find((p) => p.action === a)?.label ?? ACTION_LABELS[a] ?? a;
  // Proposed actions first, then the rest of the matrix's vocabulary.
  const all = [...proposed, ...Object.keys(ACTION_LABELS).filter((a) => !proposed.includes(a))];

  if (recorded) {
    return (
      <Step title="Actions taken">
        <List size="sm">
          {concern.actionsTaken.map((a) => (
            <List.Item key={`${a.action}:${a.doneAt}`}>
              {a.label} — {a.doneBy}, {formatDateTime(a.doneAt)}
              {a.note ? ` (${a.note})` : ''}
            </List.Item>
          ))}
        </List>
        {concern.deviationReason && (
          <Text fz="sm">
            <strong>Why this differs from the sanctions matrix:</strong> {concern.deviationReason}
          </Text>
        )}
      </Step>
    );
  }
  if (!can.has('record_actions')) return null;
  return (
    <Step title="Actions">
      <Stack
        gap="xs"
        component="form"
        onSubmit={onForm(() => {
          if (deviates && !reason.trim()) {
            setReasonError('The ticked actions differ from the sanctions matrix: say why.');
            document.getElementById('deviation-reason')?.focus();
            return;
          }
          setReasonError(null);
          t.mutate({ event: 'record_actions', actions: ticked.map((action) => ({ action })), ...(deviates ? { deviationReason: reason.trim() } : {}) });
        })}
      >
        <Checkbox.Group
          label="Tick what was done"
          description={proposed.length > 0 ? 'The school’s sanctions matrix proposes the ticked actions for this type of concern.' : 'The sanctions matrix proposes nothing for this concern.'}
          value={ticked}
          onChange={setTicked}
        >
          <Stack gap={6} mt={6}>
            {all.map((a) => (
              <Checkbox
                key={a}
                value={a}
                label={
                  <>
                    {labelOf(a)}{' '}
                    {proposed.includes(a) && (
                      <Badge size="xs" variant="light" tt="none">
                        proposed
                      </Badge>
                    )}
                  </>
                }
              />
            ))}
          </Stack>
        </Checkbox.Group>
        {deviates && (
          <Textarea
            id="deviation-reason"
            label="Why do the actions differ from the sanctions matrix?"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            withAsterisk
            error={reasonError ?? (t.error instanceof ApiError ? t.error.fieldError('deviationReason') : undefined)}
          />
        )}
        <Button type="submit" w="fit-content" loading={t.isPending}>
          Record actions
        </Button>
      </Stack>
      {t.error && <ErrorAlert error={t.error} title="The actions were not recorded" />}
    </Step>
  );
}

function CloseStep({ concern }: { concern: Concern }) {
  const t = useTransition(concern);
  const [feedback, setFeedback] = useState('');
  const [lessons, setLessons] = useState('');
  const [outcome, setOutcome] = useState(concern.outcome ?? '');
  const choices = ['substantiated', 'not_substantiated', 'referred'];
  return (
    <Step title="Feedback, lessons learned and close">
      <Stack
        gap="xs"
        component="form"
        onSubmit={onForm(() => t.mutate({ event: 'close', feedback: feedback.trim(), lessonsLearned: lessons.trim(), ...(outcome ? { outcome } : {}) }))}
      >
        <Textarea label="Feedback given to those involved" description="Who was told what, and when." value={feedback} onChange={(e) => setFeedback(e.currentTarget.value)} autosize minRows={2} withAsterisk />
        <Textarea label="Lessons learned" description="What the school will change. Write “none” if nothing." value={lessons} onChange={(e) => setLessons(e.currentTarget.value)} autosize minRows={2} withAsterisk />
        <NativeSelect label="Outcome" data={choices.map((o) => ({ value: o, label: OUTCOME_LABELS[o] ?? o }))} value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)} maw={300} />
        <Button type="submit" w="fit-content" loading={t.isPending}>
          Close the concern
        </Button>
      </Stack>
      {t.error && <ErrorAlert error={t.error} title="The concern was not closed" />}
    </Step>
  );
}

function TypeStep({ concern }: { concern: Concern }) {
  const t = useTransition(concern);
  const [open, setOpen] = useState(false);
  const [type, setType] = useState(concern.type);
  const [area, setArea] = useState(concern.area);
  if (!open) {
    return (
      <Group gap="xs">
        <Button variant="subtle" size="compact-sm" onClick={() => setOpen(true)}>
          Change type or area…
        </Button>
        <Button variant="subtle" size="compact-sm" onClick={() => t.mutate({ event: 'set_urgency', urgent: !concern.urgent })} loading={t.isPending}>
          {concern.urgent ? 'Mark as not urgent' : 'Mark as urgent'}
        </Button>
        {t.error && <ErrorAlert error={t.error} title="Not changed" />}
      </Group>
    );
  }
  return (
    <Stack gap="xs" component="form" onSubmit={onForm(() => t.mutate({ event: 'set_type', type, area }, { onSuccess: () => setOpen(false) }))}>
      <NativeSelect label="Type" data={TYPES.map((v) => ({ value: v, label: TYPE_LABELS[v] ?? v }))} value={type} onChange={(e) => setType(e.currentTarget.value)} />
      <NativeSelect label="Area" data={AREAS.map((v) => ({ value: v, label: AREA_LABELS[v] ?? v }))} value={area} onChange={(e) => setArea(e.currentTarget.value)} />
      <Group gap="xs">
        <Button type="submit" size="sm" variant="outline" loading={t.isPending}>
          Save type and area
        </Button>
        <Button size="sm" variant="subtle" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </Group>
      {t.error && <ErrorAlert error={t.error} title="Not changed" />}
    </Stack>
  );
}

export function NextSteps({ concern, schoolId }: { concern: Concern; schoolId: string }) {
  const can = new Set(concern.allowedTransitions);
  const closed = concern.status === 'closed';
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="next-heading">
      <Title order={2} fz={20} id="next-heading" mb="sm">
        {closed ? 'Closed' : 'Next step'}
      </Title>
      <Stack gap="md">
        {closed && (
          <Alert color="gray" variant="light" title={`Closed — ${OUTCOME_LABELS[concern.outcome ?? ''] ?? 'no outcome'}`}>
            {concern.feedback && (
              <Text fz="sm">
                <strong>Feedback:</strong> {concern.feedback}
              </Text>
            )}
            {concern.lessonsLearned && (
              <Text fz="sm">
                <strong>Lessons learned:</strong> {concern.lessonsLearned}
              </Text>
            )}
          </Alert>
        )}
        {(can.has('take') || can.has('assign')) && <OwnerStep concern={concern} schoolId={schoolId} can={can} />}
        {(can.has('suspect_illegal') || can.has('start_investigation') || can.has('close_without_action')) && <PathStep concern={concern} can={can} />}
        {concern.path === 'illegal' && concern.status === 'investigating' && <IllegalStep concern={concern} can={can} />}
        {concern.path === 'investigation' && concern.status === 'investigating' && <InvestigationStep concern={concern} schoolId={schoolId} can={can} />}
        {(concern.status === 'actions' || concern.actionsTaken.length > 0) && <ActionsStep concern={concern} can={can} />}
        {can.has('close') && (concern.actionsTaken.length > 0 || Boolean(concern.deviationReason)) && <CloseStep concern={concern} />}
        {(can.has('set_type') || can.has('set_urgency')) && <TypeStep concern={concern} />}
        {!closed && can.size === 0 && <Text>You can read this case but not act on it.</Text>}
      </Stack>
    </Card>
  );
}
