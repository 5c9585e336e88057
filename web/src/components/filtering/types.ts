// Shapes of the filtering API and the words the pages use for them.
import type { Session } from '../../api.ts';

export type Target = { type: 'site' | 'category'; value: string };
export type UserGroup = { group: 'pupils'; yearGroups: string[] } | { group: 'staff' } | { group: 'class'; className: string };
export type Who = { personId: string; name: string; at: string };
export type Step = 'approve' | 'refuse' | 'agree' | 'apply' | 'revert';

export type Change = {
  id: string;
  schoolId: string;
  kind: 'block' | 'unblock';
  targets: Target[];
  userGroup: UserGroup;
  reason: string;
  endsAt: string | null;
  temporary: boolean;
  state: string;
  stateLabel: string;
  lapsed: boolean;
  requested: Who;
  head: (Who & { reason: string | null }) | null;
  second: (Who & { reason: string | null }) | null;
  applied: (Who & { ticketReference: string | null }) | null;
  revertDueAt: string | null;
  reverted: Who | null;
};

export type LogEntry = { id: string; changeId: string; at: string; by: string; byPersonId: string | null; step: string; state: string; what: string; reason: string | null };
export type ChangeDetail = Change & { allowedSteps: Step[]; log: LogEntry[] };

export type Report = {
  id: string;
  schoolId: string;
  url: string;
  direction: 'block' | 'unblock';
  why: string;
  whereSeen: string | null;
  reported: Who;
  status: 'open' | 'change_requested' | 'declined';
  decision: null | { decision: 'change_requested' | 'declined'; changeId: string | null; reason: string | null; personId: string; name: string; at: string };
};

export const STATE_LABELS: Record<string, string> = {
  requested: 'Waiting for the headteacher',
  approved_by_head: 'Waiting for the second person',
  agreed_by_second: 'Waiting for the IT provider',
  applied: 'Applied',
  reverted: 'Reverted',
  refused: 'Refused',
  expired: 'Expired',
};

export const STATE_COLORS: Record<string, string> = {
  requested: 'yellow',
  approved_by_head: 'yellow',
  agreed_by_second: 'blue',
  applied: 'green',
  reverted: 'gray',
  refused: 'red',
  expired: 'gray',
};

export const STEP_LABELS: Record<string, string> = {
  requested: 'Requested',
  approved: 'Approved',
  refused: 'Refused',
  agreed: 'Agreed',
  applied: 'Applied',
  revert_due: 'Due for revert',
  reverted: 'Reverted',
  expired: 'Expired',
};

export const YEAR_GROUPS = ['R', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13'];

export const kindLabel = (k: string) => (k === 'block' ? 'Block' : 'Unblock');
export const describeTargets = (ts: readonly Target[]) => ts.map((t) => `${t.type === 'site' ? 'Site' : 'Category'}: ${t.value}`).join('; ');
export const describeGroup = (g: UserGroup) =>
  g.group === 'staff' ? 'Staff' : g.group === 'class' ? `Class ${g.className}` : `Pupils in year ${g.yearGroups.join(', ')}`;
export const shortRef = (id: string) => id.slice(0, 8);

// The server decides; these only choose which links and sections to show.
const LOG_ROLES = ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'network_manager', 'online_safety_governor', 'chair_of_governors', 'trust_ceo', 'trust_safeguarding_lead', 'trust_admin'];
const holds = (s: Session, roles: readonly string[]) => s.roles.some((r) => roles.includes(r.role) && (r.schoolId === null || r.schoolId === s.currentSchoolId));
export const seesChangeLog = (s: Session) => holds(s, LOG_ROLES);
