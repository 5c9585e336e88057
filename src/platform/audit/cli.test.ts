import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { buildSchool, buildTrust, buildUser, signIn } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { verifyReport } from './cli.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
  const trust = await buildTrust(h.db, 'Verify Trust');
  const school = await buildSchool(h.db, trust.id);
  const user = await buildUser(h.db, trust.id, school.id, ['teacher']);
  for (let i = 0; i < 3; i++) await signIn(h.app, user.email);
});
after(() => h.close());

test('an intact trail reports ok and exits 0', async () => {
  const { lines, code } = await verifyReport(h.db);
  assert.equal(code, 0);
  assert.ok(lines.some((l) => /^ok\s+Verify Trust: \d+ events, chain intact$/.test(l)), lines.join('\n'));
});

test('an altered event is reported as the first broken link and exits 1', async () => {
  // Only a superuser bypassing the append-only trigger can do this: exactly the tampering to catch.
  await verifyReport(h.db); // links the events first, as the running app would
  await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(h.db);
  await sql`UPDATE audit_events SET actor_label = 'someone else' WHERE chain_pos = 2 AND trust_id = (SELECT id FROM trusts WHERE name = 'Verify Trust')`.execute(h.db);
  await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(h.db);
  const { lines, code } = await verifyReport(h.db);
  assert.equal(code, 1);
  assert.ok(lines.some((l) => l.startsWith('BROKEN  Verify Trust: first broken link at event 2')), lines.join('\n'));
});
