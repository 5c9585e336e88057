// Shapes and plain-English labels of the concerns API (see /tmp/haven/concerns-contract.md).
import type { Session } from '../../api.ts';

export const AREAS = ['content', 'contact', 'conduct', 'commerce'] as const;
export const AREA_LABELS: Record<string, string> = {
  content: 'Content — what they saw',
  contact: 'Contact — who they talked to',
  conduct: 'Conduct — how they behaved',
  commerce: 'Commerce — money, scams, gambling',
};
export const AREA_SHORT: Record<string, string> = { content: 'Content', contact: 'Contact', conduct: 'Conduct', commerce: 'Commerce' };

export const TYPE_LABELS: Record<string, string> = {
  inappropriate_website: 'Inappropriate website visited',
  illegal_content: 'Illegal content',
  inappropriate_messaging: 'Inappropriate email or messaging',
  network_misuse: 'Deliberate misuse of the network',
  cyberbullying: 'Cyberbullying',
  nude_image_sharing: 'Sharing nudes or semi-nudes',
  exploitation_grooming: 'Sexual exploitation or grooming online',
  radicalisation: 'Radicalisation or extremist material',
  self_harm: 'Self-harm content',
  filter_bypass: 'Getting round the filter',
  data_breach: 'Data protection breach',
  other: 'Something else',
};
export const TYPES = Object.keys(TYPE_LABELS);

export const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  triage: 'Being looked at',
  investigating: 'Investigating',
  actions: 'Actions',
  closed: 'Closed',
};
export const OUTCOME_LABELS: Record<string, string> = {
  substantiated: 'Substantiated',
  not_substantiated: 'Not substantiated',
  referred: 'Referred',
  duplicate: 'Duplicate',
  no_further_action: 'No further action',
};
export const AGENCY_LABELS: Record<string, string> = {
  police: 'Police',
  ceop: 'CEOP (National Crime Agency)',
  mash: 'MASH / children’s social care',
  lado: 'LADO (allegation about an adult)',
};
export const PATH_LABELS: Record<string, string> = { illegal: 'Illegal path', investigation: 'Investigation' };

export const typeLabel = (t: string | null | undefined) => (t ? (TYPE_LABELS[t] ?? t) : '—');
export const statusLabel = (s: string) => STATUS_LABELS[s] ?? s;
export const outcomeLabel = (o: string | null | undefined) => (o ? (OUTCOME_LABELS[o] ?? o) : '—');

export type Involved = { personId: string } | { unknown: true; description: string };

/** The report form as the reporter fills it in; drafts store exactly this. */
export type ConcernForm = {
  whatHappened: string;
  occurredAt: string; // datetime-local value (local time, no zone)
  location: string;
  device: string;
  involved: { personId: string; name: string; kind: string; detail: string }[];
  unknownInvolved: boolean;
  unknownDescription: string;
  urls: string[];
  area: string | null;
  type: string | null;
  toldDslInPerson: boolean | null;
  urgent: boolean | null;
  mayBeIndecentImages: boolean | null;
};

export type Draft = { id: string; updatedAt: string; form: Partial<ConcernForm> };
export type Created = { id: string; reference: string };
export type EvidenceReceipt = { sha256: string; size: number; fileName: string; mime: string };

export type MyConcern = { id: string; reference: string; createdAt: string; type: string; status: string };

export type ConcernSummary = {
  id: string;
  reference: string;
  createdAt: string;
  occurredAt: string;
  type: string;
  area: string;
  urgent: boolean;
  status: string;
  path: string | null;
  outcome: string | null;
  owner: { personId: string; name: string } | null;
  repeated: boolean;
  aboutStaff: boolean;
  pupils: { id: string; name: string }[];
};

export type TimelineEntry = {
  id: string;
  at: string;
  by: { name: string };
  kind: string;
  text: string;
  data: unknown;
};

export type Evidence = { sha256: string; size: number; fileName: string; mime: string; addedAt: string; addedBy: string; readOnly: boolean };

