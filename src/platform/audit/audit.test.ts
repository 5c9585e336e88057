import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../context.ts';
import { buildTrust } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { PLACEHOLDER, valuesSql } from '../db/write-together.ts';
import { type AuditFields, auditBody, auditBodyAround, canonicalJson } from './model.ts';
import { audit, auditEventRow, verifyChains } from './service.ts';
import { chainAll, linkedAuditSql } from './store.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

test('canonical JSON ignores key order at every depth', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
});

test('the hashed text of an event is the canonical JSON of its fields (so chains written before stay valid)', () => {
  const base: AuditFields = {
    trustId: '01a2094b-fcf7-73c7-8a08-d23b5fde34c8',
    seq: 42,
    id: '01a2094c-00bb-77b9-b7d0-66989a800972',
    at: new Date('2026-11-23T16:45:05.636Z'),
    actorAccountId: null,
    actorLabel: 'Ms "Quote" \\ Teacher',
    action: 'concern.create',
    recordType: 'concern',
    recordId: '01a2094c-00bb-77b9-b7d0-66989a800973',
    schoolId: null,
    ip: '127.0.0.1',
    userAgent: 'Mozilla/5.0 (X11; Linux) ünïcödé',
    detail: { urgent: true, reference: 'ABP-0001', nested: { b: [2, { z: 1, a: 0 }], a: null } },
  };
  const snake = (e: AuditFields) => ({
    trust_id: e.trustId, seq: e.seq, id: e.id, at: e.at.toISOString(), actor_account_id: e.actorAccountId, actor_label: e.actorLabel, action: e.action,
    record_type: e.recordType, record_id: e.recordId, school_id: e.schoolId, ip: e.ip, user_agent: e.userAgent, detail: e.detail,
  });
  for (const e of [base, { ...base, detail: undefined }, { ...base, detail: [] }, { ...base, actorAccountId: 'x', schoolId: 'y', ip: null }]) {
    assert.equal(auditBody(e), canonicalJson(snake(e)));
    // A writer hashing in the database puts the sequence number between the two parts.
    const [before, after] = auditBodyAround(e);
    assert.equal(`${before}${e.seq}${after}`, auditBody(e));
  }
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

  // Linking happens once: a linked event cannot be re-linked or have a field changed.
  await assert.rejects(sql`UPDATE audit_events SET hash = 'x', prev_hash = 'y', chain_pos = 99 WHERE trust_id = ${trust.id}`.execute(h.db), /append-only/);

  // A superuser who disables the guard and edits event 3 is still caught.
  await h.db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(tx);
    await sql`UPDATE audit_events SET detail = '{"i": 99}' WHERE trust_id = ${trust.id} AND chain_pos = 3`.execute(tx);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(tx);
  });
  result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.equal(result?.broken?.pos, 3);
  assert.match(result?.broken?.reason ?? '', /altered/);
});

test('a deleted last event is caught by the chain head', async () => {
  const trust = await buildTrust(h.db);
  for (let i = 0; i < 3; i++) {
    await h.db.transaction().execute((tx) => audit(tx, h, SYSTEM_ACTOR, { trustId: trust.id, action: 'test.event', recordType: 'thing' }));
  }
  await verifyChains(h.db); // links them
  await h.db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(tx);
    await sql`DELETE FROM audit_events WHERE trust_id = ${trust.id} AND chain_pos = 3`.execute(tx);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(tx);
  });
  const result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.equal(result?.broken?.pos, 3);
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

