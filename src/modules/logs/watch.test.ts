import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { newId } from '../../platform/ids.ts';
import { buildSchool, buildTrust } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { lastLineEnd, watchAll, watchFolder } from './watch.ts';

let h: TestHaven;
let dir: string;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-watch-'));
  h = await testHaven({ HAVEN_LOG_WATCH_DIR: dir });
});
after(async () => {
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0) / 1000;
const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `${(T0 + from + i).toFixed(3)}     10 10.0.0.${(from + i) % 250} TCP_MISS/200 512 GET http://site${from + i}.test/ - HIER_DIRECT/192.0.2.1 text/html\n`).join('');

async function counted(trustId: string): Promise<number> {
  const r = await h.db.selectFrom('log_hourly').select((eb) => eb.fn.sum<string>('events').as('n')).where('trust_id', '=', trustId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

test('a watched folder is read once: new lines, a partial last line, rotation by rename, copytruncate and a restart never count a line twice', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const folder = path.join(dir, 'proxy');
  fs.mkdirSync(folder);
  await h.db
    .insertInto('log_sources')
    .values({ trust_id: trust.id, id: newId(), school_id: school.id, name: 'Proxy', format: 'squid', options: '{}', watch_path: 'proxy', created_at: h.clock.now(), created_by: 'test' })
    .execute();
  const live = path.join(folder, 'access.log');

  fs.writeFileSync(live, lines(0, 100));
  await watchAll(h);
  assert.equal(await counted(trust.id), 100);

  // Nothing new: nothing read.
  assert.deepEqual(await watchAll(h), []);

  // New lines and a line still being written: only complete lines count.
  const partial = lines(100, 1);
  fs.appendFileSync(live, lines(100, 50) + partial.slice(0, 30));
  await watchAll(h);
  assert.equal(await counted(trust.id), 150);
  fs.appendFileSync(live, partial.slice(30));
  await watchAll(h);
  assert.equal(await counted(trust.id), 151);

  // Rotation by rename: the old file keeps its place (same inode), the new file starts at 0.
  fs.renameSync(live, path.join(folder, 'access.log.1'));
  fs.appendFileSync(path.join(folder, 'access.log.1'), lines(500, 5)); // written just before the switch
  fs.writeFileSync(live, lines(1000, 20));
  // A compressed copy of old lines is never read again.
  fs.writeFileSync(path.join(folder, 'access.log.2.gz'), 'not read');
  await watchAll(h);
  assert.equal(await counted(trust.id), 176);

  // A restart: offsets come from the database, so a new pass reads nothing twice.
  const again = await watchAll(h);
  assert.deepEqual(again, []);

  // copytruncate: the same inode, emptied and written again from the start.
  fs.truncateSync(live, 0);
  fs.writeFileSync(live, lines(2000, 7));
  await watchAll(h);
  assert.equal(await counted(trust.id), 183);

  const offsets = await h.db.selectFrom('log_file_offsets').selectAll().where('trust_id', '=', trust.id).execute();
  assert.equal(offsets.length, 2);
  assert.ok(offsets.some((o) => o.path === live && Number(o.read_to) === fs.statSync(live).size));
});

test('a watch path is taken under the watch root and may not leave it', async () => {
  assert.equal(watchFolder('/srv/logs', 'proxy'), '/srv/logs/proxy');
  assert.equal(watchFolder('/srv/logs', 'school-a/dns'), '/srv/logs/school-a/dns');
  assert.equal(watchFolder('/srv/logs', '../etc'), null);
  assert.equal(watchFolder('/srv/logs', '/etc'), null);
  assert.equal(watchFolder('/srv/logs', '.'), null);
  // A source pointing outside the root is never read.
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  await h.db
    .insertInto('log_sources')
    .values({ trust_id: trust.id, id: newId(), school_id: school.id, name: 'Escape', format: 'squid', options: '{}', watch_path: '..', created_at: h.clock.now(), created_by: 'test' })
    .execute();
  const got = await watchAll(h);
  assert.ok(got.every((r) => r.source !== 'Escape'));
});

test('lastLineEnd finds the end of the last complete line, across its 64 KiB steps', () => {
  const f = path.join(dir, 'long.txt');
  fs.writeFileSync(f, `${'a'.repeat(100)}\n${'b'.repeat(200_000)}`);
  assert.equal(lastLineEnd(f, 0, fs.statSync(f).size), 101);
  assert.equal(lastLineEnd(f, 101, fs.statSync(f).size), 101, 'no complete line after the offset');
});
