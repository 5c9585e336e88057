// Pure rules of concerns: the vocabulary, the response flowchart as a state machine, the starter
// sanctions matrices, routing (who may see a case and who is told) and the "repeated" flag. No I/O.
import type { Grant } from '../../platform/auth/policy.ts';
import type { Role } from '../../platform/auth/roles.ts';

export const AREAS = ['content', 'contact', 'conduct', 'commerce'] as const;
export const TYPES = [
  'inappropriate_website',
  'illegal_content',
  'inappropriate_messaging',
  'network_misuse',
  'cyberbullying',
  'nude_image_sharing',
  'exploitation_grooming',
  'radicalisation',
  'self_harm',
  'filter_bypass',
  'data_breach',
  'other',
] as const;
export const STATUSES = ['new', 'triage', 'investigating', 'actions', 'closed'] as const;
export const PATHS = ['illegal', 'investigation'] as const;
export const OUTCOMES = ['substantiated', 'not_substantiated', 'referred', 'duplicate', 'no_further_action'] as const;
export const AGENCIES = ['police', 'ceop', 'mash', 'lado'] as const;
export const ACTIONS = [
  'refer_class_teacher',
  'refer_phase_leader',
  'refer_headteacher',
  'refer_hr',
  'refer_local_authority',
  'refer_police',
  'refer_technical',
  'inform_parents',
  'remove_network_access',
  'warning',
  'further_sanction',
  'suspension',
  'disciplinary_action',
] as const;
export const TIMELINE_KINDS = [
  'status',
  'owner',
  'type',
  'urgency',
  'note',
  'action',
  'evidence',
  'follow_up',
  'correction',
  'referral',
  'sharing',
] as const;

export type Area = (typeof AREAS)[number];
export type ConcernType = (typeof TYPES)[number];
export type Status = (typeof STATUSES)[number];
export type Path = (typeof PATHS)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type Agency = (typeof AGENCIES)[number];
export type SanctionAction = (typeof ACTIONS)[number];
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const TYPE_LABELS: Record<ConcernType, string> = {
  inappropriate_website: 'Inappropriate website accessed',
  illegal_content: 'Illegal content',
  inappropriate_messaging: 'Inappropriate email or messaging',
  network_misuse: 'Deliberate misuse of the network',
  cyberbullying: 'Cyberbullying',
  nude_image_sharing: 'Sharing nudes or semi-nudes',
  exploitation_grooming: 'Sexual exploitation or grooming via technology',
  radicalisation: 'Radicalisation or extremist material',
  self_harm: 'Self-harm content',
  filter_bypass: 'Getting round the filter',
  data_breach: 'Data protection breach',
  other: 'Other',
};

export const ACTION_LABELS: Record<SanctionAction, string> = {
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

export const STATUS_LABELS: Record<Status, string> = {
  new: 'New',
  triage: 'In triage',
  investigating: 'Being investigated',
  actions: 'Actions',
  closed: 'Closed',
};

export const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);

// ---------------------------------------------------------------------------------------------
// The flowchart as a state machine
// ---------------------------------------------------------------------------------------------

export const EVENTS = [
  'take',
  'assign',
  'suspect_illegal',
  'record_containment',
  'record_referral',
  'complete_referral',
  'start_investigation',
  'record_attendees',
  'save_findings',
  'record_actions',
  'close',
  'close_without_action',
  'set_type',
  'set_urgency',
] as const;
export type EventName = (typeof EVENTS)[number];

/** What the machine needs to know about a case to decide a transition. */
export type CaseState = {
  status: Status;
  path: Path | null;
  outcome: Outcome | null;
  ownerPersonId: string | null;
  viewingStopped: boolean;
  deviceIsolated: boolean;
  hasReferral: boolean;
  /** People recorded as present during the investigation, and whether each is senior staff. */
  attendees: { personId: string; senior: boolean }[];
  actionsRecorded: boolean;
};

