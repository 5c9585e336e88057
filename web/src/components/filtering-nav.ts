// The "Filtering and monitoring" part of the navigation: each page shown to the roles its API allows
// (the server checks again; this only keeps the menu to what the person can open).
import type { Session } from '../api.ts';
import { holds } from '../session.ts';

const LEADS = ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead'];
const TRUST = ['trust_ceo', 'trust_safeguarding_lead', 'trust_admin'];
const GOVERNORS = ['online_safety_governor', 'chair_of_governors'];
const GOVERNANCE = [...LEADS, 'network_manager', ...GOVERNORS, ...TRUST];

export type NavItem = { to: string; label: string; show: boolean; end?: boolean };

export function filteringNavItems(s: Session): NavItem[] {
  return [
    { to: '/alerts', label: 'Alerts', show: holds(s, LEADS) },
    { to: '/filter-changes', label: 'Filtering changes', show: true, end: true },
    { to: '/filter-reports', label: 'Report a site', show: true },
    { to: '/filter-changes/log', label: 'Filtering log', show: holds(s, GOVERNANCE) },
    { to: '/filter-checks', label: 'Filter checks', show: holds(s, GOVERNANCE), end: true },
    { to: '/filter-checks/tasks', label: 'IT tasks', show: holds(s, [...LEADS, 'network_manager', ...TRUST]) },
    { to: '/logs', label: 'Filtering logs', show: holds(s, [...LEADS, 'network_manager', ...TRUST]) },
    { to: '/monitoring-reviews', label: 'Monitoring reviews', show: holds(s, GOVERNANCE.filter((r) => r !== 'network_manager')) },
    { to: '/annual-reviews', label: 'Annual review', show: holds(s, GOVERNANCE) },
  ].filter((i) => i.show);
}
