// Users' reports that a site should be blocked or unblocked. Any staff member reports; the online
// safety lead (or headteacher) turns a report into a change request in the reporter's name — so the
// two-person rule still binds the decider — or declines it with a reason. Decisions are new rows.
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import { AppError, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { checkNewRequest, decideReport, type Kind, mayDecideReports, type NewRequest, type ReportDecision, requestFromReport, type UserGroup } from './model.ts';
import { fileRequest, person, requireSchool, rolesAt } from './service.ts';
import * as store from './store.ts';

export type NewReport = { url: string; direction: Kind; why: string; whereSeen?: string | null | undefined };
export type ConvertInput = { userGroup: UserGroup } & Partial<Pick<NewRequest, 'kind' | 'targets' | 'reason' | 'endsAt'>>;

function reportView(r: store.ReportRow, names: Map<string, string>) {
  const who = (id: string | null) => (id ? { personId: id, name: names.get(id) ?? 'Unknown' } : null);
  return {
    id: r.id,
    schoolId: r.school_id,
    url: r.url,
    direction: r.direction,
    why: r.why,
    whereSeen: r.where_seen,
    reported: { ...who(r.reported_by), at: r.reported_at },
    status: (r.decision ?? 'open') as ReportDecision | 'open',
    decision: r.decision
      ? { decision: r.decision as ReportDecision, changeId: r.change_id, reason: r.decision_reason, ...who(r.decided_by), at: r.decided_at }
      : null,
  };
}

export async function fileReport(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: NewReport) {
  const me = person(p);
  await requireSchool(haven, p, schoolId);
  if (!can(p, 'filtering.request', { trustId: p.trustId, schoolId })) throw forbidden('Only staff of this school can report a site.');
  const id = newId();
  await haven.db.transaction().execute(async (tx) => {
    await store.insertReport(tx, {
      trustId: p.trustId, id, schoolId, url: input.url.trim(), direction: input.direction, why: input.why.trim(),
      whereSeen: input.whereSeen?.trim() || null, reportedBy: me, reportedAt: haven.clock.now(),
    });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'filtering.report.file', recordType: 'filter_report', recordId: id, detail: { direction: input.direction } });
  });
  return { id, status: 'open' as const };
}

/** Deciders see every report of the school; anyone else their own. */
export async function listReports(haven: Haven, p: Principal, schoolId: string, status: 'open' | 'decided' | 'all') {
  const me = person(p);
  await requireSchool(haven, p, schoolId);
  const decider = mayDecideReports(rolesAt(p, schoolId));
  const rows = await store.listReports(haven.db, p.trustId, schoolId, { status, reportedBy: decider ? undefined : me });
  const names = await store.namesOf(haven.db, p.trustId, rows.flatMap((r) => [r.reported_by, r.decided_by]));
  return { canDecide: decider, reports: rows.map((r) => reportView(r, names)) };
}

async function loadForDecision(haven: Haven, p: Principal, reportId: string) {
  const row = await store.reportById(haven.db, p.trustId, reportId);
  if (!row || rolesAt(p, row.school_id).length === 0) throw notFound('That report');
  return row;
}

export async function convertReport(haven: Haven, p: Principal, actor: ActorRef, reportId: string, input: ConvertInput) {
  const me = person(p);
  const row = await loadForDecision(haven, p, reportId);
  const now = haven.clock.now();
  const request = requestFromReport({ url: row.url, direction: row.direction as Kind, why: row.why }, input);
  const problems = checkNewRequest(request, now);
  if (problems.length > 0) throw unprocessable(problems.map((x) => x.message).join(' '), problems);
  const changeId = newId();
  await haven.db.transaction().execute(async (tx) => {
    await store.lockReport(tx, p.trustId, reportId);
    const fresh = await store.reportById(tx, p.trustId, reportId);
    if (!fresh) throw notFound('That report');
    const refusal = decideReport((fresh.decision as ReportDecision | null) ?? null, rolesAt(p, fresh.school_id));
    if (refusal) throw new AppError(refusal.status, refusal.status === 403 ? 'Not allowed' : 'Conflict', refusal.reason);
    const reporter = await store.namesOf(tx, p.trustId, [fresh.reported_by]);
    // The reporter is the requester, so they cannot approve it; the decider may still be the second person.
    await fileRequest(tx, haven, actor, {
      trustId: p.trustId, schoolId: fresh.school_id, id: changeId, requestedBy: fresh.reported_by,
      byLabel: `${reporter.get(fresh.reported_by) ?? 'The reporter'} (report passed on by ${actor.label})`,
      input: request, now, detail: { fromReport: reportId },
    });
    await store.insertDecision(tx, { trustId: p.trustId, reportId, schoolId: fresh.school_id, decision: 'change_requested', changeId, reason: null, decidedBy: me, decidedAt: now });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: fresh.school_id, action: 'filtering.report.convert', recordType: 'filter_report', recordId: reportId, detail: { changeId } });
  });
  return { id: reportId, status: 'change_requested' as const, changeId };
}

export async function declineReport(haven: Haven, p: Principal, actor: ActorRef, reportId: string, reason: string) {
  const me = person(p);
  await loadForDecision(haven, p, reportId);
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    await store.lockReport(tx, p.trustId, reportId);
    const fresh = await store.reportById(tx, p.trustId, reportId);
    if (!fresh) throw notFound('That report');
    const refusal = decideReport((fresh.decision as ReportDecision | null) ?? null, rolesAt(p, fresh.school_id));
    if (refusal) throw new AppError(refusal.status, refusal.status === 403 ? 'Not allowed' : 'Conflict', refusal.reason);
    await store.insertDecision(tx, { trustId: p.trustId, reportId, schoolId: fresh.school_id, decision: 'declined', changeId: null, reason: reason.trim(), decidedBy: me, decidedAt: now });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: fresh.school_id, action: 'filtering.report.decline', recordType: 'filter_report', recordId: reportId });
  });
  return { id: reportId, status: 'declined' as const };
}
