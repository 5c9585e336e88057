import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MINUTE } from '../clock.ts';
import { buildSchool, buildTrust, buildUser, signIn, TEST_PASSPHRASE, totpNow } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';

const NEW_PASSPHRASE = 'violet harbour tractor mosaic';
const ADMIN_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

let h: TestHaven;
before(async () => {
  h = await testHaven({ PUBLIC_URL: 'https://haven.example.test' });
});
after(() => h.close());

async function school() {
  const trust = await buildTrust(h.db);
  const s = await buildSchool(h.db, trust.id);
  return { trustId: trust.id, schoolId: s.id };
}

const login = (email: string, password: string, totp?: string) =>
  h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password, ...(totp ? { totp } : {}) } });

async function auditActions(recordId: string): Promise<string[]> {
  const rows = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', recordId).orderBy('at').orderBy('seq').execute();
  return rows.map((r) => r.action);
}

test('password change needs the current passphrase, checks strength, clears must-change and ends other sessions', async () => {
  const { trustId, schoolId } = await school();
  const user = await buildUser(h.db, trustId, schoolId, ['teacher'], { mustChangePassword: true });
  const first = await signIn(h.app, user.email);
  const second = await signIn(h.app, user.email);

  // Must change first: the directory is closed until then.
  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers: first.headers })).statusCode, 403);

  const wrong = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: first.headers,
    payload: { currentPassword: 'not my passphrase at all', newPassword: NEW_PASSPHRASE },
  });
  assert.equal(wrong.statusCode, 422);
  assert.equal((wrong.json() as { problems: { field: string }[] }).problems[0]?.field, 'currentPassword');

  for (const weak of ['short', 'password1234', 'qwertyuiop123']) {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: first.headers,
      payload: { currentPassword: TEST_PASSPHRASE, newPassword: weak },
    });
    assert.equal(res.statusCode, 422, weak);
    assert.equal((res.json() as { problems: { field: string }[] }).problems[0]?.field, 'newPassword');
  }

  const noCsrf = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: { cookie: first.cookie },
    payload: { currentPassword: TEST_PASSPHRASE, newPassword: NEW_PASSPHRASE },
  });
  assert.equal(noCsrf.statusCode, 403);

  const ok = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: first.headers,
    payload: { currentPassword: TEST_PASSPHRASE, newPassword: NEW_PASSPHRASE },
  });
  assert.equal(ok.statusCode, 204);

  const account = await h.db.selectFrom('accounts').select(['must_change_password']).where('id', '=', user.accountId).executeTakeFirstOrThrow();
  assert.equal(account.must_change_password, false);
  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers: first.headers })).statusCode, 200, 'this session goes on');
  assert.equal((await h.app.inject({ url: '/api/v1/auth/session', headers: second.headers })).statusCode, 401, 'the other session ended');
  assert.equal((await login(user.email, TEST_PASSPHRASE)).statusCode, 401);
  assert.equal((await login(user.email, NEW_PASSPHRASE)).statusCode, 200);

  const actions = await auditActions(user.accountId);
  assert.ok(actions.includes('auth.password_change_failed'));
  assert.ok(actions.includes('auth.password_changed'));
  const events = await h.db.selectFrom('audit_events').select('detail').where('record_id', '=', user.accountId).execute();
  assert.doesNotMatch(JSON.stringify(events), /violet|harbour/, 'the passphrase never reaches the audit trail');
});

