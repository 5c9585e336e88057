import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildSchool, buildTrust, buildUser, signIn, totpNow } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';

const SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

test('without SMTP mail sits in the outbox: its trust\'s admin reads it, a teacher and another trust\'s admin do not', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const otherTrust = await buildTrust(h.db);
  const admin = await buildUser(h.db, trust.id, null, ['trust_admin'], { totpSecret: SECRET });
  const head = await buildUser(h.db, trust.id, school.id, ['headteacher'], { totpSecret: SECRET });
  const teacher = await buildUser(h.db, trust.id, school.id, ['teacher']);
  const foreignAdmin = await buildUser(h.db, otherTrust.id, null, ['trust_admin'], { totpSecret: SECRET });

  const sent = await h.mail.send({ trustId: trust.id, to: 'office@example.test', subject: 'Welcome to Haven', text: 'Your school is set up.' });
  assert.equal(sent.delivered, false);
  await h.mail.send({ trustId: otherTrust.id, to: 'elsewhere@example.test', subject: 'Other trust', text: 'Not yours.' });

  const a = await signIn(h.app, admin.email, { totp: totpNow(SECRET, h.clock.now()) });
  const res = await h.app.inject({ url: '/api/v1/outbox', headers: a.headers });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), {
    messages: [
      {
        id: sent.id,
        to: 'office@example.test',
        subject: 'Welcome to Haven',
        text: 'Your school is set up.',
        createdAt: h.clock.now().toISOString(),
        sentAt: null,
        status: 'outbox',
      },
    ],
  });

  const hs = await signIn(h.app, head.email, { totp: totpNow(SECRET, h.clock.now()) });
  assert.equal((await h.app.inject({ url: '/api/v1/outbox', headers: hs.headers })).statusCode, 200, 'a headteacher administers their school');

  const t = await signIn(h.app, teacher.email);
  assert.equal((await h.app.inject({ url: '/api/v1/outbox', headers: t.headers })).statusCode, 403);

  const f = await signIn(h.app, foreignAdmin.email, { totp: totpNow(SECRET, h.clock.now()) });
  const theirs = await h.app.inject({ url: '/api/v1/outbox', headers: f.headers });
  assert.equal(theirs.statusCode, 200);
  const subjects = (theirs.json() as { messages: { subject: string }[] }).messages.map((m) => m.subject);
  assert.deepEqual(subjects, ['Other trust']);

  assert.equal((await h.app.inject({ url: '/api/v1/outbox' })).statusCode, 401);
  assert.equal((await h.app.inject({ url: '/api/v1/outbox?limit=0', headers: a.headers })).statusCode, 400);

  const reads = await h.db.selectFrom('audit_events').select(['action', 'actor_account_id']).where('trust_id', '=', trust.id).where('action', '=', 'outbox.viewed').execute();
  assert.equal(reads.length, 2, 'each read of the outbox is audited');
});
