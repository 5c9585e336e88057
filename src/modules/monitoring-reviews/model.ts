// Monitoring reviews, the pure rules: the default schedule, UK calendar periods, when a review is
// overdue, who may sign it off, and that a signed-off review never changes.
import type { Role } from '../../platform/auth/roles.ts';
import { londonDate, londonTime } from '../../platform/time.ts';

export const CADENCES = ['weekly', 'monthly', 'annual'] as const;
export type Cadence = (typeof CADENCES)[number];
export const CADENCE_LABELS: Record<Cadence, string> = { weekly: 'Weekly', monthly: 'Monthly', annual: 'Yearly (school year)' };

/** Who may sign off a review: the roles it names, at its school or trust-wide. */
export const REVIEWER_ROLES = [
  'headteacher',
  'dsl',
  'deputy_dsl',
  'online_safety_lead',
  'online_safety_governor',
  'chair_of_governors',
  'trust_ceo',
  'trust_safeguarding_lead',
] as const satisfies readonly Role[];
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];

export const OVERDUE_DAYS_DEFAULT: Record<Cadence, number> = { weekly: 7, monthly: 14, annual: 30 };

export type ScheduleEntry = { kind: string; label: string; cadence: Cadence; reviewerRoles: ReviewerRole[]; overdueAfterDays: number };

/** The seeds' process: the head weekly, the CEO monthly as quality assurance, governors yearly. */
export const DEFAULT_SCHEDULE: readonly ScheduleEntry[] = [
  { kind: 'weekly_head', label: 'Weekly monitoring review', cadence: 'weekly', reviewerRoles: ['headteacher'], overdueAfterDays: 7 },
  { kind: 'monthly_qa', label: 'Monthly quality assurance by the trust CEO', cadence: 'monthly', reviewerRoles: ['trust_ceo'], overdueAfterDays: 14 },
  {
    kind: 'annual_governors',
    label: 'Yearly review by governors',
    cadence: 'annual',
    reviewerRoles: ['online_safety_governor', 'chair_of_governors'],
    overdueAfterDays: 30,
  },
];

export type Problem = { field: string; message: string };

export function checkSchedule(entries: readonly ScheduleEntry[]): Problem[] {
  const problems: Problem[] = [];
  if (entries.length === 0) problems.push({ field: 'kinds', message: 'Keep at least one review in the schedule (the standards expect at least a yearly one).' });
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (seen.has(e.kind)) problems.push({ field: `kinds.${i}.kind`, message: `The review kind "${e.kind}" appears twice; give each one its own name.` });
    seen.add(e.kind);
    if (e.reviewerRoles.length === 0) problems.push({ field: `kinds.${i}.reviewerRoles`, message: 'Name at least one reviewer role.' });
  });
  if (!entries.some((e) => e.cadence === 'annual'))
    problems.push({ field: 'kinds', message: 'Keep a yearly review: the DfE standards ask for filtering and monitoring to be reviewed at least once a year.' });
  return problems;
}

// ---- UK calendar ------------------------------------------------------------------------------

export type Period = { start: string; end: string };

