// Filtering change control use cases. Each step is checked by model.decide, written with its log row
// and its audit event in one transaction; the database repeats the two-person rule underneath.
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { type ActorRef, type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import {
  decide,
  describeGroup,
  describeTargets,
  type Facts,
  hasLapsed,
  type NewRequest,
  type State,
  STATE_LABELS,
  type Step,
  STEPS,
  checkNewRequest,
  type UserGroup,
} from './model.ts';
import * as store from './store.ts';

type Row = store.ChangeRow;

export function person(p: Principal): string {
  if (p.scopes) throw forbidden('Filtering change requests are made by people, not API tokens.');
  if (!p.personId) throw forbidden('Your account is not linked to a person in this trust.');
  return p.personId;
}

/** The caller's roles that count at a school: grants there and trust-wide grants. */
export const rolesAt = (p: Principal, schoolId: string): Role[] => p.grants.filter((g) => g.schoolId === null || g.schoolId === schoolId).map((g) => g.role);
const seesLog = (p: Principal, schoolId: string) => can(p, 'filtering.log', { trustId: p.trustId, schoolId });

export async function requireSchool(haven: Haven, p: Principal, schoolId: string) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school || rolesAt(p, schoolId).length === 0) throw notFound('That school');
  return school;
}

const facts = (r: Row): Facts => ({
  state: r.state as State,
  endsAt: r.ends_at,
  requestedBy: r.requested_by,
  headDecidedBy: r.head_decided_by,
  secondDecidedBy: r.second_decided_by,
});

const groupOf = (r: Row): UserGroup =>
  r.user_group === 'staff' ? { group: 'staff' } : r.user_group === 'class' ? { group: 'class', className: r.class_name ?? '' } : { group: 'pupils', yearGroups: r.year_groups };

function view(r: Row, names: Map<string, string>, now: Date) {
  const who = (id: string | null) => (id ? { personId: id, name: names.get(id) ?? 'Unknown' } : null);
  return {
    id: r.id,
    schoolId: r.school_id,
    kind: r.kind,
    targets: r.targets,
    userGroup: groupOf(r),
    reason: r.reason,
    endsAt: r.ends_at,
    temporary: r.ends_at !== null,
    state: r.state,
    stateLabel: STATE_LABELS[r.state as State],
    lapsed: hasLapsed(facts(r), now),
    requested: { ...who(r.requested_by), at: r.requested_at },
    head: r.head_decided_by ? { ...who(r.head_decided_by), at: r.head_decided_at, reason: r.head_reason } : null,
    second: r.second_decided_by ? { ...who(r.second_decided_by), at: r.second_decided_at, reason: r.second_reason } : null,
    applied: r.applied_by ? { ...who(r.applied_by), at: r.applied_at, ticketReference: r.ticket_reference } : null,
    revertDueAt: r.revert_due_at,
    reverted: r.reverted_by ? { ...who(r.reverted_by), at: r.reverted_at } : null,
  };
}

const logView = (l: store.LogRow) => ({ id: l.id, changeId: l.change_id, at: l.at, by: l.by_label, byPersonId: l.by_person_id, step: l.step, state: l.state, what: l.what, reason: l.reason });

const summary = (r: { kind: string; targets: { type: string; value: string }[] }, group: UserGroup) =>
  `${r.kind === 'block' ? 'Block' : 'Unblock'} ${describeTargets(r.targets as never)} for ${describeGroup(group)}`;

// The log is read by people in UK schools: times in it are written as they read them.
const UK_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });
const ukTime = (d: Date) => UK_TIME.format(d);

// ------------------------------------------------------------------------------------------------

export async function requestChange(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: NewRequest) {
  const me = person(p);
  await requireSchool(haven, p, schoolId);
  if (!can(p, 'filtering.request', { trustId: p.trustId, schoolId })) throw forbidden('Only staff of this school can request a filtering change.');
  const now = haven.clock.now();
  const problems = checkNewRequest(input, now);
  if (problems.length > 0) throw unprocessable(problems.map((x) => x.message).join(' '), problems);
  const id = newId();
  await haven.db.transaction().execute(async (tx) => {
    await fileRequest(tx, haven, actor, { trustId: p.trustId, schoolId, id, requestedBy: me, byLabel: actor.label, input, now });
  });
  return { id, state: 'requested' as const };
}

