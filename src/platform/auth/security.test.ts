// Sign-in defences end to end: lock-out, session expiry and rotation, CSRF, rate limit, required two-factor.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HOUR, MINUTE } from '../clock.ts';
import { buildSchool, buildTrust, buildUser, signIn, TEST_PASSPHRASE, totpNow } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';

const SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

let h: TestHaven;
let trustId: string;
let schoolId: string;
before(async () => {
  h = await testHaven();
  trustId = (await buildTrust(h.db)).id;
  schoolId = (await buildSchool(h.db, trustId)).id;
});
after(() => h.close());

const login = (email: string, password = TEST_PASSPHRASE, totp?: string) =>
  h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password, ...(totp ? { totp } : {}) } });
const session = (headers: Record<string, string>) => h.app.inject({ url: '/api/v1/auth/session', headers });

test('six wrong passphrases in a row lock the account (423), even for the right passphrase, until the lock runs out', async () => {
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  for (let i = 1; i <= 5; i++) assert.equal((await login(user.email, 'wrong passphrase')).statusCode, 401, `attempt ${i}`);
  assert.equal((await login(user.email, 'wrong passphrase')).statusCode, 423, 'the sixth locks');
  const locked = await login(user.email);
  assert.equal(locked.statusCode, 423);
  assert.match(String(locked.headers['content-type']), /problem\+json/);

  h.clock.advance(29 * MINUTE);
  assert.equal((await login(user.email)).statusCode, 423, 'still locked after 29 minutes');
  h.clock.advance(2 * MINUTE);
  assert.equal((await login(user.email)).statusCode, 200, 'unlocked by itself after 30 minutes');

  const actions = (await h.db.selectFrom('audit_events').select('action').where('record_id', '=', user.accountId).execute()).map((e) => e.action);
  assert.ok(actions.includes('auth.account_locked'));
  assert.ok(actions.includes('auth.login_refused_locked'));
});

test('a success resets the count: five failures, a sign-in, then three more failures count from zero', async () => {
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  for (let i = 0; i < 5; i++) await login(user.email, 'wrong passphrase');
  assert.equal((await login(user.email)).statusCode, 200);
  // Three more failures (nine attempts in all, under the rate limit of ten a minute) and no lock.
  for (let i = 0; i < 3; i++) assert.equal((await login(user.email, 'wrong passphrase')).statusCode, 401);
  const row = await h.db.selectFrom('accounts').select(['failed_attempts', 'locked_until']).where('id', '=', user.accountId).executeTakeFirstOrThrow();
  assert.deepEqual(row, { failed_attempts: 3, locked_until: null });
});

