import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { newId } from '../ids.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { CopyRow, copyRows } from './copy-binary.ts';
import { clientTransaction } from './index.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
  await sql`CREATE TABLE cb_rows (id uuid PRIMARY KEY, n integer NOT NULL CHECK (n <> 13), at timestamptz, label text NOT NULL, data bytea NOT NULL)`.execute(h.db);
});
after(() => h.close());

const COLUMNS = ['id', 'n', 'at', 'label', 'data'];
const rowsOf = (ids: string[]) =>
  sql<{ id: string; n: number; at: Date | null; label: string; data: Buffer }>`SELECT * FROM cb_rows WHERE id = ANY(${ids}::uuid[]) ORDER BY n`.execute(h.db).then((r) => r.rows);

test('rows streamed by binary COPY come back with every type as written', async () => {
  const [a, b] = [newId(), newId()];
  const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
  const at = Date.UTC(2026, 10, 23, 9, 30, 15, 123);
  await clientTransaction(h.db, (client) =>
    copyRows(client, 'cb_rows', COLUMNS, [
      new CopyRow(5).uuid(a).int4(-2147483648).timestamptz(at).text('Zoë ✓ — "quoted"').bytea(bytes),
      new CopyRow(5).uuid(b).int4(2147483647).timestamptz(null).text('').bytea(new Uint8Array(0)),
    ]),
  );
  const [first, second] = await rowsOf([a, b]);
  assert.deepEqual([first?.id, first?.n, first?.at?.getTime(), first?.label], [a, -2147483648, at, 'Zoë ✓ — "quoted"']);
  assert.ok(first?.data.equals(bytes));
  assert.deepEqual([second?.id, second?.n, second?.at, second?.label, second?.data.length], [b, 2147483647, null, '', 0]);
});

test('a row the server refuses fails the COPY and its transaction: nothing is kept', async () => {
  const [good, bad] = [newId(), newId()];
  await assert.rejects(
    clientTransaction(h.db, (client) =>
      copyRows(client, 'cb_rows', COLUMNS, [new CopyRow(5).uuid(good).int4(1).timestamptz(0).text('ok').bytea(Buffer.from('x')), new CopyRow(5).uuid(bad).int4(13).timestamptz(0).text('bad').bytea(Buffer.from('y'))]),
    ),
    /check constraint/,
  );
  assert.equal((await rowsOf([good, bad])).length, 0);
});

test('values that cannot be encoded are refused before anything is sent', () => {
  assert.throws(() => new CopyRow(1).uuid('not-a-uuid'), /not a uuid/);
  assert.throws(() => new CopyRow(1).int4(2 ** 31), /32-bit/);
  assert.throws(() => new CopyRow(1).timestamptz(Number.NaN), /not a time/);
});