/** Writes a new request with its first log row and audit event (inside the caller's transaction). */
export async function fileRequest(
  tx: Executor,
  haven: Haven,
  actor: ActorRef,
  r: { trustId: string; schoolId: string; id: string; requestedBy: string; byLabel: string; input: NewRequest; now: Date; detail?: Record<string, unknown> },
) {
  const { input } = r;
  const g = input.userGroup;
  await store.insertChange(tx, {
    trustId: r.trustId,
    id: r.id,
    schoolId: r.schoolId,
    kind: input.kind,
    targets: input.targets.map((t) => ({ type: t.type, value: t.value.trim() })),
    userGroup: g.group,
    yearGroups: g.group === 'pupils' ? g.yearGroups : [],
    className: g.group === 'class' ? g.className.trim() : null,
    reason: input.reason.trim(),
    endsAt: input.endsAt,
    requestedBy: r.requestedBy,
    requestedAt: r.now,
  });
  const until = input.endsAt ? ` until ${ukTime(input.endsAt)} (UK time)` : '';
  await store.appendLog(tx, {
    trustId: r.trustId, schoolId: r.schoolId, changeId: r.id, at: r.now, byPersonId: r.requestedBy, byLabel: r.byLabel,
    step: 'requested', state: 'requested', what: `${summary(input, g)}${until}`, reason: input.reason.trim(),
  });
  await audit(tx, haven, actor, { trustId: r.trustId, schoolId: r.schoolId, action: 'filtering.change.request', recordType: 'filter_change', recordId: r.id, detail: { kind: input.kind, ...r.detail } });
}

/** A request the caller may see: the log's readers see every one, a requester their own. */
async function loadVisible(haven: Haven, p: Principal, changeId: string) {
  const me = person(p);
  const row = await store.changeById(haven.db, p.trustId, changeId);
  if (!row || rolesAt(p, row.school_id).length === 0) throw notFound('That change request');
  if (!seesLog(p, row.school_id) && row.requested_by !== me) throw notFound('That change request');
  return row;
}

export async function listChanges(haven: Haven, p: Principal, schoolId: string, f: { state?: State | undefined }) {
  const me = person(p);
  await requireSchool(haven, p, schoolId);
  const rows = await store.listChanges(haven.db, p.trustId, schoolId, { state: f.state, requestedBy: seesLog(p, schoolId) ? undefined : me });
  const names = await store.namesOf(haven.db, p.trustId, rows.flatMap((r) => [r.requested_by, r.head_decided_by, r.second_decided_by, r.applied_by, r.reverted_by]));
  const now = haven.clock.now();
  return { changes: rows.map((r) => view(r, names, now)) };
}

export async function getChange(haven: Haven, p: Principal, actor: ActorRef, changeId: string) {
  const row = await loadVisible(haven, p, changeId);
  const me = person(p);
  const log = await store.logOf(haven.db, p.trustId, changeId);
  const names = await store.namesOf(haven.db, p.trustId, [row.requested_by, row.head_decided_by, row.second_decided_by, row.applied_by, row.reverted_by]);
  const now = haven.clock.now();
  const who = { personId: me, roles: rolesAt(p, row.school_id) };
  await audit(haven.db, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action: 'filtering.change.read', recordType: 'filter_change', recordId: row.id });
  return {
    ...view(row, names, now),
    allowedSteps: STEPS.filter((s) => decide(facts(row), s, who, now).ok),
    log: log.map(logView),
  };
}

export type StepInput = { reason?: string | undefined; ticketReference?: string | undefined; appliedAt?: Date | undefined };

const STEP_LOG: Record<Step, string> = { approve: 'approved', refuse: 'refused', agree: 'agreed', apply: 'applied', revert: 'reverted' };

