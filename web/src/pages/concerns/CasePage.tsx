// One case, for the people it is routed or shared to: what was reported, who is involved, the
// evidence with its SHA-256, the next step the flowchart allows, and the append-only timeline.
import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, isStatus } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { CaseBadges } from '../../components/concerns/CaseBadges.tsx';
import { EvidenceFiles, evidenceForm, IndecentQuestion } from '../../components/concerns/Evidence.tsx';
import { NextSteps } from '../../components/concerns/NextSteps.tsx';
import { Timeline } from '../../components/concerns/Timeline.tsx';
import { AGENCY_LABELS, AREA_SHORT, type Concern, formatBytes, OUTCOME_LABELS, PATH_LABELS, roleName, typeLabel } from '../../components/concerns/types.ts';
import { formatDateTime, kindLabel } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" fz="sm" fw={700} c="gray.8">
        {label}
      </Text>
      <Text component="dd" m={0} className="break-anywhere" style={{ whiteSpace: 'pre-wrap' }}>
        {children === null || children === undefined || children === '' ? '—' : children}
      </Text>
    </div>
  );
}

function EvidenceSection({ concern }: { concern: Concern }) {
  const client = useQueryClient();
  const [mayBeIndecent, setMayBeIndecent] = useState<boolean | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const upload = useMutation({
    mutationFn: async () => {
      for (const f of files) await api.post(`/concerns/${concern.id}/evidence`, evidenceForm(f, false));
    },
    onSuccess: async () => {
      setFiles([]);
      setMayBeIndecent(null);
      await client.invalidateQueries({ queryKey: ['concern', concern.id] });
    },
  });
  const readOnly = concern.path === 'illegal' || concern.status === 'closed';
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="evidence-heading">
      <Title order={2} fz={20} id="evidence-heading" mb="sm">
        Evidence
      </Title>
      {concern.path === 'illegal' && (
        <Alert color="red" variant="light" title="Evidence is read-only" mb="sm">
          This case is on the illegal path: nothing more is added, and files are not opened or copied unless the police ask.
        </Alert>
      )}
      {concern.evidence.length === 0 ? (
        <Text>No files.</Text>
      ) : (
        <TableWrap label="Evidence files">
          <Table miw={560} aria-label="Evidence files" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">File</Table.Th>
                <Table.Th scope="col">Added</Table.Th>
                <Table.Th scope="col">SHA-256</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {concern.evidence.map((e) => (
                <Table.Tr key={e.sha256}>
                  <Table.Td className="break-anywhere">
                    {e.readOnly && concern.path === 'illegal' ? (
                      e.fileName
                    ) : (
                      <Anchor href={`/api/v1/concerns/${concern.id}/evidence/${e.sha256}`} download={e.fileName}>
                        {e.fileName}
                      </Anchor>
                    )}
                    <Text fz="xs" c="dimmed">
                      {e.mime}, {formatBytes(e.size)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {formatDateTime(e.addedAt)}
                    <Text fz="xs" c="dimmed">
                      by {e.addedBy}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <code className="break-anywhere" style={{ fontSize: 12 }}>
                      {e.sha256}
                    </code>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableWrap>
      )}
      {!readOnly && (
        <Stack
          gap="sm"
          mt="md"
          component="form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            upload.mutate();
          }}
        >
          <Title order={3} fz={17}>
            Add evidence
          </Title>
          <IndecentQuestion value={mayBeIndecent} onChange={setMayBeIndecent} />
          <EvidenceFiles mayBeIndecent={mayBeIndecent} files={files} onChange={setFiles} label="Files (screenshots, documents)" />
          {upload.error && <ErrorAlert error={upload.error} title="The file was not stored" />}
          {mayBeIndecent === false && (
            <Button type="submit" variant="outline" disabled={files.length === 0} loading={upload.isPending} w="fit-content">
              Add files
            </Button>
          )}
        </Stack>
      )}
    </Card>
  );
}

export function CasePage() {
  const { concernId = '' } = useParams();
  const session = useSignedIn();
  const school = currentSchool(session);
  const q = useQuery({
    queryKey: ['concern', concernId],
    queryFn: () => api.get<Concern>(`/concerns/${encodeURIComponent(concernId)}`),
    retry: (n, e) => !isStatus(e, 400, 403, 404) && n < 2,
  });
  if (q.isPending) return <Loading />;
  if (q.error) {
    return (
      <Page title="Concern not found">
        {isStatus(q.error, 404, 403, 400) ? (
          <Alert color="yellow" title="We cannot show this concern">
            It is not one you can see, or the link is wrong.
          </Alert>
        ) : (
          <ErrorAlert error={q.error} />
        )}
        <Anchor component={Link} to="/concerns">
          Back to concerns
        </Anchor>
      </Page>
    );
  }
  const c = q.data;
  // Notes and corrections stay open after closing: late information still belongs on the record.
  const canWrite = true;
  return (
    <Page title={`Concern ${c.reference}`} actions={<CaseBadges c={c} />}>
      <Anchor component={Link} to="/concerns">
        Back to concerns
      </Anchor>
      <Card withBorder padding="lg" component="section" aria-labelledby="summary-heading">
        <Title order={2} fz={20} id="summary-heading" mb="sm">
          Summary
        </Title>
        <Stack gap="md">
          <dl style={{ margin: 0 }}>
            <Field label="What happened">{c.whatHappened}</Field>
          </dl>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="md" component="dl" m={0}>
            <Field label="Type">{typeLabel(c.type)}</Field>
            <Field label="Area">{AREA_SHORT[c.area] ?? c.area}</Field>
            <Field label="When it happened">{formatDateTime(c.occurredAt)}</Field>
            <Field label="Reported">
              {formatDateTime(c.createdAt)} by {c.reporter.name}
            </Field>
            <Field label="Where">{c.location}</Field>
            <Field label="Device">{c.device}</Field>
            <Field label="Reporter told the DSL in person">{c.toldDslInPerson ? 'Yes' : 'No'}</Field>
            <Field label="Owner">{c.owner?.name ?? 'Nobody yet'}</Field>
            <Field label="Path and outcome">
              {[c.path ? PATH_LABELS[c.path] : null, c.outcome ? OUTCOME_LABELS[c.outcome] : null].filter(Boolean).join(' · ') || '—'}
            </Field>
          </SimpleGrid>
          {c.urls.length > 0 && (
            <div>
              <Text fz="sm" fw={700} c="gray.8">
                Web addresses (not links: do not open them on a school device unless investigating)
              </Text>
              <Stack gap={2} component="ul" m={0} pl="lg">
                {c.urls.map((u) => (
                  <li key={u}>
                    <code className="break-anywhere">{u}</code>
                  </li>
                ))}
              </Stack>
            </div>
          )}
          {c.investigation && c.investigation.attendees.length > 0 && (
            <dl style={{ margin: 0 }}>
              <Field label="Present at the investigation">{c.investigation.attendees.map((a) => `${a.name}${a.role ? ` (${roleName(a.role)})` : ''}`).join(', ')}</Field>
            </dl>
          )}
          {c.illegal && (c.illegal.viewingStoppedAt || c.illegal.referral) && (
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="md" component="dl" m={0}>
              <Field label="Viewing stopped">{formatDateTime(c.illegal.viewingStoppedAt)}</Field>
              <Field label="Device isolated">{formatDateTime(c.illegal.deviceIsolatedAt)}</Field>
              <Field label="Referral">
                {c.illegal.referral
                  ? `${AGENCY_LABELS[c.illegal.referral.agency] ?? c.illegal.referral.agency}, reference ${c.illegal.referral.reference}, ${formatDateTime(c.illegal.referral.referredAt)}`
                  : 'Not yet'}
              </Field>
            </SimpleGrid>
          )}
          {c.investigation?.findings && (
            <dl style={{ margin: 0 }}>
            <Field label={`Findings (${c.investigation.judgement ? (OUTCOME_LABELS[c.investigation.judgement] ?? c.investigation.judgement) : 'no judgement'})`}>
              {c.investigation.findings}
            </Field>
            </dl>
          )}
        </Stack>
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="involved-heading">
        <Title order={2} fz={20} id="involved-heading" mb="sm">
          Who is involved
        </Title>
        {c.involved.length === 0 ? (
          <Text>Nobody named.</Text>
        ) : (
          <Stack gap={4} component="ul" m={0} pl="lg">
            {c.involved.map((p, i) => (
              <li key={p.personId ?? `unknown-${i}`}>
                {p.personId ? (
                  <>
                    <Anchor component={Link} to={`/people/${p.personId}`}>
                      {p.name}
                    </Anchor>{' '}
                    — {kindLabel(p.kind)}
                  </>
                ) : (
                  <>
                    <strong>Unknown or outside the school</strong>
                    {p.description ? `: ${p.description}` : ''}
                  </>
                )}
                {p.personId && p.kind === 'pupil' && (
                  <>
                    {' '}
                    ·{' '}
                    <Anchor component={Link} to={`/people/${p.personId}/chronology`} aria-label={`Chronology of ${p.name}`}>
                      Chronology
                    </Anchor>
                  </>
                )}
              </li>
            ))}
          </Stack>
        )}
      </Card>

      {school && <NextSteps key={`${c.status}:${c.path}`} concern={c} schoolId={school.id} />}
      <EvidenceSection concern={c} />
      <Timeline concernId={c.id} entries={c.timeline} canWrite={canWrite} />
      <Group>
        <Text fz="sm" c="dimmed">
          Every opening of this case is recorded in the audit trail.
        </Text>
      </Group>
    </Page>
  );
}
