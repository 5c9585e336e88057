import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DAY } from '../../platform/clock.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { TWO_FACTOR_ROLES } from '../../platform/auth/roles.ts';
import { buildSchool, buildTrust, buildUser, type Signed, signIn, totpNow } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { londonDate } from '../../platform/time.ts';
import { STARTER_CATEGORIES } from './model.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
type Member = { personId: string; email: string; s: Signed };
type Json = Record<string, any>;

let h: TestHaven;
let w: Awaited<ReturnType<typeof world>>;

async function member(trustId: string, schoolId: string | null, roles: Role[]): Promise<Member> {
  const tf = roles.some((r) => TWO_FACTOR_ROLES.includes(r));
  const u = await buildUser(h.db, trustId, schoolId, roles, tf ? { totpSecret: SECRET } : {});
  const s = await signIn(h.app, u.email, tf ? { totp: totpNow(SECRET, h.clock.now()) } : {});
  return { personId: u.personId, email: u.email, s };
}

async function world() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id, 'Ashby Brook Primary');
  const other = await buildSchool(h.db, trust.id);
  const [head, osl, it, it2, teacher, governor, otherHead, otherIt] = await Promise.all([
    member(trust.id, school.id, ['headteacher']),
    member(trust.id, school.id, ['online_safety_lead']),
    member(trust.id, school.id, ['network_manager']),
    member(trust.id, school.id, ['network_manager']),
    member(trust.id, school.id, ['teacher']),
    member(trust.id, school.id, ['online_safety_governor']),
    member(trust.id, other.id, ['headteacher']),
    member(trust.id, other.id, ['network_manager']),
  ]);
  return { trust, school, other, head, osl, it, it2, teacher, governor, otherHead, otherIt };
}

before(async () => {
  h = await testHaven();
  w = await world();
});
after(() => h.close());

const call = (who: Member, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers: who.s.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });

