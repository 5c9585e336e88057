// The single place that answers "may this person do this action on this record". Deny by default.
// Pure: the principal carries its grants; the target names its trust and school.
import type { Role } from './roles.ts';

export type Grant = { role: Role; schoolId: string | null };

export type Principal = {
  accountId: string;
  label: string;
  email: string;
  trustId: string;
  personId: string | null;
  grants: Grant[];
  /** API tokens only: what the token may do, and optionally one school it is limited to. */
  scopes?: readonly Scope[];
  tokenSchoolId?: string | null;
};

export const ACTIONS = {
  'school.view': { roles: 'anyStaff', scope: 'people:read' },
  'people.view': { roles: 'anyStaff', scope: 'people:read' },
  'people.view_sensitive': {
    roles: ['headteacher', 'dsl', 'deputy_dsl', 'office', 'trust_admin', 'trust_ceo', 'trust_safeguarding_lead'],
    scope: 'people:read',
  },
  'people.manage': { roles: ['headteacher', 'office', 'trust_admin'], scope: 'people:write' },
  'roles.manage': { roles: ['headteacher', 'trust_admin'], scope: 'people:write' },
  'accounts.manage': { roles: ['headteacher', 'trust_admin'], scope: 'people:write' },
  'audit.view': { roles: ['headteacher', 'trust_admin'], scope: 'audit:read' },
  'outbox.view': { roles: ['headteacher', 'trust_admin'], scope: 'admin' },
  'tokens.manage': { roles: ['trust_admin'], scope: 'admin' },
  'trust.manage': { roles: ['trust_admin'], scope: 'admin' },
  // Concerns: reporting is open to all staff; who may see a case is decided by concerns/model.ts routing.
  'concerns.report': { roles: 'anyStaff', scope: 'admin' },
  'concerns.respond': {
    roles: ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'chair_of_governors', 'trust_ceo', 'trust_safeguarding_lead'],
    scope: 'admin',
  },
  // Agreements and consents (issue 6).
  'agreements.view': { roles: 'anyStaff', scope: 'people:read' },
  'agreements.manage': { roles: ['headteacher', 'online_safety_lead', 'trust_admin'], scope: 'people:write' },
  'agreements.record': {
    roles: ['headteacher', 'online_safety_lead', 'teacher', 'support_staff', 'office', 'trust_admin'],
    scope: 'people:write',
  },
  'consents.view': { roles: 'anyStaff', scope: 'people:read' },
  'consents.manage': { roles: ['headteacher', 'office', 'trust_admin'], scope: 'people:write' },
  'induction.manage': { roles: ['headteacher', 'online_safety_lead', 'office', 'trust_admin'], scope: 'people:write' },
  // Filtering change control (issue 5): any staff member may ask; the change-control log is for the
  // people who review filtering. Who may approve/agree/apply is decided by filtering/model.ts.
  'filtering.request': { roles: 'anyStaff', scope: 'admin' },
  'filtering.log': {
    roles: ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'network_manager', 'online_safety_governor', 'chair_of_governors', 'trust_ceo', 'trust_safeguarding_lead', 'trust_admin'],
    scope: 'admin',
  },
  // Filter checks and the annual filtering and monitoring review (issue 5). Who records a check as
  // fixed and who signs a review off is decided in filter-checks/model.ts and annual-review/model.ts.
  'filterchecks.record': { roles: ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'network_manager', 'trust_admin'], scope: 'admin' },
  'filterchecks.view': {
    roles: ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'network_manager', 'online_safety_governor', 'chair_of_governors', 'trust_ceo', 'trust_safeguarding_lead', 'trust_admin'],
    scope: 'admin',
  },
  'annualreview.edit': {
    roles: ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'online_safety_governor', 'chair_of_governors', 'trust_admin'],
    scope: 'admin',
  },
  'annualreview.view': {
    roles: ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'network_manager', 'online_safety_governor', 'chair_of_governors', 'trust_ceo', 'trust_safeguarding_lead', 'trust_admin'],
    scope: 'admin',
  },
  'annualreview.sign_off': { roles: ['online_safety_governor', 'chair_of_governors'], scope: 'admin' },
  // Monitoring reviews (issue 5): who signs off is the schedule's reviewer role (monitoring-reviews/model.ts).
  'monitoring.view': {
    roles: ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'online_safety_governor', 'chair_of_governors', 'trust_ceo', 'trust_safeguarding_lead', 'trust_admin'],
    scope: 'admin',
  },
  'monitoring.schedule': { roles: ['headteacher', 'trust_admin'], scope: 'admin' },
  'monitoring.trust_overview': { roles: ['trust_ceo', 'trust_safeguarding_lead', 'trust_admin'], scope: 'admin' },
  // Filtering and monitoring alerts (issue 4): the triage queue.
  'alerts.triage': { roles: ['dsl', 'deputy_dsl', 'online_safety_lead', 'headteacher'], scope: 'admin' },
  // Filtering and monitoring logs (issue 4): figures, runs and raw events; sources, uploads and leases.
  'logs.view': {
    roles: ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'network_manager', 'trust_ceo', 'trust_safeguarding_lead', 'trust_admin'],
    scope: 'admin',
  },
  'logs.manage': { roles: ['network_manager', 'online_safety_lead', 'headteacher', 'trust_admin'], scope: 'logs:write' },
} as const satisfies Record<string, { roles: readonly Role[] | 'anyStaff'; scope: string }>;

export type Action = keyof typeof ACTIONS;
export const SCOPES = ['people:read', 'people:write', 'audit:read', 'admin', 'logs:write'] as const;
export type Scope = (typeof SCOPES)[number];

/** Roles that make someone part of a school's staff-side view (everyone except parents and pupils). */
const ANY_STAFF: readonly Role[] = [
  'headteacher',
  'dsl',
  'deputy_dsl',
  'online_safety_lead',
  'network_manager',
  'teacher',
  'support_staff',
  'office',
  'trust_ceo',
  'trust_safeguarding_lead',
  'trust_admin',
];

export type Target = { trustId: string; schoolId: string | null };

export function can(principal: Principal, action: Action, target: Target): boolean {
  if (principal.trustId !== target.trustId) return false;
  const rule = ACTIONS[action];
  if (principal.scopes) {
    if (!principal.scopes.includes(rule.scope as Scope)) return false;
    if (principal.tokenSchoolId && target.schoolId !== principal.tokenSchoolId) return false;
  }
  const allowed: readonly Role[] = rule.roles === 'anyStaff' ? ANY_STAFF : rule.roles;
  return principal.grants.some(
    (g) =>
      allowed.includes(g.role) &&
      // a trust-wide grant covers every school of the trust; a school grant covers only its school
      (g.schoolId === null || (target.schoolId !== null && g.schoolId === target.schoolId)),
  );
}

/** The schools in which the principal may do the action (for list queries). `all` means trust-wide. */
export function schoolsFor(principal: Principal, action: Action, trustSchoolIds: readonly string[]): string[] {
  return trustSchoolIds.filter((schoolId) => can(principal, action, { trustId: principal.trustId, schoolId }));
}
