// SQL of alerts. Every query is scoped by trust (and school where it lists). What an ingest raises is
// written by one statement (insertRaised); other inserts are multi-row and chunked below PostgreSQL's
// 65,535 parameter limit.
import { type Insertable, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Executor } from '../../platform/db/index.ts';
import { writeTogether } from '../../platform/db/write-together.ts';
import type { LogAlertEventsTable, LogAlertHistoryTable, LogAlertsTable } from './tables.ts';
import './tables.ts';
export { schoolById } from '../directory/names.ts';

export type AlertRow = Selectable<LogAlertsTable>;

async function insertChunked<T>(rows: readonly T[], size: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}


/** Serialises raising for one school, so two ingest runs never both create the same alert. */
export async function lockSchool(tx: Executor, schoolId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`log_alerts:${schoolId}`}))`.execute(tx);
}

/** Open alerts that new candidates may fold into. */
export function openForFold(tx: Executor, trustId: string, schoolId: string, subjectKeys: readonly string[], since: Date) {
  if (subjectKeys.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('log_alerts')
    .select(['id', 'rule', 'subject_key', 'category', 'priority', 'first_at', 'last_at', 'event_count'])
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('status', '=', 'open')
    .where('subject_key', 'in', [...subjectKeys])
    .where('last_at', '>=', since)
    .orderBy('last_at', 'desc')
    .execute();
}

/** How many event rows each alert keeps already. */
export async function storedEventCounts(tx: Executor, trustId: string, alertIds: readonly string[]): Promise<Map<string, number>> {
  if (alertIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('log_alert_events')
    .select(['alert_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('trust_id', '=', trustId)
    .where('alert_id', 'in', [...alertIds])
    .groupBy('alert_id')
    .execute();
  return new Map(rows.map((r) => [r.alert_id, Number(r.n)]));
}

/** A history row as the batch statement takes it: `data` as an object (a jsonb column). */
export type HistoryRow = Omit<Insertable<LogAlertHistoryTable>, 'data'> & { data: Record<string, unknown> };

/**
 * New alerts, the events behind new and extended ones, and their history rows in ONE statement
 * (write-together.ts): an ingest raises hundreds at once, and a multi-row INSERT per table with a
 * parameter per value cost ~0.4 ms an alert to build, bind and plan.
 */
export const insertRaised = (tx: Executor, alerts: Insertable<LogAlertsTable>[], events: Insertable<LogAlertEventsTable>[], history: HistoryRow[]) =>
  writeTogether(tx, [
    [
      { table: 'log_alerts', rows: alerts },
      { table: 'log_alert_events', rows: events },
      { table: 'log_alert_history', rows: history },
    ],
  ]);

export const insertHistory = (tx: Executor, rows: Insertable<LogAlertHistoryTable>[]) =>
  insertChunked(rows, 2000, (chunk) => tx.insertInto('log_alert_history').values(chunk).execute());

export type FoldUpdate = { id: string; firstAt: Date; lastAt: Date; eventCount: number; priority: string };

/** Extends folded alerts in one statement (UPDATE … FROM VALUES). */
export async function applyFolds(tx: Executor, trustId: string, updates: readonly FoldUpdate[], now: Date) {
  for (let i = 0; i < updates.length; i += 1000) {
    const chunk = updates.slice(i, i + 1000);
    const values = sql.join(
      chunk.map((u) => sql`(${u.id}::uuid, ${u.firstAt}::timestamptz, ${u.lastAt}::timestamptz, ${u.eventCount}::integer, ${u.priority}::text)`),
    );
    await sql`
      UPDATE log_alerts AS a
         SET first_at = v.first_at, last_at = v.last_at, event_count = v.event_count, priority = v.priority, updated_at = ${now}
        FROM (VALUES ${values}) AS v(id, first_at, last_at, event_count, priority)
       WHERE a.trust_id = ${trustId} AND a.id = v.id`.execute(tx);
  }
}

export type ListFilter = {
  trustId: string;
  schoolId: string;
  statuses: readonly string[];
  priority?: string | undefined;
  rule?: string | undefined;
  /** Never list alerts about the viewer themselves. */
  notAboutPersonId: string;
  limit: number;
  offset: number;
};

const PRIORITY_ORDER = sql<number>`CASE a.priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`;

function listBase(db: Executor, f: ListFilter) {
  let q = db
    .selectFrom('log_alerts as a')
    .where('a.trust_id', '=', f.trustId)
    .where('a.school_id', '=', f.schoolId)
    .where('a.status', 'in', [...f.statuses])
    .where((eb) => eb.or([eb('a.person_id', 'is', null), eb('a.person_id', '<>', f.notAboutPersonId)]));
  if (f.priority) q = q.where('a.priority', '=', f.priority);
  if (f.rule) q = q.where('a.rule', '=', f.rule);
  return q;
}

export type ListedAlert = Awaited<ReturnType<ReturnType<typeof named>['execute']>>[number];

export async function listAlerts(db: Executor, f: ListFilter): Promise<{ total: number; rows: ListedAlert[] }> {
  const counted = await listBase(db, f)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  const ids = await listBase(db, f)
    .select('a.id')
    .orderBy(PRIORITY_ORDER)
    .orderBy('a.first_at')
    .orderBy('a.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const rows = await alertsByIds(
    db,
    f.trustId,
    ids.map((r) => r.id),
  );
  const order = new Map(ids.map((r, i) => [r.id, i]));
  rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { total: Number(counted?.n ?? 0), rows };
}

export function alertsByIds(db: Executor, trustId: string, ids: readonly string[]): Promise<ListedAlert[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return named(db).where('a.trust_id', '=', trustId).where('a.id', 'in', [...ids]).execute();
}

/** An alert with its subject's name and the reference of its concern. */
const named = (db: Executor) =>
  db
    .selectFrom('log_alerts as a')
    .leftJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'a.trust_id').onRef('p.id', '=', 'a.person_id'))
    .leftJoin('concerns as c', (j) => j.onRef('c.trust_id', '=', 'a.trust_id').onRef('c.id', '=', 'a.concern_id'))
    .selectAll('a')
    .select(['p.given_name', 'p.family_name', 'p.preferred_name', 'p.kind as person_kind', 'c.reference as concern_reference']);

export async function alertById(db: Executor, trustId: string, id: string): Promise<ListedAlert | undefined> {
  const [row] = await alertsByIds(db, trustId, [id]);
  return row;
}

export function lockAlert(tx: Executor, trustId: string, id: string) {
  return tx.selectFrom('log_alerts').select(['id', 'status']).where('trust_id', '=', trustId).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Alerts dismissed as false positives, per rule, at a school: the rule's false-positive count. */
export async function falsePositiveCounts(db: Executor, trustId: string, schoolId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('log_alerts')
    .select(['rule', (eb) => eb.fn.countAll<string>().as('n')])
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('false_positive', '=', true)
    .groupBy('rule')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.rule, Number(r.n)]));
}

export function eventsOf(db: Executor, trustId: string, alertId: string) {
  return db.selectFrom('log_alert_events').selectAll().where('trust_id', '=', trustId).where('alert_id', '=', alertId).orderBy('seq').execute();
}

export function historyOf(db: Executor, trustId: string, alertId: string) {
  return db.selectFrom('log_alert_history').selectAll().where('trust_id', '=', trustId).where('alert_id', '=', alertId).orderBy('at').orderBy('id').execute();
}

/** A pupil's alerts at a school, for their chronology (with the concern each became part of). */
export function alertsForPupil(db: Executor, trustId: string, schoolId: string, pupilId: string) {
  return db
    .selectFrom('log_alerts as a')
    .leftJoin('concerns as c', (j) => j.onRef('c.trust_id', '=', 'a.trust_id').onRef('c.id', '=', 'a.concern_id'))
    .select(['a.id', 'a.rule', 'a.priority', 'a.status', 'a.why', 'a.first_at', 'a.event_count', 'a.concern_id', 'c.reference as concern_reference'])
    .where('a.trust_id', '=', trustId)
    .where('a.school_id', '=', schoolId)
    .where('a.person_id', '=', pupilId)
    .orderBy('a.first_at')
    .execute();
}

/** Alerts a school raised in [from, to) by priority and status: the figures reviews report. */
export async function countsInPeriod(db: Executor, trustId: string, schoolId: string, from: Date | RawBuilder<unknown>, to: Date | RawBuilder<unknown>) {
  const res = await sql<{ priority: string; status: string; n: string }>`
    SELECT priority, status, count(*) AS n FROM log_alerts
    WHERE trust_id = ${trustId} AND school_id = ${schoolId} AND raised_at >= ${from} AND raised_at < ${to}
    GROUP BY priority, status`.execute(db);
  return res.rows.map((x) => ({ priority: x.priority, status: x.status, n: Number(x.n) }));
}
