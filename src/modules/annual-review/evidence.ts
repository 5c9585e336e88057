// Evidence for the annual review, taken from Haven's own records for the school and the review
// period: who holds the roles, the change-control log, filter checks, alerts and monitoring reviews.
// Computed each time a draft is opened; stored with the review when it is signed off.
import { sql } from 'kysely';
import { ROLE_LABELS, type Role } from '../../platform/auth/roles.ts';
import type { Executor } from '../../platform/db/index.ts';
import '../filter-checks/tables.ts';
import '../filtering/tables.ts';
import { EVIDENCE_ROLES } from './model.ts';
import { countsInPeriod } from '../alerts/store.ts';

export type Counts = Record<string, number>;
export type Evidence = {
  computedAt: string;
  period: { start: string; end: string };
  roleHolders: { role: string; roleLabel: string; personId: string; name: string }[];
  changeLog: { requests: number; entries: number; bySteps: Counts };
  filterChecks: { checks: number; results: number; notBlocked: number; tasksRaised: number; tasksOpen: number; lastCheckedOn: string | null };
  alerts: { total: number; byPriority: Counts; byStatus: Counts };
  monitoringReviews: { total: number; signedOff: number; due: number; overdue: number };
};

const n = (v: unknown) => Number(v ?? 0);
const tally = (rows: { k: string; c: unknown }[]): Counts => Object.fromEntries(rows.map((r) => [r.k, n(r.c)]));

export async function computeEvidence(db: Executor, trustId: string, schoolId: string, start: string, end: string, now: Date): Promise<Evidence> {
  // The period is whole days, start to end inclusive.
  const from = sql`${start}::date`;
  const to = sql`(${end}::date + 1)`;

  const holders = await db
    .selectFrom('role_assignments as ra')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'ra.trust_id').onRef('p.id', '=', 'ra.person_id'))
    .select(['ra.role', 'p.id', 'p.given_name', 'p.family_name', 'p.preferred_name'])
    .where('ra.trust_id', '=', trustId)
    .where('ra.ended_at', 'is', null)
    .where('p.status', '=', 'active')
    .where('ra.role', 'in', [...EVIDENCE_ROLES])
    .where((eb) => eb.or([eb('ra.school_id', '=', schoolId), eb('ra.school_id', 'is', null)]))
    .execute();
  const order = (r: string) => EVIDENCE_ROLES.indexOf(r as Role);
  const roleHolders = holders
    .map((h) => ({ role: h.role, roleLabel: ROLE_LABELS[h.role as Role] ?? h.role, personId: h.id, name: `${h.preferred_name ?? h.given_name} ${h.family_name}` }))
    .sort((a, b) => order(a.role) - order(b.role) || a.name.localeCompare(b.name));

  const steps = await sql<{ k: string; c: string }>`
    SELECT step AS k, count(*) AS c FROM filter_change_log
    WHERE trust_id = ${trustId} AND school_id = ${schoolId} AND at >= ${from} AND at < ${to} GROUP BY step`.execute(db);
  const requests = await sql<{ c: string }>`
    SELECT count(*) AS c FROM filter_change_requests
    WHERE trust_id = ${trustId} AND school_id = ${schoolId} AND requested_at >= ${from} AND requested_at < ${to}`.execute(db);

  const checks = await sql<{ checks: string; results: string; not_blocked: string; last: string | null }>`
    SELECT count(DISTINCT c.id) AS checks, count(r.id) AS results, count(r.id) FILTER (WHERE r.outcome = 'not_blocked') AS not_blocked,
           max(c.checked_on)::text AS last
    FROM filter_checks c LEFT JOIN filter_check_results r ON r.trust_id = c.trust_id AND r.check_id = c.id
    WHERE c.trust_id = ${trustId} AND c.school_id = ${schoolId} AND c.checked_on >= ${start}::date AND c.checked_on <= ${end}::date`.execute(db);
  const tasks = await sql<{ raised: string; open: string }>`
    SELECT count(*) AS raised, count(*) FILTER (WHERE fixed_at IS NULL) AS open FROM filter_check_tasks
    WHERE trust_id = ${trustId} AND school_id = ${schoolId} AND raised_at >= ${from} AND raised_at < ${to}`.execute(db);

  const alertRows = await countsInPeriod(db, trustId, schoolId, from, to);
  const add = (into: Counts, k: string, n: number) => {
    into[k] = (into[k] ?? 0) + n;
  };
  const alerts: Evidence['alerts'] = { total: 0, byPriority: { high: 0, medium: 0, low: 0 }, byStatus: {} };
  for (const a of alertRows) {
    add(alerts.byPriority, a.priority, a.n);
    add(alerts.byStatus, a.status, a.n);
    alerts.total += a.n;
  }

  const reviews = await sql<{ total: string; signed: string; due: string; overdue: string }>`
      SELECT count(*) AS total, count(*) FILTER (WHERE status = 'signed_off') AS signed,
             count(*) FILTER (WHERE status = 'due') AS due,
             count(*) FILTER (WHERE status = 'due' AND due_at + make_interval(days => overdue_after_days) < ${now}) AS overdue
      FROM monitoring_reviews
      WHERE trust_id = ${trustId} AND school_id = ${schoolId} AND period_end >= ${start}::date AND period_start <= ${end}::date`.execute(db);
  const row = reviews.rows[0];
  const monitoringReviews: Evidence['monitoringReviews'] = { total: n(row?.total), signedOff: n(row?.signed), due: n(row?.due), overdue: n(row?.overdue) };

  const c = checks.rows[0];
  return {
    computedAt: now.toISOString(),
    period: { start, end },
    roleHolders,
    changeLog: { requests: n(requests.rows[0]?.c), entries: steps.rows.reduce((s, r) => s + n(r.c), 0), bySteps: tally(steps.rows) },
    filterChecks: {
      checks: n(c?.checks),
      results: n(c?.results),
      notBlocked: n(c?.not_blocked),
      tasksRaised: n(tasks.rows[0]?.raised),
      tasksOpen: n(tasks.rows[0]?.open),
      lastCheckedOn: c?.last ?? null,
    },
    alerts,
    monitoringReviews,
  };
}
