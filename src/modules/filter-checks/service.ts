// Filter-check use cases. A check, its results and the tasks its failures raise are written with
// their audit event in one transaction; the network manager(s) are mailed after the commit.
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { londonDate } from '../../platform/time.ts';
import { checkFix, checkNewCheck, describeGroup, failures, FIX_ROLES, type FixInput, METHOD_LABELS, type Method, type NewCheck, OUTCOME_LABELS, type Outcome, STARTER_CATEGORIES, type UserGroup } from './model.ts';
import { type AlertInput, raiseAlerts } from '../alerts/service.ts';
import { mapCategoryName } from '../logs/classify/mapping.ts';
import { hostOf } from '../logs/parsers/util.ts';
import { HARMFUL_CATEGORIES } from '../logs/rules/rules.ts';
import * as store from './store.ts';

function person(p: Principal): string {
  if (p.scopes) throw forbidden('Filter checks are recorded by people, not API tokens.');
  if (!p.personId) throw forbidden('Your account is not linked to a person in this trust.');
  return p.personId;
}

const rolesAt = (p: Principal, schoolId: string): Role[] => p.grants.filter((g) => g.schoolId === null || g.schoolId === schoolId).map((g) => g.role);

/** The school, if the caller holds any role there; anyone else learns nothing (404). */
async function requireSchool(haven: Haven, p: Principal, schoolId: string) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school || rolesAt(p, schoolId).length === 0) throw notFound('That school');
  return school;
}

function requireView(p: Principal, schoolId: string) {
  if (!can(p, 'filterchecks.view', { trustId: p.trustId, schoolId })) {
    throw forbidden('Filter checks are for the headteacher, safeguarding and online safety leads, the IT provider and governors.');
  }
}

// ------------------------------------------------------------------------------------------------
// Categories: the starter list plus the school's own.
// ------------------------------------------------------------------------------------------------

export async function listCategories(haven: Haven, p: Principal, schoolId: string) {
  person(p);
  await requireSchool(haven, p, schoolId);
  requireView(p, schoolId);
  const own = await store.categoriesOf(haven.db, p.trustId, schoolId);
  return {
    categories: [...STARTER_CATEGORIES.map((name) => ({ id: null, name, starter: true })), ...own.map((c) => ({ id: c.id, name: c.name, starter: false }))],
  };
}

export async function addCategory(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, name: string) {
  const me = person(p);
  await requireSchool(haven, p, schoolId);
  if (!can(p, 'filterchecks.record', { trustId: p.trustId, schoolId })) throw forbidden('Only the people who record filter checks can add a category.');
  const clean = name.trim().replace(/\s+/g, ' ');
  const existing = [...STARTER_CATEGORIES, ...(await store.categoriesOf(haven.db, p.trustId, schoolId)).map((c) => c.name)];
  if (existing.some((c) => c.toLowerCase() === clean.toLowerCase())) throw conflict(`${clean} is already on the list.`);
  const id = newId();
  await haven.db.transaction().execute(async (tx) => {
    await store.insertCategory(tx, { trustId: p.trustId, id, schoolId, name: clean, createdBy: me, at: haven.clock.now() });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'filterchecks.category.add', recordType: 'filter_check_category', recordId: id, detail: { name: clean } });
  });
  return { id, name: clean, starter: false };
}

// ------------------------------------------------------------------------------------------------
// Checks
// ------------------------------------------------------------------------------------------------

export type CheckInput = NewCheck & { checkedByPersonId?: string | undefined; correctsId?: string | undefined };

