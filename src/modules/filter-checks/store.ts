// SQL of filter checks. Every query is scoped by trust (and school where it lists).
import type { Executor } from '../../platform/db/index.ts';
import './tables.ts';
export { schoolById, namesOf } from '../directory/names.ts';

export type CheckRow = NonNullable<Awaited<ReturnType<typeof checkById>>>;
export type ResultRow = Awaited<ReturnType<typeof resultsOf>>[number];
export type TaskRow = NonNullable<Awaited<ReturnType<typeof taskById>>>;


export function personInTrust(db: Executor, trustId: string, personId: string) {
  return db.selectFrom('people').select(['id', 'status', 'kind']).where('trust_id', '=', trustId).where('id', '=', personId).executeTakeFirst();
}


export function categoriesOf(db: Executor, trustId: string, schoolId: string) {
  return db.selectFrom('filter_check_categories').select(['id', 'name']).where('trust_id', '=', trustId).where('school_id', '=', schoolId).orderBy('name').execute();
}

export function insertCategory(tx: Executor, r: { trustId: string; id: string; schoolId: string; name: string; createdBy: string; at: Date }) {
  return tx
    .insertInto('filter_check_categories')
    .values({ trust_id: r.trustId, id: r.id, school_id: r.schoolId, name: r.name, created_by: r.createdBy, created_at: r.at })
    .execute();
}

export type NewCheckRow = {
  trustId: string;
  id: string;
  schoolId: string;
  checkedOn: string;
  checkedBy: string;
  device: string;
  userGroup: string;
  yearGroups: string[];
  method: string;
  serviceName: string | null;
  followUp: string | null;
  correctsId: string | null;
  recordedBy: string;
  recordedAt: Date;
};

export function insertCheck(tx: Executor, r: NewCheckRow) {
  return tx
    .insertInto('filter_checks')
    .values({
      trust_id: r.trustId,
      id: r.id,
      school_id: r.schoolId,
      checked_on: r.checkedOn,
      checked_by: r.checkedBy,
      device: r.device,
      user_group: r.userGroup,
      year_groups: r.yearGroups,
      method: r.method,
      service_name: r.serviceName,
      follow_up: r.followUp,
      corrects_id: r.correctsId,
      recorded_by: r.recordedBy,
      recorded_at: r.recordedAt,
    })
    .execute();
}

export function insertResults(
  tx: Executor,
  rows: { trustId: string; id: string; schoolId: string; checkId: string; position: number; category: string; outcome: string; url: string | null; note: string | null }[],
) {
  if (rows.length === 0) return Promise.resolve();
  return tx
    .insertInto('filter_check_results')
    .values(rows.map((r) => ({ trust_id: r.trustId, id: r.id, school_id: r.schoolId, check_id: r.checkId, position: r.position, category: r.category, outcome: r.outcome, url: r.url, note: r.note })))
    .execute();
}

export function insertTasks(tx: Executor, rows: { trustId: string; id: string; schoolId: string; checkId: string; resultId: string; category: string; url: string | null; raisedAt: Date }[]) {
  if (rows.length === 0) return Promise.resolve();
  return tx
    .insertInto('filter_check_tasks')
    .values(rows.map((r) => ({ trust_id: r.trustId, id: r.id, school_id: r.schoolId, check_id: r.checkId, result_id: r.resultId, category: r.category, url: r.url, raised_at: r.raisedAt })))
    .execute();
}

export function checkById(db: Executor, trustId: string, id: string) {
  return db.selectFrom('filter_checks').selectAll().where('trust_id', '=', trustId).where('id', '=', id).executeTakeFirst();
}

export function listChecks(db: Executor, trustId: string, schoolId: string) {
  return db.selectFrom('filter_checks').selectAll().where('trust_id', '=', trustId).where('school_id', '=', schoolId).orderBy('checked_on', 'desc').orderBy('recorded_at', 'desc').limit(500).execute();
}

export function resultsOf(db: Executor, trustId: string, checkIds: readonly string[]) {
  if (checkIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('filter_check_results').selectAll().where('trust_id', '=', trustId).where('check_id', 'in', [...checkIds]).orderBy('check_id').orderBy('position').execute();
}

export function correctionsOf(db: Executor, trustId: string, checkIds: readonly string[]) {
  if (checkIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('filter_checks').select(['id', 'corrects_id']).where('trust_id', '=', trustId).where('corrects_id', 'in', [...checkIds]).execute();
}

export function taskById(db: Executor, trustId: string, id: string) {
  return db.selectFrom('filter_check_tasks').selectAll().where('trust_id', '=', trustId).where('id', '=', id).executeTakeFirst();
}

export function taskForUpdate(tx: Executor, trustId: string, id: string) {
  return tx.selectFrom('filter_check_tasks').selectAll().where('trust_id', '=', trustId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function tasksOfChecks(db: Executor, trustId: string, checkIds: readonly string[]) {
  if (checkIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('filter_check_tasks').selectAll().where('trust_id', '=', trustId).where('check_id', 'in', [...checkIds]).orderBy('raised_at').orderBy('id').execute();
}

export function listTasks(db: Executor, trustId: string, schoolId: string, status: 'open' | 'fixed' | 'all') {
  let q = db.selectFrom('filter_check_tasks').selectAll().where('trust_id', '=', trustId).where('school_id', '=', schoolId);
  if (status === 'open') q = q.where('fixed_at', 'is', null);
  if (status === 'fixed') q = q.where('fixed_at', 'is not', null);
  return q.orderBy('raised_at', 'desc').orderBy('id').limit(500).execute();
}

export function recordFix(
  tx: Executor,
  trustId: string,
  id: string,
  f: { fixedBy: string; fixedAt: Date; how: string; retestOutcome: string | null; retestUrl: string | null; recordedBy: string; recordedAt: Date },
) {
  return tx
    .updateTable('filter_check_tasks')
    .set({
      fixed_by: f.fixedBy,
      fixed_at: f.fixedAt,
      how_fixed: f.how,
      retest_outcome: f.retestOutcome,
      retest_url: f.retestUrl,
      fix_recorded_by: f.recordedBy,
      fix_recorded_at: f.recordedAt,
    })
    .where('trust_id', '=', trustId)
    .where('id', '=', id)
    .execute();
}

/** Holders of a role at a school (or trust-wide), with an address to write to. */
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
