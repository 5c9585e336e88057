import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HOUR, MINUTE } from '../clock.ts';
import { buildSchool, buildTrust, buildUser, signIn } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { secretHash } from '../auth/model.ts';
import { housekeeping } from './housekeeping.ts';
import { startJobs } from './jobs.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

test('housekeeping deletes sessions past idle expiry and dead reset links, keeps live ones, audited as system', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const stale = await buildUser(h.db, trust.id, school.id, ['teacher']);
  const fresh = await buildUser(h.db, trust.id, school.id, ['teacher']);
  await signIn(h.app, stale.email);
  h.clock.advance(2 * HOUR + MINUTE);
  const live = await signIn(h.app, fresh.email);

  const now = h.clock.now();
  const at = (ms: number) => new Date(now.getTime() + ms);
  await h.db
    .insertInto('password_reset_tokens')
    .values([
      { token_hash: secretHash('used'), account_id: fresh.accountId, created_at: at(-10 * MINUTE), expires_at: at(50 * MINUTE), used_at: at(-MINUTE) },
      { token_hash: secretHash('expired'), account_id: fresh.accountId, created_at: at(-2 * HOUR), expires_at: at(-HOUR) },
      { token_hash: secretHash('valid'), account_id: fresh.accountId, created_at: at(-MINUTE), expires_at: at(59 * MINUTE) },
    ])
    .execute();

  const result = await housekeeping(h);
  assert.deepEqual(result, { sessions: 1, resetTokens: 2 });
  const sessions = await h.db.selectFrom('sessions').select('account_id').execute();
  assert.deepEqual(sessions.map((s) => s.account_id), [fresh.accountId]);
  const tokens = await h.db.selectFrom('password_reset_tokens').select('token_hash').execute();
  assert.deepEqual(tokens.map((t) => t.token_hash), [secretHash('valid')]);

  // The surviving session still works.
  const me = await h.app.inject({ url: '/api/v1/auth/session', headers: live.headers });
  assert.equal(me.statusCode, 200);

  const event = await h.db
    .selectFrom('audit_events')
    .select(['actor_label', 'actor_account_id', 'detail'])
    .where('action', '=', 'system.housekeeping')
    .executeTakeFirstOrThrow();
  assert.equal(event.actor_label, 'Haven (system)');
  assert.equal(event.actor_account_id, null);
  assert.deepEqual(event.detail, { sessions: 1, resetTokens: 2 });

  // Nothing left to do: nothing deleted, nothing audited.
  assert.deepEqual(await housekeeping(h), { sessions: 0, resetTokens: 0 });
  const events = await h.db.selectFrom('audit_events').select('seq').where('action', '=', 'system.housekeeping').execute();
  assert.equal(events.length, 1);
});

test('housekeeping removes sessions past the 12-hour absolute limit even when active', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const user = await buildUser(h.db, trust.id, school.id, ['teacher']);
  await signIn(h.app, user.email);
  const row = await h.db.selectFrom('sessions').select(['id_hash', 'created_at']).where('account_id', '=', user.accountId).executeTakeFirstOrThrow();
  // Seen a minute ago, but signed in 12 hours and a minute ago.
  h.clock.advance(12 * HOUR + MINUTE);
  await h.db.updateTable('sessions').set({ last_seen_at: new Date(h.clock.now().getTime() - MINUTE) }).where('id_hash', '=', row.id_hash).execute();
  await housekeeping(h);
  const left = await h.db.selectFrom('sessions').select('id_hash').where('id_hash', '=', row.id_hash).execute();
  assert.equal(left.length, 0);
});

test('startJobs starts pg-boss in schema pgboss, schedules housekeeping, processes a sent job and stops cleanly', async () => {
  let resolveSeen: (data: unknown) => void = () => {};
  const seen = new Promise<unknown>((resolve) => {
    resolveSeen = resolve;
  });
  const jobs = await startJobs(h, {
    connectionString: h.url,
    jobs: [
      { name: 'housekeeping', schedule: '*/15 * * * *', run: (haven) => housekeeping(haven) },
      { name: 'test-echo', pollingIntervalSeconds: 0.5, run: async (_haven, data) => resolveSeen(data) },
    ],
    log: () => {},
  });
  try {
    const schedules = await jobs.boss.getSchedules('housekeeping');
    assert.equal(schedules.length, 1);
    assert.equal(schedules[0]?.cron, '*/15 * * * *');
    const id = await jobs.boss.send('test-echo', { hello: 'haven' });
    assert.ok(id);
    const data = await Promise.race([seen, new Promise((_, reject) => setTimeout(() => reject(new Error('job not processed in 15 s')), 15_000))]);
    assert.deepEqual(data, { hello: 'haven' });
    const schema = await h.db
      .selectFrom('information_schema.schemata' as never)
      .select('schema_name' as never)
      .where('schema_name' as never, '=', 'pgboss' as never)
      .execute();
    assert.equal(schema.length, 1);
  } finally {
    await jobs.stop();
  }
  // Stopped: the job's queue no longer has a worker here, and stop() is safe to repeat.
  await jobs.stop();
});
