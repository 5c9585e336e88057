import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildPerson, buildPupil, buildSchool, buildTrust, buildUser, signIn, TEST_PASSPHRASE, totpNow } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';

const SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';
const NEW_PASSPHRASE = 'violet harbour tractor mosaic';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

async function setting() {
  const trust = await buildTrust(h.db);
  const a = await buildSchool(h.db, trust.id);
  const b = await buildSchool(h.db, trust.id);
  const head = await buildUser(h.db, trust.id, a.id, ['headteacher'], { totpSecret: SECRET });
  const admin = await signIn(h.app, head.email, { totp: totpNow(SECRET, h.clock.now()) });
  return { trustId: trust.id, a: a.id, b: b.id, head, admin };
}

const login = (email: string, password: string) => h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

test('an administrator issues an account for a staff person: temporary passphrase, must change at first sign-in', async () => {
  const { trustId, a, admin } = await setting();
  const person = await buildPerson(h.db, trustId, { school_id: a, given_name: 'Rowan', family_name: 'Ashdown' });

  const none = await h.app.inject({ url: `/api/v1/people/${person.id}/account`, headers: admin.headers });
  assert.equal(none.statusCode, 200);
  assert.deepEqual(none.json(), { account: null });

  const email = `rowan.${person.id.slice(-6)}@example.test`;
  const issued = await h.app.inject({ method: 'POST', url: `/api/v1/people/${person.id}/account`, headers: admin.headers, payload: { email } });
  assert.equal(issued.statusCode, 201);
  const { accountId, temporaryPassphrase } = issued.json() as { accountId: string; temporaryPassphrase: string };
  assert.match(temporaryPassphrase, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);

  const shown = await h.app.inject({ url: `/api/v1/people/${person.id}/account`, headers: admin.headers });
  assert.deepEqual(shown.json(), {
    account: { id: accountId, email, locked: false, lockedUntil: null, twoFactorEnabled: false, mustChangePassword: true, lastLoginAt: null },
  });

  const first = await login(email, temporaryPassphrase);
  assert.equal(first.statusCode, 200);
  assert.equal((first.json() as { mustChangePassword: boolean }).mustChangePassword, true);
  const again = await h.app.inject({ method: 'POST', url: `/api/v1/people/${person.id}/account`, headers: admin.headers, payload: { email: `x${email}` } });
  assert.equal(again.statusCode, 409);

  const event = await h.db.selectFrom('audit_events').select(['action', 'detail', 'school_id']).where('record_id', '=', accountId).where('action', '=', 'account.issued').executeTakeFirstOrThrow();
  assert.equal(event.school_id, a);
  assert.ok(!JSON.stringify(event.detail).includes(temporaryPassphrase));
});