export type Event =
  | { event: 'take'; ownerPersonId?: string }
  | { event: 'assign'; ownerPersonId: string }
  | { event: 'suspect_illegal' }
  | { event: 'record_containment'; viewingStopped: boolean; deviceIsolated: boolean }
  | { event: 'record_referral'; agency: Agency; reference: string; referredAt: Date }
  | { event: 'complete_referral' }
  | { event: 'start_investigation' }
  | { event: 'record_attendees'; attendees: { personId: string; senior: boolean }[] }
  | { event: 'save_findings'; findings: string; judgement: 'substantiated' | 'not_substantiated' }
  | { event: 'record_actions'; actions: SanctionAction[]; deviationNeedsReason: boolean; deviationReason?: string }
  | { event: 'close'; feedback: string; lessonsLearned: string; outcome?: Outcome }
  | { event: 'close_without_action'; outcome: 'duplicate' | 'no_further_action'; reason: string }
  | { event: 'set_type'; type: ConcernType; area: Area }
  | { event: 'set_urgency'; urgent: boolean };

export type Decision =
  | { ok: true; state: CaseState }
  | { ok: false; reason: string; field?: string };

/** Senior staff for the "two senior staff present" rule of an investigation. */
export const SENIOR_ROLES: readonly Role[] = [
  'headteacher',
  'dsl',
  'deputy_dsl',
  'online_safety_lead',
  'trust_safeguarding_lead',
  'trust_ceo',
  'chair_of_governors',
];
export const MIN_SENIOR_ATTENDEES = 2;

const open = (s: CaseState) => s.status !== 'closed';
const blank = (v: string | undefined) => !v || v.trim().length === 0;
const refuse = (reason: string, field?: string): Decision => ({ ok: false, reason, ...(field ? { field } : {}) });

/** Where an event may start from, independent of its fields: used for `allowedTransitions`. */
function fromStateCheck(s: CaseState, e: EventName): string | null {
  switch (e) {
    case 'take':
      return s.status === 'new' ? null : 'Only a new concern can be taken into triage.';
    case 'assign':
    case 'set_type':
    case 'set_urgency':
      return open(s) ? null : 'This concern is closed.';
    case 'suspect_illegal':
    case 'start_investigation':
      return s.status === 'triage' ? null : 'Choose the path during triage: take the concern first.';
    case 'record_containment':
    case 'record_referral':
    case 'complete_referral':
      return s.status === 'investigating' && s.path === 'illegal' ? null : 'This step belongs to the illegal path only.';
    case 'record_attendees':
    case 'save_findings':
      return s.status === 'investigating' && s.path === 'investigation' ? null : 'This step belongs to an investigation in progress.';
    case 'record_actions':
      return s.status === 'actions' ? null : 'Actions are recorded after the judgement or the referral.';
    case 'close':
      return s.status === 'actions' ? null : 'A concern is closed from the actions step.';
    case 'close_without_action':
      return s.status === 'new' || s.status === 'triage' ? null : 'Only a new or triaged concern can be closed without action.';
  }
}

export function allowedTransitions(s: CaseState): EventName[] {
  return EVENTS.filter((e) => fromStateCheck(s, e) === null);
}

