import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testDatabase } from '../testing/harness.ts';
import { MAX_PER_CONNECTION, PreparingClient } from './prepared-client.ts';

let database: Awaited<ReturnType<typeof testDatabase>>;
let client: PreparingClient;
before(async () => {
  database = await testDatabase();
  client = new PreparingClient({ connectionString: database.url });
  await client.connect();
});
after(async () => {
  await client.end();
  await database.drop();
});

const prepared = async () => Number((await client.query('SELECT count(*) AS n FROM pg_prepared_statements')).rows[0].n);

test('a parameterised query is prepared once on its connection and reused; one without parameters is not', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await client.query('SELECT $1::int + 1 AS v', [i])).rows[0].v, i + 1);
  assert.equal(await prepared(), 1);
  await client.query('SELECT 42');
  assert.equal(await prepared(), 1);
});

test('a connection prepares at most its limit; further texts still run, unnamed', async () => {
  for (let i = 0; i < MAX_PER_CONNECTION + 5; i++) {
    assert.equal((await client.query(`SELECT $1::int + ${i} AS v`, [1])).rows[0].v, 1 + i);
  }
  assert.equal(await prepared(), MAX_PER_CONNECTION);
});