const toUtc = (d: string) => new Date(`${d}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (d: string, n: number) => fmt(new Date(toUtc(d).getTime() + n * 86_400_000));
const addMonths = (d: string, n: number) => {
  const x = toUtc(d);
  return fmt(new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + n, 1)));
};

/** The instant a London calendar day begins (00:00 GMT or BST). */
export function londonMidnight(day: string): Date {
  const base = toUtc(day).getTime();
  for (const offsetHours of [0, 1, -1]) {
    const at = new Date(base - offsetHours * 3_600_000);
    if (londonDate(at) === day && londonTime(at) === '00:00') return at;
  }
  throw new Error(`No London midnight on ${day}`);
}

/** The period of a cadence that contains a London day. Weeks run Monday–Sunday; school years from 1 September. */
export function periodContaining(cadence: Cadence, day: string): Period {
  const d = toUtc(day);
  if (cadence === 'weekly') {
    const sinceMonday = (d.getUTCDay() + 6) % 7;
    const start = addDays(day, -sinceMonday);
    return { start, end: addDays(start, 6) };
  }
  if (cadence === 'monthly') {
    const start = `${day.slice(0, 8)}01`;
    return { start, end: addDays(addMonths(start, 1), -1) };
  }
  const y = d.getUTCFullYear() - (d.getUTCMonth() < 8 ? 1 : 0);
  return { start: `${y}-09-01`, end: `${y + 1}-08-31` };
}

export const nextPeriod = (cadence: Cadence, p: Period): Period => periodContaining(cadence, addDays(p.end, 1));

/** When a period has ended: the London midnight after its last day. */
export const dueAtOf = (p: Period): Date => londonMidnight(addDays(p.end, 1));

/**
 * Periods whose review should exist now: those ended since the last one Haven made (or, the first
 * time, only the one that ended most recently — a new school is not handed a backlog).
 */
export function periodsToCreate(cadence: Cadence, now: Date, lastEnd: string | null, max = 60): Period[] {
  const latest = periodContaining(cadence, addDays(periodContaining(cadence, londonDate(now)).start, -1));
  if (lastEnd === null) return [latest];
  const out: Period[] = [];
  let p = periodContaining(cadence, addDays(lastEnd, 1));
  while (p.end <= latest.end && out.length < max) {
    out.push(p);
    p = nextPeriod(cadence, p);
  }
  return out;
}

// ---- Reviews ----------------------------------------------------------------------------------

export type Figures = {
  alerts: { total: number; byPriority: Record<string, number>; byStatus: Record<string, number> };
  blocked: { total: number; byCategory: { category: string; events: number }[] };
  changeRequests: { total: number; byState: Record<string, number> };
  concerns: { total: number; byType: Record<string, number> };
};

export type Action = { what: string; owner: string; dueOn: string };

export type ReviewFacts = { status: string; dueAt: Date; overdueAfterDays: number; reviewerRoles: readonly string[]; schoolId: string };

export const overdueAt = (r: Pick<ReviewFacts, 'dueAt' | 'overdueAfterDays'>): Date => new Date(r.dueAt.getTime() + r.overdueAfterDays * 86_400_000);
export const isOverdue = (r: ReviewFacts, now: Date): boolean => r.status === 'due' && now.getTime() >= overdueAt(r).getTime();
export const displayStatus = (r: ReviewFacts, now: Date): 'due' | 'overdue' | 'signed_off' =>
  r.status === 'signed_off' ? 'signed_off' : isOverdue(r, now) ? 'overdue' : 'due';

/** Reminders go out at most once a day per review. */
export const REMINDER_GAP_MS = 86_400_000;
export const needsReminder = (r: ReviewFacts & { remindedAt: Date | null }, now: Date): boolean =>
  isOverdue(r, now) && (r.remindedAt === null || now.getTime() - r.remindedAt.getTime() >= REMINDER_GAP_MS);

export type Who = { personId: string | null; grants: readonly { role: string; schoolId: string | null }[]; isToken: boolean };

export const isReviewer = (r: Pick<ReviewFacts, 'reviewerRoles' | 'schoolId'>, who: Who): boolean =>
  who.grants.some((g) => r.reviewerRoles.includes(g.role) && (g.schoolId === null || g.schoolId === r.schoolId));

export type SignOffDecision = { ok: true } | { ok: false; status: 403 | 409 | 422; reason: string };

export function decideSignOff(r: ReviewFacts, who: Who, input: { notes: string; actions: readonly Action[] }): SignOffDecision {
  if (who.isToken || !who.personId) return { ok: false, status: 403, reason: 'A review is signed off by a person, not an API token.' };
  if (!isReviewer(r, who)) return { ok: false, status: 403, reason: 'Only the reviewer named in the school’s schedule can sign off this review.' };
  if (r.status === 'signed_off') return { ok: false, status: 409, reason: 'This review is already signed off and can no longer be changed.' };
  if (input.notes.trim().length === 0) return { ok: false, status: 422, reason: 'Write your notes on what you reviewed before signing off.' };
  return { ok: true };
}

/** Concern types that speak to filtering and monitoring (what was reached, or the filter got round). */
export const FILTERING_CONCERN_TYPES = ['inappropriate_website', 'illegal_content', 'network_misuse', 'filter_bypass', 'radicalisation', 'self_harm'] as const;

export const ALERT_PRIORITIES = ['high', 'medium', 'low'] as const;
export const ALERT_STATUSES = ['open', 'acknowledged', 'dismissed', 'concern'] as const;

/** Turns the period's counts into the figures a reviewer reads (every known bucket shown, zeros included). */
export function buildFigures(c: {
  alerts: { priority: string; status: string; n: number }[];
  blocked: { category: string; events: number }[];
  changes: { state: string; n: number }[];
  concerns: { type: string; n: number }[];
}): Figures {
  const byPriority: Record<string, number> = Object.fromEntries(ALERT_PRIORITIES.map((p) => [p, 0]));
  const byStatus: Record<string, number> = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0]));
  for (const r of c.alerts) {
    byPriority[r.priority] = (byPriority[r.priority] ?? 0) + r.n;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    alerts: { total: sum(c.alerts.map((r) => r.n)), byPriority, byStatus },
    blocked: { total: sum(c.blocked.map((r) => r.events)), byCategory: c.blocked },
    changeRequests: { total: sum(c.changes.map((r) => r.n)), byState: Object.fromEntries(c.changes.map((r) => [r.state, r.n])) },
    concerns: {
      total: sum(c.concerns.map((r) => r.n)),
      byType: Object.fromEntries(FILTERING_CONCERN_TYPES.map((t) => [t, c.concerns.find((r) => r.type === t)?.n ?? 0])),
    },
  };
}
