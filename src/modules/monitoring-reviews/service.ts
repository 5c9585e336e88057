// Monitoring review use cases: the school's schedule, the job that creates due reviews with the
// period's figures, reading and signing off, and the overdue reminders.
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import { ROLE_LABELS, type Role } from '../../platform/auth/roles.ts';
import { type ActorRef, type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { londonDateTime } from '../../platform/time.ts';
import {
  type Action,
  addDays,
  buildFigures,
  type Cadence,
  checkSchedule,
  DEFAULT_SCHEDULE,
  decideSignOff,
  displayStatus,
  dueAtOf,
  FILTERING_CONCERN_TYPES,
  type Figures,
  isReviewer,
  londonMidnight,
  needsReminder,
  overdueAt,
  type Period,
  periodsToCreate,
  type ReviewerRole,
  type ScheduleEntry,
} from './model.ts';
import * as store from './store.ts';

type Row = store.ReviewRow;

const rolesAt = (p: Principal, schoolId: string): Role[] => p.grants.filter((g) => g.schoolId === null || g.schoolId === schoolId).map((g) => g.role);
const target = (p: Principal, schoolId: string | null) => ({ trustId: p.trustId, schoolId });

/** The school, if the caller belongs there at all (otherwise it does not exist for them). */
async function requireSchool(haven: Haven, p: Principal, schoolId: string) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school || rolesAt(p, schoolId).length === 0) throw notFound('That school');
  return school;
}

// ---- Schedule ---------------------------------------------------------------------------------

async function scheduleEntries(db: Executor, trustId: string, schoolId: string): Promise<{ custom: boolean; kinds: ScheduleEntry[] }> {
  const rows = await store.scheduleOf(db, trustId, schoolId);
  if (rows.length === 0) return { custom: false, kinds: DEFAULT_SCHEDULE.map((e) => ({ ...e, reviewerRoles: [...e.reviewerRoles] })) };
  return {
    custom: true,
    kinds: rows.map((r) => ({ kind: r.kind, label: r.label, cadence: r.cadence as Cadence, reviewerRoles: r.reviewer_roles as ReviewerRole[], overdueAfterDays: r.overdue_after_days })),
  };
}

export async function getSchedule(haven: Haven, p: Principal, schoolId: string) {
  await requireSchool(haven, p, schoolId);
  if (!can(p, 'monitoring.view', target(p, schoolId))) throw forbidden('Only the school’s leaders, governors and trust leaders see the review schedule.');
  const s = await scheduleEntries(haven.db, p.trustId, schoolId);
  return { schoolId, ...s, canEdit: can(p, 'monitoring.schedule', target(p, schoolId)) };
}

export async function setSchedule(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, kinds: ScheduleEntry[]) {
  await requireSchool(haven, p, schoolId);
  if (!can(p, 'monitoring.schedule', target(p, schoolId))) throw forbidden('Only the headteacher or a trust administrator can change the review schedule.');
  const problems = checkSchedule(kinds);
  if (problems.length > 0) throw unprocessable(problems.map((x) => x.message).join(' '), problems);
  await haven.db.transaction().execute(async (tx) => {
    const before = await scheduleEntries(tx, p.trustId, schoolId);
    await store.replaceSchedule(tx, p.trustId, schoolId, kinds, haven.clock.now());
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId,
      action: 'monitoring.schedule.update',
      recordType: 'school',
      recordId: schoolId,
      detail: { before: before.kinds, after: kinds },
    });
  });
  return getSchedule(haven, p, schoolId);
}

// ---- Figures ----------------------------------------------------------------------------------

/** The period's figures, counted over [first London midnight, the London midnight after the last day). */
export async function figuresFor(db: Executor, trustId: string, schoolId: string, period: Period): Promise<Figures> {
  const range = { trustId, schoolId, from: londonMidnight(period.start), to: londonMidnight(addDays(period.end, 1)) };
  const [alerts, blocked, changes, concerns] = await Promise.all([
    store.alertCounts(db, range),
    store.blockedCounts(db, range),
    store.changeRequestCounts(db, range),
    store.concernCounts(db, range, FILTERING_CONCERN_TYPES),
  ]);
  return buildFigures({ alerts, blocked, changes, concerns });
}

// ---- The creating job -------------------------------------------------------------------------

