import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { newId } from '../ids.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { PLACEHOLDER, splitSql, withValue, writeTogether } from './write-together.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
  await sql`
    CREATE TABLE wt_parent (id uuid PRIMARY KEY, ref text NOT NULL UNIQUE, at timestamptz NOT NULL, tags text[] NOT NULL, data jsonb NOT NULL);
    CREATE TABLE wt_child (id uuid PRIMARY KEY, parent_id uuid NOT NULL REFERENCES wt_parent(id), note text NOT NULL CHECK (note <> 'bad'));
  `.execute(h.db);
});
after(() => h.close());

const parentRow = (id = newId(), ref: string = PLACEHOLDER) => ({ id, ref, at: new Date(), tags: [], data: {} });
const count = async (ids: string[]) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM wt_parent WHERE id = ANY(${ids}::uuid[])`.execute(h.db)).rows[0]?.n;

test('rows of several tables are written by one statement, keeping their types, with each unit’s value in place of the placeholder', async () => {
  const parent = newId();
  const at = new Date('2026-10-01T09:30:00Z');
  await writeTogether(
    h.db,
    [
      [
        { table: 'wt_parent', rows: [{ id: parent, ref: PLACEHOLDER, at, tags: ['a', 'b'], data: { ref: PLACEHOLDER, n: 2, quote: 'say "hi"' } }] },
        { table: 'wt_child', rows: [{ id: newId(), parent_id: parent, note: `child of ${PLACEHOLDER}` }] },
      ],
    ],
    ['R-1 "odd"'],
  );
  const row = await sql<{ ref: string; at: Date; tags: string[]; data: unknown }>`SELECT ref, at, tags, data FROM wt_parent WHERE id = ${parent}`.execute(h.db);
  assert.deepEqual(row.rows[0], { ref: 'R-1 "odd"', at, tags: ['a', 'b'], data: { ref: 'R-1 "odd"', n: 2, quote: 'say "hi"' } });
  const child = await sql<{ note: string }>`SELECT note FROM wt_child WHERE parent_id = ${parent}`.execute(h.db);
  assert.equal(child.rows[0]?.note, 'child of R-1 "odd"');
  assert.equal(withValue(`Case ${PLACEHOLDER} opened`, 'R-1'), 'Case R-1 opened');
});

test('several units in one statement each get their own value in every one of their rows', async () => {
  const [a, b, c] = [newId(), newId(), newId()];
  await writeTogether(
    h.db,
    [
      [{ table: 'wt_parent', rows: [parentRow(a)] }, { table: 'wt_child', rows: [{ id: newId(), parent_id: a, note: `of ${PLACEHOLDER}` }] }],
      [{ table: 'wt_parent', rows: [parentRow(b)] }],
      [{ table: 'wt_parent', rows: [parentRow(c)] }, { table: 'wt_child', rows: [{ id: newId(), parent_id: c, note: `of ${PLACEHOLDER}` }, { id: newId(), parent_id: c, note: `also ${PLACEHOLDER}` }] }],
    ],
    ['R-3', 'R-4', 'R-5'],
  );
  const rows = await sql<{ id: string; ref: string; notes: string[] | null }>`
    SELECT p.id, p.ref, (SELECT array_agg(note ORDER BY note) FROM wt_child WHERE parent_id = p.id) AS notes FROM wt_parent p WHERE p.id IN (${a}, ${b}, ${c})`.execute(h.db);
  const by = new Map(rows.rows.map((r) => [r.id, r]));
  assert.deepEqual([by.get(a)?.ref, by.get(a)?.notes], ['R-3', ['of R-3']]);
  assert.deepEqual([by.get(b)?.ref, by.get(b)?.notes], ['R-4', null]);
  assert.deepEqual([by.get(c)?.ref, by.get(c)?.notes], ['R-5', ['also R-5', 'of R-5']]);
});

test('a table a unit has no rows for is left out of that unit only', async () => {
  const [a, b] = [newId(), newId()];
  await writeTogether(h.db, [[{ table: 'wt_parent', rows: [parentRow(a)] }, { table: 'wt_child', rows: [] }], [{ table: 'wt_parent', rows: [parentRow(b)] }, { table: 'wt_child', rows: [{ id: newId(), parent_id: b, note: `of ${PLACEHOLDER}` }] }]], ['R-9', 'R-10']);
  const refs = await sql<{ id: string; ref: string }>`SELECT id, ref FROM wt_parent WHERE id IN (${a}, ${b})`.execute(h.db);
  assert.deepEqual(Object.fromEntries(refs.rows.map((r) => [r.id, r.ref])), { [a]: 'R-9', [b]: 'R-10' });
  const notes = await sql<{ parent_id: string; note: string }>`SELECT parent_id, note FROM wt_child WHERE parent_id IN (${a}, ${b})`.execute(h.db);
  assert.deepEqual(notes.rows, [{ parent_id: b, note: 'of R-10' }]);
});

test('all or nothing: one bad row in one unit leaves no row of any unit', async () => {
  const [good, bad] = [newId(), newId()];
  await assert.rejects(
    writeTogether(
      h.db,
      [[{ table: 'wt_parent', rows: [parentRow(good)] }], [{ table: 'wt_parent', rows: [parentRow(bad)] }, { table: 'wt_child', rows: [{ id: newId(), parent_id: bad, note: 'bad' }] }]],
      ['R-6', 'R-7'],
    ),
  );
  assert.equal(await count([good, bad]), 0);
  await assert.rejects(writeTogether(h.db, [[{ table: 'wt_child', rows: [{ id: newId(), parent_id: newId(), note: 'orphan' }] }]]), /foreign key/);
});

test('a deletion rides in the same statement', async () => {
  const id = newId();
  await sql`INSERT INTO wt_parent VALUES (${id}, 'old', now(), '{}', '{}')`.execute(h.db);
  await writeTogether(h.db, [[{ table: 'wt_parent', rows: [parentRow(newId(), 'R-8')] }]], [], [sql`DELETE FROM wt_parent WHERE id = ${id}`]);
  assert.equal(await count([id]), 0);
});

test('a list travels as one parameter and comes back in order; a text that would break it is refused', async () => {
  const texts = Array.from({ length: 150 }, (_, i) => `{"i":${i},"s":"a\\u001e b , \\" [${i}]"}`);
  const back = await sql<{ t: string; k: string }>`SELECT t, k FROM ${splitSql(texts)} WITH ORDINALITY AS x(t, k)`.execute(h.db);
  assert.deepEqual(back.rows.map((r) => r.t), texts);
  assert.deepEqual(back.rows.map((r) => Number(r.k)), texts.map((_, i) => i + 1));
  assert.throws(() => splitSql(['ok', '']), /empty/);
  assert.throws(() => splitSql(['ok', 'a\u001eb']), /separator/);
});

test('an empty value is written like any other', async () => {
  const id = newId();
  await writeTogether(h.db, [[{ table: 'wt_parent', rows: [parentRow(id, `x${PLACEHOLDER}`)] }]], ['']);
  const row = await sql<{ ref: string }>`SELECT ref FROM wt_parent WHERE id = ${id}`.execute(h.db);
  assert.equal(row.rows[0]?.ref, 'x');
});
