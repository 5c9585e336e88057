// The signed-in frame: skip link, demo banner, header (school switcher, quick hide, account menu),
// navigation and the main landmark that receives focus after every page change.
import { AppShell, Box, Burger, Button, Group, Menu, NavLink, Select, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, Outlet, NavLink as RouterNavLink, useLocation, useNavigate } from 'react-router';
import { api, type Session, setCsrfToken } from '../api.ts';
import { canAudit, canManagePeople, canSeeOutbox, SESSION_KEY, useSignedIn } from '../session.ts';
import { agreementNavItems } from './agreements/types.ts';
import { isResponder } from './concerns/types.ts';
import { filteringNavItems, type NavItem } from './filtering-nav.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { quickHide, useQuickHideShortcut } from './quick-hide.ts';

export const DEMO_TEXT = 'Demo trust — invented people, never real data';

export function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        const main = document.getElementById('main');
        main?.focus();
        main?.scrollIntoView();
      }}
    >
      Skip to main content
    </a>
  );
}

type NavGroup = { label: string; items: NavItem[] };

function navItems(session: Session): (NavItem | NavGroup)[] {
  const filtering = filteringNavItems(session);
  const entries: (NavItem | NavGroup)[] = [
    { to: '/', label: 'Home', show: true },
    { to: '/concerns/new', label: 'Report a concern', show: true },
    { to: '/concerns/mine', label: 'My reports', show: true },
    { to: '/concerns', label: 'Concerns', show: isResponder(session), end: true },
    { to: '/incident-log', label: 'Incident log', show: isResponder(session) },
    { to: '/who-to-tell', label: 'Who to tell', show: true },
    { to: '/people', label: 'People', show: true },
    ...agreementNavItems(session),
    { label: 'Filtering and monitoring', items: filtering },
    { to: '/import', label: 'Import', show: canManagePeople(session) },
    { to: '/audit', label: 'Audit', show: canAudit(session) },
    { to: '/outbox', label: 'Outbox', show: canSeeOutbox(session) },
    { to: '/account', label: 'Account', show: true },
  ];
  return entries.filter((i) => ('items' in i ? i.items.length > 0 : i.show));
}

const flat = (entries: (NavItem | NavGroup)[]): NavItem[] => entries.flatMap((e) => ('items' in e ? e.items : [e]));

function SchoolSwitcher({ session }: { session: Session }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const change = useMutation({
    mutationFn: (schoolId: string) => api.put<void>('/auth/session/context', { trustId: session.trustId, schoolId }),
    onSuccess: async () => {
      // Everything on screen belongs to the old school: refetch it all.
      await client.invalidateQueries();
      if (location.pathname.startsWith('/people/')) navigate('/people');
    },
  });
  if (session.schools.length === 0) return null;
  if (session.schools.length === 1) {
    return (
      <Text fw={600} fz="sm">
        {session.schools[0]?.name}
      </Text>
    );
  }
  return (
    <Box>
      <Select
        label="School"
        data={session.schools.map((s) => ({ value: s.id, label: s.name }))}
        value={session.currentSchoolId}
        onChange={(v) => v && v !== session.currentSchoolId && change.mutate(v)}
        allowDeselect={false}
        disabled={change.isPending}
        w={{ base: '100%', sm: 260 }}
        size="sm"
        comboboxProps={{ withinPortal: true }}
      />
      {change.error && <ErrorAlert error={change.error} title="Could not change school" />}
    </Box>
  );
}

export function Layout() {
  const session = useSignedIn();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  useQuickHideShortcut();

  useEffect(() => {
    close();
    if (first.current) {
      first.current = false;
      return;
    }
    // Tell screen-reader and keyboard users the page changed by moving focus to the content.
    mainRef.current?.focus();
  }, [location.pathname, close]);

  const signOut = useMutation({
    mutationFn: () => api.post<void>('/auth/logout'),
    onSettled: () => {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(SESSION_KEY, null);
      navigate('/login', { replace: true });
    },
  });

  const entries = navItems(session);
  const items = flat(entries);
  const headerHeight = session.demo ? 100 : 64;
  const isActive = (to: string) => {
    if (to === '/') return location.pathname === '/';
    // Longer nav paths win: /concerns/new is "Report a concern", not "Concerns".
    const longer = items.some((i) => i.to !== to && i.to.startsWith(to) && location.pathname.startsWith(i.to));
    return location.pathname.startsWith(to) && !longer;
  };

  return (
    <>
      <SkipLink />
      <AppShell header={{ height: headerHeight }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
        <AppShell.Header>
          {session.demo && (
            <div className="demo-banner" role="note" aria-label="Demo">
              DEMO · {DEMO_TEXT}
            </div>
          )}
          <Group h={64} px="md" justify="space-between" wrap="nowrap" gap="sm">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close menu' : 'Open menu'} aria-expanded={opened} aria-controls="site-nav" />
              <Text component={Link} to="/" fw={750} fz={22} c="blue.9" td="none" aria-label="Haven home">
                Haven
              </Text>
            </Group>
            <Group gap="sm" wrap="nowrap" align="center">
              <Box visibleFrom="sm">
                <SchoolSwitcher session={session} />
              </Box>
              <Button variant="outline" color="gray.8" onClick={quickHide} title="Hide Haven now (or press Escape twice)" size="sm">
                Quick hide
              </Button>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <UnstyledButton aria-label={`Account menu for ${session.account.displayName}`} px="xs" py={6} style={{ borderRadius: 6 }}>
                    <Text fw={600} fz="sm" visibleFrom="sm" component="span">
                      {session.account.displayName} ▾
                    </Text>
                    <Text fw={600} fz="sm" hiddenFrom="sm" component="span">
                      Me ▾
                    </Text>
                  </UnstyledButton>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>{session.account.email}</Menu.Label>
                  <Menu.Item component={Link} to="/account">
                    Account settings
                  </Menu.Item>
                  <Menu.Item onClick={() => signOut.mutate()}>Sign out</Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          </Group>
        </AppShell.Header>

        <AppShell.Navbar p="sm" id="site-nav" aria-label="Main">
          <Stack gap={4}>
            <Box hiddenFrom="sm" mb="sm">
              <SchoolSwitcher session={session} />
            </Box>
            {entries.map((e) => {
              const link = (i: NavItem) => (
                <NavLink
                  key={i.to}
                  component={RouterNavLink}
                  to={i.to}
                  end={i.end}
                  label={i.label}
                  active={isActive(i.to)}
                  aria-current={isActive(i.to) ? 'page' : undefined}
                  fw={600}
                />
              );
              if (!('items' in e)) return link(e);
              // A group opens by itself when one of its pages is showing; a button toggles it by keyboard too.
              return (
                <NavLink key={e.label} label={e.label} fw={600} defaultOpened={e.items.some((i) => isActive(i.to))} childrenOffset="sm">
                  {e.items.map(link)}
                </NavLink>
              );
            })}
            <NavLink component="button" label="Sign out" onClick={() => signOut.mutate()} mt="md" />
          </Stack>
        </AppShell.Navbar>

        <AppShell.Main id="main" tabIndex={-1} ref={mainRef}>
          <Box maw={1100}>
            <ErrorBoundary resetKey={location.pathname}>
              <Outlet />
            </ErrorBoundary>
          </Box>
        </AppShell.Main>
      </AppShell>
    </>
  );
}