export type Concern = ConcernSummary & {
  whatHappened: string;
  location: string | null;
  device: string | null;
  urls: string[];
  toldDslInPerson: boolean;
  reporter: { personId: string; name: string };
  involved: { personId: string | null; name: string; kind: string; unknown: boolean; description: string | null }[];
  evidence: Evidence[];
  illegal: null | {
    viewingStoppedAt: string | null;
    deviceIsolatedAt: string | null;
    referral: { agency: string; reference: string; referredAt: string } | null;
  };
  investigation: null | { attendees: { personId: string; name: string; role: string }[]; findings: string | null; judgement: string | null };
  proposedActions: { action: string; label: string }[];
  actionsTaken: { action: string; label: string; doneBy: string; doneAt: string; note: string | null }[];
  deviationReason: string | null;
  feedback: string | null;
  lessonsLearned: string | null;
  timeline: TimelineEntry[];
  allowedTransitions: string[];
};

export type ChronologyEntry = { at: string; concernId: string; reference: string; kind: string; text: string; alertId?: string };
export type Chronology = { pupil: { id: string; name: string }; entries: ChronologyEntry[] };
export type IncidentRow = { date: string; time: string; reference: string; incident: string; actionTaken: string; actionBy: string; reportedBy: string };

/** The sanctions matrix's actions, in plain words (the API also sends labels with proposals). */
export const ACTION_LABELS: Record<string, string> = {
  refer_class_teacher: 'Pass to the class teacher',
  refer_phase_leader: 'Pass to the phase leader',
  refer_headteacher: 'Pass to the headteacher',
  refer_hr: 'Pass to HR',
  refer_local_authority: 'Pass to the local authority',
  refer_police: 'Report to the police',
  refer_technical: 'Ask technical staff to act (filtering, security)',
  inform_parents: 'Tell parents or carers',
  remove_network_access: 'Withdraw network or internet access',
  warning: 'Give a warning',
  further_sanction: 'Further sanction (for example detention or exclusion)',
  suspension: 'Suspend',
  disciplinary_action: 'Start disciplinary action',
};
export const actionLabel = (a: string) => ACTION_LABELS[a] ?? a;

// Roles that respond to concerns (the server decides; this only shows links).
const RESPONDER_ROLES = ['dsl', 'deputy_dsl', 'online_safety_lead', 'headteacher', 'chair_of_governors', 'trust_ceo', 'trust_safeguarding_lead'];
export const SENIOR_ROLES = ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead'];

export function isResponder(s: Session): boolean {
  return s.roles.some((r) => RESPONDER_ROLES.includes(r.role) && (r.schoolId === null || r.schoolId === s.currentSchoolId));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const ROLE_NAMES: Record<string, string> = {
  headteacher: 'Headteacher',
  dsl: 'Designated safeguarding lead',
  deputy_dsl: 'Deputy DSL',
  online_safety_lead: 'Online safety lead',
  chair_of_governors: 'Chair of governors',
  trust_ceo: 'Trust CEO',
  trust_safeguarding_lead: 'Trust safeguarding lead',
  teacher: 'Teacher',
  support_staff: 'Support staff',
  staff: 'Staff',
};
export const roleName = (r: string | null | undefined) => (r ? (ROLE_NAMES[r] ?? r.replace(/_/g, ' ')) : '');

/** Timeline (and chronology) entry kinds in plain words. */
export const ENTRY_KIND_LABELS: Record<string, string> = {
  concern: 'Concern reported',
  status: 'Status',
  owner: 'Owner',
  type: 'Type',
  urgency: 'Urgency',
  note: 'Note',
  action: 'Action',
  evidence: 'Evidence',
  follow_up: 'Reporter’s follow-up',
  correction: 'Correction',
  referral: 'Referral',
  sharing: 'Sharing',
  alert: 'Alert',
};
export const entryKindLabel = (k: string) => ENTRY_KIND_LABELS[k] ?? k.replace(/_/g, ' ');