export async function recordCheck(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: CheckInput) {
  const me = person(p);
  const school = await requireSchool(haven, p, schoolId);
  if (!can(p, 'filterchecks.record', { trustId: p.trustId, schoolId })) throw forbidden('Only the headteacher, safeguarding and online safety leads and the IT provider record filter checks.');
  const now = haven.clock.now();
  const problems = checkNewCheck(input, londonDate(now));
  if (input.checkedByPersonId) {
    const who = await store.personInTrust(haven.db, p.trustId, input.checkedByPersonId);
    if (!who || who.status !== 'active' || who.kind === 'pupil' || who.kind === 'parent') problems.push({ field: 'checkedByPersonId', message: 'Choose an active member of staff or the IT provider as the person who ran the check.' });
  }
  if (input.correctsId) {
    const old = await store.checkById(haven.db, p.trustId, input.correctsId);
    if (!old || old.school_id !== schoolId) problems.push({ field: 'correctsId', message: 'The check being corrected was not found at this school.' });
  }
  if (problems.length > 0) throw unprocessable(problems.map((x) => x.message).join(' '), problems);

  const id = newId();
  const g = input.userGroup;
  const results = input.results.map((r, i) => ({ ...r, id: newId(), position: i, category: r.category.trim(), url: r.url?.trim() || null, note: r.note?.trim() || null }));
  const failed = failures(results).map((r) => ({ ...r, taskId: newId() }));
  await haven.db.transaction().execute(async (tx) => {
    await store.insertCheck(tx, {
      trustId: p.trustId,
      id,
      schoolId,
      checkedOn: input.checkedOn,
      checkedBy: input.checkedByPersonId ?? me,
      device: input.device.trim(),
      userGroup: g.group,
      yearGroups: g.group === 'pupils' ? g.yearGroups : [],
      method: input.method,
      serviceName: input.serviceName?.trim() || null,
      followUp: input.followUp?.trim() || null,
      correctsId: input.correctsId ?? null,
      recordedBy: me,
      recordedAt: now,
    });
    await store.insertResults(
      tx,
      results.map((r) => ({ trustId: p.trustId, id: r.id, schoolId, checkId: id, position: r.position, category: r.category, outcome: r.outcome, url: r.url, note: r.note })),
    );
    await store.insertTasks(
      tx,
      failed.map((r) => ({ trustId: p.trustId, id: r.taskId, schoolId, checkId: id, resultId: r.id, category: r.category, url: r.url, raisedAt: now })),
    );
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId,
      action: input.correctsId ? 'filterchecks.check.correct' : 'filterchecks.check.record',
      recordType: 'filter_check',
      recordId: id,
      detail: { categories: results.length, failed: failed.length, corrects: input.correctsId ?? null },
    });
    for (const f of failed) {
      await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'filterchecks.task.raise', recordType: 'filter_check_task', recordId: f.taskId, detail: { checkId: id, category: f.category } });
    }
  });
  // Mail goes after the commit, as everywhere; the outbox keeps a copy.
  const mailed = failed.length > 0 ? await mailNetworkManagers(haven, p.trustId, schoolId, school.name, input, failed) : [];
  // Each failed category is also an alert in the triage queue, so the safeguarding team sees it beside
  // what the logs raise (high for the categories where any access is a safeguarding matter).
  await raiseAlerts(haven, p.trustId, schoolId, failed.map((f) => failedCheckAlert(input, f, now)));
  return { id, tasks: failed.map((f) => ({ id: f.taskId, category: f.category })), mailed };
}

function failedCheckAlert(c: NewCheck, f: { category: string; url: string | null; note: string | null }, now: Date): AlertInput {
  const harmful = mapCategoryName(f.category);
  const at = now.getTime();
  return {
    rule: 'filter_check_failed',
    priority: harmful && HARMFUL_CATEGORIES.has(harmful) ? 'high' : 'medium',
    subjectKey: `filter-check:${f.category.toLowerCase()}`,
    personId: null,
    category: harmful,
    why: `A filter check on ${c.checkedOn} found ${f.category} not blocked on ${c.device.trim()} (${describeGroup(c.userGroup)})${f.url ? `: ${f.url}` : ''}.`,
    firstAt: at,
    lastAt: at,
    eventCount: 1,
    events: [
      {
        at,
        source: 'filter-check',
        user: null,
        clientIp: null,
        device: c.device.trim(),
        host: f.url ? hostOf(f.url) : '',
        url: f.url,
        action: 'allowed',
        filterCategory: f.category,
        reason: f.note,
        bytes: null,
      },
    ],
  };
}