test('events are written unlinked in their own transaction, and only committed ones are linked, in order', async () => {
  const trust = await buildTrust(h.db);
  // A rolled-back change leaves no event behind.
  await assert.rejects(
    h.db.transaction().execute(async (tx) => {
      await audit(tx, h, SYSTEM_ACTOR, { trustId: trust.id, action: 'test.rolled_back', recordType: 'thing' });
      throw new Error('the change failed');
    }),
    /the change failed/,
  );
  await h.db.transaction().execute((tx) => audit(tx, h, SYSTEM_ACTOR, { trustId: trust.id, action: 'test.kept', recordType: 'thing' }));
  const waiting = await h.db.selectFrom('audit_events').select(['action', 'hash', 'chain_pos']).where('trust_id', '=', trust.id).execute();
  assert.deepEqual(waiting, [{ action: 'test.kept', hash: null, chain_pos: null }]);
  const result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.deepEqual(result, { trustId: trust.id, events: 1, broken: null });
  const linked = await h.db.selectFrom('audit_events').select(['chain_pos', 'prev_hash']).where('trust_id', '=', trust.id).executeTakeFirstOrThrow();
  assert.equal(linked.chain_pos, '1');
  assert.equal(linked.prev_hash, '0'.repeat(64));
});

/** A batch writer's statement: its events linked in SQL, each with its value (from a VALUES list here) in place of PLACEHOLDER. */
async function writeLinkedBatch(trustId: string, values: string[]) {
  const rows = values.map((_, k) =>
    auditEventRow(h, { accountId: null, label: 'Zoë Ünïcödé', ip: '127.0.0.1', userAgent: 'Mozilla/5.0 ✓' }, {
      trustId,
      action: 'test.batch',
      recordType: 'thing',
      recordId: String(k),
      detail: { reference: PLACEHOLDER, note: `made as ${PLACEHOLDER} with "quotes" and ünïcödé`, n: k },
    }),
  );
  await sql`WITH RECURSIVE
    batch_lock AS (SELECT 1 AS one),
    ${valuesSql('batch_values', values)},
    ${sql.join(linkedAuditSql(trustId, rows, 'batch_values', 'batch_lock'), sql`, `)}
    SELECT 1`.execute(h.db);
}

test('a batch writer links its events in its own statement: hashed as the chainer would, with each value in place, among other writers', async () => {
  const trust = await buildTrust(h.db);
  await h.db.transaction().execute((tx) => audit(tx, h, SYSTEM_ACTOR, { trustId: trust.id, action: 'test.first', recordType: 'thing' }));
  await chainAll(h.db); // the trust now has a chain head
  // Batches, single writers and the chainer at once: one unbroken chain.
  await Promise.all([
    writeLinkedBatch(trust.id, ['R-1', 'R-2 "odd"', 'R-3']),
    writeLinkedBatch(trust.id, ['R-4']),
    ...Array.from({ length: 6 }, (_, i) => h.db.transaction().execute((tx) => audit(tx, h, SYSTEM_ACTOR, { trustId: trust.id, action: 'test.single', recordType: 'thing', recordId: String(i) }))),
    chainAll(h.db),
  ]);
  const batch = await h.db.selectFrom('audit_events').select(['detail', 'hash', 'actor_label']).where('trust_id', '=', trust.id).where('action', '=', 'test.batch').orderBy('seq').execute();
  assert.deepEqual(
    batch.map((b) => (b.detail as { reference: string }).reference).sort(),
    ['R-1', 'R-2 "odd"', 'R-3', 'R-4'],
  );
  assert.ok(batch.every((b) => (b.detail as { note: string }).note === `made as ${(b.detail as { reference: string }).reference} with "quotes" and ünïcödé`));
  assert.ok(batch.every((b) => b.hash !== null), 'linked as written, not left for the chainer');
  const result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.deepEqual(result, { trustId: trust.id, events: 11, broken: null });
});

test('a batch for a trust with no chain head yet writes its events unlinked, and the chainer links them', async () => {
  const trust = await buildTrust(h.db);
  await h.db.deleteFrom('audit_heads').where('trust_id', '=', trust.id).execute();
  await writeLinkedBatch(trust.id, ['R-1', 'R-2']);
  const waiting = await h.db.selectFrom('audit_events').select(['hash', 'chain_pos']).where('trust_id', '=', trust.id).where('action', '=', 'test.batch').execute();
  assert.deepEqual(waiting, [{ hash: null, chain_pos: null }, { hash: null, chain_pos: null }]);
  const result = (await verifyChains(h.db)).find((r) => r.trustId === trust.id);
  assert.equal(result?.broken, null);
  assert.ok((result?.events ?? 0) >= 2);
});
