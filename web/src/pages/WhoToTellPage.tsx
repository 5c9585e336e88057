// Who to tell: every named role holder of the current school, grouped by role.
import { Alert, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type RoleHolder, type RoleHolders } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { Loading, Page } from '../components/Page.tsx';
import { HolderGrid, isWhoToTell, SAFEGUARDING_ROLES, WHO_TO_TELL_ROLES } from '../components/RoleHolders.tsx';
import { currentSchool, useSignedIn } from '../session.ts';

function groupByRole(holders: RoleHolder[]): { role: string; label: string; holders: RoleHolder[] }[] {
  const groups: { role: string; label: string; holders: RoleHolder[] }[] = [];
  const ordered = holders
    .filter((h) => isWhoToTell(h.role))
    .sort((a, b) => WHO_TO_TELL_ROLES.indexOf(a.role) - WHO_TO_TELL_ROLES.indexOf(b.role));
  for (const h of ordered) {
    const g = groups.find((x) => x.role === h.role);
    if (g) g.holders.push(h);
    else groups.push({ role: h.role, label: h.label, holders: [h] });
  }
  return groups;
}

export function WhoToTellPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const q = useQuery({
    queryKey: ['role-holders', school?.id],
    queryFn: () => api.get<RoleHolders>(`/schools/${school?.id}/role-holders`),
    enabled: Boolean(school),
  });
  return (
    <Page title="Who to tell" intro={school ? `The people to tell at ${school.name}, in the order to try them.` : undefined}>
      {!school && <Alert color="yellow">Choose a school first.</Alert>}
      {q.isPending && school && <Loading />}
      {q.error && <ErrorAlert error={q.error} />}
      {q.data && groupByRole(q.data.holders).length === 0 && <Alert color="yellow" title="Nobody recorded yet">No role holders are recorded for this school.</Alert>}
      {q.data &&
        groupByRole(q.data.holders).map((g) => (
          <Stack key={g.role} gap="sm" component="section" aria-labelledby={`role-${g.role}`}>
            <Title order={2} id={`role-${g.role}`} fz={20}>
              {g.label}
            </Title>
            <HolderGrid holders={g.holders} prominent={SAFEGUARDING_ROLES.includes(g.role)} />
          </Stack>
        ))}
    </Page>
  );
}