/** Applies one event to a case; refuses with the reason a person can act on. */
export function transition(s: CaseState, e: Event, callerPersonId: string): Decision {
  const wrong = fromStateCheck(s, e.event);
  if (wrong) return refuse(wrong);
  switch (e.event) {
    case 'take':
      return { ok: true, state: { ...s, status: 'triage', ownerPersonId: e.ownerPersonId ?? callerPersonId } };
    case 'assign':
      if (blank(e.ownerPersonId)) return refuse('Name the new owner.', 'ownerPersonId');
      return { ok: true, state: { ...s, ownerPersonId: e.ownerPersonId } };
    case 'suspect_illegal':
      return { ok: true, state: { ...s, status: 'investigating', path: 'illegal' } };
    case 'start_investigation':
      return { ok: true, state: { ...s, status: 'investigating', path: 'investigation' } };
    case 'record_containment':
      if (!e.viewingStopped) return refuse('Confirm that all viewing of the material has stopped.', 'viewingStopped');
      if (!e.deviceIsolated) return refuse('Confirm that the device is isolated and preserved.', 'deviceIsolated');
      return { ok: true, state: { ...s, viewingStopped: true, deviceIsolated: true } };
    case 'record_referral':
      if (blank(e.reference)) return refuse('Give the reference the agency gave you.', 'reference');
      return { ok: true, state: { ...s, hasReferral: true } };
    case 'complete_referral':
      if (!s.viewingStopped || !s.deviceIsolated) return refuse('Record first that viewing stopped and the device is isolated.', 'containment');
      if (!s.hasReferral) return refuse('Record the referral (agency, reference and time) first.', 'referral');
      return { ok: true, state: { ...s, status: 'actions', outcome: 'referred' } };
    case 'record_attendees':
      return { ok: true, state: { ...s, attendees: e.attendees } };
    case 'save_findings': {
      const seniors = new Set(s.attendees.filter((a) => a.senior).map((a) => a.personId)).size;
      if (seniors < MIN_SENIOR_ATTENDEES) {
        return refuse(`Record at least ${MIN_SENIOR_ATTENDEES} senior staff as present before saving findings (now ${seniors}).`, 'attendeePersonIds');
      }
      if (blank(e.findings)) return refuse('Write down what the investigation found.', 'findings');
      return { ok: true, state: { ...s, status: 'actions', outcome: e.judgement } };
    }
    case 'record_actions':
      if (e.actions.length === 0 && !e.deviationNeedsReason) return refuse('Tick at least one action that was taken.', 'actions');
      if (e.deviationNeedsReason && blank(e.deviationReason)) {
        return refuse("The actions differ from the school's sanctions matrix: write down why.", 'deviationReason');
      }
      return { ok: true, state: { ...s, actionsRecorded: true } };
    case 'close':
      if (!s.actionsRecorded) return refuse('Record the actions taken before closing.', 'actions');
      if (blank(e.feedback)) return refuse('Say what feedback was given to those involved.', 'feedback');
      if (blank(e.lessonsLearned)) return refuse('Write down the lessons learned (or "none").', 'lessonsLearned');
      if (e.outcome && (e.outcome === 'duplicate' || e.outcome === 'no_further_action')) {
        return refuse('A case that reached actions closes as substantiated, not substantiated or referred.', 'outcome');
      }
      return { ok: true, state: { ...s, status: 'closed', outcome: e.outcome ?? s.outcome } };
    case 'close_without_action':
      if (blank(e.reason)) return refuse('Say why no action is needed.', 'reason');
      return { ok: true, state: { ...s, status: 'closed', outcome: e.outcome } };
    case 'set_type':
    case 'set_urgency':
      return { ok: true, state: s };
  }
}

// ---------------------------------------------------------------------------------------------
// Sanctions matrices (starter data, written in our words, after the shape of the schools' tables)
// ---------------------------------------------------------------------------------------------

export type Subject = 'pupil' | 'staff';
export type Matrix = Record<ConcernType, SanctionAction[]>;

export const PUPIL_ACTIONS: readonly SanctionAction[] = [
  'refer_class_teacher',
  'refer_phase_leader',
  'refer_headteacher',
  'refer_police',
  'refer_technical',
  'inform_parents',
  'remove_network_access',
  'warning',
  'further_sanction',
];
export const STAFF_ACTIONS: readonly SanctionAction[] = [
  'refer_headteacher',
  'refer_hr',
  'refer_local_authority',
  'refer_police',
  'refer_technical',
  'warning',
  'suspension',
  'disciplinary_action',
];

export const STARTER_PUPIL_MATRIX: Matrix = {
  inappropriate_website: ['refer_class_teacher', 'refer_technical', 'warning'],
  illegal_content: ['refer_headteacher', 'refer_police', 'refer_technical', 'inform_parents'],
  inappropriate_messaging: ['refer_phase_leader', 'refer_headteacher', 'inform_parents', 'warning'],
  network_misuse: ['refer_class_teacher', 'refer_headteacher', 'refer_technical', 'warning'],
  cyberbullying: ['refer_phase_leader', 'refer_headteacher', 'refer_technical', 'inform_parents', 'warning', 'further_sanction'],
  nude_image_sharing: ['refer_headteacher', 'inform_parents'],
  exploitation_grooming: ['refer_headteacher', 'refer_police', 'inform_parents'],
  radicalisation: ['refer_headteacher', 'refer_police', 'inform_parents'],
  self_harm: ['refer_headteacher', 'inform_parents'],
  filter_bypass: ['refer_class_teacher', 'refer_technical', 'remove_network_access', 'warning'],
  data_breach: ['refer_headteacher', 'refer_technical', 'inform_parents', 'warning'],
  other: ['refer_class_teacher', 'warning'],
};

