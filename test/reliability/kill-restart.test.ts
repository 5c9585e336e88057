// Haven killed with SIGKILL loses no acknowledged write, and its orphaned embedded PostgreSQL is
// stopped or reused on the next start: never two servers on one data folder. A second Haven on a
// live data folder refuses; a production start without safe secrets refuses before any database.
// Real processes throughout: the pinned node binary runs `src/cli.ts serve` directly.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  api,
  cleanUp,
  type HavenProcess,
  havenEnv,
  isAlive,
  postmastersOn,
  recordedPostmaster,
  runServeToExit,
  signIn,
  startHaven,
  waitFor,
} from './haven-process.ts';

const OFFICE = 'office.alderbrook@riverside.example';
const PASSPHRASE = 'river otter lantern meadow';
const WRITES = 50;

let dataDir: string;
let pgDir: string;
const started: HavenProcess[] = [];
let survivor: HavenProcess | null = null;

before(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-kill-'));
  pgDir = path.join(dataDir, 'pg');
});

after(async () => {
  await cleanUp(dataDir, started);
  assert.deepEqual(postmastersOn(pgDir), [], 'a postgres was left running after the tests');
});

async function start(): Promise<HavenProcess> {
  const h = await startHaven(dataDir);
  started.push(h);
  return h;
}

async function officeSchool(baseUrl: string) {
  const session = await signIn(baseUrl, OFFICE, PASSPHRASE);
  const res = await api(baseUrl, session, 'GET', '/schools');
  assert.equal(res.status, 200);
  const { schools } = (await res.json()) as { schools: { id: string }[] };
  assert.equal(schools.length, 1, 'the office login sees exactly its own school');
  return { session, schoolId: schools[0]!.id };
}

test('SIGKILL loses no acknowledged write; the orphaned postgres is stopped, never doubled', { timeout: 240_000 }, async () => {
  const first = await start();
  const { session, schoolId } = await officeSchool(first.baseUrl);

  const acknowledged: string[] = [];
  const create = (n: number) =>
    api(first.baseUrl, session, 'POST', `/schools/${schoolId}/people`, { kind: 'staff', givenName: `Kill${n}`, familyName: 'Restart' });
  for (let n = 0; n < WRITES; n++) {
    const res = await create(n);
    assert.equal(res.status, 201, await res.clone().text());
    acknowledged.push(((await res.json()) as { id: string }).id);
  }
  // One more write in flight as the process dies: it may or may not land, but if it was answered
  // 201 it was acknowledged and must survive too.
  const inFlight = create(WRITES).then(
    async (res) => (res.status === 201 ? ((await res.json()) as { id: string }).id : null),
    () => null,
  );
  const orphan = recordedPostmaster(dataDir);
  assert.ok(orphan, 'Haven recorded no postmaster pid');
  assert.deepEqual(postmastersOn(pgDir), [orphan], 'one postmaster before the kill');

  process.kill(first.pid, 'SIGKILL');
  const exit = await first.exited;
  assert.equal(exit.signal, 'SIGKILL', 'the node process itself was killed');
  const late = await inFlight;
  if (late) acknowledged.push(late);

  assert.ok(isAlive(orphan), 'the embedded postgres outlives a SIGKILLed Haven (the orphan this test is about)');
  assert.deepEqual(postmastersOn(pgDir), [orphan]);

  const second = await start();
  survivor = second;
  const postmasters = postmastersOn(pgDir);
  assert.equal(postmasters.length, 1, `exactly one postmaster on ${pgDir}, found ${postmasters.join(', ')}`);
  if (postmasters[0] !== orphan) {
    // pg_ctl stop -w returns once the pid file is gone; the process itself ends a moment later.
    await waitFor(() => !isAlive(orphan), 10_000, `the orphaned postmaster ${orphan} to end`);
  }
  assert.equal(recordedPostmaster(dataDir), postmasters[0], 'postmaster.pid names the running server');
  assert.match(second.output(), new RegExp(`left running \\(pid ${orphan}\\)`), 'the restart says it found the orphan');

  const again = await officeSchool(second.baseUrl);
  const missing: string[] = [];
  for (const id of acknowledged) {
    const res = await api(second.baseUrl, again.session, 'GET', `/people/${id}`);
    if (res.status !== 200) missing.push(`${id} → ${res.status}`);
    else assert.equal(((await res.json()) as { id: string }).id, id);
  }
  assert.deepEqual(missing, [], `acknowledged writes lost after SIGKILL (${acknowledged.length} acknowledged)`);
  assert.ok(acknowledged.length >= WRITES);

  // Checked after the restart too: the demo seed did not run twice over the surviving data.
  const list = await api(second.baseUrl, again.session, 'GET', `/schools/${schoolId}/people?q=Restart&kind=staff&limit=200`);
  assert.equal(list.status, 200);
  assert.equal(((await list.json()) as { total: number }).total, acknowledged.length);
});

test('a second Haven on a live data folder refuses with "already running"; the first keeps serving', { timeout: 120_000 }, async () => {
  const first = survivor ?? (await start());
  survivor = first;
  const postmaster = recordedPostmaster(dataDir);

  const second = await runServeToExit(havenEnv(dataDir));
  assert.notEqual(second.code, 0, second.output);
  assert.equal(second.signal, null, 'it exited by itself, it was not killed by the timeout');
  assert.match(second.output, /already running/);
  assert.match(second.output, new RegExp(`pid ${first.pid}\\b`), 'it names the Haven that holds the folder');

  const health = await fetch(`${first.baseUrl}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(first.child.exitCode, null, 'the first Haven is still running');
  assert.deepEqual(postmastersOn(pgDir), [postmaster], 'the refused start did not touch the database server');
  assert.equal(fs.readFileSync(path.join(dataDir, 'haven.pid'), 'utf8'), String(first.pid), 'the lock still names the first Haven');
});

test('production without HAVEN_SESSION_SECRET refuses before creating any data folder or database', { timeout: 60_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-prod-'));
  try {
    const fresh = path.join(root, 'data');
    const res = await runServeToExit(havenEnv(fresh, { NODE_ENV: 'production' }));
    assert.equal(res.code, 1, res.output);
    assert.match(res.output, /HAVEN_SESSION_SECRET/);
    assert.match(res.output, /HAVEN_EVIDENCE_KEY/);
    assert.doesNotMatch(res.output, /Starting Haven's own PostgreSQL/);
    assert.equal(fs.existsSync(fresh), false, 'the data folder was created');
    assert.deepEqual(postmastersOn(path.join(fresh, 'pg')), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('production with a key file other users can read refuses and says chmod 600', { timeout: 60_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-prod-'));
  try {
    const fresh = path.join(root, 'data');
    const keyFile = path.join(root, 'keys.json');
    // Valid keys, so the file's mode is the only thing wrong with it.
    const key = Buffer.alloc(32, 7).toString('base64');
    fs.writeFileSync(keyFile, JSON.stringify({ sessionSecret: key, evidenceKey: key }));
    fs.chmodSync(keyFile, 0o644);
    const res = await runServeToExit(havenEnv(fresh, { NODE_ENV: 'production', HAVEN_KEY_FILE: keyFile }));
    assert.equal(res.code, 1, res.output);
    assert.match(res.output, new RegExp(`chmod 600 ${keyFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(res.output, /mode 644/);
    assert.equal(fs.existsSync(fresh), false, 'the data folder was created');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
