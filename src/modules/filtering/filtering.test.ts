import assert from 'node:assert/strict';
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