test('two-factor: setup gives a secret, otpauth URL and QR; confirm needs a valid code; then protected routes open', async () => {
  const { trustId, schoolId } = await school();
  const dsl = await buildUser(h.db, trustId, schoolId, ['dsl']);
  const s = await signIn(h.app, dsl.email);
  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers: s.headers })).statusCode, 403);

  const confirmEarly = await h.app.inject({ method: 'POST', url: '/api/v1/auth/two-factor/confirm', headers: s.headers, payload: { code: '123456' } });
  assert.equal(confirmEarly.statusCode, 409);

  const setup = await h.app.inject({ method: 'POST', url: '/api/v1/auth/two-factor/setup', headers: s.headers });
  assert.equal(setup.statusCode, 200);
  const body = setup.json() as { secret: string; otpauthUrl: string; qrDataUrl: string };
  assert.match(body.secret, /^[A-Z2-7]{32}$/);
  assert.match(body.otpauthUrl, /^otpauth:\/\/totp\/Haven:/);
  assert.ok(body.otpauthUrl.includes(`secret=${body.secret}`));
  assert.match(body.qrDataUrl, /^data:image\/png;base64,/);

  // Pending: a secret stored but not yet required at sign-in.
  const pending = await h.db.selectFrom('accounts').select(['totp_secret', 'totp_enabled_at']).where('id', '=', dsl.accountId).executeTakeFirstOrThrow();
  assert.equal(pending.totp_secret, body.secret);
  assert.equal(pending.totp_enabled_at, null);
  assert.equal((await login(dsl.email, TEST_PASSPHRASE)).statusCode, 200);

  const bad = await h.app.inject({ method: 'POST', url: '/api/v1/auth/two-factor/confirm', headers: s.headers, payload: { code: '000000' } });
  assert.equal(bad.statusCode, 422);
  const stale = totpNow(body.secret, new Date(h.clock.now().getTime() - 5 * MINUTE));
  const old = await h.app.inject({ method: 'POST', url: '/api/v1/auth/two-factor/confirm', headers: s.headers, payload: { code: stale } });
  assert.equal(old.statusCode, 422, 'a code from five minutes ago is refused');

  const good = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/two-factor/confirm',
    headers: s.headers,
    payload: { code: totpNow(body.secret, h.clock.now()) },
  });
  assert.equal(good.statusCode, 204);
  const enabled = await h.db.selectFrom('accounts').select(['totp_enabled_at']).where('id', '=', dsl.accountId).executeTakeFirstOrThrow();
  assert.deepEqual(enabled.totp_enabled_at, h.clock.now());
  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers: s.headers })).statusCode, 200, 'this session has now passed two-factor');

  // From now on sign-in asks for the code.
  const noCode = await login(dsl.email, TEST_PASSPHRASE);
  assert.equal(noCode.statusCode, 401);
  assert.deepEqual((noCode.json() as { problems: unknown[] }).problems, [{ field: 'totp', message: 'required' }]);
  const withCode = await login(dsl.email, TEST_PASSPHRASE, totpNow(body.secret, h.clock.now()));
  assert.equal(withCode.statusCode, 200);
  assert.equal((withCode.json() as { mustEnrolTwoFactor: boolean }).mustEnrolTwoFactor, false);

  // Enrolled: a second setup would silently drop the protection, so it is refused.
  const again = await h.app.inject({ method: 'POST', url: '/api/v1/auth/two-factor/setup', headers: s.headers });
  assert.equal(again.statusCode, 409);

  const events = await h.db.selectFrom('audit_events').select(['action', 'detail']).where('record_id', '=', dsl.accountId).execute();
  assert.ok(events.some((e) => e.action === 'auth.two_factor_setup_started'));
  assert.ok(events.some((e) => e.action === 'auth.two_factor_enabled'));
  assert.ok(!JSON.stringify(events).includes(body.secret), 'the secret never reaches the audit trail');
});

/** The reset link as the person would read it: from the trust's outbox, through the API. */
async function resetLinkFromOutbox(admin: { headers: Record<string, string> }, to: string): Promise<string> {
  const res = await h.app.inject({ url: '/api/v1/outbox', headers: admin.headers });
  assert.equal(res.statusCode, 200);
  const mail = (res.json() as { messages: { to: string; subject: string; text: string }[] }).messages.find((m) => m.to === to);
  assert.ok(mail, `a mail to ${to} is in the outbox`);
  assert.equal(mail.subject, 'Reset your Haven passphrase');
  const match = /https:\/\/haven\.example\.test\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  assert.ok(match?.[1], 'the mail holds the reset link');
  return match[1];
}