test('issuing refuses pupils, a taken email, and people outside the administrator\'s reach', async () => {
  const { trustId, a, b, head, admin } = await setting();
  const pupil = await buildPupil(h.db, trustId, a);
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/people/${pupil.id}/account`, headers: admin.headers, payload: { email: 'pupil@example.test' } });
  assert.equal(res.statusCode, 422);

  const staff = await buildPerson(h.db, trustId, { school_id: a });
  const taken = await h.app.inject({ method: 'POST', url: `/api/v1/people/${staff.id}/account`, headers: admin.headers, payload: { email: head.email } });
  assert.equal(taken.statusCode, 409);

  // School B staff: not this headteacher's to manage (and not visible to them at all).
  const other = await buildPerson(h.db, trustId, { school_id: b });
  const outside = await h.app.inject({ method: 'POST', url: `/api/v1/people/${other.id}/account`, headers: admin.headers, payload: { email: 'b@example.test' } });
  assert.equal(outside.statusCode, 404);

  // Works at A and B: a school-A headteacher cannot take over their login.
  const both = await buildUser(h.db, trustId, a, ['teacher']);
  await h.db.insertInto('role_assignments').values({ trust_id: trustId, id: crypto.randomUUID(), person_id: both.personId, role: 'teacher', school_id: b }).execute();
  const partial = await h.app.inject({ method: 'POST', url: `/api/v1/accounts/${both.accountId}/unlock`, headers: admin.headers });
  assert.equal(partial.statusCode, 403);

  // A teacher may not manage accounts.
  const teacher = await buildUser(h.db, trustId, a, ['teacher']);
  const t = await signIn(h.app, teacher.email);
  const denied = await h.app.inject({ url: `/api/v1/people/${staff.id}/account`, headers: t.headers });
  assert.equal(denied.statusCode, 403);

  // Another trust's administrator sees nothing.
  const trust2 = await buildTrust(h.db);
  const admin2 = await buildUser(h.db, trust2.id, null, ['trust_admin'], { totpSecret: SECRET });
  const s2 = await signIn(h.app, admin2.email, { totp: totpNow(SECRET, h.clock.now()) });
  for (const req of [
    { method: 'GET' as const, url: `/api/v1/people/${staff.id}/account` },
    { method: 'POST' as const, url: `/api/v1/people/${staff.id}/account`, payload: { email: 'z@example.test' } },
    { method: 'POST' as const, url: `/api/v1/accounts/${teacher.accountId}/unlock` },
    { method: 'POST' as const, url: `/api/v1/accounts/${teacher.accountId}/reset-two-factor` },
  ]) {
    const r = await h.app.inject({ ...req, headers: s2.headers });
    assert.equal(r.statusCode, 404, `${req.method} ${req.url}`);
  }
});

test('unlock: a locked account signs in again at once, and the unlock is audited', async () => {
  const { trustId, a, head, admin } = await setting();
  const user = await buildUser(h.db, trustId, a, ['teacher']);
  for (let i = 0; i < 6; i++) await login(user.email, 'not the passphrase');
  assert.equal((await login(user.email, TEST_PASSPHRASE)).statusCode, 423);
  const person = await h.db.selectFrom('people').select('id').where('account_id', '=', user.accountId).executeTakeFirstOrThrow();
  const view = (await h.app.inject({ url: `/api/v1/people/${person.id}/account`, headers: admin.headers })).json() as {
    account: { locked: boolean; lockedUntil: string };
  };
  assert.equal(view.account.locked, true);
  assert.equal(view.account.lockedUntil, new Date(h.clock.now().getTime() + 30 * 60_000).toISOString());

  const res = await h.app.inject({ method: 'POST', url: `/api/v1/accounts/${user.accountId}/unlock`, headers: admin.headers });
  assert.equal(res.statusCode, 204);
  assert.equal((await login(user.email, TEST_PASSPHRASE)).statusCode, 200);
  const event = await h.db
    .selectFrom('audit_events')
    .select(['actor_account_id', 'detail'])
    .where('record_id', '=', user.accountId)
    .where('action', '=', 'account.unlocked')
    .executeTakeFirstOrThrow();
  assert.equal(event.actor_account_id, head.accountId);
  assert.equal((event.detail as { wasLocked: boolean }).wasLocked, true);
});

test('reset two-factor: the holder must enrol again, their sessions end, and it is audited', async () => {
  const { trustId, a, admin } = await setting();
  const dsl = await buildUser(h.db, trustId, a, ['dsl'], { totpSecret: SECRET });
  const s = await signIn(h.app, dsl.email, { totp: totpNow(SECRET, h.clock.now()) });
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/accounts/${dsl.accountId}/reset-two-factor`, headers: admin.headers });
  assert.equal(res.statusCode, 204);
  assert.equal((await h.app.inject({ url: '/api/v1/auth/session', headers: s.headers })).statusCode, 401);
  const row = await h.db.selectFrom('accounts').select(['totp_secret', 'totp_enabled_at']).where('id', '=', dsl.accountId).executeTakeFirstOrThrow();
  assert.deepEqual(row, { totp_secret: null, totp_enabled_at: null });
  const again = await login(dsl.email, TEST_PASSPHRASE);
  assert.equal(again.statusCode, 200);
  assert.equal((again.json() as { mustEnrolTwoFactor: boolean }).mustEnrolTwoFactor, true);
  const events = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', dsl.accountId).where('action', '=', 'account.two_factor_reset').execute();
  assert.equal(events.length, 1);
});

test('a headteacher cannot reset their own two-factor', async () => {
  const { head, admin } = await setting();
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/accounts/${head.accountId}/reset-two-factor`, headers: admin.headers });
  assert.equal(res.statusCode, 403);
});

test('an issued account changes its passphrase at first sign-in and then reaches the directory', async () => {
  const { trustId, a, admin } = await setting();
  const person = await buildPerson(h.db, trustId, { school_id: a });
  await h.db.insertInto('role_assignments').values({ trust_id: trustId, id: crypto.randomUUID(), person_id: person.id, role: 'teacher', school_id: a }).execute();
  const email = `new.${person.id.slice(-6)}@example.test`;
  const issued = (await h.app.inject({ method: 'POST', url: `/api/v1/people/${person.id}/account`, headers: admin.headers, payload: { email } })).json() as {
    temporaryPassphrase: string;
  };
  const res = await login(email, issued.temporaryPassphrase);
  const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  const headers = { cookie, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers })).statusCode, 403);
  const changed = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers,
    payload: { currentPassword: issued.temporaryPassphrase, newPassword: NEW_PASSPHRASE },
  });
  assert.equal(changed.statusCode, 204);
  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers })).statusCode, 200);
});