const today = () => londonDate(h.clock.now());
const check = (over: Json = {}) => ({
  checkedOn: today(),
  device: 'Year 6 laptop trolley, laptop 4',
  userGroup: { group: 'pupils', yearGroups: ['6'] },
  method: 'online_service',
  serviceName: 'SWGfL Test Filtering',
  results: [
    { category: 'Pornography', outcome: 'blocked', url: 'https://test.example/adult' },
    { category: 'Gambling', outcome: 'not_blocked', url: 'https://bets.example/', note: 'Loaded the home page' },
    { category: 'Terrorism', outcome: 'blocked' },
  ],
  followUp: 'IT provider to add gambling category to the pupil policy',
  ...over,
});
const recordAs = async (who: Member, body: Json = check(), schoolId = w.school.id) => {
  const res = await call(who, 'POST', `/schools/${schoolId}/filter-checks`, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Json;
};
const fix = (over: Json = {}) => ({ fixedBy: 'Sam from Acme IT', fixedAt: h.clock.now().toISOString(), how: 'Added the gambling category to the pupil filtering policy', retest: { outcome: 'blocked', url: 'https://bets.example/' }, ...over });

test('a failed category raises a task for the network managers, mails them, and stays open until recorded fixed', async () => {
  const before = await h.db.selectFrom('mail_outbox').select('id').execute();
  const rec = await recordAs(w.head);
  assert.equal(rec.tasks.length, 1);
  assert.equal(rec.tasks[0].category, 'Gambling');
  assert.deepEqual(rec.mailed, [w.it.email, w.it2.email].map((e) => e.toLowerCase()).sort());

  const mails = await h.db.selectFrom('mail_outbox').select(['id', 'to_address', 'subject', 'text_body']).execute();
  const fresh = mails.filter((m) => !before.some((b) => b.id === m.id));
  assert.deepEqual(fresh.map((m) => m.to_address.toLowerCase()).sort(), [w.it.email, w.it2.email].map((e) => e.toLowerCase()).sort(), 'only the school’s network managers');
  assert.equal(fresh[0]?.subject, 'Filter check at Ashby Brook Primary: 1 category was not blocked');
  assert.match(fresh[0]?.text_body ?? '', /- Gambling: https:\/\/bets\.example\/ \(Loaded the home page\)/);

  // The failed category is also an alert in the safeguarding triage queue.
  const alerts = await h.db.selectFrom('log_alerts').selectAll().where('school_id', '=', w.school.id).where('rule', '=', 'filter_check_failed').execute();
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]?.priority, 'medium');
  assert.equal(alerts[0]?.category, 'gambling');
  assert.match(alerts[0]?.why ?? '', /Gambling not blocked .*https:\/\/bets\.example\//);

  const open = (await call(w.it, 'GET', `/schools/${w.school.id}/filter-check-tasks`)).json() as Json;
  assert.equal(open.mayRecordFix, true);
  const task = open.tasks.find((t: Json) => t.checkId === rec.id);
  assert.equal(task.status, 'open');
  assert.equal(task.url, 'https://bets.example/');
  assert.equal(task.check.userGroupLabel, 'Pupils in year 6');
  assert.equal((await call(w.head, 'GET', `/schools/${w.school.id}/filter-check-tasks`)).json().mayRecordFix, false);

  const done = await call(w.it, 'POST', `/filter-check-tasks/${task.id}/fixed`, fix());
  assert.equal(done.statusCode, 200, done.body);
  assert.deepEqual(done.json(), { id: task.id, status: 'fixed' });
  const stillOpen = (await call(w.it, 'GET', `/schools/${w.school.id}/filter-check-tasks`)).json().tasks as Json[];
  assert.ok(!stillOpen.some((t) => t.id === task.id), 'a fixed task leaves the open list');
  const fixed = (await call(w.it, 'GET', `/schools/${w.school.id}/filter-check-tasks?status=fixed`)).json().tasks as Json[];
  const f = fixed.find((t) => t.id === task.id) as Json;
  assert.equal(f.fix.fixedBy, 'Sam from Acme IT');
  assert.equal(f.fix.how, 'Added the gambling category to the pupil filtering policy');
  assert.deepEqual(f.fix.retest, { outcome: 'blocked', url: 'https://bets.example/' });

  const c = (await call(w.governor, 'GET', `/filter-checks/${rec.id}`)).json() as Json;
  assert.deepEqual(c.results.map((r: Json) => [r.category, r.outcome]), [['Pornography', 'blocked'], ['Gambling', 'not_blocked'], ['Terrorism', 'blocked']]);
  assert.equal(c.checkedBy.personId, w.head.personId);
  assert.equal(c.methodLabel, 'Online filter-test service');
  assert.equal(c.tasks[0].status, 'fixed');
  assert.equal(c.openTasks, 0);

  const audits = await h.db.selectFrom('audit_events').select(['action', 'record_id']).where('action', 'like', 'filterchecks.%').execute();
  for (const [action, id] of [['filterchecks.check.record', rec.id], ['filterchecks.task.raise', task.id], ['filterchecks.task.fixed', task.id], ['filterchecks.check.read', rec.id]]) {
    assert.ok(audits.some((a) => a.action === action && a.record_id === id), action);
  }
});

test('only the network manager records a fix, once; a re-test that still fails keeps it open', async () => {
  const rec = await recordAs(w.osl);
  const taskId = rec.tasks[0].id;
  const byHead = await call(w.head, 'POST', `/filter-check-tasks/${taskId}/fixed`, fix());
  assert.equal(byHead.statusCode, 403);
  assert.match(byHead.json().detail, /Only the network manager/);
  const stillFailing = await call(w.it, 'POST', `/filter-check-tasks/${taskId}/fixed`, fix({ retest: { outcome: 'not_blocked' } }));
  assert.equal(stillFailing.statusCode, 422);
  assert.equal(stillFailing.json().problems[0].field, 'retest.outcome');
  const future = await call(w.it, 'POST', `/filter-check-tasks/${taskId}/fixed`, fix({ fixedAt: new Date(h.clock.now().getTime() + DAY).toISOString() }));
  assert.equal(future.statusCode, 422);
  assert.equal((await call(w.it, 'POST', `/filter-check-tasks/${taskId}/fixed`, fix({ how: '' }))).statusCode, 400, 'how is required');
  assert.equal((await call(w.it, 'POST', `/filter-check-tasks/${taskId}/fixed`, fix({ retest: undefined }))).statusCode, 200, 'a re-test is optional');
  const again = await call(w.it2, 'POST', `/filter-check-tasks/${taskId}/fixed`, fix());
  assert.equal(again.statusCode, 409);
});

