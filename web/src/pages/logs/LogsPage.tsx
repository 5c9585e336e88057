// "Filtering logs" for the current school: blocked attempts of the last 7 days by category, uploading
// a log, the school's log sources and the recent ingest runs.
import { Alert, Badge, Box, Card, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, isStatus } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { formatDate, formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';
import { SettingsSection } from './SettingsSection.tsx';
import { SourcesSection } from './SourcesSection.tsx';
import { MANAGE_ROLES, type LogSummary, type Run, type SourceList } from './types.ts';
import { UploadSection } from './UploadSection.tsx';

const n = (v: number) => v.toLocaleString('en-GB');

function BlockedSummary({ summary }: { summary: LogSummary }) {
  const rows = summary.byCategory.filter((c) => c.blocked > 0);
  const max = Math.max(1, ...rows.map((c) => c.blocked));
  return (
    <Stack gap="sm" component="section" aria-labelledby="blocked-heading">
      <Title order={2} fz={20} id="blocked-heading">
        Blocked in the last 7 days
      </Title>
      <Text fz="sm" c="dimmed">
        {formatDate(summary.from)} to {formatDate(summary.to)}: {n(summary.totals.blocked)} blocked and {n(summary.totals.allowed)} allowed requests.
      </Text>
      {rows.length === 0 ? (
        <Text>Nothing was blocked in these 7 days.</Text>
      ) : (
        <TableWrap label="Blocked attempts by category">
          <Table verticalSpacing={6} aria-label="Blocked attempts by category">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Category</Table.Th>
                <Table.Th scope="col" style={{ textAlign: 'right' }}>
                  Blocked
                </Table.Th>
                <Table.Th scope="col" w="45%">
                  <VisuallyHidden>Share</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.category}>
                  <Table.Th scope="row" fw={500}>
                    {c.label}
                  </Table.Th>
                  <Table.Td style={{ textAlign: 'right' }}>{n(c.blocked)}</Table.Td>
                  <Table.Td aria-hidden="true">
                    <Box h={12} w={`${Math.max(2, (c.blocked / max) * 100)}%`} bg="red.7" style={{ borderRadius: 3 }} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableWrap>
      )}
    </Stack>
  );
}