export async function takeStep(haven: Haven, p: Principal, actor: ActorRef, changeId: string, step: Step, input: StepInput) {
  const me = person(p);
  await loadVisibleOrDecider(haven, p, changeId);
  const now = haven.clock.now();
  const result = await haven.db.transaction().execute(async (tx) => {
    const row = await store.changeForUpdate(tx, p.trustId, changeId);
    if (!row) throw notFound('That change request');
    const f = facts(row);
    if (hasLapsed(f, now)) {
      // The period ran out before the hourly sweep saw it: record that once, then refuse the step.
      await markExpired(tx, haven, actor, row, now);
      return { refused: conflict('The unblock period has already ended, so the request has expired. Make a new request if it is still needed.') };
    }
    const outcome = decide(f, step, { personId: me, roles: rolesAt(p, row.school_id) }, now);
    if (!outcome.ok) return { refused: new AppError(outcome.status, outcome.status === 403 ? 'Not allowed' : 'Conflict', outcome.reason) };
    const reason = input.reason?.trim() || null;
    const stage = row.state === 'requested' ? 'head' : 'second';
    if (step === 'apply') {
      const at = input.appliedAt ?? now;
      if (at.getTime() > now.getTime()) return { refused: unprocessable('The time it was applied is in the future.', [{ field: 'appliedAt', message: 'in the future' }]) };
      await store.updateChange(tx, p.trustId, row.id, { state: outcome.next, applied_by: me, applied_at: at, ticket_reference: input.ticketReference?.trim() ?? '' });
    } else if (step === 'revert') {
      await store.updateChange(tx, p.trustId, row.id, { state: outcome.next, reverted_by: me, reverted_at: now });
    } else if (stage === 'head') {
      await store.updateChange(tx, p.trustId, row.id, { state: outcome.next, head_decided_by: me, head_decided_at: now, head_reason: reason ?? '' });
    } else {
      await store.updateChange(tx, p.trustId, row.id, { state: outcome.next, second_decided_by: me, second_decided_at: now, second_reason: reason ?? '' });
    }
    const detail = step === 'apply' ? `Applied (ticket ${input.ticketReference?.trim() || 'none'})` : `${STEP_LOG[step][0]?.toUpperCase()}${STEP_LOG[step].slice(1)}: ${summary(row, groupOf(row))}`;
    await store.appendLog(tx, { trustId: p.trustId, schoolId: row.school_id, changeId: row.id, at: now, byPersonId: me, byLabel: actor.label, step: STEP_LOG[step], state: outcome.next, what: detail, reason });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action: `filtering.change.${step}`, recordType: 'filter_change', recordId: row.id, detail: { state: outcome.next } });
    return { refused: null, state: outcome.next };
  });
  if (result.refused) throw result.refused;
  return { id: changeId, state: result.state as State };
}

/** Deciders see the request to act on it; anyone else at another school learns nothing (404). */
async function loadVisibleOrDecider(haven: Haven, p: Principal, changeId: string) {
  const row = await store.changeById(haven.db, p.trustId, changeId);
  if (!row || rolesAt(p, row.school_id).length === 0) throw notFound('That change request');
  return row;
}

export async function changeLog(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, f: { q?: string | undefined; from?: Date | undefined; to?: Date | undefined }, format: 'json' | 'csv' | 'pdf' = 'json') {
  person(p);
  const school = await requireSchool(haven, p, schoolId);
  if (!seesLog(p, schoolId)) throw forbidden('The change-control log is for the headteacher, safeguarding and online safety leads, the IT provider and governors.');
  const rows = await store.schoolLog(haven.db, p.trustId, schoolId, f);
  await audit(haven.db, haven, actor, { trustId: p.trustId, schoolId, action: format === 'json' ? 'filtering.log.read' : 'filtering.log.export', recordType: 'filter_change_log', detail: { rows: rows.length, format } });
  return { school, rows: rows.map(logView) };
}

