// One campaign: live progress per group and class, who is still outstanding, who accepted and how,
// and the ways to collect the rest (parent links, class kiosk, whole-class record).
import { Alert, Anchor, Button, Card, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, isStatus } from '../../api.ts';
import { AgreementText } from '../../components/agreements/AgreementText.tsx';
import { PaperFormPanel, WithdrawButton } from '../../components/agreements/CampaignActions.tsx';
import { KioskPanel, RecordClassPanel } from '../../components/agreements/KioskPanel.tsx';
import { audienceLabel, type CampaignDetail, canManageAgreements, canRecordAgreements, methodLabel, PUPIL_AUDIENCES } from '../../components/agreements/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { formatDate, formatDateTime, kindLabel, yearLabel } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

function Bar({ label, required, accepted }: { label: string; required: number; accepted: number }) {
  const pct = required ? Math.round((accepted / required) * 100) : 0;
  return (
    <Stack gap={4} p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
      <Group justify="space-between" gap="xs">
        <Text fw={700}>{label}</Text>
        <Text fz="sm">
          {accepted} of {required}
        </Text>
      </Group>
      <Progress value={pct} color="teal.8" aria-label={`${label}: ${accepted} of ${required} accepted`} />
    </Stack>
  );
}

export function CampaignPage() {
  const { campaignId = '' } = useParams();
  const session = useSignedIn();
  const school = currentSchool(session);
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ['campaign', campaignId],
    queryFn: () => api.get<CampaignDetail>(`/campaigns/${campaignId}`),
    refetchInterval: 20_000, // live progress while a kiosk is in use
  });
  const send = useMutation({
    mutationFn: () => api.post<{ sent: number }>(`/campaigns/${campaignId}/send-parent-links`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['campaign', campaignId] }),
  });

  if (q.isPending) return <Loading />;
  if (q.error) {
    return (
      <Page title="Campaign not found">
        {isStatus(q.error, 404, 400) ? <Alert color="yellow">This campaign is not at your school, or the link is wrong.</Alert> : <ErrorAlert error={q.error} />}
        <Anchor component={Link} to="/agreements">
          Back to agreements
        </Anchor>
      </Page>
    );
  }
  const c = q.data;
  const isPupil = c.audience !== undefined && PUPIL_AUDIENCES.includes(c.audience);
  const classNames = (c.classes ?? []).map((x) => x.registrationGroup).filter(Boolean);
  const total = c.progress ?? { required: c.accepted.length + c.outstanding.length, accepted: c.accepted.length };
  return (
    <Page title={c.title} intro={`${c.audience ? `${audienceLabel(c.audience)} · ` : ''}version ${c.version.number} of “${c.version.title}” · accept by ${formatDate(c.dueOn)}`}>
      <Anchor component={Link} to="/agreements">
        Back to agreements
      </Anchor>
      <Stack gap="sm" component="section" aria-labelledby="progress-heading">
        <Title order={2} fz={20} id="progress-heading">
          Progress
        </Title>
        <Bar label="Everyone" required={total.required} accepted={total.accepted} />
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
          {c.groups.map((g) => (
            <Bar key={g.label} label={g.label} required={g.required} accepted={g.accepted} />
          ))}
          {(c.classes ?? [])
            .filter((x) => x.registrationGroup && !c.groups.some((g) => g.label === `Class ${x.registrationGroup}`))
            .map((x) => (
              <Bar key={x.registrationGroup} label={`Class ${x.registrationGroup}`} required={x.required} accepted={x.accepted} />
            ))}
        </SimpleGrid>
      </Stack>

      {c.audience === 'parent' && canManageAgreements(session) && (
        <Card withBorder padding="lg" component="section" aria-labelledby="links-heading">
          <Stack gap="sm">
            <Title order={2} fz={20} id="links-heading">
              Parent links
            </Title>
            <Text fz="sm">Email each parent with parental responsibility of an outstanding pupil a link that works once, for that child only. No account is needed.</Text>
            <Group>
              <Button onClick={() => send.mutate()} loading={send.isPending} disabled={c.outstanding.length === 0}>
                Send parent links
              </Button>
            </Group>
            {send.error && <ErrorAlert error={send.error} title="No links were sent" />}
            {send.data && (
              <Text role="status" c="teal.9" fw={600}>
                {send.data.sent === 0 ? 'No links sent: no outstanding pupil has a parent with an email address.' : `${send.data.sent} ${send.data.sent === 1 ? 'link' : 'links'} sent.`}
              </Text>
            )}
          </Stack>
        </Card>
      )}
      {isPupil && school && canRecordAgreements(session) && classNames.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <KioskPanel schoolId={school.id} campaignId={c.id} classes={classNames} />
          <RecordClassPanel campaignId={c.id} classes={classNames} />
        </SimpleGrid>
      )}

      {canRecordAgreements(session) && c.outstanding.length > 0 && <PaperFormPanel campaign={c} />}

      <Stack gap="sm" component="section" aria-labelledby="outstanding-heading">
        <Title order={2} fz={20} id="outstanding-heading">
          Outstanding ({c.outstanding.length})
        </Title>
        {c.outstanding.length === 0 ? (
          <Text>Everyone has accepted.</Text>
        ) : (
          <TableWrap label="Outstanding">
            <Table striped verticalSpacing="xs" aria-label="Outstanding">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Kind</Table.Th>
                  <Table.Th scope="col">Year / class</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.outstanding.map((m) => (
                  <Table.Tr key={m.personId}>
                    <Table.Td>
                      <Anchor component={Link} to={`/people/${m.personId}`}>
                        {m.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{kindLabel(m.kind)}</Table.Td>
                    <Table.Td>
                      {m.yearGroup ? yearLabel(m.yearGroup) : '—'}
                      {m.registrationGroup ? ` · ${m.registrationGroup}` : ''}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableWrap>
        )}
      </Stack>

      <Stack gap="sm" component="section" aria-labelledby="accepted-heading">
        <Title order={2} fz={20} id="accepted-heading">
          Accepted ({c.accepted.length})
        </Title>
        {c.accepted.length > 0 && (
          <TableWrap label="Accepted">
            <Table striped verticalSpacing="xs" aria-label="Accepted" miw={640}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">How</Table.Th>
                  <Table.Th scope="col">When</Table.Th>
                  <Table.Th scope="col">Recorded by</Table.Th>
                  {canRecordAgreements(session) && (
                    <Table.Th scope="col">
                      <span style={{ position: 'absolute', left: -9999 }}>Withdrawal</span>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.accepted.map((m) => (
                  <Table.Tr key={m.personId}>
                    <Table.Td>{m.name}</Table.Td>
                    <Table.Td>{methodLabel(m.method)}</Table.Td>
                    <Table.Td>{formatDateTime(m.at)}</Table.Td>
                    <Table.Td>{m.recordedBy ?? '—'}</Table.Td>
                    {canRecordAgreements(session) && (
                      <Table.Td>{m.acceptanceId && <WithdrawButton campaignId={c.id} acceptanceId={m.acceptanceId} name={m.name} />}</Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableWrap>
        )}
      </Stack>

      {c.withdrawn && c.withdrawn.length > 0 && (
        <Stack gap="sm" component="section" aria-labelledby="withdrawn-heading">
          <Title order={2} fz={20} id="withdrawn-heading">
            Withdrawn ({c.withdrawn.length})
          </Title>
          <Stack gap={4} component="ul" m={0} pl="lg">
            {c.withdrawn.map((m) => (
              <li key={m.personId}>
                {m.name} — {formatDateTime(m.at)}
                {m.reason ? `: ${m.reason}` : ''}
              </li>
            ))}
          </Stack>
        </Stack>
      )}

      <Card withBorder padding="lg" component="section" aria-labelledby="text-heading">
        <Title order={2} fz={20} id="text-heading" mb="sm">
          The text being accepted (version {c.version.number})
        </Title>
        <AgreementText text={c.version.text} />
      </Card>
    </Page>
  );
}
