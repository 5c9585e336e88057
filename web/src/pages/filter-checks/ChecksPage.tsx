// Filter checks of the current school, newest first, with what failed and what is still open.
import { Alert, Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { formatDate } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';
import { type Check, canRecordChecks } from './types.ts';

export function ChecksPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const checks = useQuery({
    queryKey: ['filter-checks', school?.id],
    queryFn: () => api.get<{ checks: Check[] }>(`/schools/${school?.id}/filter-checks`),
    enabled: Boolean(school),
  });
  if (!school) return <Page title="Filter checks"><Alert color="yellow">Choose a school first.</Alert></Page>;
  return (
    <Page
      title="Filter checks"
      intro={`Each test of the filter at ${school.name}. A category that was not blocked stays on the IT provider's task list until it is fixed.`}
      actions={
        <Group gap="xs" mt="xs">
          {canRecordChecks(session) && (
            <Button component={Link} to="/filter-checks/new">
              Record a check
            </Button>
          )}
          <Button component={Link} to="/filter-checks/tasks" variant="outline">
            Open IT tasks
          </Button>
        </Group>
      }
    >
      {checks.isPending && <Loading />}
      {checks.error && <ErrorAlert error={checks.error} />}
      {checks.data && checks.data.checks.length === 0 && <Text>No checks recorded yet.</Text>}
      {checks.data && checks.data.checks.length > 0 && (
        <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Filter checks">
          {checks.data.checks.map((c) => (
            <li key={c.id}>
              <Stack gap={4} p="sm" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8 }}>
                <Group justify="space-between" gap="xs">
                  <Anchor component={Link} to={`/filter-checks/${c.id}`} fw={700}>
                    {formatDate(c.checkedOn)} · {c.device}
                  </Anchor>
                  {c.failed === 0 ? (
                    <Badge color="teal.9" variant="outline" tt="none">
                      All blocked
                    </Badge>
                  ) : (
                    <Badge color="red.9" variant="outline" tt="none">
                      {c.failed} not blocked{c.openTasks > 0 ? ` · ${c.openTasks} open` : ' · fixed'}
                    </Badge>
                  )}
                </Group>
                <Text fz="sm">
                  {c.userGroupLabel} · {c.methodLabel} · {c.results.length} {c.results.length === 1 ? 'category' : 'categories'} · run by {c.checkedBy.name}
                </Text>
                {c.correctsId && <Text fz="sm">Corrects an earlier check.</Text>}
                {c.correctedBy.length > 0 && <Text fz="sm">Corrected by a later check.</Text>}
              </Stack>
            </li>
          ))}
        </Stack>
      )}
    </Page>
  );
}