// ------------------------------------------------------------------------------------------------
// Temporary unblocks end by themselves: the IT provider is told to revert them.
// ------------------------------------------------------------------------------------------------

/** Expires waiting requests whose period has ended; marks applied ones due for revert and writes to the network manager. */
export async function expireTemporaryChanges(haven: Haven): Promise<{ due: string[]; expired: string[] }> {
  const now = haven.clock.now();
  const expired = await expireLapsed(haven, now);
  const due = await store.dueForRevert(haven.db, now);
  const marked: string[] = [];
  for (const row of due) {
    const done = await haven.db.transaction().execute(async (tx) => {
      const locked = await store.changeForUpdate(tx, row.trust_id, row.id);
      if (!locked || locked.state !== 'applied' || locked.revert_due_at !== null) return false;
      await store.updateChange(tx, row.trust_id, row.id, { revert_due_at: now });
      await store.appendLog(tx, { trustId: row.trust_id, schoolId: row.school_id, changeId: row.id, at: now, byPersonId: null, byLabel: SYSTEM_ACTOR.label, step: 'revert_due', state: 'applied', what: 'The unblock period has ended; the IT provider was asked to revert the change.', reason: null });
      await audit(tx, haven, SYSTEM_ACTOR, { trustId: row.trust_id, schoolId: row.school_id, action: 'filtering.change.revert_due', recordType: 'filter_change', recordId: row.id });
      return true;
    });
    if (!done) continue;
    marked.push(row.id);
    // Mail goes after the commit, as everywhere; the outbox keeps a copy.
    const school = await store.schoolById(haven.db, row.trust_id, row.school_id);
    const holders = await store.roleHolderEmails(haven.db, row.trust_id, row.school_id, ['network_manager']);
    const to = [...new Set(holders.map((h) => h.account_email ?? h.person_email).filter((e): e is string => Boolean(e)))];
    for (const address of to) {
      await haven.mail.send({
        trustId: row.trust_id,
        to: address,
        subject: `Revert a temporary filtering unblock at ${school?.name ?? 'your school'}`,
        text: [
          `The temporary unblock below ended at ${row.ends_at ? ukTime(row.ends_at) : ''} (UK time). Please revert it and record the revert in Haven.`,
          '',
          summary(row, groupOf(row)),
          `Ticket: ${row.ticket_reference ?? 'none'}`,
          `${haven.config.publicUrl}/filter-changes/${row.id}`,
        ].join('\n'),
      });
    }
  }
  return { due: marked, expired };
}

/** Requests still waiting when their unblock period ended can never go ahead: each becomes 'expired', with a log row. */
async function expireLapsed(haven: Haven, now: Date): Promise<string[]> {
  const out: string[] = [];
  for (const row of await store.lapsedPending(haven.db, now)) {
    const done = await haven.db.transaction().execute(async (tx) => {
      const locked = await store.changeForUpdate(tx, row.trust_id, row.id);
      if (!locked || !hasLapsed(facts(locked), now)) return false;
      await markExpired(tx, haven, SYSTEM_ACTOR, locked, now);
      return true;
    });
    if (done) out.push(row.id);
  }
  return out;
}

async function markExpired(tx: Executor, haven: Haven, actor: ActorRef, row: Row, now: Date) {
  await store.updateChange(tx, row.trust_id, row.id, { state: 'expired' });
  await store.appendLog(tx, {
    trustId: row.trust_id, schoolId: row.school_id, changeId: row.id, at: now, byPersonId: null, byLabel: SYSTEM_ACTOR.label,
    step: 'expired', state: 'expired', what: `The unblock period ended (${row.ends_at ? ukTime(row.ends_at) : ''} UK time) while the request was ${STATE_LABELS[row.state as State].toLowerCase()}.`, reason: null,
  });
  await audit(tx, haven, actor, { trustId: row.trust_id, schoolId: row.school_id, action: 'filtering.change.expire', recordType: 'filter_change', recordId: row.id, detail: { from: row.state } });
}
