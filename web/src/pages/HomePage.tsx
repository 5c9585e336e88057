// Home: which school, who to tell about a worry, and the places people go most.
import { Alert, Anchor, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, type RoleHolders } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { OverdueReviews } from '../components/OverdueReviews.tsx';
import { Loading, Page } from '../components/Page.tsx';
import { HolderGrid, isWhoToTell, SAFEGUARDING_ROLES } from '../components/RoleHolders.tsx';
import { canManagePeople, currentSchool, useSignedIn } from '../session.ts';

const TRUST_OVERSIGHT = ['trust_ceo', 'trust_safeguarding_lead', 'trust_admin'];

export function HomePage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const holders = useQuery({
    queryKey: ['role-holders', school?.id],
    queryFn: () => api.get<RoleHolders>(`/schools/${school?.id}/role-holders`),
    enabled: Boolean(school),
  });

  if (!school) {
    return (
      <Page title="Home">
        <Alert color="yellow" title="No school yet">
          Your account is not linked to a school. Ask your school office or trust administrator to add you.
        </Alert>
      </Page>
    );
  }

  const all = holders.data?.holders ?? [];
  const safeguarding = all.filter((h) => SAFEGUARDING_ROLES.includes(h.role));
  const others = all.filter((h) => isWhoToTell(h.role) && !SAFEGUARDING_ROLES.includes(h.role));

  return (
    <Page title={school.name} intro={`Signed in as ${session.account.displayName}.`}>
      <Group gap="sm">
        <Button component={Link} to="/concerns/new" size="lg" color="red.8">
          Report a concern
        </Button>
        <Button component={Link} to="/concerns/mine" size="lg" variant="outline">
          My reports
        </Button>
      </Group>
      <Stack gap="sm" component="section" aria-labelledby="worry-heading">
        <Title order={2} id="worry-heading" fz={22}>
          Worried about a child? Tell the safeguarding lead
        </Title>
        <Text>If a child is in immediate danger, call 999. Otherwise speak to one of these people today.</Text>
        {holders.isPending && <Loading />}
        {holders.error && <ErrorAlert error={holders.error} />}
        {holders.data && safeguarding.length === 0 && (
          <Alert color="yellow" title="No safeguarding lead recorded">
            Nobody holds the designated safeguarding lead role at this school yet. Tell the headteacher.
          </Alert>
        )}
        <HolderGrid holders={safeguarding} prominent />
        {others.length > 0 && (
          <Text fz="sm">
            Also: {others.slice(0, 4).map((h) => `${h.name} (${h.label})`).join(', ')}
            {others.length > 4 ? ' and more.' : '.'}{' '}
            <Anchor component={Link} to="/who-to-tell">
              See everyone to tell
            </Anchor>
          </Text>
        )}
      </Stack>

      {/* Overdue monitoring reviews: shown only to those who may see them (the card hides itself otherwise). */}
      <OverdueReviews scope="school" schoolId={school.id} />
      {session.roles.some((r) => TRUST_OVERSIGHT.includes(r.role)) && <OverdueReviews scope="trust" />}

      <Stack gap="sm" component="section" aria-labelledby="links-heading">
        <Title order={2} id="links-heading" fz={22}>
          Quick links
        </Title>
        <Group gap="sm">
          <Button component={Link} to="/who-to-tell" variant="light">
            Who to tell
          </Button>
          <Button component={Link} to="/people" variant="light">
            Find a person
          </Button>
          {canManagePeople(session) && (
            <Button component={Link} to="/import" variant="light">
              Import people
            </Button>
          )}
          <Button component={Link} to="/account" variant="light">
            Your account
          </Button>
        </Group>
      </Stack>
    </Page>
  );
}
