// SQL of concerns. Every query is scoped by trust; list queries also apply the routing filter so a
// case someone may not see is never selected, counted or searched for them.
import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { type AuditRow, linkedAuditSql } from '../../platform/audit/store.ts';
import { insertUnitsSql, jsonStringContentSql, type Unit } from '../../platform/db/write-together.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import type { Routing } from './model.ts';
import './tables.ts';

export { schoolById, personName } from '../directory/names.ts';

/**
 * Writes a batch of reports in ONE statement, run on its own (all or nothing, no transaction around
 * it): takes the school's next case numbers from its gap-free counter, puts each report's reference
 * in place of PLACEHOLDER in its rows (`units`) and its audit event, inserts them, links the events
 * into the trust's chain and deletes the drafts the reports replace. Returns the first number. The
 * counter row and then the chain head stay locked only while the statement runs and commits: no round
 * trip to the application happens with them held, which is what bounds a school's report rate.
 */
export async function writeReportBatch(
  db: Executor,
  batch: { trustId: string; schoolId: string; prefix: string; units: readonly Unit[]; audit: readonly AuditRow[]; drafts: readonly { trustId: string; draftId: string; accountId: string }[] },
): Promise<number> {
  const n = batch.units.length;
  const reference = sql`${batch.prefix}::text || '-' || lpad(num::text, greatest(4, length(num::text)), '0')`;
  const ctes = [
    sql`counter AS (
      INSERT INTO concern_counters (trust_id, school_id, last_number) VALUES (${batch.trustId}, ${batch.schoolId}, ${n}::int)
      ON CONFLICT (trust_id, school_id) DO UPDATE SET last_number = concern_counters.last_number + EXCLUDED.last_number
      RETURNING last_number)`,
    // formatReference, in SQL: the prefix, then the number with at least four digits.
    sql`refs AS (
      SELECT (num - counter.last_number + ${n}::int)::int AS k, ${jsonStringContentSql(reference)} AS json
        FROM counter, generate_series(counter.last_number - ${n}::int + 1, counter.last_number) AS num)`,
    ...insertUnitsSql(batch.units, 'refs'),
    ...linkedAuditSql(batch.trustId, batch.audit, 'refs', 'counter'),
    ...(batch.drafts.length > 0 ? [sql`drafts_gone AS (${deleteDraftsSql(batch.drafts)})`] : []),
  ];
  const r = await sql<{ last_number: number }>`WITH RECURSIVE ${sql.join(ctes, sql`, `)} SELECT last_number FROM counter`.execute(db);
  const last = r.rows[0]?.last_number;
  if (last === undefined) throw new Error('writeReportBatch: the counter gave no row');
  return Number(last) - n + 1;
}

/** Deletes the drafts that reports replace (each only by its own author). */
export function deleteDraftsSql(drafts: readonly { trustId: string; draftId: string; accountId: string }[]) {
  return sql`DELETE FROM concern_drafts d USING jsonb_to_recordset(${JSON.stringify(drafts)}::jsonb) AS x("trustId" uuid, "draftId" uuid, "accountId" uuid)
    WHERE d.trust_id = x."trustId" AND d.id = x."draftId" AND d.account_id = x."accountId"`;
}

export function personById(db: Executor, trustId: string, personId: string) {
  return db.selectFrom('people').selectAll().where('trust_id', '=', trustId).where('id', '=', personId).executeTakeFirst();
}

export function peopleByIds(db: Executor, trustId: string, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('people')
    .select(['id', 'kind', 'school_id', 'given_name', 'family_name', 'preferred_name', 'email', 'account_id', 'status'])
    .where('trust_id', '=', trustId)
    .where('id', 'in', [...ids])
    .execute();
}

