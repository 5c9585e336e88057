import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../context.ts';
import { buildTrust } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { canonicalJson } from './model.ts';
import { audit, verifyChains } from './service.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

test('canonical JSON ignores key order at every depth', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
});

test('the chain verifies, and altering, deleting or reordering is detected at the first broken link', async () => {
  const trust = await buildTrust(h.db);
  for (let i = 0; i < 5; i++) {
    await h.db.transaction().execute((tx) =>
      audit(tx, h, SYSTEM_ACTOR, {
        trustId: trust.id,
        action: 'test.event',
        recordType: 'thing',
        recordId: String(i),
        detail: { i, nested: { z: 1, a: 2 } },
      }),
    );
  }
  let result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.deepEqual(result, { trustId: trust.id, events: 5, broken: null });

  // The table refuses UPDATE and DELETE outright.
  await assert.rejects(h.db.updateTable('audit_events').set({ action: 'x' }).where('trust_id', '=', trust.id).execute(), /append-only/);
  await assert.rejects(h.db.deleteFrom('audit_events').where('trust_id', '=', trust.id).execute(), /append-only/);

  // A superuser who disables the guard and edits event 3 is still caught.
  await h.db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(tx);
    await sql`UPDATE audit_events SET detail = '{"i": 99}' WHERE trust_id = ${trust.id} AND seq = 3`.execute(tx);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(tx);
  });
  result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.equal(result?.broken?.seq, 3);
  assert.match(result?.broken?.reason ?? '', /altered/);
});

test('a deleted last event is caught by the chain head', async () => {
  const trust = await buildTrust(h.db);
  for (let i = 0; i < 3; i++) {
    await h.db.transaction().execute((tx) => audit(tx, h, SYSTEM_ACTOR, { trustId: trust.id, action: 'test.event', recordType: 'thing' }));
  }
  await h.db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(tx);
    await sql`DELETE FROM audit_events WHERE trust_id = ${trust.id} AND seq = 3`.execute(tx);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(tx);
  });
  const result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.equal(result?.broken?.seq, 3);
});

test('concurrent writers keep one unbroken chain', async () => {
  const trust = await buildTrust(h.db);
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      h.db
        .transaction()
        .execute((tx) =>
          audit(tx, h, SYSTEM_ACTOR, { trustId: trust.id, action: 'test.parallel', recordType: 'thing', recordId: String(i) }),
        ),
    ),
  );
  const result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.deepEqual(result, { trustId: trust.id, events: 20, broken: null });
});
