// SQL of filtering change control. Every query is scoped by trust (and school where it lists).
import type { Executor } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import './tables.ts';
import { personName } from '../directory/names.ts';
export { schoolById, namesOf, personName } from '../directory/names.ts';

export type ChangeRow = NonNullable<Awaited<ReturnType<typeof changeById>>>;
export type LogRow = Awaited<ReturnType<typeof logOf>>[number];



export function personById(db: Executor, trustId: string, personId: string) {
  return db.selectFrom('people').select(['id', 'school_id', 'status', 'kind']).where('trust_id', '=', trustId).where('id', '=', personId).executeTakeFirst();
}


export function changeById(db: Executor, trustId: string, id: string) {
  return db.selectFrom('filter_change_requests').selectAll().where('trust_id', '=', trustId).where('id', '=', id).executeTakeFirst();
}

export function changeForUpdate(tx: Executor, trustId: string, id: string) {
  return tx.selectFrom('filter_change_requests').selectAll().where('trust_id', '=', trustId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listChanges(db: Executor, trustId: string, schoolId: string, f: { state?: string | undefined; requestedBy?: string | undefined }) {
  let q = db.selectFrom('filter_change_requests').selectAll().where('trust_id', '=', trustId).where('school_id', '=', schoolId);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.requestedBy) q = q.where('requested_by', '=', f.requestedBy);
  return q.orderBy('requested_at', 'desc').orderBy('id').limit(500).execute();
}

export type NewChangeRow = {
  trustId: string;
  id: string;
  schoolId: string;
  kind: string;
  targets: { type: 'site' | 'category'; value: string }[];
  userGroup: string;
  yearGroups: string[];
  className: string | null;
  reason: string;
  endsAt: Date | null;
  requestedBy: string;
  requestedAt: Date;
};

export function insertChange(tx: Executor, r: NewChangeRow) {
  return tx
    .insertInto('filter_change_requests')
    .values({
      trust_id: r.trustId,
      id: r.id,
      school_id: r.schoolId,
      kind: r.kind,
      targets: JSON.stringify(r.targets),
      user_group: r.userGroup,
      year_groups: r.yearGroups,
      class_name: r.className,
      reason: r.reason,
      ends_at: r.endsAt,
      requested_by: r.requestedBy,
      requested_at: r.requestedAt,
    })
    .execute();
}

type ChangeUpdate = Partial<{
  state: string;
  head_decided_by: string;
  head_decided_at: Date;
  head_reason: string;
  second_decided_by: string;
  second_decided_at: Date;
  second_reason: string;
  applied_by: string;
  applied_at: Date;
  ticket_reference: string;
  revert_due_at: Date;
  reverted_by: string;
  reverted_at: Date;
}>;

export function updateChange(tx: Executor, trustId: string, id: string, set: ChangeUpdate) {
  return tx.updateTable('filter_change_requests').set(set).where('trust_id', '=', trustId).where('id', '=', id).execute();
}

export type NewLogRow = {
  trustId: string;
  schoolId: string;
  changeId: string;
  at: Date;
  byPersonId: string | null;
  byLabel: string;
  step: string;
  state: string;
  what: string;
  reason: string | null;
};

export function appendLog(tx: Executor, r: NewLogRow) {
  return tx
    .insertInto('filter_change_log')
    .values({
      trust_id: r.trustId,
      id: newId(),
      school_id: r.schoolId,
      change_id: r.changeId,
      at: r.at,
      by_person_id: r.byPersonId,
      by_label: r.byLabel,
      step: r.step,
      state: r.state,
      what: r.what,
      reason: r.reason,
    })
    .execute();
}

export function logOf(db: Executor, trustId: string, changeId: string) {
  return db.selectFrom('filter_change_log').selectAll().where('trust_id', '=', trustId).where('change_id', '=', changeId).orderBy('at').orderBy('id').execute();
}

/** The school's change-control log, oldest first, optionally limited to a period and a search term. */
export function schoolLog(db: Executor, trustId: string, schoolId: string, f: { q?: string | undefined; from?: Date | undefined; to?: Date | undefined }) {
  let q = db.selectFrom('filter_change_log').selectAll().where('trust_id', '=', trustId).where('school_id', '=', schoolId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('what', 'ilike', like), eb('reason', 'ilike', like), eb('by_label', 'ilike', like)]));
  }
  return q.orderBy('at').orderBy('id').limit(10_000).execute();
}