/** Creates every review whose period has ended, once per school/kind/period. Safe to run any number of times. */
export async function createDueReviews(haven: Haven): Promise<{ created: number }> {
  const now = haven.clock.now();
  let created = 0;
  for (const school of await store.allSchools(haven.db)) {
    const { kinds } = await scheduleEntries(haven.db, school.trust_id, school.id);
    for (const entry of kinds) {
      const last = await store.lastPeriodEnd(haven.db, school.trust_id, school.id, entry.kind);
      for (const period of periodsToCreate(entry.cadence, now, last)) {
        const figures = await figuresFor(haven.db, school.trust_id, school.id, period);
        const id = newId();
        const made = await haven.db.transaction().execute(async (tx) => {
          const inserted = await store.insertReview(tx, { trustId: school.trust_id, id, schoolId: school.id, entry, period, dueAt: dueAtOf(period), figures, now });
          if (inserted)
            await audit(tx, haven, SYSTEM_ACTOR, {
              trustId: school.trust_id,
              schoolId: school.id,
              action: 'monitoring.review.create',
              recordType: 'monitoring_review',
              recordId: id,
              detail: { kind: entry.kind, periodStart: period.start, periodEnd: period.end },
            });
          return inserted;
        });
        if (made) created++;
      }
    }
  }
  return { created };
}

// ---- Reading ----------------------------------------------------------------------------------

const factsOf = (r: Row) => ({ status: r.status, dueAt: r.due_at, overdueAfterDays: r.overdue_after_days, reviewerRoles: r.reviewer_roles, schoolId: r.school_id });

function summary(r: Row, now: Date, names: Map<string, string>, schoolNames: Map<string, string>) {
  return {
    id: r.id,
    schoolId: r.school_id,
    schoolName: schoolNames.get(r.school_id) ?? '',
    kind: r.kind,
    label: r.label,
    cadence: r.cadence,
    reviewerRoles: r.reviewer_roles,
    reviewerLabel: r.reviewer_roles.map((x) => ROLE_LABELS[x as Role] ?? x).join(' or '),
    periodStart: r.period_start,
    periodEnd: r.period_end,
    dueAt: r.due_at,
    overdueAt: overdueAt(factsOf(r)),
    status: displayStatus(factsOf(r), now),
    signedOffAt: r.signed_off_at,
    signedOffBy: r.signed_off_by ? { personId: r.signed_off_by, name: names.get(r.signed_off_by) ?? 'Unknown' } : null,
  };
}

export type ReviewSummary = ReturnType<typeof summary>;

async function summaries(haven: Haven, trustId: string, rows: Row[]) {
  const [names, schools] = await Promise.all([store.namesOf(haven.db, trustId, rows.map((r) => r.signed_off_by)), store.schoolsOfTrust(haven.db, trustId)]);
  const schoolNames = new Map(schools.map((s) => [s.id, s.name]));
  const now = haven.clock.now();
  return rows.map((r) => summary(r, now, names, schoolNames));
}

export type ListFilter = { status?: 'due' | 'overdue' | 'signed_off' | undefined };

export async function listReviews(haven: Haven, p: Principal, schoolId: string, f: ListFilter) {
  await requireSchool(haven, p, schoolId);
  if (!can(p, 'monitoring.view', target(p, schoolId))) throw forbidden('Only the school’s leaders, governors and trust leaders see monitoring reviews.');
  const now = haven.clock.now();
  const rows =
    f.status === 'overdue'
      ? await store.listReviews(haven.db, p.trustId, [schoolId], { overdueBy: now })
      : await store.listReviews(haven.db, p.trustId, [schoolId], { status: f.status === 'signed_off' ? 'signed_off' : f.status === 'due' ? 'due' : undefined });
  const all = await summaries(haven, p.trustId, rows);
  // "due" means due and not yet overdue, so the three lists never overlap
  return { reviews: f.status === 'due' ? all.filter((r) => r.status === 'due') : all };
}

/** The headteacher's dashboard: this school's overdue reviews. */
export async function overdueForSchool(haven: Haven, p: Principal, schoolId: string) {
  return listReviews(haven, p, schoolId, { status: 'overdue' });
}

/** The trust's dashboard: overdue reviews in every school of the trust. */
export async function overdueForTrust(haven: Haven, p: Principal) {
  if (!can(p, 'monitoring.trust_overview', target(p, null))) throw forbidden('Only the trust CEO, trust safeguarding lead or trust administrator see reviews across the trust.');
  const schools = await store.schoolsOfTrust(haven.db, p.trustId);
  const rows = await store.listReviews(
    haven.db,
    p.trustId,
    schools.map((s) => s.id),
    { overdueBy: haven.clock.now() },
  );
  return { reviews: await summaries(haven, p.trustId, rows) };
}

async function loadVisible(haven: Haven, p: Principal, reviewId: string) {
  const row = await store.reviewById(haven.db, p.trustId, reviewId);
  if (!row || rolesAt(p, row.school_id).length === 0) throw notFound('That review');
  if (!can(p, 'monitoring.view', target(p, row.school_id))) throw forbidden('Only the school’s leaders, governors and trust leaders see monitoring reviews.');
  return row;
}

const who = (p: Principal) => ({ personId: p.personId, grants: p.grants, isToken: Boolean(p.scopes) });