export const STARTER_STAFF_MATRIX: Matrix = {
  inappropriate_website: ['refer_headteacher', 'warning'],
  illegal_content: ['refer_headteacher', 'refer_local_authority', 'refer_police'],
  inappropriate_messaging: ['refer_headteacher', 'refer_hr', 'warning'],
  network_misuse: ['refer_headteacher', 'refer_technical', 'warning'],
  cyberbullying: ['refer_headteacher', 'refer_hr', 'warning'],
  nude_image_sharing: ['refer_headteacher', 'refer_local_authority', 'refer_police', 'suspension'],
  exploitation_grooming: ['refer_headteacher', 'refer_local_authority', 'refer_police', 'suspension'],
  radicalisation: ['refer_headteacher', 'refer_local_authority', 'refer_police'],
  self_harm: ['refer_headteacher', 'refer_hr'],
  filter_bypass: ['refer_headteacher', 'refer_technical', 'disciplinary_action'],
  data_breach: ['refer_headteacher', 'refer_hr', 'refer_technical', 'warning', 'disciplinary_action'],
  other: ['refer_headteacher'],
};

/** Added when the same person keeps offending after earlier warnings (the schools' "continued infringements" row). */
export const ESCALATION: Record<Subject, SanctionAction[]> = {
  pupil: ['refer_headteacher', 'inform_parents', 'remove_network_access', 'further_sanction'],
  staff: ['refer_headteacher', 'refer_hr', 'disciplinary_action'],
};

/** The actions the matrix recommends, in the order of ACTIONS. */
export function proposeActions(matrix: Matrix, type: ConcernType, repeated: boolean, subject: Subject): SanctionAction[] {
  const chosen = new Set<SanctionAction>(matrix[type] ?? []);
  if (repeated) for (const a of ESCALATION[subject]) chosen.add(a);
  return ACTIONS.filter((a) => chosen.has(a));
}

/** How the actions taken differ from the proposal; any difference needs a written reason. */
export function deviation(proposed: readonly SanctionAction[], taken: readonly SanctionAction[]) {
  const missing = proposed.filter((a) => !taken.includes(a));
  const extra = taken.filter((a) => !proposed.includes(a));
  return { missing, extra, deviates: missing.length > 0 || extra.length > 0 };
}

// ---------------------------------------------------------------------------------------------
// Routing and visibility
// ---------------------------------------------------------------------------------------------

/** Roles that work the concerns of their school. */
export const RESPONDER_ROLES: readonly Role[] = ['dsl', 'deputy_dsl', 'online_safety_lead', 'headteacher'];

export type Routing = 'ordinary' | 'about_staff' | 'about_headteacher';

export type CaseAudience = {
  trustId: string;
  schoolId: string;
  reporterPersonId: string;
  /** Staff named as involved: the subjects of an allegation. */
  staffSubjectIds: readonly string[];
  /** Whether any staff subject is a headteacher of the school. */
  aboutHeadteacher: boolean;
  sharedWith: readonly string[];
};

export type Viewer = { trustId: string; personId: string | null; grants: readonly Grant[] };

/**
 * What a person may see of a case:
 * - respond: the whole case, and may act on it (routed responders);
 * - shared: the whole case and notes, by explicit need-to-know share;
 * - reporter: only the reference, type and status of what they reported;
 * - none: it does not exist for them (the 404 of every route, list and count).
 */
export type Access = 'respond' | 'shared' | 'reporter' | 'none';

export function routingOf(a: Pick<CaseAudience, 'staffSubjectIds' | 'aboutHeadteacher'>): Routing {
  if (a.aboutHeadteacher) return 'about_headteacher';
  return a.staffSubjectIds.length > 0 ? 'about_staff' : 'ordinary';
}

/**
 * The roles a case is routed to. A concern about staff goes to the headteacher and the trust
 * safeguarding lead only; one about the headteacher goes to the chair of governors and the trust CEO.
 * Trust roles count from a trust-wide grant; school roles from a grant at the case's school.
 */
export function routedRoles(routing: Routing): readonly Role[] {
  switch (routing) {
    case 'ordinary':
      return [...RESPONDER_ROLES, 'trust_safeguarding_lead'];
    case 'about_staff':
      return ['headteacher', 'trust_safeguarding_lead'];
    case 'about_headteacher':
      return ['chair_of_governors', 'trust_ceo'];
  }
}

const holds = (v: Viewer, roles: readonly Role[], schoolId: string) =>
  v.grants.some((g) => roles.includes(g.role) && (g.schoolId === null || g.schoolId === schoolId));

