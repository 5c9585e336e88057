import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { newId } from '../ids.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { PLACEHOLDER, withValue, writeTogether } from './write-together.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
  await sql`
    CREATE TABLE wt_counter (k text PRIMARY KEY, n int NOT NULL);
    CREATE TABLE wt_parent (id uuid PRIMARY KEY, ref text NOT NULL UNIQUE, at timestamptz NOT NULL, tags text[] NOT NULL, data jsonb NOT NULL);
    CREATE TABLE wt_child (id uuid PRIMARY KEY, parent_id uuid NOT NULL REFERENCES wt_parent(id), note text NOT NULL CHECK (note <> 'bad'));
  `.execute(h.db);
});
after(() => h.close());

const counter = () => sql`INSERT INTO wt_counter VALUES ('x', 1) ON CONFLICT (k) DO UPDATE SET n = wt_counter.n + 1 RETURNING 'R-' || n AS value`;

test('rows of several tables are written by one statement, with the statement-made value in place of the placeholder', async () => {
  const parent = newId();
  const at = new Date('2026-10-01T09:30:00Z');
  const value = await writeTogether(h.db, counter(), [
    { table: 'wt_parent', rows: [{ id: parent, ref: PLACEHOLDER, at, tags: ['a', 'b'], data: { ref: PLACEHOLDER, n: 2 } }] },
    { table: 'wt_child', rows: [{ id: newId(), parent_id: parent, note: `child of ${PLACEHOLDER}` }] },
  ]);
  assert.equal(value, 'R-1');
  const row = await sql<{ ref: string; at: Date; tags: string[]; data: unknown }>`SELECT ref, at, tags, data FROM wt_parent WHERE id = ${parent}`.execute(h.db);
  assert.deepEqual(row.rows[0], { ref: 'R-1', at, tags: ['a', 'b'], data: { ref: 'R-1', n: 2 } });
  const child = await sql<{ note: string }>`SELECT note FROM wt_child WHERE parent_id = ${parent}`.execute(h.db);
  assert.equal(child.rows[0]?.note, 'child of R-1');
  assert.equal(withValue(`Case ${PLACEHOLDER} opened`, value), 'Case R-1 opened');
});

test('all or nothing: a row that breaks a constraint leaves no row and does not move the counter', async () => {
  const parent = newId();
  await assert.rejects(
    writeTogether(h.db, counter(), [
      { table: 'wt_parent', rows: [{ id: parent, ref: PLACEHOLDER, at: new Date(), tags: [], data: {} }] },
      { table: 'wt_child', rows: [{ id: newId(), parent_id: parent, note: 'bad' }] },
    ]),
  );
  const rows = await sql<{ n: number }>`SELECT (SELECT count(*)::int FROM wt_parent WHERE id = ${parent}) AS n`.execute(h.db);
  assert.equal(rows.rows[0]?.n, 0);
  const next = await writeTogether(h.db, counter(), [{ table: 'wt_parent', rows: [{ id: newId(), ref: PLACEHOLDER, at: new Date(), tags: [], data: {} }] }]);
  assert.equal(next, 'R-2', 'the failed write did not use up a number');
});

test('a deletion rides in the same statement', async () => {
  const id = newId();
  await sql`INSERT INTO wt_parent VALUES (${id}, 'old', now(), '{}', '{}')`.execute(h.db);
  await writeTogether(h.db, counter(), [{ table: 'wt_parent', rows: [{ id: newId(), ref: PLACEHOLDER, at: new Date(), tags: [], data: {} }] }], [sql`DELETE FROM wt_parent WHERE id = ${id}`]);
  const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM wt_parent WHERE id = ${id}`.execute(h.db);
  assert.equal(left.rows[0]?.n, 0);
});