function detail(r: Row, p: Principal, now: Date, base: ReviewSummary) {
  return {
    ...base,
    figures: r.figures,
    figuresAt: r.figures_at,
    notes: r.notes,
    actions: r.actions,
    canSignOff: r.status === 'due' && decideSignOff(factsOf(r), who(p), { notes: 'x', actions: [] }).ok,
    isReviewer: isReviewer(factsOf(r), who(p)),
    periodLabel: `${r.period_start} to ${r.period_end}`,
    dueAtLabel: londonDateTime(r.due_at),
    checkedAt: now,
  };
}

/** Opens a review. Until sign-off its figures are counted afresh, so late entries are included. */
export async function getReview(haven: Haven, p: Principal, actor: ActorRef, reviewId: string) {
  let row = await loadVisible(haven, p, reviewId);
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    if (row.status === 'due') {
      const figures = await figuresFor(tx, p.trustId, row.school_id, { start: row.period_start, end: row.period_end });
      await store.refreshFigures(tx, p.trustId, row.id, figures, now);
    }
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action: 'monitoring.review.read', recordType: 'monitoring_review', recordId: row.id });
  });
  row = (await store.reviewById(haven.db, p.trustId, reviewId)) ?? row;
  const [base] = await summaries(haven, p.trustId, [row]);
  return detail(row, p, now, base as ReviewSummary);
}

export type SignOffInput = { notes: string; actions: Action[] };

export async function signOffReview(haven: Haven, p: Principal, actor: ActorRef, reviewId: string, input: SignOffInput) {
  await loadVisible(haven, p, reviewId);
  const now = haven.clock.now();
  const refused = await haven.db.transaction().execute(async (tx) => {
    const row = await store.reviewForUpdate(tx, p.trustId, reviewId);
    if (!row) return notFound('That review');
    const d = decideSignOff(factsOf(row), who(p), input);
    if (!d.ok) return new AppError(d.status, d.status === 403 ? 'Not allowed' : d.status === 409 ? 'Conflict' : 'Cannot be processed', d.reason);
    // the figures are counted one last time and frozen with the sign-off
    const figures = await figuresFor(tx, p.trustId, row.school_id, { start: row.period_start, end: row.period_end });
    await store.signOff(tx, p.trustId, row.id, { by: p.personId as string, at: now, notes: input.notes.trim(), actions: input.actions, figures });
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: row.school_id,
      action: 'monitoring.review.sign_off',
      recordType: 'monitoring_review',
      recordId: row.id,
      detail: { kind: row.kind, periodStart: row.period_start, periodEnd: row.period_end, actions: input.actions.length },
    });
    return null;
  });
  if (refused) throw refused;
  return getReview(haven, p, actor, reviewId);
}

// ---- Reminders --------------------------------------------------------------------------------

/** Mails the reviewer role holders about each overdue review, at most once a day per review. */
export async function remindOverdueReviews(haven: Haven): Promise<{ reminded: number; mails: number }> {
  const now = haven.clock.now();
  let reminded = 0;
  let mails = 0;
  for (const r of await store.overdueEverywhere(haven.db, now)) {
    if (!needsReminder({ ...factsOf(r), remindedAt: r.reminded_at }, now)) continue;
    const school = await store.schoolById(haven.db, r.trust_id, r.school_id);
    const holders = await store.roleHolderEmails(haven.db, r.trust_id, r.school_id, r.reviewer_roles);
    const to = [...new Set(holders.map((h) => (h.account_email ?? h.person_email)?.toLowerCase()).filter((x): x is string => Boolean(x)))].sort();
    const days = Math.floor((now.getTime() - r.due_at.getTime()) / 86_400_000);
    const subject = `Overdue: ${r.label} for ${school?.name ?? 'your school'} (${r.period_start} to ${r.period_end})`;
    const text = [
      `The ${r.label.toLowerCase()} for ${school?.name ?? 'your school'}, covering ${r.period_start} to ${r.period_end}, has not been signed off.`,
      `It was due on ${londonDateTime(r.due_at)} (${days} days ago).`,
      '',
      `Open it in Haven: ${haven.config.publicUrl}/monitoring-reviews/${r.id}`,
    ].join('\n');
    await Promise.all(to.map((address) => haven.mail.send({ trustId: r.trust_id, to: address, subject, text })));
    mails += to.length;
    await haven.db.transaction().execute(async (tx) => {
      await store.markReminded(tx, r.trust_id, r.id, now);
      await audit(tx, haven, SYSTEM_ACTOR, {
        trustId: r.trust_id,
        schoolId: r.school_id,
        action: 'monitoring.review.reminder',
        recordType: 'monitoring_review',
        recordId: r.id,
        detail: { recipients: to.length, daysSinceDue: days },
      });
    });
    reminded++;
  }
  return { reminded, mails };
}