export function accessOf(v: Viewer, a: CaseAudience): Access {
  if (v.trustId !== a.trustId || !v.personId) return 'none';
  // The subject of an allegation never sees it: not as responder, sharer, nor reporter.
  if (a.staffSubjectIds.includes(v.personId)) return 'none';
  if (holds(v, routedRoles(routingOf(a)), a.schoolId)) return 'respond';
  if (a.sharedWith.includes(v.personId)) return 'shared';
  if (a.reporterPersonId === v.personId) return 'reporter';
  return 'none';
}

export const seesCase = (x: Access) => x === 'respond' || x === 'shared';

export const ROUTINGS: readonly Routing[] = ['ordinary', 'about_staff', 'about_headteacher'];

/** The routings whose cases at a school this viewer works (the SQL form of accessOf's role test). */
export function routingsFor(v: Viewer, schoolId: string): Routing[] {
  return ROUTINGS.filter((r) => holds(v, routedRoles(r), schoolId));
}

/** Roles that receive the new-concern mail: the DSL and deputies, or the routed people for allegations. */
export function notifiedRoles(routing: Routing): readonly Role[] {
  switch (routing) {
    case 'ordinary':
      return ['dsl', 'deputy_dsl'];
    case 'about_staff':
      return ['headteacher', 'trust_safeguarding_lead'];
    case 'about_headteacher':
      return ['chair_of_governors', 'trust_ceo'];
  }
}

/** The list of viewers of a case (who looked) is for the DSL, or for the routed people of an allegation. */
export function mayListViewers(v: Viewer, a: CaseAudience): boolean {
  if (accessOf(v, a) !== 'respond') return false;
  const routing = routingOf(a);
  return routing === 'ordinary' ? holds(v, ['dsl', 'trust_safeguarding_lead'], a.schoolId) : true;
}

// ---------------------------------------------------------------------------------------------
// Repeated concerns and school terms
// ---------------------------------------------------------------------------------------------

/**
 * School terms, fixed by calendar so they need no school data: autumn 1 Sep–31 Dec, spring 1 Jan–31 Mar
 * (Easter moves; the end of March is a stable stand-in), summer 1 Apr–31 Aug. Dates are taken in UTC.
 */
export function termOf(at: Date): { name: 'autumn' | 'spring' | 'summer'; start: Date; end: Date } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth(); // 0 = January
  if (m >= 8) return { name: 'autumn', start: new Date(Date.UTC(y, 8, 1)), end: new Date(Date.UTC(y + 1, 0, 1)) };
  if (m <= 2) return { name: 'spring', start: new Date(Date.UTC(y, 0, 1)), end: new Date(Date.UTC(y, 3, 1)) };
  return { name: 'summer', start: new Date(Date.UTC(y, 3, 1)), end: new Date(Date.UTC(y, 8, 1)) };
}

export const REPEAT_THRESHOLD = 3;

/**
 * A pupil's concern is repeated when, counting it, the pupil has REPEAT_THRESHOLD or more concerns
 * of the same type that happened in the same term. `earlier` are the other concerns' occurrence times.
 */
export function isRepeated(occurredAt: Date, earlier: readonly Date[]): boolean {
  const term = termOf(occurredAt);
  const inTerm = earlier.filter((d) => d >= term.start && d < term.end).length;
  return inTerm + 1 >= REPEAT_THRESHOLD;
}

// ---------------------------------------------------------------------------------------------
// References, reminders, mail wording
// ---------------------------------------------------------------------------------------------

/** A short school prefix from its name's initials: "Ash Brook Primary" → "ABP". */
export function schoolPrefix(name: string): string {
  const letters = name
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length > 0 && !['of', 'and', 'the', 'cofe', 'ce'].includes(w.toLowerCase()))
    .map((w) => (w[0] as string).toUpperCase())
    .join('');
  return (letters || 'SCH').slice(0, 4);
}

export const formatReference = (prefix: string, n: number) => `${prefix}-${String(n).padStart(4, '0')}`;

export const REMINDER_AFTER_DAYS_DEFAULT = 5;

export function newConcernSubject(reference: string, urgent: boolean, type: ConcernType): string {
  return `${urgent ? 'URGENT: ' : ''}New online safety concern ${reference} (${TYPE_LABELS[type]})`;
}

/** What a reporter must do instead of uploading possible indecent images of a child. */
export const INDECENT_IMAGES_GUIDANCE =
  'Do not upload this. Do not look at it again, copy, forward, print or screenshot it. Switch nothing off, ' +
  'isolate the device and keep it safe. Tell the designated safeguarding lead now, in person. ' +
  'The DSL will contact the police (or CEOP when a child is at risk online).';