/** Applied temporary unblocks past their end that nobody has been asked to revert yet (all trusts). */
export function dueForRevert(db: Executor, now: Date) {
  return db
    .selectFrom('filter_change_requests')
    .selectAll()
    .where('state', '=', 'applied')
    .where('revert_due_at', 'is', null)
    .where('ends_at', '<=', now)
    .orderBy('ends_at')
    .limit(500)
    .execute();
}

/** Holders of a role at a school (or trust-wide), with an address to write to. */
export function roleHolderEmails(db: Executor, trustId: string, schoolId: string, roles: readonly string[]) {
  return db
    .selectFrom('role_assignments as ra')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'ra.trust_id').onRef('p.id', '=', 'ra.person_id'))
    .leftJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['p.id as person_id', 'ra.role', 'p.email as person_email', 'a.email as account_email'])
    .where('ra.trust_id', '=', trustId)
    .where('ra.ended_at', 'is', null)
    .where('p.status', '=', 'active')
    .where('ra.role', 'in', [...roles])
    .where((eb) => eb.or([eb('ra.school_id', '=', schoolId), eb('ra.school_id', 'is', null)]))
    .execute();
}

/** Requests still waiting for a decision or for the IT provider whose temporary period has ended (all trusts). */
export function lapsedPending(db: Executor, now: Date) {
  return db
    .selectFrom('filter_change_requests')
    .selectAll()
    .where('state', 'in', ['requested', 'approved_by_head', 'agreed_by_second'])
    .where('ends_at', '<=', now)
    .orderBy('ends_at')
    .limit(500)
    .execute();
}

// ---- users' reports ("this should be blocked / unblocked") ----

export type NewReportRow = {
  trustId: string;
  id: string;
  schoolId: string;
  url: string;
  direction: string;
  why: string;
  whereSeen: string | null;
  reportedBy: string;
  reportedAt: Date;
};

export function insertReport(tx: Executor, r: NewReportRow) {
  return tx
    .insertInto('filter_reports')
    .values({
      trust_id: r.trustId,
      id: r.id,
      school_id: r.schoolId,
      url: r.url,
      direction: r.direction,
      why: r.why,
      where_seen: r.whereSeen,
      reported_by: r.reportedBy,
      reported_at: r.reportedAt,
    })
    .execute();
}

const reportColumns = [
  'r.trust_id',
  'r.id',
  'r.school_id',
  'r.url',
  'r.direction',
  'r.why',
  'r.where_seen',
  'r.reported_by',
  'r.reported_at',
  'd.decision',
  'd.change_id',
  'd.reason as decision_reason',
  'd.decided_by',
  'd.decided_at',
] as const;

function reportsQuery(db: Executor, trustId: string) {
  return db
    .selectFrom('filter_reports as r')
    .leftJoin('filter_report_decisions as d', (j) => j.onRef('d.trust_id', '=', 'r.trust_id').onRef('d.report_id', '=', 'r.id'))
    .select(reportColumns)
    .where('r.trust_id', '=', trustId);
}

export type ReportRow = NonNullable<Awaited<ReturnType<typeof reportById>>>;

export function reportById(db: Executor, trustId: string, id: string) {
  return reportsQuery(db, trustId).where('r.id', '=', id).executeTakeFirst();
}

/** Locks the report row so two deciders cannot both decide it. */
export function lockReport(tx: Executor, trustId: string, id: string) {
  return tx.selectFrom('filter_reports').select('id').where('trust_id', '=', trustId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listReports(db: Executor, trustId: string, schoolId: string, f: { status: 'open' | 'decided' | 'all'; reportedBy?: string | undefined }) {
  let q = reportsQuery(db, trustId).where('r.school_id', '=', schoolId);
  if (f.status === 'open') q = q.where('d.id', 'is', null);
  if (f.status === 'decided') q = q.where('d.id', 'is not', null);
  if (f.reportedBy) q = q.where('r.reported_by', '=', f.reportedBy);
  return q.orderBy('r.reported_at', 'desc').orderBy('r.id').limit(500).execute();
}

export type NewDecisionRow = {
  trustId: string;
  reportId: string;
  schoolId: string;
  decision: 'change_requested' | 'declined';
  changeId: string | null;
  reason: string | null;
  decidedBy: string;
  decidedAt: Date;
};

export function insertDecision(tx: Executor, r: NewDecisionRow) {
  return tx
    .insertInto('filter_report_decisions')
    .values({
      trust_id: r.trustId,
      id: newId(),
      report_id: r.reportId,
      school_id: r.schoolId,
      decision: r.decision,
      change_id: r.changeId,
      reason: r.reason,
      decided_by: r.decidedBy,
      decided_at: r.decidedAt,
    })
    .execute();
}
