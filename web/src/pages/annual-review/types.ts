// Shapes and labels of the annual review API (src/modules/annual-review/routes.ts).
import type { Session } from '../../api.ts';

export type Judgement = 'met' | 'partly_met' | 'not_met';
export const JUDGEMENT_OPTIONS: { value: Judgement; label: string }[] = [
  { value: 'met', label: 'Met' },
  { value: 'partly_met', label: 'Partly met' },
  { value: 'not_met', label: 'Not met' },
];
export const PARTICIPANTS: { role: string; label: string; hint: string[] }[] = [
  { role: 'senior_leader', label: 'Senior leader', hint: ['headteacher'] },
  { role: 'dsl', label: 'Designated safeguarding lead', hint: ['dsl', 'deputy_dsl'] },
  { role: 'it_provider', label: 'IT provider', hint: ['network_manager'] },
  { role: 'governor', label: 'Governor', hint: ['online_safety_governor', 'chair_of_governors'] },
];
export const RISK_FIELDS: { key: keyof RiskProfile; label: string; description: string }[] = [
  { key: 'ageRange', label: 'Age range of pupils', description: 'For example 4 to 11.' },
  { key: 'send', label: 'Special educational needs and disabilities (SEND)', description: 'Needs that change how pupils use technology or the risks they face.' },
  { key: 'eal', label: 'English as an additional language (EAL)', description: 'Languages that filtering and monitoring must cover.' },
  { key: 'devices', label: 'Devices pupils use', description: 'For example class iPads, Chromebooks, desktop PCs.' },
  { key: 'byod', label: 'Bring your own device (BYOD)', description: 'Whether pupils or staff use their own devices on the school network.' },
  { key: 'aiTools', label: 'AI tools', description: 'Generative AI tools pupils or staff use.' },
  { key: 'notes', label: 'Other notes on risk', description: 'Anything else that shapes the risk, for example recent incidents.' },
];

export type RiskProfile = { ageRange: string; send: string; eal: string; devices: string; byod: string; aiTools: string; notes: string };
export type Counts = Record<string, number>;
export type Evidence = {
  computedAt: string;
  period: { start: string; end: string };
  roleHolders: { role: string; roleLabel: string; personId: string; name: string }[];
  changeLog: { requests: number; entries: number; bySteps: Counts };
  filterChecks: { checks: number; results: number; notBlocked: number; tasksRaised: number; tasksOpen: number; lastCheckedOn: string | null };
  alerts: { total: number; byPriority: Counts; byStatus: Counts };
  monitoringReviews: { total: number; signedOff: number; due: number; overdue: number };
};
export type Item = { finding: string; action: string; ownerPersonId: string | null; dueOn: string | null; ownerName?: string | null };
export type Review = {
  id: string;
  schoolId: string;
  periodStart: string;
  periodEnd: string;
  status: 'draft' | 'signed_off';
  participants: { role: string; personId: string; roleLabel: string; name: string | null }[];
  riskProfile: RiskProfile;
  standards: { key: string; title: string; prompt: string; judgement: Judgement | null; judgementLabel: string | null; notes: string }[];
  items: Item[];
  evidence: Evidence;
  evidenceFrozen: boolean;
  updated: { name: string | null; at: string };
  signedOff: { personId: string; name: string | null; at: string; note: string | null } | null;
  mayEdit: boolean;
  maySignOff: boolean;
  directory: { personId: string; name: string; kind: string; roles: string[] }[];
};
export type ReviewList = {
  mayStart: boolean;
  lastSignedOffAt: string | null;
  nextDueAt: string | null;
  overdue: boolean;
  reviews: { id: string; periodStart: string; periodEnd: string; status: 'draft' | 'signed_off'; updatedAt: string; signedOff: { name: string; at: string } | null }[];
};

export const pdfHref = (id: string) => `/api/v1/annual-reviews/${id}.pdf`;
const holds = (s: Session, roles: readonly string[]) => s.roles.some((r) => roles.includes(r.role) && (r.schoolId === null || r.schoolId === s.currentSchoolId));
export const isGovernor = (s: Session) => holds(s, ['online_safety_governor', 'chair_of_governors']);

const ROLE_NAMES: Record<string, string> = {
  headteacher: 'headteacher',
  dsl: 'DSL',
  deputy_dsl: 'deputy DSL',
  online_safety_lead: 'online safety lead',
  network_manager: 'IT provider',
  online_safety_governor: 'online safety governor',
  chair_of_governors: 'chair of governors',
  teacher: 'teacher',
  support_staff: 'support staff',
  office: 'office',
  trust_ceo: 'trust CEO',
  trust_safeguarding_lead: 'trust safeguarding lead',
  trust_admin: 'trust administrator',
};
export const roleName = (role: string) => ROLE_NAMES[role] ?? role.replaceAll('_', ' ');