async function mailNetworkManagers(haven: Haven, trustId: string, schoolId: string, schoolName: string, c: NewCheck, failed: { category: string; url: string | null; note: string | null; taskId: string }[]) {
  const holders = await store.roleHolderEmails(haven.db, trustId, schoolId, FIX_ROLES);
  const to = [...new Set(holders.map((h) => (h.account_email ?? h.person_email)?.toLowerCase()).filter((e): e is string => Boolean(e)))].sort();
  const subject = `Filter check at ${schoolName}: ${failed.length} ${failed.length === 1 ? 'category was' : 'categories were'} not blocked`;
  const text = [
    `A filter check at ${schoolName} on ${c.checkedOn} found content that should have been blocked.`,
    `Device: ${c.device.trim()} · User group: ${describeGroup(c.userGroup)} · Method: ${METHOD_LABELS[c.method]}`,
    '',
    ...failed.map((f) => `- ${f.category}: ${f.url ?? 'no address given'}${f.note ? ` (${f.note})` : ''}`),
    '',
    'Please fix the filter, re-test, and record the fix in Haven:',
    `${haven.config.publicUrl}/filter-checks/tasks`,
  ].join('\n');
  await Promise.all(to.map((address) => haven.mail.send({ trustId, to: address, subject, text })));
  return to;
}

const groupOf = (r: store.CheckRow): UserGroup => (r.user_group === 'staff' ? { group: 'staff' } : { group: 'pupils', yearGroups: r.year_groups });

function taskView(t: store.TaskRow, names: Map<string, string>) {
  return {
    id: t.id,
    schoolId: t.school_id,
    checkId: t.check_id,
    category: t.category,
    url: t.url,
    raisedAt: t.raised_at,
    status: t.fixed_at ? ('fixed' as const) : ('open' as const),
    fix: t.fixed_at
      ? {
          fixedBy: t.fixed_by,
          fixedAt: t.fixed_at,
          how: t.how_fixed,
          retest: t.retest_outcome ? { outcome: t.retest_outcome, url: t.retest_url } : null,
          recordedBy: names.get(t.fix_recorded_by ?? '') ?? 'Unknown',
          recordedAt: t.fix_recorded_at,
        }
      : null,
  };
}

function checkView(c: store.CheckRow, results: store.ResultRow[], tasks: store.TaskRow[], correctedBy: string[], names: Map<string, string>) {
  const mine = results.filter((r) => r.check_id === c.id);
  return {
    id: c.id,
    schoolId: c.school_id,
    checkedOn: c.checked_on,
    checkedBy: { personId: c.checked_by, name: names.get(c.checked_by) ?? 'Unknown' },
    device: c.device,
    userGroup: groupOf(c),
    userGroupLabel: describeGroup(groupOf(c)),
    method: c.method,
    methodLabel: METHOD_LABELS[c.method as Method],
    serviceName: c.service_name,
    followUp: c.follow_up,
    correctsId: c.corrects_id,
    correctedBy,
    recordedBy: { personId: c.recorded_by, name: names.get(c.recorded_by) ?? 'Unknown' },
    recordedAt: c.recorded_at,
    results: mine.map((r) => ({ id: r.id, category: r.category, outcome: r.outcome, outcomeLabel: OUTCOME_LABELS[r.outcome as Outcome], url: r.url, note: r.note })),
    failed: mine.filter((r) => r.outcome === 'not_blocked').length,
    openTasks: tasks.filter((t) => t.check_id === c.id && !t.fixed_at).length,
  };
}

export async function listChecks(haven: Haven, p: Principal, schoolId: string) {
  person(p);
  await requireSchool(haven, p, schoolId);
  requireView(p, schoolId);
  const rows = await store.listChecks(haven.db, p.trustId, schoolId);
  const ids = rows.map((r) => r.id);
  const [results, tasks, corrections] = await Promise.all([store.resultsOf(haven.db, p.trustId, ids), store.tasksOfChecks(haven.db, p.trustId, ids), store.correctionsOf(haven.db, p.trustId, ids)]);
  const names = await store.namesOf(haven.db, p.trustId, rows.flatMap((r) => [r.checked_by, r.recorded_by]));
  return { checks: rows.map((c) => checkView(c, results, tasks, corrections.filter((x) => x.corrects_id === c.id).map((x) => x.id), names)) };
}

