// Agreements of the current school: each audience's agreement with its published version and any
// unpublished draft, then the campaigns asking people to accept them.
import { Alert, Anchor, Badge, Button, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { type AgreementSummary, audienceLabel, type CampaignSummary, canManageAgreements } from '../../components/agreements/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { formatDate } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

export function AgreementsPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const manage = canManageAgreements(session);
  const agreements = useQuery({
    queryKey: ['agreements', school?.id],
    queryFn: () => api.get<{ agreements: AgreementSummary[] }>(`/schools/${school?.id}/agreements`),
    enabled: Boolean(school),
  });
  const campaigns = useQuery({
    queryKey: ['campaigns', school?.id],
    queryFn: () => api.get<{ campaigns: CampaignSummary[] }>(`/schools/${school?.id}/campaigns`),
    enabled: Boolean(school),
  });
  if (!school) return <Page title="Agreements"><Alert color="yellow">Choose a school first.</Alert></Page>;
  return (
    <Page title="Agreements" intro={`Acceptable use agreements at ${school.name}, and who has accepted them.`}>
      <Stack gap="sm" component="section" aria-labelledby="agreements-heading">
        <Title order={2} fz={20} id="agreements-heading">
          Agreements
        </Title>
        {agreements.isPending && <Loading />}
        {agreements.error && <ErrorAlert error={agreements.error} />}
        {agreements.data && (
          <TableWrap label="Agreements">
            <Table striped verticalSpacing="xs" aria-label="Agreements" miw={520}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Agreement</Table.Th>
                  <Table.Th scope="col">For</Table.Th>
                  <Table.Th scope="col">Published</Table.Th>
                  <Table.Th scope="col">Draft</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {agreements.data.agreements.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/agreements/${a.id}`} fw={600}>
                        {a.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{audienceLabel(a.audience)}</Table.Td>
                    <Table.Td>{a.currentVersion ? `Version ${a.currentVersion.number}, ${formatDate(a.currentVersion.publishedAt)}` : 'Not yet'}</Table.Td>
                    <Table.Td>
                      {a.draft ? (
                        <Badge color="orange" variant="light">
                          Unpublished changes
                        </Badge>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableWrap>
        )}
      </Stack>

      <Stack gap="sm" component="section" aria-labelledby="campaigns-heading">
        <Group justify="space-between">
          <Title order={2} fz={20} id="campaigns-heading">
            Campaigns
          </Title>
          {manage && (
            <Button component={Link} to="/agreements/campaigns/new">
              New campaign
            </Button>
          )}
        </Group>
        {campaigns.isPending && <Loading />}
        {campaigns.error && <ErrorAlert error={campaigns.error} />}
        {campaigns.data && campaigns.data.campaigns.length === 0 && <Text>No campaigns yet. A campaign asks a group to accept a version by a date.</Text>}
        {campaigns.data && campaigns.data.campaigns.length > 0 && (
          <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
            {campaigns.data.campaigns.map((c) => {
              const pct = c.progress.required ? Math.round((c.progress.accepted / c.progress.required) * 100) : 0;
              return (
                <li key={c.id}>
                  <Stack gap={4} p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
                    <Group justify="space-between" gap="xs">
                      <Anchor component={Link} to={`/agreements/campaigns/${c.id}`} fw={700}>
                        {c.title}
                      </Anchor>
                      <Text fz="sm">Due {formatDate(c.dueOn)}</Text>
                    </Group>
                    <Text fz="sm">
                      {audienceLabel(c.audience)} · {c.progress.accepted} of {c.progress.required} accepted
                      {c.progress.withdrawn ? ` · ${c.progress.withdrawn} withdrawn` : ''}
                    </Text>
                    <Progress value={pct} aria-label={`${c.title}: ${pct}% accepted`} color="teal.8" />
                  </Stack>
                </li>
              );
            })}
          </Stack>
        )}
      </Stack>
    </Page>
  );
}
