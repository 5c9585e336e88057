import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, type Received, smtpServer } from '../testing/smtp.ts';
import { buildSchool, buildTrust, buildUser } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';





let smtp: Awaited<ReturnType<typeof smtpServer>>;
let h: TestHaven;
before(async () => {
  smtp = await smtpServer();
  h = await testHaven({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`, MAIL_FROM: 'Haven <haven@example.test>', PUBLIC_URL: 'https://haven.example.test' });
});
after(async () => {
  await h.close();
  await smtp.close();
});

test('with SMTP_URL the message is delivered over SMTP and its outbox row is marked sent', async () => {
  const trust = await buildTrust(h.db);
  const sent = await h.mail.send({ trustId: trust.id, to: 'dsl@example.test', subject: 'Concern logged', text: 'A new concern needs your review.' });
  assert.equal(sent.delivered, true);
  assert.equal(smtp.received.length, 1);
  const msg = smtp.received[0] as Received;
  assert.deepEqual(msg.to, ['dsl@example.test']);
  assert.equal(msg.from, 'haven@example.test');
  assert.match(msg.raw, /^Subject: Concern logged$/m);
  assert.match(msg.raw, /^To: dsl@example\.test$/m);
  assert.match(bodyOf(msg.raw), /A new concern needs your review\./);

  const row = await h.db.selectFrom('mail_outbox').selectAll().where('id', '=', sent.id).executeTakeFirstOrThrow();
  assert.equal(row.transport, 'smtp');
  assert.deepEqual(row.sent_at, h.clock.now());
  assert.equal(row.error, null);
  assert.equal(row.to_address, 'dsl@example.test');
});

test('a password reset mail arrives over SMTP; the link in it works; the outbox copy hides the token', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const user = await buildUser(h.db, trust.id, school.id, ['teacher']);
  const before = smtp.received.length;
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: user.email } });
  assert.equal(res.statusCode, 202);
  assert.equal(smtp.received.length, before + 1);
  const msg = smtp.received.at(-1) as Received;
  assert.deepEqual(msg.to, [user.email]);
  assert.match(msg.raw, /^Subject: Reset your Haven passphrase$/m);
  const token = /https:\/\/haven\.example\.test\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(bodyOf(msg.raw))?.[1];
  assert.ok(token, 'the mail holds the reset link');

  const row = await h.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', user.email).executeTakeFirstOrThrow();
  assert.ok(row.sent_at);
  assert.ok(!row.text_body.includes(token), 'delivered by SMTP, so the stored copy does not keep the secret');
  assert.match(row.text_body, /token=\[redacted\]/);

  const done = await h.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, newPassword: 'violet harbour tractor mosaic' } });
  assert.equal(done.statusCode, 204);
  const login = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'violet harbour tractor mosaic' } });
  assert.equal(login.statusCode, 200);
});

test('a failed SMTP delivery stays in the outbox with its error, not marked sent', async () => {
  const down = await smtpServer();
  await down.close();
  const { createMailer } = await import('./mailer.ts');
  const mailer = createMailer(h.db, h.clock, { smtpUrl: `smtp://127.0.0.1:${down.port}?ignoreTLS=true&connectionTimeout=2000`, from: 'haven@example.test' });
  const sent = await mailer.send({ trustId: null, to: 'x@example.test', subject: 'Lost', text: 'Nobody is listening.' });
  assert.equal(sent.delivered, false);
  const row = await h.db.selectFrom('mail_outbox').selectAll().where('id', '=', sent.id).executeTakeFirstOrThrow();
  assert.equal(row.sent_at, null);
  assert.ok(row.error);
});

test('mail that failed is retried later once SMTP answers again, up to a limit, and then marked sent', async () => {
  const { createMailer, MAX_ATTEMPTS } = await import('./mailer.ts');
  const down = await smtpServer();
  await down.close();
  const broken = createMailer(h.db, h.clock, { smtpUrl: `smtp://127.0.0.1:${down.port}?ignoreTLS=true&connectionTimeout=2000`, from: 'haven@example.test' });
  const [row] = broken.rows([{ trustId: null, to: 'retry@example.test', subject: 'Retry me', text: 'Second time lucky.' }]);
  assert.ok(row);
  await h.db.insertInto('mail_outbox').values(row).execute();
  await broken.deliver([row]);
  const failed = await h.db.selectFrom('mail_outbox').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  assert.equal(failed.sent_at, null);
  assert.equal(failed.attempts, 1);

  // A retry right away leaves it alone (it may still be in its first delivery); two minutes on, it is sent.
  assert.deepEqual(await h.mail.retryUndelivered(), { delivered: 0, failed: 0 });
  h.clock.advance(3 * 60_000);
  const before = smtp.received.length;
  const waiting = await h.db.selectFrom('mail_outbox').select('id').where('transport', '=', 'smtp').where('sent_at', 'is', null).where('attempts', '<', MAX_ATTEMPTS).execute();
  assert.deepEqual(await h.mail.retryUndelivered(), { delivered: waiting.length, failed: 0 });
  assert.equal(smtp.received.length, before + waiting.length);
  assert.ok(smtp.received.some((m) => m.to[0] === 'retry@example.test'));
  const sent = await h.db.selectFrom('mail_outbox').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  assert.ok(sent.sent_at);
  assert.equal(sent.error, null);
  assert.equal(sent.attempts, 2);

  // A message that has used all its attempts is left for a person to look at in the outbox.
  const [last] = broken.rows([{ trustId: null, to: 'gone@example.test', subject: 'Given up', text: 'x' }]);
  assert.ok(last);
  await h.db.insertInto('mail_outbox').values({ ...last, attempts: MAX_ATTEMPTS, error: 'refused' }).execute();
  h.clock.advance(3 * 60_000);
  const out = await h.mail.retryUndelivered();
  assert.equal(out.delivered + out.failed, 0);
});
