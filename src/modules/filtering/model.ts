// Filtering change control: a request moves requested → approved_by_head → agreed_by_second →
// applied (→ reverted when temporary), or ends refused / expired. Pure rules; the database repeats
// the two-person rule as CHECK constraints (migration 0007) so no code path can skip it.
import type { Role } from '../../platform/auth/roles.ts';

export const STATES = ['requested', 'approved_by_head', 'agreed_by_second', 'applied', 'reverted', 'refused', 'expired'] as const;
export type State = (typeof STATES)[number];
export const KINDS = ['block', 'unblock'] as const;
export type Kind = (typeof KINDS)[number];
export const TARGET_TYPES = ['site', 'category'] as const;
export type Target = { type: (typeof TARGET_TYPES)[number]; value: string };
export const GROUPS = ['pupils', 'staff', 'class'] as const;
export type UserGroup = { group: 'pupils'; yearGroups: string[] } | { group: 'staff' } | { group: 'class'; className: string };
export const STEPS = ['approve', 'refuse', 'agree', 'apply', 'revert'] as const;
export type Step = (typeof STEPS)[number];

export const STATE_LABELS: Record<State, string> = {
  requested: 'Waiting for the headteacher',
  approved_by_head: 'Approved by the headteacher; waiting for the second person',
  agreed_by_second: 'Agreed; waiting for the IT provider to apply it',
  applied: 'Applied',
  reverted: 'Reverted',
  refused: 'Refused',
  expired: 'Expired before it was applied',
};

/** Who may take each step (at the request's school, or trust-wide). */
export const HEAD_ROLES: readonly Role[] = ['headteacher'];
export const SECOND_ROLES: readonly Role[] = ['online_safety_lead', 'deputy_dsl'];
export const APPLY_ROLES: readonly Role[] = ['network_manager'];

export type NewRequest = { kind: Kind; targets: Target[]; userGroup: UserGroup; reason: string; endsAt: Date | null };
export type Problem = { field: string; message: string };

/** What is wrong with a new request, each with the field to fix; empty when it may be filed. */
export function checkNewRequest(r: NewRequest, now: Date): Problem[] {
  const problems: Problem[] = [];
  if (r.targets.length === 0) problems.push({ field: 'targets', message: 'Name at least one site or category.' });
  if (r.targets.some((t) => t.value.trim() === '')) problems.push({ field: 'targets', message: 'Every site or category needs a value.' });
  if (r.reason.trim() === '') problems.push({ field: 'reason', message: 'Give the educational reason for the change.' });
  if (r.userGroup.group === 'pupils' && r.userGroup.yearGroups.length === 0) problems.push({ field: 'userGroup.yearGroups', message: 'Name at least one year group.' });
  if (r.userGroup.group === 'class' && r.userGroup.className.trim() === '') problems.push({ field: 'userGroup.className', message: 'Name the class.' });
  if (r.endsAt && r.kind === 'block') problems.push({ field: 'endsAt', message: 'Only an unblock can be temporary; leave the end date out for a block.' });
  if (r.endsAt && r.endsAt.getTime() <= now.getTime()) problems.push({ field: 'endsAt', message: 'The end of the unblock period must be in the future.' });
  return problems;
}

/** The facts of a request that the rules look at. */
export type Facts = {
  state: State;
  endsAt: Date | null;
  requestedBy: string;
  headDecidedBy: string | null;
  secondDecidedBy: string | null;
};

export type Actor = { personId: string; roles: readonly Role[] };
export type Refusal = { status: 403 | 409; reason: string };
export type Outcome = { ok: true; next: State } | ({ ok: false } & Refusal);

const PENDING: readonly State[] = ['requested', 'approved_by_head', 'agreed_by_second'];
export const isTemporary = (f: Pick<Facts, 'endsAt'>) => f.endsAt !== null;

/** A temporary unblock whose period ended before it was applied can no longer go ahead. */
export function hasLapsed(f: Facts, now: Date): boolean {
  return PENDING.includes(f.state) && f.endsAt !== null && f.endsAt.getTime() <= now.getTime();
}

const no = (status: Refusal['status'], reason: string): Outcome => ({ ok: false, status, reason });
const has = (a: Actor, roles: readonly Role[]) => a.roles.some((r) => roles.includes(r));

/** Whether the actor may take the step now, and the state it leads to. */
const EXPIRED = 'The unblock period has already ended, so the request has expired. Make a new request if it is still needed.';

