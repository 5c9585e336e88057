// The annual filtering and monitoring review: a guided review against the four DfE standards.
// Pure rules. A review is a draft until a governor signs it off, once; from then on it is read-only
// (the database refuses changes too, migration 0009) and its evidence is frozen as it was then.
import type { Role } from '../../platform/auth/roles.ts';

export const STANDARDS = [
  { key: 'roles', title: 'Roles and responsibilities', prompt: 'Named people are responsible for filtering and monitoring, and know what they must do.' },
  { key: 'review', title: 'Review at least once a year', prompt: 'Filtering and monitoring provision is reviewed at least every year, and when something changes.' },
  {
    key: 'filtering',
    title: 'Filtering blocks harmful and inappropriate content',
    prompt: 'The filter blocks harmful and inappropriate content without unreasonably affecting teaching and learning.',
  },
  { key: 'monitoring', title: 'Effective monitoring strategies', prompt: 'Monitoring strategies meet the safeguarding needs of the school and are acted on.' },
] as const;
export type StandardKey = (typeof STANDARDS)[number]['key'];
export const STANDARD_KEYS = STANDARDS.map((s) => s.key) as StandardKey[];

export const JUDGEMENTS = ['met', 'partly_met', 'not_met'] as const;
export type Judgement = (typeof JUDGEMENTS)[number];
export const JUDGEMENT_LABELS: Record<Judgement, string> = { met: 'Met', partly_met: 'Partly met', not_met: 'Not met' };

/** The people the standards expect in the review. */
export const PARTICIPANT_ROLES = ['senior_leader', 'dsl', 'it_provider', 'governor'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];
export const PARTICIPANT_LABELS: Record<ParticipantRole, string> = {
  senior_leader: 'Senior leader',
  dsl: 'Designated safeguarding lead',
  it_provider: 'IT provider',
  governor: 'Governor',
};

/** Who signs the review off. */
export const SIGN_OFF_ROLES: readonly Role[] = ['online_safety_governor', 'chair_of_governors'];

export type Participant = { role: ParticipantRole; personId: string };
export type RiskProfile = {
  ageRange: string;
  send: string;
  eal: string;
  devices: string;
  byod: string;
  aiTools: string;
  notes: string;
};
export type StandardEntry = { judgement: Judgement | null; notes: string };
export type Item = { finding: string; action: string; ownerPersonId: string | null; dueOn: string | null };
export type ReviewContent = {
  participants: Participant[];
  riskProfile: RiskProfile;
  standards: Record<StandardKey, StandardEntry>;
  items: Item[];
};
export type Problem = { field: string; message: string };

export const emptyRiskProfile = (): RiskProfile => ({ ageRange: '', send: '', eal: '', devices: '', byod: '', aiTools: '', notes: '' });
export const emptyStandards = (): Record<StandardKey, StandardEntry> =>
  Object.fromEntries(STANDARD_KEYS.map((k) => [k, { judgement: null, notes: '' }])) as Record<StandardKey, StandardEntry>;

/** Problems with a period for a new review. */
export function checkPeriod(start: string, end: string): Problem[] {
  if (end < start) return [{ field: 'periodEnd', message: 'The end of the period must be on or after its start.' }];
  const days = (Date.parse(end) - Date.parse(start)) / 86_400_000;
  if (days > 731) return [{ field: 'periodEnd', message: 'A review covers at most two years; the standards expect one at least every year.' }];
  return [];
}

/** Problems with what is being saved: each finding needs an action, an owner and a due date. */
export function checkContent(c: ReviewContent): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  c.participants.forEach((p, i) => {
    const key = `${p.role}:${p.personId}`;
    if (seen.has(key)) problems.push({ field: `participants.${i}`, message: 'That person is already listed in that role.' });
    seen.add(key);
  });
  c.items.forEach((it, i) => {
    if (!it.finding.trim()) problems.push({ field: `items.${i}.finding`, message: 'Write the finding.' });
    if (!it.action.trim()) problems.push({ field: `items.${i}.action`, message: 'Write the action that follows from the finding.' });
    if (!it.ownerPersonId) problems.push({ field: `items.${i}.ownerPersonId`, message: 'Choose who owns the action.' });
    if (!it.dueOn) problems.push({ field: `items.${i}.dueOn`, message: 'Give the date the action is due.' });
  });
  return problems;
}

export type ReviewFacts = { status: 'draft' | 'signed_off'; content: ReviewContent };
export type Refusal = { ok: false; status: 403 | 409 | 422; reason: string; problems?: Problem[] };

/** A signed-off review is read-only. */
export function checkEdit(r: Pick<ReviewFacts, 'status'>): { ok: true } | Refusal {
  if (r.status === 'signed_off') return { ok: false, status: 409, reason: 'This review has been signed off and is read-only. Start next year’s review instead.' };
  return { ok: true };
}

/** A governor signs off a complete draft, once. */
export function checkSignOff(r: ReviewFacts, roles: readonly Role[]): { ok: true } | Refusal {
  if (!roles.some((x) => SIGN_OFF_ROLES.includes(x))) return { ok: false, status: 403, reason: 'The review is signed off by the online safety governor or the chair of governors.' };
  if (r.status === 'signed_off') return { ok: false, status: 409, reason: 'This review has already been signed off.' };
  const problems: Problem[] = [];
  for (const s of STANDARDS) {
    if (!r.content.standards[s.key]?.judgement) problems.push({ field: `standards.${s.key}.judgement`, message: `Give a judgement for “${s.title}”.` });
  }
  for (const role of PARTICIPANT_ROLES) {
    if (!r.content.participants.some((p) => p.role === role)) problems.push({ field: 'participants', message: `Record the ${PARTICIPANT_LABELS[role].toLowerCase()} who took part.` });
  }
  problems.push(...checkContent(r.content));
  if (problems.length > 0) return { ok: false, status: 422, reason: `The review is not complete yet: ${problems.map((p) => p.message).join(' ')}`, problems };
  return { ok: true };
}

/** The next review is due a year after the last sign-off (or now, if there has never been one). */
export function nextDue(lastSignedOffAt: Date | null, now: Date): { nextDueAt: Date | null; overdue: boolean } {
  if (!lastSignedOffAt) return { nextDueAt: null, overdue: true };
  const next = new Date(lastSignedOffAt);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return { nextDueAt: next, overdue: next.getTime() <= now.getTime() };
}

/** Roles whose current holders are listed as evidence for the first standard. */
export const EVIDENCE_ROLES: readonly Role[] = [
  'headteacher',
  'dsl',
  'deputy_dsl',
  'online_safety_lead',
  'network_manager',
  'online_safety_governor',
  'chair_of_governors',
];
