// SQL of monitoring reviews. Every query is scoped by trust (and school where it lists); only the
// jobs read across trusts, and they carry each row's trust_id into every follow-up query.
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/index.ts';
import type { Action, Figures, Period, ScheduleEntry } from './model.ts';
import '../concerns/tables.ts';
import '../filtering/tables.ts';
import './tables.ts';
import { countsInPeriod } from '../alerts/store.ts';
export { schoolById, namesOf } from '../directory/names.ts';

export type ReviewRow = NonNullable<Awaited<ReturnType<typeof reviewById>>>;


export function schoolsOfTrust(db: Executor, trustId: string) {
  return db.selectFrom('schools').select(['id', 'name']).where('trust_id', '=', trustId).orderBy('name').execute();
}

/** Every school of every trust (the creating job). */
export function allSchools(db: Executor) {
  return db.selectFrom('schools').select(['trust_id', 'id', 'name']).orderBy('trust_id').orderBy('id').execute();
}


// ---- Schedule ---------------------------------------------------------------------------------

export function scheduleOf(db: Executor, trustId: string, schoolId: string) {
  return db.selectFrom('monitoring_review_schedules').selectAll().where('trust_id', '=', trustId).where('school_id', '=', schoolId).orderBy('position').execute();
}

export async function replaceSchedule(tx: Executor, trustId: string, schoolId: string, entries: readonly ScheduleEntry[], now: Date) {
  await tx.deleteFrom('monitoring_review_schedules').where('trust_id', '=', trustId).where('school_id', '=', schoolId).execute();
  await tx
    .insertInto('monitoring_review_schedules')
    .values(
      entries.map((e, i) => ({
        trust_id: trustId,
        school_id: schoolId,
        kind: e.kind,
        label: e.label,
        cadence: e.cadence,
        reviewer_roles: [...e.reviewerRoles],
        overdue_after_days: e.overdueAfterDays,
        position: i,
        updated_at: now,
      })),
    )
    .execute();
}

// ---- Reviews ----------------------------------------------------------------------------------

export function reviewById(db: Executor, trustId: string, id: string) {
  return db.selectFrom('monitoring_reviews').selectAll().where('trust_id', '=', trustId).where('id', '=', id).executeTakeFirst();
}

