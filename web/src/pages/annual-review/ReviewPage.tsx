// The guided annual review: who took part, the pupils' risk profile, one section per DfE standard
// with the evidence Haven holds for it, findings and actions, then a governor's sign-off. Once signed
// off the review reads as a record (the server refuses changes) and the evidence stays as it was.
import { Alert, Anchor, Badge, Button, Card, Group, NativeSelect, Radio, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { formatDate, formatDateTime } from '../../format.ts';
import { type Evidence, type Item, JUDGEMENT_OPTIONS, PARTICIPANTS, pdfHref, type Review, RISK_FIELDS, type RiskProfile, roleName } from './types.ts';

type Form = {
  participants: Record<string, string>;
  riskProfile: RiskProfile;
  standards: Record<string, { judgement: string; notes: string }>;
  items: Item[];
};

const formOf = (r: Review): Form => ({
  participants: Object.fromEntries(PARTICIPANTS.map((p) => [p.role, r.participants.find((x) => x.role === p.role)?.personId ?? ''])),
  riskProfile: { ...r.riskProfile },
  standards: Object.fromEntries(r.standards.map((s) => [s.key, { judgement: s.judgement ?? '', notes: s.notes }])),
  items: r.items.map((i) => ({ finding: i.finding, action: i.action, ownerPersonId: i.ownerPersonId, dueOn: i.dueOn })),
});

const bodyOf = (f: Form) => ({
  participants: PARTICIPANTS.filter((p) => f.participants[p.role]).map((p) => ({ role: p.role, personId: f.participants[p.role] })),
  riskProfile: f.riskProfile,
  standards: Object.fromEntries(Object.entries(f.standards).map(([k, v]) => [k, { judgement: v.judgement || null, notes: v.notes }])),
  items: f.items.map((i) => ({ finding: i.finding, action: i.action, ownerPersonId: i.ownerPersonId || null, dueOn: i.dueOn || null })),
});

function EvidenceFor({ standard, e }: { standard: string; e: Evidence }) {
  const lines: ReactNode[] = [];
  if (standard === 'roles') {
    if (e.roleHolders.length === 0) lines.push('No role holders are recorded in Haven.');
    for (const h of e.roleHolders) lines.push(`${h.roleLabel}: ${h.name}`);
  }
  if (standard === 'review') {
    lines.push(`Filtering change requests in the period: ${e.changeLog.requests} (${e.changeLog.entries} entries in the change-control log)`);
    lines.push(`Scheduled monitoring reviews: ${e.monitoringReviews.total}, signed off ${e.monitoringReviews.signedOff}, overdue ${e.monitoringReviews.overdue}`);
  }
  if (standard === 'filtering') {
    lines.push(`Filter checks: ${e.filterChecks.checks}${e.filterChecks.lastCheckedOn ? `, last on ${formatDate(e.filterChecks.lastCheckedOn)}` : ''}`);
    lines.push(`Categories tested: ${e.filterChecks.results}, not blocked: ${e.filterChecks.notBlocked}`);
    lines.push(`Tasks for the IT provider: ${e.filterChecks.tasksRaised} raised, ${e.filterChecks.tasksOpen} still open`);
    lines.push(`Change requests: ${e.changeLog.requests}`);
  }
  if (standard === 'monitoring') {
    lines.push(`Alerts: ${e.alerts.total} (high ${e.alerts.byPriority.high ?? 0}, medium ${e.alerts.byPriority.medium ?? 0}, low ${e.alerts.byPriority.low ?? 0})`);
    lines.push(`Scheduled monitoring reviews: ${e.monitoringReviews.total}, overdue ${e.monitoringReviews.overdue}`);
  }
  return (
    <Card withBorder padding="xs" bg="gray.0">
      <Text fz="sm" fw={700}>
        Evidence from Haven
      </Text>
      <ul style={{ margin: 0, paddingLeft: '1.2rem' }}>
        {lines.map((l, i) => (
          <li key={i}>
            <Text fz="sm">{l}</Text>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function ReadOnly({ r }: { r: Review }) {
  return (
    <Stack gap="md">
      <Section id="who" title="Who took part">
        <ul style={{ margin: 0 }}>
          {r.participants.map((p) => (
            <li key={`${p.role}:${p.personId}`}>
              {p.roleLabel}: {p.name}
            </li>
          ))}
        </ul>
      </Section>
      <Section id="risk" title="Pupils' risk profile">
        {RISK_FIELDS.map((f) => (
          <Text key={f.key}>
            <strong>{f.label}:</strong> {r.riskProfile[f.key] || '—'}
          </Text>
        ))}
      </Section>
      {r.standards.map((s, i) => (
        <Section key={s.key} id={`std-${s.key}`} title={`${i + 1}. ${s.title}`}>
          <Text>
            <Badge color={s.judgement === 'met' ? 'teal.9' : s.judgement === 'not_met' ? 'red.9' : 'gray.8'} variant="outline" tt="none">
              {s.judgementLabel ?? 'No judgement'}
            </Badge>
          </Text>
          {s.notes && <Text style={{ whiteSpace: 'pre-wrap' }}>{s.notes}</Text>}
          <EvidenceFor standard={s.key} e={r.evidence} />
        </Section>
      ))}
      <Section id="actions" title="Findings and actions">
        {r.items.length === 0 && <Text>No findings recorded.</Text>}
        <ol style={{ margin: 0 }}>
          {r.items.map((it, i) => (
            <li key={i}>
              <Text fw={700}>{it.finding}</Text>
              <Text>
                Action: {it.action} · Owner: {it.ownerName ?? '—'} · Due {formatDate(it.dueOn)}
              </Text>
            </li>
          ))}
        </ol>
      </Section>
    </Stack>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-labelledby={`${id}-heading`} p="sm" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8 }}>
      <Title order={2} fz={20} id={`${id}-heading`}>
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function Editor({ r }: { r: Review }) {
  const client = useQueryClient();
  const [f, setF] = useState<Form>(() => formOf(r));
  const [saved, setSaved] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const people = r.directory;
  const options = (hint: string[]) => [
    { value: '', label: 'Choose a person' },
    ...[...people].sort((a, b) => Number(b.roles.some((x) => hint.includes(x))) - Number(a.roles.some((x) => hint.includes(x)))).map((p) => ({ value: p.personId, label: p.roles.length ? `${p.name} (${p.roles.map(roleName).join(', ')})` : p.name })),
  ];
  const save = useMutation({
    mutationFn: () => api.put<{ updatedAt: string }>(`/annual-reviews/${r.id}`, bodyOf(f)),
    onSuccess: (x) => {
      setSaved(`Saved at ${formatDateTime(x.updatedAt)}.`);
      void client.invalidateQueries({ queryKey: ['annual-reviews'] });
    },
  });
  const signOff = useMutation({
    mutationFn: async () => {
      await api.put(`/annual-reviews/${r.id}`, bodyOf(f));
      return api.post(`/annual-reviews/${r.id}/sign-off`, { note: note.trim() || undefined });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['annual-review', r.id] });
      void client.invalidateQueries({ queryKey: ['annual-reviews'] });
    },
  });
  const setStd = (key: string, patch: Partial<{ judgement: string; notes: string }>) =>
    setF((x) => ({ ...x, standards: { ...x.standards, [key]: { judgement: '', notes: '', ...x.standards[key], ...patch } } }));
  const setItem = (i: number, patch: Partial<Item>) => setF((x) => ({ ...x, items: x.items.map((it, n) => (n === i ? { ...it, ...patch } : it)) }));

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      noValidate
    >
      <Stack gap="md">
        <Section id="who" title="Who took part">
          <Text fz="sm">The standards expect a senior leader, the DSL, the IT provider and a governor.</Text>
          {PARTICIPANTS.map((p) => (
            <NativeSelect
              key={p.role}
              label={p.label}
              value={f.participants[p.role] ?? ''}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setF((x) => ({ ...x, participants: { ...x.participants, [p.role]: v } }));
              }}
              data={options(p.hint)}
            />
          ))}
        </Section>
        <Section id="risk" title="Pupils' risk profile">
          {RISK_FIELDS.map((field) => (
            <Textarea
              key={field.key}
              label={field.label}
              description={field.description}
              autosize
              minRows={1}
              value={f.riskProfile[field.key]}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setF((x) => ({ ...x, riskProfile: { ...x.riskProfile, [field.key]: v } }));
              }}
            />
          ))}
        </Section>
        {r.standards.map((s, i) => (
          <Section key={s.key} id={`std-${s.key}`} title={`${i + 1}. ${s.title}`}>
            <Text fz="sm">{s.prompt}</Text>
            <EvidenceFor standard={s.key} e={r.evidence} />
            <Radio.Group label={`Judgement for “${s.title}”`} value={f.standards[s.key]?.judgement ?? ''} onChange={(v) => setStd(s.key, { judgement: v })}>
              <Group gap="md" mt={4}>
                {JUDGEMENT_OPTIONS.map((o) => (
                  <Radio key={o.value} value={o.value} label={o.label} />
                ))}
              </Group>
            </Radio.Group>
            <Textarea label={`Notes on “${s.title}”`} autosize minRows={2} value={f.standards[s.key]?.notes ?? ''} onChange={(e) => setStd(s.key, { notes: e.currentTarget.value })} />
          </Section>
        ))}
        <Section id="actions" title="Findings and actions">
          {f.items.length === 0 && <Text fz="sm">No findings yet. Add one for each thing to improve.</Text>}
          {f.items.map((it, i) => (
            <Card key={i} withBorder padding="sm">
              <Stack gap={6}>
                <Title order={3} fz={16}>
                  Finding {i + 1}
                </Title>
                <Textarea label={`What was found (finding ${i + 1})`} autosize minRows={1} value={it.finding} onChange={(e) => setItem(i, { finding: e.currentTarget.value })} />
                <Textarea label={`Action for finding ${i + 1}`} autosize minRows={1} value={it.action} onChange={(e) => setItem(i, { action: e.currentTarget.value })} />
                <NativeSelect label={`Owner of the action for finding ${i + 1}`} value={it.ownerPersonId ?? ''} onChange={(e) => setItem(i, { ownerPersonId: e.currentTarget.value || null })} data={options([])} />
                <TextInput type="date" label={`Due date for finding ${i + 1}`} value={it.dueOn ?? ''} onChange={(e) => setItem(i, { dueOn: e.currentTarget.value || null })} />
                <Button variant="outline" color="red.9" w="fit-content" onClick={() => setF((x) => ({ ...x, items: x.items.filter((_, n) => n !== i) }))}>
                  Remove finding {i + 1}
                </Button>
              </Stack>
            </Card>
          ))}
          <Button variant="outline" w="fit-content" onClick={() => setF((x) => ({ ...x, items: [...x.items, { finding: '', action: '', ownerPersonId: null, dueOn: null }] }))}>
            Add a finding
          </Button>
        </Section>
        {save.error && <ErrorAlert error={save.error} title="The review was not saved" />}
        {saved && !save.error && (
          <Alert color="teal" role="status">
            {saved}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save the review
          </Button>
        </Group>
        {r.maySignOff && (
          <Section id="sign" title="Governor's sign-off">
            <Text fz="sm">Signing off saves the review, freezes the evidence as it is now, and makes the review read-only. It cannot be undone.</Text>
            <Textarea label="Sign-off note (optional)" autosize minRows={1} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            {signOff.error && <ErrorAlert error={signOff.error} title="The review was not signed off" />}
            <Button color="teal.9" w="fit-content" loading={signOff.isPending} onClick={() => signOff.mutate()}>
              Sign off the review
            </Button>
          </Section>
        )}
      </Stack>
    </form>
  );
}

export function ReviewPage() {
  const { reviewId } = useParams();
  const review = useQuery({ queryKey: ['annual-review', reviewId], queryFn: () => api.get<Review>(`/annual-reviews/${reviewId}`) });
  if (review.isPending) return <Page title="Annual review"><Loading /></Page>;
  if (review.error) return <Page title="Annual review"><ErrorAlert error={review.error} /></Page>;
  const r = review.data;
  return (
    <Page
      title={`Annual review, ${formatDate(r.periodStart)} to ${formatDate(r.periodEnd)}`}
      intro={
        r.signedOff
          ? `Signed off by ${r.signedOff.name} on ${formatDate(r.signedOff.at)}${r.signedOff.note ? ` — ${r.signedOff.note}` : ''}. This record is read-only; the evidence is as it stood at sign-off.`
          : `Draft. Evidence is taken from Haven as of ${formatDateTime(r.evidence.computedAt)} and is frozen when a governor signs the review off.`
      }
      actions={
        <Group gap="xs" mt="xs">
          <Button component="a" href={pdfHref(r.id)} variant="outline">
            Printable record (PDF)
          </Button>
          <Anchor component={Link} to="/annual-reviews">
            All reviews
          </Anchor>
        </Group>
      }
    >
      {r.mayEdit || r.maySignOff ? <Editor key={`${r.id}:${r.updated.at}`} r={r} /> : <ReadOnly r={r} />}
    </Page>
  );
}
