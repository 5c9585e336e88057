// "Report a concern": one short form any member of staff or volunteer completes in a minute on a
// phone. The draft is kept on this device and on the server while it is written; evidence files are
// sent after the report itself, and never when the material may be an indecent image of a child.
import { Alert, Anchor, Button, Card, Checkbox, CloseButton, Group, NativeSelect, Radio, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Page } from '../../components/Page.tsx';
import { useConcernDraft } from '../../components/concerns/draft.ts';
import { EvidenceFiles, evidenceForm, IndecentQuestion } from '../../components/concerns/Evidence.tsx';
import { PeoplePicker } from '../../components/concerns/PeoplePicker.tsx';
import { AREA_LABELS, AREAS, type ConcernForm, type Created, type EvidenceReceipt, TYPE_LABELS, TYPES } from '../../components/concerns/types.ts';
import { formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

// Picking a type fills in the usual 4Cs area; the reporter can still change it.
const AREA_FOR_TYPE: Record<string, string> = {
  inappropriate_website: 'content',
  illegal_content: 'content',
  inappropriate_messaging: 'contact',
  network_misuse: 'conduct',
  cyberbullying: 'conduct',
  nude_image_sharing: 'conduct',
  exploitation_grooming: 'contact',
  radicalisation: 'content',
  self_harm: 'content',
  filter_bypass: 'conduct',
  data_breach: 'conduct',
};

type Errors = Partial<Record<'whatHappened' | 'occurredAt' | 'type' | 'area' | 'unknownDescription' | 'mayBeIndecentImages', string>>;
const FIELD_IDS: Record<keyof Errors, string> = {
  whatHappened: 'concern-what',
  occurredAt: 'concern-when',
  type: 'concern-type',
  area: 'concern-area',
  unknownDescription: 'concern-unknown',
  mayBeIndecentImages: 'concern-indecent',
};

function validate(f: ConcernForm): Errors {
  const e: Errors = {};
  if (!f.whatHappened.trim()) e.whatHappened = 'Say what happened, in your own words.';
  const when = new Date(f.occurredAt);
  if (!f.occurredAt || Number.isNaN(when.getTime())) e.occurredAt = 'Enter when it happened (date and time).';
  else if (when.getTime() > Date.now() + 5 * 60_000) e.occurredAt = 'The time is in the future. Enter when it happened.';
  if (!f.type) e.type = 'Choose the type of concern. Choose “Something else” if none fits.';
  if (!f.area) e.area = 'Choose the area that fits best.';
  if (f.unknownInvolved && !f.unknownDescription.trim()) e.unknownDescription = 'Describe the unknown person, for example “adult on a gaming chat”.';
  if (f.mayBeIndecentImages === null) e.mayBeIndecentImages = 'Answer this question.';
  return e;
}

function bodyOf(f: ConcernForm, draftId: string) {
  return {
    draftId,
    whatHappened: f.whatHappened.trim(),
    occurredAt: new Date(f.occurredAt).toISOString(),
    location: f.location.trim() || undefined,
    device: f.device.trim() || undefined,
    involved: [
      ...f.involved.map((p) => ({ personId: p.personId })),
      ...(f.unknownInvolved ? [{ unknown: true as const, description: f.unknownDescription.trim() }] : []),
    ],
    urls: f.urls.map((u) => u.trim()).filter(Boolean),
    area: f.area,
    type: f.type,
    toldDslInPerson: Boolean(f.toldDslInPerson),
    urgent: Boolean(f.urgent),
    mayBeIndecentImages: Boolean(f.mayBeIndecentImages),
  };
}

function YesNo({ label, description, value, onChange }: { label: string; description?: string; value: boolean | null; onChange: (v: boolean) => void }) {
  return (
    <Radio.Group label={label} description={description} value={value === null ? null : value ? 'yes' : 'no'} onChange={(v) => onChange(v === 'yes')}>
      <Group gap="lg" mt={6}>
        <Radio value="no" label="No" />
        <Radio value="yes" label="Yes" />
      </Group>
    </Radio.Group>
  );
}

type Upload = { file: File; state: 'waiting' | 'sending' | 'done' | 'failed'; receipt?: EvidenceReceipt; error?: unknown };

function Confirmation({ created, uploads, onRetry, onAnother }: { created: Created; uploads: Upload[]; onRetry: (i: number) => void; onAnother: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="sent-heading" style={{ borderColor: 'var(--mantine-color-teal-8)', borderWidth: 3 }}>
      <Stack gap="sm">
        <Title order={2} fz={22} id="sent-heading" ref={heading} tabIndex={-1}>
          Report sent — reference {created.reference}
        </Title>
        <Text>
          The safeguarding team has been told. Keep the reference <strong>{created.reference}</strong> if you speak to them about it. You can add a follow-up note from{' '}
          <Anchor component={Link} to="/concerns/mine">
            My reports
          </Anchor>
          .
        </Text>
        {uploads.length > 0 && (
          <Stack gap={4} component="ul" m={0} pl="lg" aria-label="Evidence files">
            {uploads.map((u, i) => (
              <li key={`${u.file.name}:${i}`}>
                <Text component="span" className="break-anywhere">
                  {u.file.name}:{' '}
                  {u.state === 'done' ? (
                    <>
                      stored. SHA-256 <code className="break-anywhere">{u.receipt?.sha256}</code>
                    </>
                  ) : u.state === 'failed' ? (
                    'not stored.'
                  ) : (
                    'sending…'
                  )}
                </Text>
                {u.state === 'failed' && (
                  <Stack gap={4} mt={4}>
                    <ErrorAlert error={u.error} title={`${u.file.name} was not stored`} />
                    {!(u.error instanceof ApiError && (u.error.status === 422 || u.error.status === 409)) && (
                      <Button size="xs" variant="outline" onClick={() => onRetry(i)} w="fit-content">
                        Try {u.file.name} again
                      </Button>
                    )}
                  </Stack>
                )}
              </li>
            ))}
          </Stack>
        )}
        <Group>
          <Button onClick={onAnother}>
            Report another concern
          </Button>
          <Button component={Link} to="/" variant="outline">
            Back to home
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function ReportConcernPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  if (!school) {
    return (
      <Page title="Report a concern">
        <Alert color="yellow" title="No school yet">
          Your account is not linked to a school. Tell the designated safeguarding lead in person.
        </Alert>
      </Page>
    );
  }
  return <ReportForm key={school.id} schoolId={school.id} accountId={session.account.id} />;
}

function ReportForm({ schoolId, accountId }: { schoolId: string; accountId: string }) {
  const client = useQueryClient();
  const draft = useConcernDraft(schoolId, accountId);
  const { form, setForm } = draft;
  const [errors, setErrors] = useState<Errors>({});
  const [files, setFiles] = useState<File[]>([]);
  const [created, setCreated] = useState<Created | null>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);

  const upload = async (concernId: string, list: Upload[], index: number) => {
    const u = list[index];
    if (!u) return;
    setUploads((prev) => prev.map((x, i) => (i === index ? { ...x, state: 'sending' } : x)));
    try {
      const receipt = await api.post<EvidenceReceipt>(`/concerns/${concernId}/evidence`, evidenceForm(u.file, false));
      setUploads((prev) => prev.map((x, i) => (i === index ? { ...x, state: 'done', receipt } : x)));
    } catch (error) {
      setUploads((prev) => prev.map((x, i) => (i === index ? { ...x, state: 'failed', error } : x)));
    }
  };

  const submit = useMutation({
    mutationFn: async () => {
      await draft.hold();
      try {
        return await api.post<Created>(`/schools/${schoolId}/concerns`, bodyOf(form, draft.draftId));
      } catch (error) {
        draft.release();
        throw error;
      }
    },
    onSuccess: async (c) => {
      draft.finish();
      setCreated(c);
      void client.invalidateQueries({ queryKey: ['my-concerns'] });
      void client.invalidateQueries({ queryKey: ['concern-queue'] });
      const list: Upload[] = form.mayBeIndecentImages ? [] : files.map((file) => ({ file, state: 'waiting' }));
      setUploads(list);
      for (let i = 0; i < list.length; i++) await upload(c.id, list, i);
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = validate(form);
    setErrors(found);
    const first = (Object.keys(FIELD_IDS) as (keyof Errors)[]).find((k) => found[k]);
    if (first) {
      const el = document.getElementById(FIELD_IDS[first]);
      // Radio groups are wrappers: focus their first control.
      const target = el?.matches('input, textarea, select') ? el : (el?.querySelector<HTMLElement>('input, textarea, select') ?? el);
      target?.focus();
      return;
    }
    submit.mutate();
  };

  const serverError = submit.error instanceof ApiError ? submit.error : null;
  const err = (k: keyof Errors) => errors[k] ?? serverError?.fieldError(k);

  if (created) {
    return (
      <Page title="Report a concern">
        <Confirmation
          created={created}
          uploads={uploads}
          onRetry={(i) => void upload(created.id, uploads, i)}
          onAnother={() => {
            void draft.discard();
            setCreated(null);
            setFiles([]);
            setUploads([]);
            submit.reset();
          }}
        />
      </Page>
    );
  }

  const saveText =
    draft.save.kind === 'saving'
      ? 'Saving draft…'
      : draft.save.kind === 'saved'
        ? `Draft saved at ${draft.save.at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}.`
        : draft.save.kind === 'local'
          ? 'No connection: the draft is kept on this device and will be sent when you are back online.'
          : '';

  return (
    <Page title="Report a concern" intro="Write what you know now — you can add more later. If a child is in immediate danger, call 999 first.">
      {draft.restoredAt && (
        <Alert color="blue" variant="light" title="Your unsent report is back">
          <Group gap="sm" justify="space-between">
            <Text fz="sm">Restored the draft from {formatDateTime(draft.restoredAt)}.</Text>
            <Button size="xs" onClick={() => void draft.discard()}>
              Start again
            </Button>
          </Group>
        </Alert>
      )}
      <form noValidate onSubmit={onSubmit} onBlur={() => void draft.flush()} aria-label="Report a concern" style={{ maxWidth: 680 }}>
        <Stack gap="lg">
        <Textarea
          id="concern-what"
          label="What happened?"
          description="What you saw or were told, in the words used. Facts, not opinions."
          autosize
          minRows={4}
          value={form.whatHappened}
          onChange={(e) => setForm({ whatHappened: e.currentTarget.value })}
          error={err('whatHappened')}
          withAsterisk
        />
        <TextInput
          id="concern-when"
          label="When did it happen?"
          type="datetime-local"
          value={form.occurredAt}
          onChange={(e) => setForm({ occurredAt: e.currentTarget.value })}
          error={err('occurredAt')}
          withAsterisk
          maw={280}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <TextInput label="Where? (room)" placeholder="For example: ICT suite" value={form.location} onChange={(e) => setForm({ location: e.currentTarget.value })} />
          <TextInput label="Device or computer number" placeholder="For example: Laptop 14" value={form.device} onChange={(e) => setForm({ device: e.currentTarget.value })} />
        </SimpleGrid>

        <Stack gap="xs">
          <PeoplePicker
            schoolId={schoolId}
            label="Who is involved?"
            description="Pupils or staff from the school. Add as many as you need."
            value={form.involved}
            onChange={(involved) => setForm({ involved })}
            chosenLabel="People involved"
          />
          <Checkbox
            label="Someone unknown, or from outside the school"
            checked={form.unknownInvolved}
            onChange={(e) => setForm({ unknownInvolved: e.currentTarget.checked })}
          />
          {form.unknownInvolved && (
            <TextInput
              id="concern-unknown"
              label="Describe them"
              description="What you know: a username, an age, how they made contact."
              value={form.unknownDescription}
              onChange={(e) => setForm({ unknownDescription: e.currentTarget.value })}
              error={err('unknownDescription')}
              withAsterisk
            />
          )}
        </Stack>

        <Stack gap={6} role="group" aria-labelledby="urls-label">
          <Text id="urls-label" fw={600} fz="sm">
            Web addresses (optional)
          </Text>
          {form.urls.map((u, i) => (
            <Group key={i} gap={4} wrap="nowrap" align="flex-end">
              <TextInput
                aria-label={`Web address ${i + 1}`}
                type="url"
                inputMode="url"
                placeholder="https://"
                value={u}
                onChange={(e) => {
                  const urls = [...form.urls];
                  urls[i] = e.currentTarget.value;
                  setForm({ urls });
                }}
                style={{ flex: 1 }}
              />
              {form.urls.length > 1 && <CloseButton aria-label={`Remove web address ${i + 1}`} onClick={() => setForm({ urls: form.urls.filter((_, j) => j !== i) })} mb={6} />}
            </Group>
          ))}
          <Button variant="subtle" size="compact-sm" onClick={() => setForm({ urls: [...form.urls, ''] })} w="fit-content">
            Add another web address
          </Button>
        </Stack>

        <NativeSelect
          id="concern-type"
          label="What kind of concern is it?"
          data={[{ value: '', label: 'Choose one…' }, ...TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] ?? t }))]}
          value={form.type ?? ''}
          onChange={(e) => {
            const type = e.currentTarget.value || null;
            setForm({ type, area: form.area ?? (type ? (AREA_FOR_TYPE[type] ?? null) : null) });
          }}
          error={err('type')}
          withAsterisk
        />
        <Radio.Group
          id="concern-area"
          label="Which area of online risk?"
          description="The “4Cs”. Pick the closest; the safeguarding team can change it."
          value={form.area}
          onChange={(area) => setForm({ area })}
          error={err('area')}
          withAsterisk
        >
          <Stack gap={6} mt={6}>
            {AREAS.map((a) => (
              <Radio key={a} value={a} label={AREA_LABELS[a]} />
            ))}
          </Stack>
        </Radio.Group>

        <YesNo label="Have you told the designated safeguarding lead in person?" value={form.toldDslInPerson} onChange={(v) => setForm({ toldDslInPerson: v })} />
        <YesNo
          label="Is it urgent?"
          description="Yes if a child may be at risk of harm today. Then also tell the DSL in person now."
          value={form.urgent}
          onChange={(v) => setForm({ urgent: v })}
        />

        <Card withBorder padding="md" component="fieldset" style={{ borderColor: form.mayBeIndecentImages ? 'var(--mantine-color-red-8)' : undefined }}>
          <Text component="legend" fw={700} px={4}>
            Evidence
          </Text>
          <Stack gap="md">
            <div id="concern-indecent" tabIndex={-1}>
              <IndecentQuestion
                value={form.mayBeIndecentImages}
                onChange={(v) => {
                  setForm({ mayBeIndecentImages: v });
                  if (v) setFiles([]);
                }}
              />
              {err('mayBeIndecentImages') && (
                <Text c="red.9" fz="sm" mt={4}>
                  {err('mayBeIndecentImages')}
                </Text>
              )}
            </div>
            <EvidenceFiles mayBeIndecent={form.mayBeIndecentImages} files={files} onChange={setFiles} />
          </Stack>
        </Card>

        {submit.error && <ErrorAlert error={submit.error} title="The report was not sent" />}
        <Group gap="sm" align="center">
          <Button type="submit" size="md" loading={submit.isPending}>
            Send report
          </Button>
          <Text fz="sm" c="dimmed" role="status" aria-live="polite">
            {saveText}
          </Text>
        </Group>
        </Stack>
      </form>
    </Page>
  );
}