export function reviewForUpdate(tx: Executor, trustId: string, id: string) {
  return tx.selectFrom('monitoring_reviews').selectAll().where('trust_id', '=', trustId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listReviews(db: Executor, trustId: string, schoolIds: readonly string[], f: { status?: 'due' | 'signed_off' | undefined; overdueBy?: Date | undefined } = {}) {
  if (schoolIds.length === 0) return Promise.resolve([] as ReviewRow[]);
  let q = db.selectFrom('monitoring_reviews').selectAll().where('trust_id', '=', trustId).where('school_id', 'in', [...schoolIds]);
  if (f.status) q = q.where('status', '=', f.status);
  // overdue: still due after its grace period (due_at + N days <= now)
  if (f.overdueBy) q = q.where('status', '=', 'due').where(sql<boolean>`due_at + make_interval(days => overdue_after_days) <= ${f.overdueBy}`);
  return q.orderBy('due_at', 'desc').orderBy('kind').limit(1000).execute();
}

export async function lastPeriodEnd(db: Executor, trustId: string, schoolId: string, kind: string): Promise<string | null> {
  const r = await db
    .selectFrom('monitoring_reviews')
    .select((eb) => eb.fn.max('period_end').as('last'))
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return (r?.last as string | null | undefined) ?? null;
}

export type NewReview = {
  trustId: string;
  id: string;
  schoolId: string;
  entry: ScheduleEntry;
  period: Period;
  dueAt: Date;
  figures: Figures;
  now: Date;
};

/** Inserts unless the school already has this kind's review for the period; true when it made one. */
export async function insertReview(tx: Executor, r: NewReview): Promise<boolean> {
  const res = await tx
    .insertInto('monitoring_reviews')
    .values({
      trust_id: r.trustId,
      id: r.id,
      school_id: r.schoolId,
      kind: r.entry.kind,
      label: r.entry.label,
      cadence: r.entry.cadence,
      reviewer_roles: [...r.entry.reviewerRoles],
      period_start: r.period.start,
      period_end: r.period.end,
      due_at: r.dueAt,
      overdue_after_days: r.entry.overdueAfterDays,
      figures: JSON.stringify(r.figures),
      figures_at: r.now,
      created_at: r.now,
    })
    .onConflict((oc) => oc.constraint('monitoring_review_once_per_period').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function refreshFigures(tx: Executor, trustId: string, id: string, figures: Figures, at: Date) {
  return tx
    .updateTable('monitoring_reviews')
    .set({ figures: JSON.stringify(figures), figures_at: at })
    .where('trust_id', '=', trustId)
    .where('id', '=', id)
    .where('status', '=', 'due')
    .execute();
}

export function signOff(tx: Executor, trustId: string, id: string, s: { by: string; at: Date; notes: string; actions: Action[]; figures: Figures }) {
  return tx
    .updateTable('monitoring_reviews')
    .set({
      status: 'signed_off',
      signed_off_by: s.by,
      signed_off_at: s.at,
      notes: s.notes,
      actions: JSON.stringify(s.actions),
      figures: JSON.stringify(s.figures),
      figures_at: s.at,
    })
    .where('trust_id', '=', trustId)
    .where('id', '=', id)
    .where('status', '=', 'due')
    .executeTakeFirst();
}

/** Reviews past their grace period and still not signed off, across all trusts (the reminder job). */
export function overdueEverywhere(db: Executor, now: Date) {
  return db
    .selectFrom('monitoring_reviews')
    .selectAll()
    .where('status', '=', 'due')
    .where(sql<boolean>`due_at + make_interval(days => overdue_after_days) <= ${now}`)
    .orderBy('due_at')
    .limit(1000)
    .execute();
}

export function markReminded(tx: Executor, trustId: string, id: string, at: Date) {
  return tx.updateTable('monitoring_reviews').set({ reminded_at: at }).where('trust_id', '=', trustId).where('id', '=', id).where('status', '=', 'due').execute();
}

/** Holders of some roles at a school or trust-wide, with an address to write to. */
export function roleHolderEmails(db: Executor, trustId: string, schoolId: string, roles: readonly string[]) {
  return db
    .selectFrom('role_assignments as ra')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'ra.trust_id').onRef('p.id', '=', 'ra.person_id'))
    .leftJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['p.id as person_id', 'p.email as person_email', 'a.email as account_email'])
    .where('ra.trust_id', '=', trustId)
    .where('ra.ended_at', 'is', null)
    .where('p.status', '=', 'active')
    .where('ra.role', 'in', [...roles])
    .where((eb) => eb.or([eb('ra.school_id', '=', schoolId), eb('ra.school_id', 'is', null)]))
    .execute();
}

// ---- Figures of a period ----------------------------------------------------------------------

type Range = { trustId: string; schoolId: string; from: Date; to: Date };

/** Alerts raised in the period by priority and by outcome. */
export const alertCounts = (db: Executor, r: Range) => countsInPeriod(db, r.trustId, r.schoolId, r.from, r.to);

/** Blocked attempts in the period by category. */
export async function blockedCounts(db: Executor, r: Range) {
  const res = await sql<{ category: string; events: string }>`
    SELECT category, sum(events) AS events FROM log_hourly
    WHERE trust_id = ${r.trustId} AND school_id = ${r.schoolId} AND action = 'blocked' AND hour >= ${r.from} AND hour < ${r.to}
    GROUP BY category ORDER BY sum(events) DESC, category`.execute(db);
  return res.rows.map((x) => ({ category: x.category, events: Number(x.events) }));
}

export async function changeRequestCounts(db: Executor, r: Range) {
  const rows = await db
    .selectFrom('filter_change_requests')
    .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
    .where('trust_id', '=', r.trustId)
    .where('school_id', '=', r.schoolId)
    .where('requested_at', '>=', r.from)
    .where('requested_at', '<', r.to)
    .groupBy('state')
    .execute();
  return rows.map((x) => ({ state: x.state, n: Number(x.n) }));
}

export async function concernCounts(db: Executor, r: Range, types: readonly string[]) {
  const rows = await db
    .selectFrom('concerns')
    .select(['type', (eb) => eb.fn.countAll<string>().as('n')])
    .where('trust_id', '=', r.trustId)
    .where('school_id', '=', r.schoolId)
    .where('type', 'in', [...types])
    .where('created_at', '>=', r.from)
    .where('created_at', '<', r.to)
    .groupBy('type')
    .execute();
  return rows.map((x) => ({ type: x.type, n: Number(x.n) }));
}
