import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync, gunzipSync } from 'node:zlib';
import pg from 'pg';
import { audit, verifyChains } from '../audit/service.ts';
import { SYSTEM_ACTOR } from '../context.ts';
import { buildPupil, buildSchool, buildTrust, buildUser, signIn } from '../testing/factories.ts';
import { type TestHaven, testDatabase, testHaven } from '../testing/harness.ts';
import { RestoreError, restoreBackup, writeBackup } from './backup.ts';

let h: TestHaven;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-backup-'));
const file = path.join(dir, 'haven.backup');

/** Every row of every application table, in a stable order, as JSON text. */
async function snapshot(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'haven_migrations%' ORDER BY 1`,
    );
    const out: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const rows = await client.query(`SELECT to_jsonb(t)::text AS j FROM "${name}" t ORDER BY 1`);
      out[name] = rows.rows.map((r) => r.j).join('\n');
    }
    return out;
  } finally {
    await client.end();
  }
}

before(async () => {
  h = await testHaven();
  const trust = await buildTrust(h.db, 'Backup Trust, "quoted" \\ and tab\there');
  const school = await buildSchool(h.db, trust.id);
  for (let i = 0; i < 25; i++) await buildPupil(h.db, trust.id, school.id, { given_name: i === 0 ? 'Line\nbreak' : `Pupil${i}` });
  const user = await buildUser(h.db, trust.id, school.id, ['teacher']);
  await signIn(h.app, user.email); // writes sessions and audit events
  await writeBackup(h.url, fs.createWriteStream(file), h.clock.now());
});
after(async () => {
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('backup then restore into an empty database gives back identical rows and an intact audit chain', async () => {
  const target = await testDatabase();
  try {
    const result = await restoreBackup(target.url, fs.createReadStream(file));
    assert.ok((result.tables.people ?? 0) >= 26);
    assert.deepEqual(await snapshot(target.url), await snapshot(h.url));
    // The restored Haven carries on: new audit events follow the restored ones in the same chain.
    const trustId = (await target.db.selectFrom('trusts').select('id').executeTakeFirstOrThrow()).id;
    await target.db.transaction().execute((tx) => audit(tx, h, SYSTEM_ACTOR, { trustId, action: 'test.after_restore', recordType: 'thing' }));
    const chains = await verifyChains(target.db);
    assert.ok(chains.length > 0);
    assert.ok(chains.every((c) => c.broken === null));
  } finally {
    await target.drop();
  }
});

test('restore refuses a database that already holds rows, and changes nothing there', async () => {
  const target = await testDatabase();
  try {
    await buildTrust(target.db, 'Already here');
    const before = await snapshot(target.url);
    await assert.rejects(restoreBackup(target.url, fs.createReadStream(file)), (e: Error) => e instanceof RestoreError && /not empty/.test(e.message));
    assert.deepEqual(await snapshot(target.url), before);
  } finally {
    await target.drop();
  }
});

test('a cut-short or altered backup restores nothing', async () => {
  const text = gunzipSync(fs.readFileSync(file)).toString('utf8');
  const lines = text.split('\n');
  const cut = path.join(dir, 'cut.backup');
  fs.writeFileSync(cut, gzipSync(lines.slice(0, Math.floor(lines.length * 0.6)).join('\n')));
  const altered = path.join(dir, 'altered.backup');
  // drop one pupil row: the trailer's row count no longer matches
  const pupilLine = lines.findIndex((l) => l.includes('Pupil7'));
  fs.writeFileSync(altered, gzipSync(lines.filter((_, i) => i !== pupilLine).join('\n')));
  for (const bad of [cut, altered]) {
    const target = await testDatabase();
    try {
      await assert.rejects(restoreBackup(target.url, fs.createReadStream(bad)), RestoreError);
      const count = await target.db.selectFrom('people').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 0);
    } finally {
      await target.drop();
    }
  }
});

test('a file that is not a Haven backup gets a clear error', async () => {
  const junk = path.join(dir, 'junk.backup');
  fs.writeFileSync(junk, 'not gzip at all');
  const target = await testDatabase();
  try {
    await assert.rejects(restoreBackup(target.url, fs.createReadStream(junk)), /not a Haven backup|damaged/);
  } finally {
    await target.drop();
  }
});