/** Live role grants of some people (for routing and "senior staff" checks). */
export function grantsOf(db: Executor, trustId: string, personIds: readonly string[]) {
  if (personIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('role_assignments')
    .select(['person_id', 'role', 'school_id'])
    .where('trust_id', '=', trustId)
    .where('person_id', 'in', [...personIds])
    .where('ended_at', 'is', null)
    .execute();
}

/**
 * Holders of the given roles at a school (school grants there, or trust-wide grants), with an address
 * and all their current grants (for the access re-check), in one round trip.
 */
export async function roleHolders(db: Executor, trustId: string, schoolId: string, roles: readonly string[]) {
  // From the few live grants of those roles to their people (not the other way round: a trust has
  // thousands of people and a handful of role holders).
  const rows = await sql<{ person_id: string; person_email: string | null; account_email: string | null; grants: { role: string; school_id: string | null }[] }>`
    SELECT p.id AS person_id, p.email AS person_email, a.email AS account_email,
           (SELECT json_agg(json_build_object('role', g.role, 'school_id', g.school_id))
              FROM role_assignments g
             WHERE g.trust_id = p.trust_id AND g.person_id = p.id AND g.ended_at IS NULL) AS grants
      FROM (SELECT DISTINCT ra.person_id FROM role_assignments ra
             WHERE ra.trust_id = ${trustId} AND ra.ended_at IS NULL
               AND ra.role = ANY(${[...roles]}::text[]) AND (ra.school_id = ${schoolId} OR ra.school_id IS NULL)) h
      JOIN people p ON p.trust_id = ${trustId} AND p.id = h.person_id AND p.status = 'active'
      LEFT JOIN accounts a ON a.id = p.account_id`.execute(db);
  return rows.rows;
}

export async function setting(db: Executor, key: string): Promise<unknown> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export function concernById(db: Executor, trustId: string, id: string) {
  return db.selectFrom('concerns').selectAll().where('trust_id', '=', trustId).where('id', '=', id).executeTakeFirst();
}

export function concernForUpdate(tx: Executor, trustId: string, id: string) {
  return tx.selectFrom('concerns').selectAll().where('trust_id', '=', trustId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function involvedOf(db: Executor, trustId: string, concernIds: readonly string[]) {
  if (concernIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('concern_people as cp')
    .leftJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'cp.trust_id').onRef('p.id', '=', 'cp.person_id'))
    .select(['cp.concern_id', 'cp.id', 'cp.person_id', 'cp.kind', 'cp.unknown', 'cp.description', 'p.given_name', 'p.family_name', 'p.preferred_name'])
    .where('cp.trust_id', '=', trustId)
    .where('cp.concern_id', 'in', [...concernIds])
    .orderBy('cp.id')
    .execute();
}

export async function sharesOf(db: Executor, trustId: string, concernId: string): Promise<string[]> {
  const rows = await db.selectFrom('concern_shares').select('person_id').where('trust_id', '=', trustId).where('concern_id', '=', concernId).execute();
  return rows.map((r) => r.person_id);
}

export type TimelineInput = {
  trustId: string;
  concernId: string;
  at: Date;
  byPersonId: string | null;
  byLabel: string;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
  correctsId?: string | null;
};

/** A concern_timeline row (data as an object). */
export const timelineRow = (e: TimelineInput) => ({
  trust_id: e.trustId,
  concern_id: e.concernId,
  id: newId(),
  at: e.at,
  by_person_id: e.byPersonId,
  by_label: e.byLabel,
  kind: e.kind,
  text: e.text,
  data: e.data ?? {},
  corrects_id: e.correctsId ?? null,
});

export async function appendTimeline(tx: Executor, entries: readonly TimelineInput[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const rows = entries.map(timelineRow);
  await tx
    .insertInto('concern_timeline')
    .values(rows.map((r) => ({ ...r, data: JSON.stringify(r.data) })))
    .execute();
  return rows.map((r) => r.id);
}

/** Rows of a per-case child table for some cases, in the order they happened. */
function childRowsOf<T extends 'concern_timeline' | 'concern_actions'>(db: Executor, table: T, at: 'at' | 'done_at', trustId: string, concernIds: readonly string[]) {
  if (concernIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom(table as 'concern_timeline' | 'concern_actions')
    .selectAll()
    .where('trust_id', '=', trustId)
    .where('concern_id', 'in', [...concernIds])
    .orderBy(sql.ref(at))
    .orderBy('id')
    .execute() as Promise<Selectable<Database[T]>[]>;
}

export const timelineOf = (db: Executor, trustId: string, concernIds: readonly string[]) => childRowsOf(db, 'concern_timeline', 'at', trustId, concernIds);

export function evidenceOf(db: Executor, trustId: string, concernId: string) {
  return db.selectFrom('concern_evidence').selectAll().where('trust_id', '=', trustId).where('concern_id', '=', concernId).orderBy('added_at').execute();
}

export function attendeesOf(db: Executor, trustId: string, concernId: string) {
  return db
    .selectFrom('concern_attendees as ca')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'ca.trust_id').onRef('p.id', '=', 'ca.person_id'))
    .select(['ca.person_id', 'ca.role', 'ca.senior', 'p.given_name', 'p.family_name', 'p.preferred_name'])
    .where('ca.trust_id', '=', trustId)
    .where('ca.concern_id', '=', concernId)
    .execute();
}

export const actionsOf = (db: Executor, trustId: string, concernIds: readonly string[]) => childRowsOf(db, 'concern_actions', 'done_at', trustId, concernIds);

export function matrixRows(db: Executor, trustId: string, schoolId: string) {
  return db.selectFrom('sanctions_matrix').select(['subject', 'type', 'actions']).where('trust_id', '=', trustId).where('school_id', '=', schoolId).execute();
}

/** Occurrence times of a pupil's other concerns of one type (for the "repeated" flag). */
export async function pupilConcernTimes(db: Executor, trustId: string, pupilIds: readonly string[], type: string, exceptId: string) {
  if (pupilIds.length === 0) return [];
  return db
    .selectFrom('concern_people as cp')
    .innerJoin('concerns as c', (j) => j.onRef('c.trust_id', '=', 'cp.trust_id').onRef('c.id', '=', 'cp.concern_id'))
    .select(['cp.person_id', 'c.occurred_at'])
    .where('cp.trust_id', '=', trustId)
    .where('cp.person_id', 'in', [...pupilIds])
    .where('c.type', '=', type)
    .where('c.id', '<>', exceptId)
    .where('c.outcome', 'is distinct from', 'duplicate')
    .execute();
}

export type VisibleFilter = {
  trustId: string;
  schoolId: string;
  /** The viewer's person; null means nobody (no cases). */
  personId: string | null;
  routings: readonly Routing[];
};

/** A case never reaches a person it names as a staff subject. */
const notAboutStaff = (eb: ExpressionBuilder<Database, 'concerns'>, personId: string) =>
  eb.not(
    eb.exists(
      eb
        .selectFrom('concern_people as sp')
        .select(sql`1`.as('one'))
        .whereRef('sp.trust_id', '=', 'concerns.trust_id')
        .whereRef('sp.concern_id', '=', 'concerns.id')
        .where('sp.kind', '=', 'staff')
        .where('sp.person_id', '=', personId),
    ),
  );

/**
 * The routing filter in SQL: cases routed to the viewer's roles or explicitly shared with them,
 * never a case that names the viewer as a staff subject. Mirrors model.accessOf.
 */
export function visibleTo(f: VisibleFilter) {
  return (eb: ExpressionBuilder<Database, 'concerns'>) => {
    const personId = f.personId ?? '00000000-0000-0000-0000-000000000000';
    const routed = f.routings.length > 0 ? [eb('concerns.routing', 'in', [...f.routings])] : [];
    return eb.and([
      eb('concerns.trust_id', '=', f.trustId),
      eb('concerns.school_id', '=', f.schoolId),
      eb.or([
        ...routed,
        eb.exists(
          eb
            .selectFrom('concern_shares as s')
            .select(sql`1`.as('one'))
            .whereRef('s.trust_id', '=', 'concerns.trust_id')
            .whereRef('s.concern_id', '=', 'concerns.id')
            .where('s.person_id', '=', personId),
        ),
      ]),
      notAboutStaff(eb, personId),
    ]);
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export type ListQuery = VisibleFilter & {
  status?: string | undefined;
  type?: string | undefined;
  q?: string | undefined;
  openOnly?: boolean;
  queueOrder?: boolean;
  occurredFrom?: Date | undefined;
  occurredTo?: Date | undefined;
  pupilId?: string | undefined;
  limit: number;
  offset: number;
};

export async function listConcerns(db: Executor, q: ListQuery) {
  let query = db.selectFrom('concerns').where(visibleTo(q));
  if (q.status) query = query.where('concerns.status', '=', q.status);
  if (q.openOnly) query = query.where('concerns.status', '<>', 'closed');
  if (q.type) query = query.where('concerns.type', '=', q.type);
  if (q.occurredFrom) query = query.where('concerns.occurred_at', '>=', q.occurredFrom);
  if (q.occurredTo) query = query.where('concerns.occurred_at', '<', q.occurredTo);
  if (q.pupilId) {
    const pupilId = q.pupilId;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('concern_people as pp')
          .select(sql`1`.as('one'))
          .whereRef('pp.trust_id', '=', 'concerns.trust_id')
          .whereRef('pp.concern_id', '=', 'concerns.id')
          .where('pp.person_id', '=', pupilId),
      ),
    );
  }
  if (q.q?.trim()) {
    for (const word of q.q.trim().split(/\s+/).slice(0, 4)) {
      const like = `%${escapeLike(word)}%`;
      query = query.where((eb) =>
        eb.or([
          eb('concerns.reference', 'ilike', like),
          eb('concerns.what_happened', 'ilike', like),
          eb.exists(
            eb
              .selectFrom('concern_people as qp')
              .innerJoin('people as qpp', (j) => j.onRef('qpp.trust_id', '=', 'qp.trust_id').onRef('qpp.id', '=', 'qp.person_id'))
              .select(sql`1`.as('one'))
              .whereRef('qp.trust_id', '=', 'concerns.trust_id')
              .whereRef('qp.concern_id', '=', 'concerns.id')
              .where((w) => w.or([w('qpp.given_name', 'ilike', like), w('qpp.family_name', 'ilike', like), w('qpp.preferred_name', 'ilike', like)])),
          ),
        ]),
      );
    }
  }
  const [{ total }] = (await query.select((eb) => eb.fn.countAll<string>().as('total')).execute()) as [{ total: string }];
  let rows = query
    .leftJoin('people as o', (j) => j.onRef('o.trust_id', '=', 'concerns.trust_id').onRef('o.id', '=', 'concerns.owner_person_id'))
    .leftJoin('people as r', (j) => j.onRef('r.trust_id', '=', 'concerns.trust_id').onRef('r.id', '=', 'concerns.reporter_person_id'))
    .selectAll('concerns')
    .select(['o.given_name as owner_given', 'o.family_name as owner_family', 'o.preferred_name as owner_preferred'])
    .select(['r.given_name as reporter_given', 'r.family_name as reporter_family', 'r.preferred_name as reporter_preferred']);
  rows = q.queueOrder
    ? rows.orderBy('concerns.urgent', 'desc').orderBy('concerns.created_at', 'asc')
    : rows.orderBy('concerns.created_at', 'desc');
  const list = await rows.orderBy('concerns.id').limit(q.limit).offset(q.offset).execute();
  return { total: Number(total), rows: list };
}

export type ConcernListRow = Awaited<ReturnType<typeof listConcerns>>['rows'][number];

export function myConcerns(db: Executor, trustId: string, schoolId: string, personId: string) {
  return db
    .selectFrom('concerns')
    .select(['id', 'reference', 'created_at', 'type', 'status'])
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('reporter_person_id', '=', personId)
    .where((eb) => notAboutStaff(eb, personId))
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
}

/** Open cases untouched since `before`, not reminded since their last activity or since `before`. */
export function staleConcerns(db: Executor, before: Date) {
  return db
    .selectFrom('concerns')
    .selectAll()
    .where('status', '<>', 'closed')
    .where('last_activity_at', '<', before)
    .where((eb) => eb.or([eb('reminded_at', 'is', null), eb('reminded_at', '<', before)]))
    .orderBy('last_activity_at')
    .limit(500)
    .execute();
}

export function viewersOf(db: Executor, trustId: string, concernId: string) {
  return db
    .selectFrom('audit_events')
    .select(['actor_label', 'at'])
    .where('trust_id', '=', trustId)
    .where('record_type', '=', 'concern')
    .where('record_id', '=', concernId)
    .where('action', '=', 'concern.read')
    .orderBy('seq', 'desc')
    .limit(500)
    .execute();
}