test('the database keeps a fixed task final and a fix complete', async () => {
  const rec = await recordAs(w.osl);
  const taskId = rec.tasks[0].id;
  await assert.rejects(sql`UPDATE filter_check_tasks SET fixed_at = now() WHERE id = ${taskId}`.execute(h.db), /filter_check_task_fix_complete/);
  await assert.rejects(sql`UPDATE filter_check_tasks SET category = 'Other' WHERE id = ${taskId}`.execute(h.db), /only the fix may be recorded/);
  await assert.rejects(sql`DELETE FROM filter_check_tasks WHERE id = ${taskId}`.execute(h.db), /final/);
  assert.equal((await call(w.it, 'POST', `/filter-check-tasks/${taskId}/fixed`, fix())).statusCode, 200);
  await assert.rejects(sql`UPDATE filter_check_tasks SET how_fixed = 'something else' WHERE id = ${taskId}`.execute(h.db), /final/);
});

test('a check is a fact: it cannot be edited or deleted; a correction is a new record linked to it', async () => {
  const rec = await recordAs(w.head, check({ results: [{ category: 'Drugs and substance abuse', outcome: 'blocked' }] }));
  await assert.rejects(sql`UPDATE filter_checks SET device = 'another' WHERE id = ${rec.id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`DELETE FROM filter_checks WHERE id = ${rec.id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`UPDATE filter_check_results SET outcome = 'blocked' WHERE check_id = ${rec.id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`DELETE FROM filter_check_results WHERE check_id = ${rec.id}`.execute(h.db), /append-only/);
  // There is no route to edit a check.
  assert.equal((await call(w.head, 'PUT', `/filter-checks/${rec.id}`, check())).statusCode, 404);

  const corr = await recordAs(w.head, check({ results: [{ category: 'Drugs and substance abuse', outcome: 'blocked' }], device: 'Staff room PC 2', correctsId: rec.id }));
  const original = (await call(w.head, 'GET', `/filter-checks/${rec.id}`)).json() as Json;
  assert.deepEqual(original.correctedBy, [corr.id]);
  assert.equal(original.device, 'Year 6 laptop trolley, laptop 4');
  const c = (await call(w.head, 'GET', `/filter-checks/${corr.id}`)).json() as Json;
  assert.equal(c.correctsId, rec.id);
  const audit = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', corr.id).execute();
  assert.ok(audit.some((a) => a.action === 'filterchecks.check.correct'));
  const otherCheck = await recordAs(w.otherHead, check({ results: [{ category: 'Violence', outcome: 'blocked' }] }), w.other.id);
  const cross = await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ correctsId: otherCheck.id }));
  assert.equal(cross.statusCode, 422, 'a correction names a check of the same school');
});

test('bad checks say what to fix', async () => {
  const noUrl = await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ results: [{ category: 'Gambling', outcome: 'not_blocked' }] }));
  assert.equal(noUrl.statusCode, 422);
  assert.deepEqual(noUrl.json().problems, [{ field: 'results.0.url', message: 'Give the address that was not blocked for Gambling, so the IT provider can fix it.' }]);
  const future = await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ checkedOn: londonDate(new Date(h.clock.now().getTime() + 2 * DAY)) }));
  assert.equal(future.statusCode, 422);
  assert.equal(future.json().problems[0].field, 'checkedOn');
  const twice = await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ results: [{ category: 'Gambling', outcome: 'blocked' }, { category: 'gambling ', outcome: 'blocked' }] }));
  assert.equal(twice.statusCode, 422);
  assert.equal(twice.json().problems[0].field, 'results.1.category');
  assert.equal((await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ results: [] }))).statusCode, 400);
  assert.equal((await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ method: 'guesswork' }))).statusCode, 400);
  assert.equal((await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ checkedOn: '2026-02-31' }))).statusCode, 400, 'not a real date');
  assert.equal((await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ userGroup: { group: 'pupils', yearGroups: [] } }))).statusCode, 400);
  const pupilChecker = await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, check({ checkedByPersonId: w.head.personId, results: [{ category: 'Violence', outcome: 'blocked' }] }));
  assert.equal(pupilChecker.statusCode, 201, 'someone else may be named as the person who ran it');
});

test('who may record and see checks', async () => {
  assert.equal((await call(w.teacher, 'POST', `/schools/${w.school.id}/filter-checks`, check())).statusCode, 403);
  assert.equal((await call(w.teacher, 'GET', `/schools/${w.school.id}/filter-checks`)).statusCode, 403);
  assert.equal((await call(w.governor, 'POST', `/schools/${w.school.id}/filter-checks`, check())).statusCode, 403, 'governors read, they do not record');
  assert.equal((await call(w.governor, 'GET', `/schools/${w.school.id}/filter-checks`)).statusCode, 200);
  const rec = await recordAs(w.it, check({ userGroup: { group: 'staff' }, method: 'own_list', results: [{ category: 'Malware and hacking', outcome: 'blocked', url: 'https://malware.test/' }] }));
  const list = (await call(w.head, 'GET', `/schools/${w.school.id}/filter-checks`)).json().checks as Json[];
  const mine = list.find((c) => c.id === rec.id) as Json;
  assert.equal(mine.userGroupLabel, 'Staff');
  assert.equal(mine.methodLabel, "The school's own list of test addresses");
  assert.deepEqual(rec.tasks, [], 'a clean check raises nothing');
  assert.deepEqual(rec.mailed, []);
});

test('another school gets 404 for checks and tasks and cannot fix them', async () => {
  const rec = await recordAs(w.head);
  assert.equal((await call(w.otherHead, 'GET', `/filter-checks/${rec.id}`)).statusCode, 404);
  assert.equal((await call(w.otherHead, 'GET', `/schools/${w.school.id}/filter-checks`)).statusCode, 404);
  assert.equal((await call(w.otherIt, 'GET', `/schools/${w.school.id}/filter-check-tasks`)).statusCode, 404);
  assert.equal((await call(w.otherIt, 'POST', `/filter-check-tasks/${rec.tasks[0].id}/fixed`, fix())).statusCode, 404);
  const mails = await h.db.selectFrom('mail_outbox').select('to_address').where('subject', 'like', 'Filter check at%').execute();
  assert.ok(!mails.some((m) => m.to_address.toLowerCase() === w.otherIt.email.toLowerCase()), 'the other school’s IT provider is not mailed');
});

test('the starter categories are offered; a school adds its own, once', async () => {
  const list = (await call(w.osl, 'GET', `/schools/${w.school.id}/filter-check-categories`)).json().categories as Json[];
  assert.deepEqual(list.filter((c) => c.starter).map((c) => c.name), [...STARTER_CATEGORIES]);
  assert.equal(STARTER_CATEGORIES.length, 11);
  const add = await call(w.osl, 'POST', `/schools/${w.school.id}/filter-check-categories`, { name: '  Proxy   sites ' });
  assert.equal(add.statusCode, 201, add.body);
  assert.equal(add.json().name, 'Proxy sites');
  assert.equal((await call(w.osl, 'POST', `/schools/${w.school.id}/filter-check-categories`, { name: 'proxy sites' })).statusCode, 409);
  assert.equal((await call(w.osl, 'POST', `/schools/${w.school.id}/filter-check-categories`, { name: 'gambling' })).statusCode, 409);
  assert.equal((await call(w.teacher, 'POST', `/schools/${w.school.id}/filter-check-categories`, { name: 'Games' })).statusCode, 403);
  const after = (await call(w.osl, 'GET', `/schools/${w.school.id}/filter-check-categories`)).json().categories as Json[];
  assert.deepEqual(after.filter((c) => !c.starter).map((c) => c.name), ['Proxy sites']);
  const otherList = (await call(w.otherHead, 'GET', `/schools/${w.other.id}/filter-check-categories`)).json().categories as Json[];
  assert.ok(!otherList.some((c) => c.name === 'Proxy sites'), 'a school’s own categories are its own');
});