export async function getCheck(haven: Haven, p: Principal, actor: ActorRef, checkId: string) {
  person(p);
  const c = await store.checkById(haven.db, p.trustId, checkId);
  if (!c || rolesAt(p, c.school_id).length === 0) throw notFound('That filter check');
  requireView(p, c.school_id);
  const [results, tasks, corrections] = await Promise.all([store.resultsOf(haven.db, p.trustId, [c.id]), store.tasksOfChecks(haven.db, p.trustId, [c.id]), store.correctionsOf(haven.db, p.trustId, [c.id])]);
  const names = await store.namesOf(haven.db, p.trustId, [c.checked_by, c.recorded_by, ...tasks.map((t) => t.fix_recorded_by)]);
  await audit(haven.db, haven, actor, { trustId: p.trustId, schoolId: c.school_id, action: 'filterchecks.check.read', recordType: 'filter_check', recordId: c.id });
  return {
    ...checkView(c, results, tasks, corrections.map((x) => x.id), names),
    tasks: tasks.map((t) => taskView(t, names)),
  };
}

// ------------------------------------------------------------------------------------------------
// Tasks for the IT provider
// ------------------------------------------------------------------------------------------------

export async function listTasks(haven: Haven, p: Principal, schoolId: string, status: 'open' | 'fixed' | 'all') {
  person(p);
  await requireSchool(haven, p, schoolId);
  requireView(p, schoolId);
  const rows = await store.listTasks(haven.db, p.trustId, schoolId, status);
  const checks = await Promise.all([...new Set(rows.map((r) => r.check_id))].map((id) => store.checkById(haven.db, p.trustId, id)));
  const byId = new Map(checks.filter((c): c is store.CheckRow => Boolean(c)).map((c) => [c.id, c]));
  const names = await store.namesOf(haven.db, p.trustId, rows.map((t) => t.fix_recorded_by));
  const mayFix = rolesAt(p, schoolId).some((r) => FIX_ROLES.includes(r));
  return {
    mayRecordFix: mayFix,
    tasks: rows.map((t) => {
      const c = byId.get(t.check_id);
      return { ...taskView(t, names), check: c ? { checkedOn: c.checked_on, device: c.device, userGroupLabel: describeGroup(groupOf(c)) } : null };
    }),
  };
}

export async function recordFix(haven: Haven, p: Principal, actor: ActorRef, taskId: string, input: FixInput) {
  const me = person(p);
  const found = await store.taskById(haven.db, p.trustId, taskId);
  if (!found || rolesAt(p, found.school_id).length === 0) throw notFound('That task');
  const now = haven.clock.now();
  const refused = await haven.db.transaction().execute(async (tx) => {
    const t = await store.taskForUpdate(tx, p.trustId, taskId);
    if (!t) return notFound('That task');
    const verdict = checkFix({ raisedAt: t.raised_at, fixedAt: t.fixed_at }, rolesAt(p, t.school_id), input, now);
    if (!verdict.ok) {
      return verdict.status === 422
        ? unprocessable(verdict.reason, [{ field: verdict.field ?? 'body', message: verdict.reason }])
        : new AppError(verdict.status, verdict.status === 403 ? 'Not allowed' : 'Conflict', verdict.reason);
    }
    await store.recordFix(tx, p.trustId, taskId, {
      fixedBy: input.fixedBy.trim(),
      fixedAt: input.fixedAt,
      how: input.how.trim(),
      retestOutcome: input.retest?.outcome ?? null,
      retestUrl: input.retest?.url?.trim() || null,
      recordedBy: me,
      recordedAt: now,
    });
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: t.school_id,
      action: 'filterchecks.task.fixed',
      recordType: 'filter_check_task',
      recordId: taskId,
      detail: { category: t.category, retest: input.retest?.outcome ?? null },
    });
    return null;
  });
  if (refused) throw refused;
  return { id: taskId, status: 'fixed' as const };
}