test('password reset: 202 for any address, single-use token by mail, sets passphrase, unlocks, ends sessions', async () => {
  const { trustId, schoolId } = await school();
  const head = await buildUser(h.db, trustId, schoolId, ['headteacher'], { totpSecret: ADMIN_SECRET });
  const admin = await signIn(h.app, head.email, { totp: totpNow(ADMIN_SECRET, h.clock.now()) });
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  const old = await signIn(h.app, user.email);
  // Locked after six wrong passphrases.
  for (let i = 0; i < 6; i++) await login(user.email, 'wrong passphrase here');
  assert.equal((await login(user.email, TEST_PASSPHRASE)).statusCode, 423);

  const before = await h.db.selectFrom('mail_outbox').select('id').execute();
  const unknown = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: 'nobody-here@example.test' } });
  assert.equal(unknown.statusCode, 202);
  const after1 = await h.db.selectFrom('mail_outbox').select('id').execute();
  assert.equal(after1.length, before.length, 'no mail for an unknown address');

  const req = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: user.email.toUpperCase() } });
  assert.equal(req.statusCode, 202);
  assert.deepEqual(req.json(), unknown.json(), 'the same answer either way');
  const token = await resetLinkFromOutbox(admin, user.email);

  const stored = await h.db.selectFrom('password_reset_tokens').selectAll().where('account_id', '=', user.accountId).execute();
  assert.equal(stored.length, 1);
  assert.notEqual(stored[0]?.token_hash, token, 'only the hash is stored');
  assert.match(stored[0]?.token_hash ?? '', /^[0-9a-f]{64}$/);

  const weak = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, newPassword: 'password1234' } });
  assert.equal(weak.statusCode, 422);

  const done = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, newPassword: NEW_PASSPHRASE } });
  assert.equal(done.statusCode, 204);
  assert.equal((await h.app.inject({ url: '/api/v1/auth/session', headers: old.headers })).statusCode, 401, 'old sessions ended');
  assert.equal((await login(user.email, NEW_PASSPHRASE)).statusCode, 200, 'unlocked, with the new passphrase');

  const reuse = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, newPassword: 'another quiet meadow lamp' } });
  assert.equal(reuse.statusCode, 400, 'single use');
  assert.equal((await login(user.email, NEW_PASSPHRASE)).statusCode, 200);

  const events = await h.db.selectFrom('audit_events').select(['action', 'detail']).where('record_id', '=', user.accountId).execute();
  assert.ok(events.some((e) => e.action === 'auth.password_reset_requested'));
  assert.ok(events.some((e) => e.action === 'auth.password_reset_completed'));
  assert.ok(!JSON.stringify(events).includes(token), 'the token never reaches the audit trail');
});

test('password reset links expire after an hour', async () => {
  const { trustId, schoolId } = await school();
  const head = await buildUser(h.db, trustId, schoolId, ['headteacher'], { totpSecret: ADMIN_SECRET });
  const user = await buildUser(h.db, trustId, schoolId, ['teacher']);
  await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: user.email } });
  const admin = await signIn(h.app, head.email, { totp: totpNow(ADMIN_SECRET, h.clock.now()) });
  const token = await resetLinkFromOutbox(admin, user.email);
  h.clock.advance(61 * MINUTE);
  const late = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, newPassword: NEW_PASSPHRASE } });
  assert.equal(late.statusCode, 400);
  assert.match((late.json() as { detail: string }).detail, /expired/);
  assert.equal((await login(user.email, TEST_PASSPHRASE)).statusCode, 200, 'passphrase unchanged');
});

test('the account routes ask for a session', async () => {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/two-factor/setup' });
  assert.equal(res.statusCode, 401);
  const pw = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'x', newPassword: NEW_PASSPHRASE } });
  assert.equal(pw.statusCode, 401);
});
