import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DAY } from '../../platform/clock.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { buildSchool, buildTrust, buildUser, type Signed, signIn, totpNow } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { expireTemporaryChanges } from './service.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const TWO_FACTOR: Role[] = ['headteacher', 'dsl', 'deputy_dsl', 'trust_admin'];
type Member = { personId: string; email: string; tf: boolean; s: Signed };
type Json = Record<string, any>;

let h: TestHaven;
let w: Awaited<ReturnType<typeof world>>;

async function member(trustId: string, schoolId: string | null, roles: Role[]): Promise<Member> {
  const tf = roles.some((r) => TWO_FACTOR.includes(r));
  const u = await buildUser(h.db, trustId, schoolId, roles, tf ? { totpSecret: SECRET } : {});
  const s = await signIn(h.app, u.email, tf ? { totp: totpNow(SECRET, h.clock.now()) } : {});
  return { personId: u.personId, email: u.email, tf, s };
}

/** Moves the clock and signs everyone in again (sessions end while days pass). */
async function advance(ms: number) {
  h.clock.advance(ms);
  for (const m of Object.values(w).filter((v): v is Member => typeof v === 'object' && v !== null && 's' in v)) {
    m.s = await signIn(h.app, m.email, m.tf ? { totp: totpNow(SECRET, h.clock.now()) } : {});
  }
}

async function world() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const other = await buildSchool(h.db, trust.id);
  const [teacher, teacher2, head, osl, deputy, it, headDeputy, otherHead, otherOsl] = await Promise.all([
    member(trust.id, school.id, ['teacher']),
    member(trust.id, school.id, ['teacher']),
    member(trust.id, school.id, ['headteacher']),
    member(trust.id, school.id, ['online_safety_lead']),
    member(trust.id, school.id, ['deputy_dsl']),
    member(trust.id, school.id, ['network_manager']),
    member(trust.id, school.id, ['headteacher', 'deputy_dsl']),
    member(trust.id, other.id, ['headteacher']),
    member(trust.id, other.id, ['online_safety_lead']),
  ]);
  return { trust, school, other, teacher, teacher2, head, osl, deputy, it, headDeputy, otherHead, otherOsl };
}

before(async () => {
  h = await testHaven();
  w = await world();
});
after(() => h.close());

const call = (who: Member, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers: who.s.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });

const unblock = (over: Json = {}) => ({
  kind: 'unblock',
  targets: [{ type: 'site', value: 'youtube.com' }],
  userGroup: { group: 'pupils', yearGroups: ['6'] },
  reason: 'Year 6 history: wartime newsreels',
  endsAt: new Date(h.clock.now().getTime() + 7 * DAY).toISOString(),
  ...over,
});

