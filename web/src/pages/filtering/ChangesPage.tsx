// Filtering changes at the school: every request with its state, what it changes, for whom, who asked
// and when. Staff who do not review filtering see their own requests only (the server decides).
import { Anchor, Badge, Box, Button, Card, Group, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { type Change, describeGroup, describeTargets, kindLabel, seesChangeLog, STATE_COLORS, STATE_LABELS } from '../../components/filtering/types.ts';
import { formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

export function StateBadge({ state }: { state: string }) {
  return (
    <Badge
      color={STATE_COLORS[state] ?? 'gray'}
      variant="light"
      // The whole state is read, never cut short: the badge wraps on narrow columns.
      styles={{ root: { height: 'auto', maxWidth: '100%', paddingBlock: 2 }, label: { textTransform: 'none', whiteSpace: 'normal', overflow: 'visible', color: 'var(--mantine-color-dark-9)' } }}
    >
      {STATE_LABELS[state] ?? state}
    </Badge>
  );
}

function Cards({ changes }: { changes: Change[] }) {
  return (
    <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Filtering changes">
      {changes.map((c) => (
        <Card key={c.id} withBorder padding="sm" component="li">
          <Group justify="space-between" gap="xs">
            <Anchor component={Link} to={`/filter-changes/${c.id}`} fw={700}>
              {kindLabel(c.kind)}: {c.targets.map((t) => t.value).join(', ')}
            </Anchor>
            <StateBadge state={c.state} />
          </Group>
          <Text fz="sm">{describeGroup(c.userGroup)}{c.endsAt ? ` · until ${formatDateTime(c.endsAt)}` : ''}</Text>
          <Text fz="sm" c="dimmed">
            Asked by {c.requested.name}, {formatDateTime(c.requested.at)}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}

function Wide({ changes }: { changes: Change[] }) {
  return (
    <TableWrap label="Filtering changes table">
      <Table striped highlightOnHover verticalSpacing="xs" miw={720} aria-label="Filtering changes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Change</Table.Th>
            <Table.Th scope="col">State</Table.Th>
            <Table.Th scope="col">For</Table.Th>
            <Table.Th scope="col">Until</Table.Th>
            <Table.Th scope="col">Asked by</Table.Th>
            <Table.Th scope="col">Asked</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {changes.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td className="break-anywhere">
                <Anchor component={Link} to={`/filter-changes/${c.id}`} fw={600}>
                  {kindLabel(c.kind)} {describeTargets(c.targets)}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <StateBadge state={c.state} />
              </Table.Td>
              <Table.Td>{describeGroup(c.userGroup)}</Table.Td>
              <Table.Td>{c.endsAt ? formatDateTime(c.endsAt) : 'Until further notice'}</Table.Td>
              <Table.Td>{c.requested.name}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(c.requested.at)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableWrap>
  );
}

export function ChangesPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const [state, setState] = useState('');
  const list = useQuery({
    queryKey: ['filter-changes', school?.id, state],
    queryFn: () => api.get<{ changes: Change[] }>(`/schools/${school?.id}/filter-changes`, { state }),
    enabled: Boolean(school),
    placeholderData: keepPreviousData,
  });
  return (
    <Page
      title="Filtering changes"
      intro="Requests to block or unblock sites, each agreed by two people before the IT provider applies it."
      actions={
        <Group gap="sm" mt="xs">
          <Button component={Link} to="/filter-changes/new">
            Request a change
          </Button>
          <Button component={Link} to="/filter-reports" variant="outline">
            Report a site
          </Button>
          {seesChangeLog(session) && (
            <Button component={Link} to="/filter-changes/log" variant="outline">
              Change-control log
            </Button>
          )}
        </Group>
      }
    >
      <NativeSelect
        label="Show"
        data={[{ value: '', label: 'Every state' }, ...Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label }))]}
        value={state}
        onChange={(e) => setState(e.currentTarget.value)}
        w={{ base: '100%', xs: 300 }}
      />
      {list.error && <ErrorAlert error={list.error} />}
      {list.isPending && school && <Loading />}
      {list.data && (
        <Stack gap="sm">
          <Text role="status" aria-live="polite" fw={600}>
            {list.data.changes.length === 0 ? 'No requests to show.' : `${list.data.changes.length} ${list.data.changes.length === 1 ? 'request' : 'requests'}`}
          </Text>
          {list.data.changes.length > 0 && (
            <>
              <Box hiddenFrom="sm">
                <Cards changes={list.data.changes} />
              </Box>
              <Box visibleFrom="sm">
                <Wide changes={list.data.changes} />
              </Box>
            </>
          )}
        </Stack>
      )}
    </Page>
  );
}
