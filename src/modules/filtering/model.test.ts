import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Actor, checkNewRequest, decide, decideReport, dueForRevert, type Facts, hasLapsed, type NewRequest, requestFromReport } from './model.ts';

const now = new Date('2026-09-01T08:00:00Z');
const later = (days: number) => new Date(now.getTime() + days * 86_400_000);
const teacher: Actor = { personId: 'teacher', roles: ['teacher'] };
const head: Actor = { personId: 'head', roles: ['headteacher'] };
const osl: Actor = { personId: 'osl', roles: ['online_safety_lead'] };
const deputy: Actor = { personId: 'deputy', roles: ['deputy_dsl'] };
const it: Actor = { personId: 'it', roles: ['network_manager'] };
const facts = (over: Partial<Facts> = {}): Facts => ({ state: 'requested', endsAt: null, requestedBy: 'teacher', headDecidedBy: null, secondDecidedBy: null, ...over });
const approved = (over: Partial<Facts> = {}) => facts({ state: 'approved_by_head', headDecidedBy: 'head', ...over });
const agreed = (over: Partial<Facts> = {}) => approved({ state: 'agreed_by_second', secondDecidedBy: 'osl', ...over });

const request = (over: Partial<NewRequest> = {}): NewRequest => ({
  kind: 'unblock',
  targets: [{ type: 'site', value: 'youtube.com' }],
  userGroup: { group: 'pupils', yearGroups: ['6'] },
  reason: 'Year 6 history videos on the Blitz',
  endsAt: later(7),
  ...over,
});

test('a complete request has no problems', () => {
  assert.deepEqual(checkNewRequest(request(), now), []);
  assert.deepEqual(checkNewRequest(request({ kind: 'block', endsAt: null, userGroup: { group: 'staff' } }), now), []);
});

test('a request names targets, a reason, its group, and only an unblock has a future end', () => {
  const fields = (r: NewRequest) => checkNewRequest(r, now).map((p) => p.field);
  assert.deepEqual(fields(request({ targets: [] })), ['targets']);
  assert.deepEqual(fields(request({ targets: [{ type: 'category', value: ' ' }] })), ['targets']);
  assert.deepEqual(fields(request({ reason: '  ' })), ['reason']);
  assert.deepEqual(fields(request({ userGroup: { group: 'pupils', yearGroups: [] } })), ['userGroup.yearGroups']);
  assert.deepEqual(fields(request({ userGroup: { group: 'class', className: '' } })), ['userGroup.className']);
  assert.deepEqual(fields(request({ kind: 'block' })), ['endsAt']);
  assert.deepEqual(fields(request({ endsAt: now })), ['endsAt']);
});

test('the happy path: head approves, second person agrees, IT applies, then reverts a temporary unblock', () => {
  const f = facts({ endsAt: later(7) });
  assert.deepEqual(decide(f, 'approve', head, now), { ok: true, next: 'approved_by_head' });
  assert.deepEqual(decide(approved({ endsAt: later(7) }), 'agree', osl, now), { ok: true, next: 'agreed_by_second' });
  assert.deepEqual(decide(approved(), 'agree', deputy, now), { ok: true, next: 'agreed_by_second' });
  assert.deepEqual(decide(agreed(), 'apply', it, now), { ok: true, next: 'applied' });
  assert.deepEqual(decide(agreed({ state: 'applied', endsAt: later(7) }), 'revert', it, later(8)), { ok: true, next: 'reverted' });
});

test('refusal: the head refuses a new request; the second person refuses an approved one', () => {
  assert.deepEqual(decide(facts(), 'refuse', head, now), { ok: true, next: 'refused' });
  assert.deepEqual(decide(approved(), 'refuse', osl, now), { ok: true, next: 'refused' });
  assert.equal(decide(facts(), 'refuse', osl, now).ok, false);
  assert.equal(decide(facts({ state: 'refused', headDecidedBy: 'head' }), 'refuse', head, now).ok, false);
});

test('nobody approves, agrees to or refuses their own request', () => {
  const headsOwn = facts({ requestedBy: 'head' });
  assert.deepEqual(decide(headsOwn, 'approve', head, now), { ok: false, status: 403, reason: 'Nobody may approve, agree to or refuse their own request.' });
  assert.equal(decide(headsOwn, 'refuse', head, now).ok, false);
  const oslsOwn = approved({ requestedBy: 'osl' });
  assert.deepEqual(decide(oslsOwn, 'agree', osl, now), { ok: false, status: 403, reason: 'Nobody may approve, agree to or refuse their own request.' });
});