export function decide(f: Facts, step: Step, a: Actor, now: Date): Outcome {
  if (f.state === 'expired' || (hasLapsed(f, now) && step !== 'revert')) return no(409, EXPIRED);
  switch (step) {
    case 'approve':
    case 'refuse': {
      const stage = f.state === 'requested' ? 'head' : f.state === 'approved_by_head' ? 'second' : null;
      if (!stage) return no(409, `The request is ${STATE_LABELS[f.state].toLowerCase()}; there is no decision to make.`);
      if (step === 'approve' && stage === 'second') return no(409, 'The headteacher has approved it; the second person agrees (or refuses) it.');
      return decideAs(f, a, stage, step === 'approve' ? 'approved_by_head' : 'refused');
    }
    case 'agree':
      if (f.state === 'requested') return no(409, 'The headteacher must approve the request before the second person agrees to it.');
      if (f.state !== 'approved_by_head') return no(409, `The request is ${STATE_LABELS[f.state].toLowerCase()}; there is nothing to agree.`);
      return decideAs(f, a, 'second', 'agreed_by_second');
    case 'apply':
      if (!has(a, APPLY_ROLES)) return no(403, 'Only the network manager / IT provider records a change as applied.');
      if (f.state !== 'agreed_by_second' || !f.headDecidedBy || !f.secondDecidedBy) {
        return no(409, 'A change is applied only after the headteacher has approved it and the second person has agreed.');
      }
      return { ok: true, next: 'applied' };
    case 'revert':
      if (!has(a, APPLY_ROLES)) return no(403, 'Only the network manager / IT provider records a change as reverted.');
      if (f.state !== 'applied') return no(409, 'Only an applied change can be reverted.');
      if (!isTemporary(f)) return no(409, 'Only a temporary unblock is reverted; a permanent change needs a new request.');
      return { ok: true, next: 'reverted' };
  }
}

function decideAs(f: Facts, a: Actor, stage: 'head' | 'second', next: State): Outcome {
  if (a.personId === f.requestedBy) return no(403, 'Nobody may approve, agree to or refuse their own request.');
  if (stage === 'head') {
    if (!has(a, HEAD_ROLES)) return no(403, 'The headteacher decides on a request first.');
    return { ok: true, next };
  }
  if (a.personId === f.headDecidedBy) return no(403, 'The second person must be someone other than the headteacher who approved it.');
  if (!has(a, SECOND_ROLES)) return no(403, 'The second decision is for the online safety lead or a deputy DSL.');
  return { ok: true, next };
}

/** Applied temporary unblocks whose period has ended and that nobody has been told to revert yet. */
export function dueForRevert(f: Facts & { revertDueAt: Date | null }, now: Date): boolean {
  return f.state === 'applied' && f.endsAt !== null && f.endsAt.getTime() <= now.getTime() && f.revertDueAt === null;
}

export const describeGroup = (g: UserGroup) =>
  g.group === 'staff' ? 'Staff' : g.group === 'class' ? `Class ${g.className}` : `Pupils in year ${g.yearGroups.join(', ')}`;
export const describeTargets = (ts: readonly Target[]) => ts.map((t) => `${t.type}: ${t.value}`).join('; ');

// ---- users' reports: "this should be blocked / unblocked" ----

/** Who decides what becomes of a user's report (at its school, or trust-wide). */
export const REPORT_DECIDER_ROLES: readonly Role[] = ['online_safety_lead', 'headteacher'];
export const REPORT_DECISIONS = ['change_requested', 'declined'] as const;
export type ReportDecision = (typeof REPORT_DECISIONS)[number];

export const mayDecideReports = (roles: readonly Role[]) => roles.some((r) => REPORT_DECIDER_ROLES.includes(r));

/** Whether the actor may decide the report now; a report is decided once. */
export function decideReport(decided: ReportDecision | null, roles: readonly Role[]): Refusal | null {
  if (!mayDecideReports(roles)) return { status: 403, reason: 'The online safety lead or the headteacher decides what becomes of a report.' };
  if (decided) return { status: 409, reason: `This report has already been decided (${decided === 'declined' ? 'declined' : 'turned into a change request'}).` };
  return null;
}

/** A change request pre-filled from a report: the site, the way the reporter asked, their reason. */
export function requestFromReport(r: { url: string; direction: Kind; why: string }, over: Partial<NewRequest> & { userGroup: UserGroup }): NewRequest {
  return {
    kind: over.kind ?? r.direction,
    targets: over.targets ?? [{ type: 'site', value: r.url }],
    userGroup: over.userGroup,
    reason: over.reason ?? r.why,
    endsAt: over.endsAt ?? null,
  };
}