const STATUS: Record<Run['status'], { label: string; color: string }> = {
  running: { label: 'Reading', color: 'blue' },
  done: { label: 'Done', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
};
const ORIGIN: Record<Run['origin'], string> = { cli: 'Command line', upload: 'Upload', watch: 'Watched folder' };

const malformedText = (r: Run) =>
  Object.entries(r.malformed.byReason)
    .map(([k, v]) => `${k}: ${n(v)}`)
    .join(', ');

function RunCards({ runs, formatLabel }: { runs: Run[]; formatLabel: (id: string) => string }) {
  return (
    <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Recent runs">
      {runs.map((r) => (
        <Card key={r.id} withBorder padding="sm" component="li">
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text fw={700} className="break-anywhere">
              {r.name}
            </Text>
            <Badge color={STATUS[r.status].color} variant="light">
              {STATUS[r.status].label}
            </Badge>
          </Group>
          <Text fz="sm" c="dimmed">
            {formatDateTime(r.startedAt)} · {ORIGIN[r.origin]} · {r.sourceName ?? formatLabel(r.format)}
          </Text>
          <Text fz="sm">
            {n(r.lines)} lines, {n(r.events)} events, {n(r.malformed.total)} malformed{r.malformed.total > 0 ? ` (${malformedText(r)})` : ''}; {r.alerts.created} new{' '}
            {r.alerts.created === 1 ? 'alert' : 'alerts'}
            {r.alerts.folded > 0 ? `, ${r.alerts.folded} folded` : ''}
          </Text>
          {r.error && (
            <Text fz="sm" c="red.8" className="break-anywhere">
              {r.error}
            </Text>
          )}
        </Card>
      ))}
    </Stack>
  );
}

function RunsSection({ runs, formatLabel }: { runs: Run[]; formatLabel: (id: string) => string }) {
  return (
    <Stack gap="sm" component="section" aria-labelledby="runs-heading">
      <Title order={2} fz={20} id="runs-heading">
        Recent runs
      </Title>
      {runs.length === 0 ? (
        <Text c="dimmed">No logs read yet.</Text>
      ) : (
        <>
          <Box hiddenFrom="sm">
            <RunCards runs={runs} formatLabel={formatLabel} />
          </Box>
          <Box visibleFrom="sm">
            <TableWrap label="Recent runs">
              <Table striped verticalSpacing="xs" miw={760} aria-label="Recent runs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Started</Table.Th>
                    <Table.Th scope="col">File</Table.Th>
                    <Table.Th scope="col">Source or format</Table.Th>
                    <Table.Th scope="col">Status</Table.Th>
                    <Table.Th scope="col">Lines</Table.Th>
                    <Table.Th scope="col">Events</Table.Th>
                    <Table.Th scope="col">Malformed</Table.Th>
                    <Table.Th scope="col">Alerts</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {runs.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.startedAt)}</Table.Td>
                      <Table.Td className="break-anywhere">
                        {r.name}
                        <Text fz="xs" c="dimmed">
                          {ORIGIN[r.origin]}
                        </Text>
                      </Table.Td>
                      <Table.Td>{r.sourceName ?? formatLabel(r.format)}</Table.Td>
                      <Table.Td>
                        <Badge color={STATUS[r.status].color} variant="light">
                          {STATUS[r.status].label}
                        </Badge>
                        {r.error && (
                          <Text fz="xs" className="break-anywhere">
                            {r.error}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{n(r.lines)}</Table.Td>
                      <Table.Td>{n(r.events)}</Table.Td>
                      <Table.Td>
                        {n(r.malformed.total)}
                        {r.malformed.total > 0 && (
                          <Text fz="xs" c="dimmed">
                            {malformedText(r)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {r.alerts.created} new{r.alerts.folded > 0 ? `, ${r.alerts.folded} folded` : ''}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableWrap>
          </Box>
        </>
      )}
    </Stack>
  );
}

export function LogsPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const id = school?.id;
  const canManage = session.roles.some((r) => MANAGE_ROLES.includes(r.role) && (r.schoolId === null || r.schoolId === id));
  const sources = useQuery({ queryKey: ['logs', id, 'sources'], queryFn: () => api.get<SourceList>(`/schools/${id}/log-sources`), enabled: Boolean(id) });
  const runs = useQuery({ queryKey: ['logs', id, 'runs'], queryFn: () => api.get<{ runs: Run[] }>(`/schools/${id}/log-runs`, { limit: 20 }), enabled: Boolean(id) });
  const summary = useQuery({ queryKey: ['logs', id, 'summary'], queryFn: () => api.get<LogSummary>(`/schools/${id}/log-summary`), enabled: Boolean(id) });

  return (
    <Page title="Filtering logs" intro="What the web filter and DNS logs show for this school: blocked attempts, the logs read and where they come from.">
      {!school && <Text>Choose a school first.</Text>}
      {school && sources.isPending && <Loading />}
      {sources.error &&
        (isStatus(sources.error, 403) ? (
          <Alert color="yellow" title="Not for your role">
            Filtering logs are for the headteacher, DSLs, the online safety lead, the network manager and trust leads.
          </Alert>
        ) : (
          <ErrorAlert error={sources.error} />
        ))}
      {school && sources.data && (
        <>
          {summary.data && <BlockedSummary summary={summary.data} />}
          {summary.error && <ErrorAlert error={summary.error} />}
          {canManage && (
            <Card withBorder padding="md">
              <UploadSection schoolId={school.id} sources={sources.data.sources} formats={sources.data.formats} />
            </Card>
          )}
          <SourcesSection schoolId={school.id} sources={sources.data.sources} formats={sources.data.formats} canManage={canManage} />
          {runs.data && <RunsSection runs={runs.data.runs} formatLabel={(f) => sources.data.formats.find((x) => x.id === f)?.label ?? f} />}
          {runs.error && <ErrorAlert error={runs.error} />}
          <SettingsSection schoolId={school.id} canManage={canManage} />
        </>
      )}
    </Page>
  );
}