test('the two approvers are different people, even when one person holds both roles', () => {
  const both: Actor = { personId: 'head', roles: ['headteacher', 'deputy_dsl'] };
  const r = decide(approved(), 'agree', both, now);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.status, 403);
  assert.match(!r.ok ? r.reason : '', /someone other than the headteacher/);
});

test('only the headteacher approves; only the online safety lead or a deputy DSL agrees', () => {
  for (const a of [teacher, osl, deputy, it]) assert.equal(decide(facts(), 'approve', a, now).ok, false, a.personId);
  for (const a of [teacher, head, it, { personId: 'dsl', roles: ['dsl'] } as Actor]) assert.equal(decide(approved(), 'agree', a, now).ok, false, a.personId);
});

test('steps out of order are refused: agree before approval, approve twice, apply before both', () => {
  assert.deepEqual(decide(facts(), 'agree', osl, now), { ok: false, status: 409, reason: 'The headteacher must approve the request before the second person agrees to it.' });
  assert.equal(decide(approved(), 'approve', head, now).ok, false);
  for (const f of [facts(), approved(), facts({ state: 'refused' })]) {
    const r = decide(f, 'apply', it, now);
    assert.equal(r.ok, false, f.state);
    assert.equal(!r.ok && r.status, 409);
  }
  assert.equal(decide(agreed(), 'apply', head, now).ok, false); // the IT provider applies it
  assert.equal(decide(agreed({ secondDecidedBy: null }), 'apply', it, now).ok, false);
});

test('a temporary unblock whose period has passed cannot be approved, agreed or applied', () => {
  const ends = later(2);
  for (const [f, step, a] of [
    [facts({ endsAt: ends }), 'approve', head],
    [approved({ endsAt: ends }), 'agree', osl],
    [agreed({ endsAt: ends }), 'apply', it],
  ] as const) {
    assert.equal(hasLapsed(f, later(2)), true);
    const r = decide(f, step, a, later(2));
    assert.equal(r.ok, false, step);
    assert.match(!r.ok ? r.reason : '', /expired/);
    assert.equal(decide(f, step, a, later(1)).ok, true, step);
  }
  assert.equal(hasLapsed(agreed({ state: 'applied', endsAt: ends }), later(3)), false);
});

test('revert: only an applied temporary change, only by the IT provider', () => {
  assert.equal(decide(agreed({ state: 'applied', endsAt: null }), 'revert', it, now).ok, false);
  assert.equal(decide(agreed({ endsAt: later(1) }), 'revert', it, now).ok, false);
  assert.equal(decide(agreed({ state: 'applied', endsAt: later(1) }), 'revert', head, now).ok, false);
});

test('an applied temporary unblock is due for revert once, after its end', () => {
  const f = { ...agreed({ state: 'applied', endsAt: later(1) }), revertDueAt: null };
  assert.equal(dueForRevert(f, now), false);
  assert.equal(dueForRevert(f, later(1)), true);
  assert.equal(dueForRevert({ ...f, revertDueAt: later(1) }, later(2)), false);
  assert.equal(dueForRevert({ ...f, endsAt: null }, later(2)), false);
});

test('an expired request takes no step, and says why', () => {
  for (const step of ['approve', 'refuse', 'agree', 'apply', 'revert'] as const) {
    const r = decide(approved({ state: 'expired', endsAt: later(-1) }), step, step === 'approve' || step === 'refuse' ? head : step === 'agree' ? osl : it, now);
    assert.equal(r.ok, false, step);
    assert.match(!r.ok ? r.reason : '', /expired/, step);
  }
});

test('reports are decided once, by the online safety lead or the headteacher', () => {
  assert.equal(decideReport(null, ['online_safety_lead']), null);
  assert.equal(decideReport(null, ['headteacher']), null);
  assert.equal(decideReport(null, ['teacher', 'deputy_dsl'])?.status, 403);
  assert.equal(decideReport('declined', ['online_safety_lead'])?.status, 409);
  assert.equal(decideReport('change_requested', ['headteacher'])?.status, 409);
});

test('a change request from a report is pre-filled from it; the decider may adjust it', () => {
  const r = { url: 'https://site.example', direction: 'unblock' as const, why: 'Music lessons' };
  assert.deepEqual(requestFromReport(r, { userGroup: { group: 'staff' } }), {
    kind: 'unblock', targets: [{ type: 'site', value: 'https://site.example' }], userGroup: { group: 'staff' }, reason: 'Music lessons', endsAt: null,
  });
  const over = requestFromReport(r, { userGroup: { group: 'class', className: '4B' }, reason: 'Year 4 music', endsAt: later(3), targets: [{ type: 'category', value: 'Music' }] });
  assert.deepEqual([over.reason, over.endsAt, over.targets], ['Year 4 music', later(3), [{ type: 'category', value: 'Music' }]]);
});