async function requestAs(who: Member, body: Json = unblock(), schoolId = w.school.id): Promise<string> {
  const res = await call(who, 'POST', `/schools/${schoolId}/filter-changes`, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}
const step = (who: Member, id: string, name: string, body: Json = { reason: 'Benefit outweighs the risk' }) => call(who, 'POST', `/filter-changes/${id}/${name}`, body);

test('the full cycle: request, approve, agree, apply, due for revert (mail), revert; each step is logged', async () => {
  const id = await requestAs(w.teacher);
  assert.equal((await step(w.head, id, 'approve')).json().state, 'approved_by_head');
  assert.equal((await step(w.osl, id, 'agree', { reason: 'Limited to Year 6, one week' })).json().state, 'agreed_by_second');
  const applied = await step(w.it, id, 'apply', { ticketReference: 'IT-4411' });
  assert.equal(applied.statusCode, 200, applied.body);
  assert.equal(applied.json().state, 'applied');

  // not yet due
  assert.deepEqual((await expireTemporaryChanges(h)).due, []);
  await advance(8 * DAY);
  assert.deepEqual((await expireTemporaryChanges(h)).due, [id]);
  assert.deepEqual((await expireTemporaryChanges(h)).due, [], 'told once');
  const mails = await h.db.selectFrom('mail_outbox').select(['to_address', 'subject', 'text_body']).where('subject', 'like', 'Revert a temporary filtering unblock%').execute();
  assert.deepEqual(mails.map((m) => m.to_address), [w.it.email]);
  assert.match(mails[0]?.text_body ?? '', /Unblock site: youtube\.com for Pupils in year 6/);
  assert.match(mails[0]?.text_body ?? '', /IT-4411/);

  assert.equal((await step(w.it, id, 'revert', {})).json().state, 'reverted');
  const c = (await call(w.head, 'GET', `/filter-changes/${id}`)).json() as Json;
  assert.equal(c.state, 'reverted');
  assert.equal(c.head.personId, w.head.personId);
  assert.equal(c.second.personId, w.osl.personId);
  assert.equal(c.applied.ticketReference, 'IT-4411');
  assert.ok(c.revertDueAt);
  assert.deepEqual(c.log.map((l: Json) => l.step), ['requested', 'approved', 'agreed', 'applied', 'revert_due', 'reverted']);
  assert.equal(c.log[1].reason, 'Benefit outweighs the risk');
  assert.deepEqual(c.allowedSteps, []);

  const audits = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', id).execute();
  for (const a of ['filtering.change.request', 'filtering.change.approve', 'filtering.change.agree', 'filtering.change.apply', 'filtering.change.revert_due', 'filtering.change.revert']) {
    assert.ok(audits.some((x) => x.action === a), a);
  }
});

test('self-approval is refused by the service and by the database', async () => {
  const id = await requestAs(w.head, unblock({ endsAt: null, kind: 'block' }));
  const r = await step(w.head, id, 'approve');
  assert.equal(r.statusCode, 403);
  assert.match(r.json().detail, /their own request/);
  await assert.rejects(sql`UPDATE filter_change_requests SET state = 'approved_by_head', head_decided_by = requested_by WHERE id = ${id}`.execute(h.db), /filter_change_not_own_request/);

  const id2 = await requestAs(w.osl);
  assert.equal((await step(w.head, id2, 'approve')).statusCode, 200);
  assert.equal((await step(w.osl, id2, 'agree')).statusCode, 403);
  await assert.rejects(sql`UPDATE filter_change_requests SET state = 'agreed_by_second', second_decided_by = requested_by WHERE id = ${id2}`.execute(h.db), /filter_change_not_own_request/);
});

test('the same person cannot approve and agree, by the service or the database', async () => {
  const id = await requestAs(w.teacher);
  assert.equal((await step(w.headDeputy, id, 'approve')).statusCode, 200);
  const r = await step(w.headDeputy, id, 'agree');
  assert.equal(r.statusCode, 403);
  assert.match(r.json().detail, /someone other than the headteacher/);
  await assert.rejects(sql`UPDATE filter_change_requests SET state = 'agreed_by_second', second_decided_by = head_decided_by WHERE id = ${id}`.execute(h.db), /filter_change_two_people/);
  assert.equal((await step(w.deputy, id, 'agree')).statusCode, 200);
});

test('only the right roles decide; refusals end the request', async () => {
  const id = await requestAs(w.teacher);
  assert.equal((await step(w.teacher2, id, 'approve')).statusCode, 403);
  assert.equal((await step(w.osl, id, 'approve')).statusCode, 403);
  assert.equal((await step(w.osl, id, 'agree')).statusCode, 409, 'agree before approval');
  const refused = await step(w.head, id, 'refuse', { reason: 'Too broad; ask for specific videos' });
  assert.equal(refused.json().state, 'refused');
  assert.equal((await step(w.head, id, 'approve')).statusCode, 409);
  assert.equal((await step(w.head, id, 'refuse', {})).statusCode, 400, 'a refusal needs a reason');
});

test('applying before both approvals is refused, by the service and the database', async () => {
  const id = await requestAs(w.teacher);
  assert.equal((await step(w.it, id, 'apply', { ticketReference: 'T1' })).statusCode, 409);
  await step(w.head, id, 'approve');
  const r = await step(w.it, id, 'apply', { ticketReference: 'T1' });
  assert.equal(r.statusCode, 409);
  assert.match(r.json().detail, /only after the headteacher has approved it and the second person has agreed/);
  await assert.rejects(
    sql`UPDATE filter_change_requests SET state = 'applied', applied_by = ${w.it.personId}, applied_at = now() WHERE id = ${id}`.execute(h.db),
    /filter_change_applied_after_both|filter_change_state_facts/,
  );
  await step(w.osl, id, 'agree');
  assert.equal((await step(w.head, id, 'apply', { ticketReference: 'T1' })).statusCode, 403, 'the IT provider applies it');
  assert.equal((await step(w.it, id, 'apply', { ticketReference: 'T1' })).statusCode, 200);
});

test('approving after the unblock period has ended is refused and the request expires', async () => {
  const id = await requestAs(w.teacher, unblock({ endsAt: new Date(h.clock.now().getTime() + DAY).toISOString() }));
  await advance(2 * DAY);
  const r = await step(w.head, id, 'approve');
  assert.equal(r.statusCode, 409);
  assert.match(r.json().detail, /expired/);
  const c = (await call(w.head, 'GET', `/filter-changes/${id}`)).json() as Json;
  assert.equal(c.state, 'expired');
  assert.deepEqual(c.log.map((l: Json) => l.step), ['requested', 'expired']);
  assert.equal((await step(w.head, id, 'approve')).statusCode, 409);
});

test('revert only for an applied temporary change', async () => {
  const id = await requestAs(w.teacher, unblock({ endsAt: null }));
  await step(w.head, id, 'approve');
  await step(w.osl, id, 'agree');
  assert.equal((await step(w.it, id, 'revert', {})).statusCode, 409, 'not applied');
  await step(w.it, id, 'apply', { ticketReference: 'T2' });
  const r = await step(w.it, id, 'revert', {});
  assert.equal(r.statusCode, 409);
  assert.match(r.json().detail, /Only a temporary unblock/);
});

test('the change-control log cannot be edited or deleted', async () => {
  const id = await requestAs(w.teacher);
  await assert.rejects(sql`UPDATE filter_change_log SET what = 'nothing happened' WHERE change_id = ${id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`DELETE FROM filter_change_log WHERE change_id = ${id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`TRUNCATE filter_change_log CASCADE`.execute(h.db), /append-only/);
  const rows = await h.db.selectFrom('filter_change_log').select('what').where('change_id', '=', id).execute();
  assert.equal(rows.length, 1);
});

test('bad requests say what to fix', async () => {
  const noTargets = await call(w.teacher, 'POST', `/schools/${w.school.id}/filter-changes`, unblock({ targets: [] }));
  assert.equal(noTargets.statusCode, 400);
  const blockWithEnd = await call(w.teacher, 'POST', `/schools/${w.school.id}/filter-changes`, unblock({ kind: 'block' }));
  assert.equal(blockWithEnd.statusCode, 422);
  assert.deepEqual(blockWithEnd.json().problems, [{ field: 'endsAt', message: 'Only an unblock can be temporary; leave the end date out for a block.' }]);
  const past = await call(w.teacher, 'POST', `/schools/${w.school.id}/filter-changes`, unblock({ endsAt: '2020-01-01T00:00:00Z' }));
  assert.equal(past.statusCode, 422);
});

test('isolation: another school gets 404; a teacher sees only their own requests; the log is for reviewers', async () => {
  const id = await requestAs(w.teacher2, unblock({ userGroup: { group: 'class', className: '5K' } }));
  assert.equal((await call(w.otherHead, 'GET', `/filter-changes/${id}`)).statusCode, 404);
  assert.equal((await step(w.otherHead, id, 'approve')).statusCode, 404);
  assert.equal((await step(w.otherOsl, id, 'agree')).statusCode, 404);
  assert.equal((await call(w.otherHead, 'GET', `/schools/${w.school.id}/filter-changes`)).statusCode, 404);
  assert.equal((await call(w.otherHead, 'GET', `/schools/${w.school.id}/filter-change-log`)).statusCode, 404);
  assert.equal((await call(w.teacher, 'GET', `/filter-changes/${id}`)).statusCode, 404);

  const mine = (await call(w.teacher2, 'GET', `/schools/${w.school.id}/filter-changes`)).json().changes as Json[];
  assert.deepEqual(mine.map((c) => c.id), [id]);
  assert.deepEqual(mine[0]?.userGroup, { group: 'class', className: '5K' });
  const all = (await call(w.head, 'GET', `/schools/${w.school.id}/filter-changes`)).json().changes as Json[];
  assert.ok(all.length > 1 && all.some((c) => c.id === id));
  assert.equal((await call(w.teacher2, 'GET', `/schools/${w.school.id}/filter-change-log`)).statusCode, 403);
});

test('the log is searchable and exports to CSV', async () => {
  const id = await requestAs(w.teacher, unblock({ targets: [{ type: 'category', value: 'Games' }], endsAt: null, reason: 'Computing: game design unit' }));
  const found = (await call(w.osl, 'GET', `/schools/${w.school.id}/filter-change-log?q=game%20design`)).json().rows as Json[];
  assert.deepEqual(found.map((r) => r.changeId), [id]);
  assert.equal(found[0]?.what, 'Unblock category: Games for Pupils in year 6');
  const csv = await call(w.it, 'GET', `/schools/${w.school.id}/filter-change-log.csv?q=game%20design`);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const lines = csv.body.trim().split('\n');
  assert.equal(lines[0], 'When,Change,Step,State,By,What,Why');
  assert.equal(lines.length, 2);
  assert.ok(lines[1]?.includes(`${id},requested,requested,`));
  const exported = await h.db.selectFrom('audit_events').select('action').where('action', '=', 'filtering.log.export').execute();
  assert.equal(exported.length, 1);
});

// ---- the hourly sweep expires requests still waiting when their period ends ----

async function throughTo(state: 'requested' | 'approved_by_head' | 'agreed_by_second', hours: number): Promise<string> {
  const id = await requestAs(w.teacher, unblock({ endsAt: new Date(h.clock.now().getTime() + hours * 3_600_000).toISOString() }));
  if (state !== 'requested') assert.equal((await step(w.head, id, 'approve')).statusCode, 200);
  if (state === 'agreed_by_second') assert.equal((await step(w.osl, id, 'agree')).statusCode, 200);
  return id;
}

test('the hourly sweep expires waiting requests past their end, with a log row; later steps are refused', async () => {
  const waiting = await throughTo('requested', 5);
  const approved = await throughTo('approved_by_head', 5);
  const agreed = await throughTo('agreed_by_second', 5);
  const later = await throughTo('requested', 30);
  const permanent = await requestAs(w.teacher, unblock({ endsAt: null }));
  const before = await expireTemporaryChanges(h);
  assert.ok(![waiting, approved, agreed].some((id) => before.expired.includes(id)), 'not before the end');

  await advance(6 * 3_600_000);
  const swept = await expireTemporaryChanges(h);
  assert.deepEqual(new Set(swept.expired.filter((id) => [waiting, approved, agreed, later, permanent].includes(id))), new Set([waiting, approved, agreed]));
  assert.deepEqual((await expireTemporaryChanges(h)).expired, [], 'expired once');

  for (const [id, from] of [[waiting, 'requested'], [approved, 'approved_by_head'], [agreed, 'agreed_by_second']] as const) {
    const c = (await call(w.head, 'GET', `/filter-changes/${id}`)).json() as Json;
    assert.equal(c.state, 'expired');
    assert.deepEqual(c.allowedSteps, []);
    const last = c.log.at(-1);
    assert.equal(last.step, 'expired');
    assert.equal(last.by, 'Haven (system)');
    assert.equal(last.byPersonId, null);
    assert.match(last.what, /unblock period ended/);
    const audits = await h.db.selectFrom('audit_events').select(['action', 'detail']).where('record_id', '=', id).where('action', '=', 'filtering.change.expire').execute();
    assert.equal(audits.length, 1);
    assert.deepEqual(audits[0]?.detail, { from });
  }
  // approving, agreeing and applying after expiry are each refused
  const approve = await step(w.head, waiting, 'approve');
  assert.equal(approve.statusCode, 409);
  assert.match(approve.json().detail, /expired/);
  const agree = await step(w.osl, approved, 'agree');
  assert.equal(agree.statusCode, 409);
  assert.match(agree.json().detail, /expired/);
  const apply = await step(w.it, agreed, 'apply', { ticketReference: 'IT-9' });
  assert.equal(apply.statusCode, 409);
  assert.match(apply.json().detail, /expired/);
  const row = await h.db.selectFrom('filter_change_requests').select(['state', 'applied_at']).where('id', '=', agreed).executeTakeFirstOrThrow();
  assert.deepEqual(row, { state: 'expired', applied_at: null });
  assert.equal((await call(w.head, 'GET', `/filter-changes/${later}`)).json().state, 'requested');
  assert.equal((await call(w.head, 'GET', `/filter-changes/${permanent}`)).json().state, 'requested');
});

test('agreeing or applying after the end, before the sweep has run, is refused and expires the request', async () => {
  const approved = await throughTo('approved_by_head', 2);
  const agreed = await throughTo('agreed_by_second', 2);
  await advance(3 * 3_600_000);
  const agree = await step(w.deputy, approved, 'agree');
  assert.equal(agree.statusCode, 409);
  assert.match(agree.json().detail, /expired/);
  const apply = await step(w.it, agreed, 'apply', { ticketReference: 'IT-10' });
  assert.equal(apply.statusCode, 409);
  for (const id of [approved, agreed]) {
    const c = (await call(w.head, 'GET', `/filter-changes/${id}`)).json() as Json;
    assert.equal(c.state, 'expired');
    assert.equal(c.log.filter((l: Json) => l.step === 'expired').length, 1);
  }
});

// ---- PDF of the change-control log ----

function pdfText(pdf: Buffer): string {
  const r = spawnSync('pdftotext', ['-layout', '-', '-'], { input: pdf });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout.toString('utf8');
}

test('the change-control log prints to PDF for the governors, searched and audited like the CSV', async () => {
  const id = await requestAs(w.teacher, unblock({ targets: [{ type: 'site', value: 'pdf-audit.example' }], endsAt: null, reason: 'Science: spectroscopy simulator' }));
  await step(w.head, id, 'approve', { reason: 'Useful for GCSE practicals' });
  const res = await call(w.osl, 'GET', `/schools/${w.school.id}/filter-change-log.pdf?q=pdf-audit`);
  assert.equal(res.statusCode, 200, res.body.slice(0, 200));
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.match(String(res.headers['content-disposition']), /attachment; filename="filter-change-log.pdf"/);
  const text = pdfText(res.rawPayload);
  assert.match(text, /Filtering change-control log — /);
  assert.match(text, /Search: "pdf-audit"/);
  assert.match(text, /2 entries/);
  assert.match(text, /Unblock site: pdf-audit\.example for Pupils in year 6/);
  assert.match(text, /Useful for GCSE practicals/);
  assert.match(text, new RegExp(id.slice(0, 8)));
  assert.doesNotMatch(text, /youtube\.com/, 'the search limits the rows');
  const exported = await h.db.selectFrom('audit_events').select('detail').where('action', '=', 'filtering.log.export').execute();
  assert.ok(exported.some((e) => (e.detail as Json)?.format === 'pdf' && (e.detail as Json)?.rows === 2));

  const empty = pdfText((await call(w.osl, 'GET', `/schools/${w.school.id}/filter-change-log.pdf?from=2020-01-01&to=2020-02-01`)).rawPayload);
  assert.match(empty, /Period: 01\/01\/2020 to 31\/01\/2020/);
  assert.match(empty, /No filtering changes were logged in this period/);
  assert.equal((await call(w.teacher, 'GET', `/schools/${w.school.id}/filter-change-log.pdf`)).statusCode, 403);
  assert.equal((await call(w.otherHead, 'GET', `/schools/${w.school.id}/filter-change-log.pdf`)).statusCode, 404);
});

// ---- users' reports: "this should be blocked / unblocked" ----

const report = (who: Member, over: Json = {}) =>
  call(who, 'POST', `/schools/${w.school.id}/filter-reports`, { url: 'https://wordwall.example/quiz', direction: 'unblock', why: 'Phonics games for Year 1', whereSeen: 'Class 1 laptop', ...over });

test('any staff member reports a site; deciders see the open reports, others only their own', async () => {
  const r = await report(w.teacher2, { url: 'https://own-report.example' });
  assert.equal(r.statusCode, 201, r.body);
  const id = r.json().id;
  assert.equal((await report(w.it, { direction: 'block', url: 'https://proxy.example', why: 'A proxy site' })).statusCode, 201);
  const bad = await report(w.teacher, { direction: 'sideways' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /direction must be block/);

  const osl = (await call(w.osl, 'GET', `/schools/${w.school.id}/filter-reports`)).json() as Json;
  assert.equal(osl.canDecide, true);
  const mine = osl.reports.find((x: Json) => x.id === id);
  assert.equal(mine.url, 'https://own-report.example');
  assert.equal(mine.status, 'open');
  assert.equal(mine.reported.personId, w.teacher2.personId);
  assert.equal(mine.whereSeen, 'Class 1 laptop');
  const teacher2 = (await call(w.teacher2, 'GET', `/schools/${w.school.id}/filter-reports?status=all`)).json() as Json;
  assert.equal(teacher2.canDecide, false);
  assert.ok(teacher2.reports.every((x: Json) => x.reported.personId === w.teacher2.personId));
  assert.ok(teacher2.reports.some((x: Json) => x.id === id));
  assert.equal((await call(w.otherHead, 'GET', `/schools/${w.school.id}/filter-reports`)).statusCode, 404);
  const audit = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', id).execute();
  assert.deepEqual(audit.map((a) => a.action), ['filtering.report.file']);
});

test('a report becomes a change request in the reporter’s name, so the two-person rule still holds', async () => {
  const id = (await report(w.teacher)).json().id;
  assert.equal((await call(w.teacher2, 'POST', `/filter-reports/${id}/convert`, { userGroup: { group: 'staff' } })).statusCode, 403, 'a teacher does not decide');
  assert.equal((await call(w.otherOsl, 'POST', `/filter-reports/${id}/convert`, { userGroup: { group: 'staff' } })).statusCode, 404, 'another school');
  const conv = await call(w.osl, 'POST', `/filter-reports/${id}/convert`, { userGroup: { group: 'pupils', yearGroups: ['1'] } });
  assert.equal(conv.statusCode, 201, conv.body);
  const { changeId } = conv.json();
  const c = (await call(w.head, 'GET', `/filter-changes/${changeId}`)).json() as Json;
  assert.equal(c.requested.personId, w.teacher.personId, 'the reporter is the requester');
  assert.equal(c.kind, 'unblock');
  assert.deepEqual(c.targets, [{ type: 'site', value: 'https://wordwall.example/quiz' }]);
  assert.equal(c.reason, 'Phonics games for Year 1');
  assert.deepEqual(c.userGroup, { group: 'pupils', yearGroups: ['1'] });
  assert.match(c.log[0].by, /report passed on by/);
  assert.equal(c.log[0].byPersonId, w.teacher.personId);
  // the reporter cannot approve their own request; the decider who passed it on may be the second person
  assert.equal((await step(w.teacher, changeId, 'approve')).statusCode, 403);
  assert.equal((await step(w.head, changeId, 'approve')).statusCode, 200);
  assert.equal((await step(w.osl, changeId, 'agree')).statusCode, 200);

  const listed = (await call(w.osl, 'GET', `/schools/${w.school.id}/filter-reports?status=decided`)).json().reports as Json[];
  const done = listed.find((x) => x.id === id) as Json;
  assert.equal(done.status, 'change_requested');
  assert.equal(done.decision.changeId, changeId);
  assert.equal(done.decision.personId, w.osl.personId);
  assert.ok(!(await call(w.osl, 'GET', `/schools/${w.school.id}/filter-reports`)).json().reports.some((x: Json) => x.id === id), 'no longer open');

  const again = await call(w.head, 'POST', `/filter-reports/${id}/decline`, { reason: 'Changed my mind' });
  assert.equal(again.statusCode, 409, 'decided once');
  assert.match(again.json().detail, /already been decided/);
});

test('a converted report with a bad shape says what to fix and leaves the report open', async () => {
  const id = (await report(w.teacher, { direction: 'block' })).json().id;
  const r = await call(w.osl, 'POST', `/filter-reports/${id}/convert`, { userGroup: { group: 'staff' }, endsAt: new Date(h.clock.now().getTime() + DAY).toISOString() });
  assert.equal(r.statusCode, 422);
  assert.deepEqual(r.json().problems, [{ field: 'endsAt', message: 'Only an unblock can be temporary; leave the end date out for a block.' }]);
  const open = (await call(w.osl, 'GET', `/schools/${w.school.id}/filter-reports`)).json().reports as Json[];
  assert.equal(open.find((x) => x.id === id)?.status, 'open');
});

test('declining a report needs a reason; reports and decisions are append-only, one decision per report', async () => {
  const id = (await report(w.teacher, { url: 'https://decline.example' })).json().id;
  assert.equal((await call(w.head, 'POST', `/filter-reports/${id}/decline`, {})).statusCode, 400);
  const d = await call(w.head, 'POST', `/filter-reports/${id}/decline`, { reason: 'Already allowed through the school proxy list' });
  assert.equal(d.statusCode, 200, d.body);
  assert.equal(d.json().status, 'declined');
  const mine = (await call(w.teacher, 'GET', `/schools/${w.school.id}/filter-reports?status=all`)).json().reports as Json[];
  const seen = mine.find((x) => x.id === id) as Json;
  assert.equal(seen.decision.reason, 'Already allowed through the school proxy list', 'the reporter sees why');
  assert.equal((await call(w.osl, 'POST', `/filter-reports/${id}/convert`, { userGroup: { group: 'staff' } })).statusCode, 409);

  await assert.rejects(sql`UPDATE filter_reports SET why = 'nothing' WHERE id = ${id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`DELETE FROM filter_reports WHERE id = ${id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`UPDATE filter_report_decisions SET decision = 'change_requested' WHERE report_id = ${id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`DELETE FROM filter_report_decisions WHERE report_id = ${id}`.execute(h.db), /append-only/);
  await assert.rejects(
    sql`INSERT INTO filter_report_decisions (trust_id, id, report_id, school_id, decision, reason, decided_by, decided_at)
        VALUES (${w.trust.id}, gen_random_uuid(), ${id}, ${w.school.id}, 'declined', 'again', ${w.osl.personId}, now())`.execute(h.db),
    /filter_report_decided_once/,
  );
  const id2 = (await report(w.teacher)).json().id;
  await assert.rejects(
    sql`INSERT INTO filter_report_decisions (trust_id, id, report_id, school_id, decision, decided_by, decided_at)
        VALUES (${w.trust.id}, gen_random_uuid(), ${id2}, ${w.school.id}, 'declined', ${w.osl.personId}, now())`.execute(h.db),
    /filter_report_decision_facts/,
  );
});