test('an administrator unlocks a locked account at once, and the unlock is audited', async () => {
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  const head = await buildUser(h.db, trustId, schoolId, ['headteacher'], { totpSecret: SECRET });
  const admin = await signIn(h.app, head.email, { totp: totpNow(SECRET, h.clock.now()) });
  for (let i = 0; i < 6; i++) await login(user.email, 'wrong passphrase');
  assert.equal((await login(user.email)).statusCode, 423);
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/accounts/${user.accountId}/unlock`, headers: admin.headers })).statusCode, 204);
  assert.equal((await login(user.email)).statusCode, 200);
  const event = await h.db
    .selectFrom('audit_events')
    .select(['actor_account_id', 'school_id'])
    .where('record_id', '=', user.accountId)
    .where('action', '=', 'account.unlocked')
    .executeTakeFirstOrThrow();
  assert.deepEqual(event, { actor_account_id: head.accountId, school_id: schoolId });
});

test('a session ends after 2 hours idle', async () => {
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  const s = await signIn(h.app, user.email);
  h.clock.advance(HOUR + 59 * MINUTE);
  assert.equal((await session(s.headers)).statusCode, 200, 'used within 2 hours');
  h.clock.advance(HOUR + 59 * MINUTE);
  assert.equal((await session(s.headers)).statusCode, 200, 'the last use restarted the idle timer');
  h.clock.advance(2 * HOUR + MINUTE);
  assert.equal((await session(s.headers)).statusCode, 401, 'idle for more than 2 hours');
  const rows = await h.db.selectFrom('sessions').select('id_hash').where('account_id', '=', user.accountId).execute();
  assert.equal(rows.length, 0, 'the expired session is deleted');
});

test('a session ends 12 hours after sign-in however busy it is', async () => {
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  const s = await signIn(h.app, user.email);
  for (let i = 0; i < 7; i++) {
    h.clock.advance(HOUR + 30 * MINUTE);
    assert.equal((await session(s.headers)).statusCode, 200, `after ${(i + 1) * 1.5} hours`);
  }
  h.clock.advance(HOUR + 31 * MINUTE); // 12 h 1 min after sign-in
  assert.equal((await session(s.headers)).statusCode, 401);
});

test('signing in again rotates the session id: the cookie the browser came with is dead', async () => {
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  const first = await signIn(h.app, user.email);
  // The browser still holds its session, so it sends that session's CSRF token as on any POST.
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: first.headers, payload: { email: user.email, password: TEST_PASSPHRASE } });
  assert.equal(res.statusCode, 200);
  const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  assert.notEqual(cookie, first.cookie);
  assert.equal((await session(first.headers)).statusCode, 401, 'old cookie dead');
  assert.equal((await session({ cookie })).statusCode, 200, 'new cookie works');
  const rows = await h.db.selectFrom('sessions').select('id_hash').where('account_id', '=', user.accountId).execute();
  assert.equal(rows.length, 1);
});

test('CSRF: a change with the session cookie but a missing or wrong x-csrf-token is refused with 403', async () => {
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  const s = await signIn(h.app, user.email);
  const body = { currentPassword: TEST_PASSPHRASE, newPassword: 'violet harbour tractor mosaic' };
  for (const headers of [{ cookie: s.cookie }, { cookie: s.cookie, 'x-csrf-token': 'forged' }, { cookie: s.cookie, 'x-csrf-token': `${s.csrf.slice(0, -1)}A` }]) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers, payload: body });
    assert.equal(res.statusCode, 403);
    assert.match(String(res.headers['content-type']), /problem\+json/);
  }
  assert.equal((await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } })).statusCode, 403);
  assert.equal((await session(s.headers)).statusCode, 200, 'the forged requests changed nothing');
  assert.equal((await login(user.email)).statusCode, 200, 'passphrase unchanged');
});

test('login is rate limited: the 11th attempt in a minute for one address and email gets 429', async () => {
  const email = 'nobody-rate@example.test';
  for (let i = 1; i <= 10; i++) assert.equal((await login(email, 'guess number one')).statusCode, 401, `attempt ${i}`);
  const res = await login(email, 'guess number one');
  assert.equal(res.statusCode, 429);
  // Another email from the same address is not blocked by it.
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  assert.equal((await login(user.email)).statusCode, 200);
});

test('two-factor is required for DSLs, headteachers and trust admins: protected routes answer 403 until enrolled', async () => {
  for (const [role, school] of [['dsl', schoolId], ['headteacher', schoolId], ['trust_admin', null]] as const) {
    const user = await buildUser(h.db, trustId, school, [role]);
    const res = await login(user.email);
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { mustEnrolTwoFactor: boolean }).mustEnrolTwoFactor, true, role);
    const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
    const headers = { cookie, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
    const blocked = await h.app.inject({ url: '/api/v1/schools', headers });
    assert.equal(blocked.statusCode, 403, role);
    assert.match((blocked.json() as { detail: string }).detail, /two-factor/);
    assert.equal((await h.app.inject({ url: '/api/v1/audit', headers })).statusCode, 403, role);

    const setup = (await h.app.inject({ method: 'POST', url: '/api/v1/auth/two-factor/setup', headers })).json() as { secret: string };
    const confirm = await h.app.inject({ method: 'POST', url: '/api/v1/auth/two-factor/confirm', headers, payload: { code: totpNow(setup.secret, h.clock.now()) } });
    assert.equal(confirm.statusCode, 204);
    assert.equal((await h.app.inject({ url: '/api/v1/schools', headers })).statusCode, 200, `${role} after enrolment`);
  }
  // A teacher is not asked.
  const teacher = await buildUser(h.db, trustId, schoolId, ['teacher']);
  assert.equal(((await login(teacher.email)).json() as { mustEnrolTwoFactor: boolean }).mustEnrolTwoFactor, false);
});

test('an enrolled account cannot sign in with the passphrase alone or a wrong code', async () => {
  const dsl = await buildUser(h.db, trustId, schoolId, ['dsl'], { totpSecret: SECRET });
  assert.equal((await login(dsl.email)).statusCode, 401);
  assert.equal((await login(dsl.email, TEST_PASSPHRASE, '000000')).statusCode, 401);
  assert.equal((await login(dsl.email, TEST_PASSPHRASE, totpNow(SECRET, h.clock.now()))).statusCode, 200);
});
