// Shapes of the monitoring review API and the words shown for them.
import type { Session } from '../../api.ts';

export type ReviewStatus = 'due' | 'overdue' | 'signed_off';

export type ReviewSummary = {
  id: string;
  schoolId: string;
  schoolName: string;
  kind: string;
  label: string;
  cadence: 'weekly' | 'monthly' | 'annual';
  reviewerRoles: string[];
  reviewerLabel: string;
  periodStart: string;
  periodEnd: string;
  dueAt: string;
  overdueAt: string;
  status: ReviewStatus;
  signedOffAt: string | null;
  signedOffBy: { personId: string; name: string } | null;
};

export type Figures = {
  alerts: { total: number; byPriority: Record<string, number>; byStatus: Record<string, number> };
  blocked: { total: number; byCategory: { category: string; events: number }[] };
  changeRequests: { total: number; byState: Record<string, number> };
  concerns: { total: number; byType: Record<string, number> };
};

export type ReviewAction = { what: string; owner: string; dueOn: string };

export type Review = ReviewSummary & {
  figures: Figures;
  figuresAt: string;
  notes: string | null;
  actions: ReviewAction[];
  canSignOff: boolean;
  isReviewer: boolean;
};

export type ScheduleEntry = { kind: string; label: string; cadence: 'weekly' | 'monthly' | 'annual'; reviewerRoles: string[]; overdueAfterDays: number };
export type Schedule = { schoolId: string; custom: boolean; kinds: ScheduleEntry[]; canEdit: boolean };

export const STATUS_LABELS: Record<ReviewStatus, string> = { due: 'Due', overdue: 'Overdue', signed_off: 'Signed off' };
export const STATUS_COLORS: Record<ReviewStatus, string> = { due: 'blue', overdue: 'red', signed_off: 'green' };
export const CADENCE_LABELS: Record<string, string> = { weekly: 'Weekly', monthly: 'Monthly', annual: 'Yearly (school year)' };

export const REVIEWER_ROLE_LABELS: Record<string, string> = {
  headteacher: 'Headteacher',
  dsl: 'Designated safeguarding lead',
  deputy_dsl: 'Deputy DSL',
  online_safety_lead: 'Online safety lead',
  online_safety_governor: 'Online safety governor',
  chair_of_governors: 'Chair of governors',
  trust_ceo: 'Trust CEO',
  trust_safeguarding_lead: 'Trust safeguarding lead',
};

export const PRIORITY_LABELS: Record<string, string> = { high: 'High', medium: 'Medium', low: 'Low' };
export const ALERT_STATUS_LABELS: Record<string, string> = { open: 'Still open', acknowledged: 'Acknowledged', dismissed: 'Dismissed', concern: 'Became a concern' };
export const CHANGE_STATE_LABELS: Record<string, string> = {
  requested: 'Waiting for the headteacher',
  approved_by_head: 'Waiting for the second person',
  agreed_by_second: 'Waiting to be applied',
  applied: 'Applied',
  reverted: 'Reverted',
  refused: 'Refused',
  expired: 'Expired',
};
export const CONCERN_TYPE_LABELS: Record<string, string> = {
  inappropriate_website: 'Inappropriate website accessed',
  illegal_content: 'Illegal content',
  network_misuse: 'Deliberate misuse of the network',
  filter_bypass: 'Getting round the filter',
  radicalisation: 'Radicalisation or extremist material',
  self_harm: 'Self-harm content',
};

const VIEW = ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'online_safety_governor', 'chair_of_governors', 'trust_ceo', 'trust_safeguarding_lead', 'trust_admin'];
const TRUST_VIEW = ['trust_ceo', 'trust_safeguarding_lead', 'trust_admin'];

export const canSeeReviews = (s: Session) => s.roles.some((r) => VIEW.includes(r.role) && (r.schoolId === null || r.schoolId === s.currentSchoolId));
export const canSeeTrustReviews = (s: Session) => s.roles.some((r) => TRUST_VIEW.includes(r.role) && r.schoolId === null);

/** 1 Sep 2026 – 31 Aug 2027, from ISO dates. */
export function periodLabel(r: { periodStart: string; periodEnd: string }): string {
  const f = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return `${f.format(new Date(`${r.periodStart}T00:00:00Z`))} – ${f.format(new Date(`${r.periodEnd}T00:00:00Z`))}`;
}
