import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { zstdDecompressSync } from 'node:zlib';
import { SYSTEM_ACTOR } from '../../../platform/context.ts';
import { buildPerson, buildPupil, buildSchool, buildTrust } from '../../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../../platform/testing/harness.ts';
import { IngestFailed, ingest } from './ingest.ts';
import { lineChunks } from './pipeline.ts';

let h: TestHaven;
let lists: string;
before(async () => {
  h = await testHaven();
  // Category lists with known ground truth, in the UT1 layout.
  lists = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-lists-'));
  const list = (name: string, domains: string[]) => {
    fs.mkdirSync(path.join(lists, name));
    fs.writeFileSync(path.join(lists, name, 'domains'), `${domains.join('\n')}\n`);
    fs.writeFileSync(path.join(lists, name, 'usage'), 'black\n');
  };
  list('self_harm', ['harm.example']);
  list('vpn', ['tunnel.example']);
  list('games', ['play.example']);
});
after(async () => {
  await h.close();
  fs.rmSync(lists, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0) / 1000; // 09:00 UTC
const line = (sec: number, ip: string, code: string, url: string, user = '-', method = 'GET') =>
  `${(T0 + sec).toFixed(3)}    120 ${ip} ${code} 2048 ${method} ${url} ${user} HIER_DIRECT/192.0.2.10 text/html`;

async function world() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const amara = await buildPupil(h.db, trust.id, school.id, { given_name: 'Amara', family_name: 'Whitlock', year_group: '4', email: 'amara.w@pupils.example.test' });
  const bob = await buildPerson(h.db, trust.id, { school_id: school.id, kind: 'staff', given_name: 'Bob', family_name: 'Hale', email: 'bob.hale@example.test' });
  return { trust, school, amara, bob };
}

const run = (w: Awaited<ReturnType<typeof world>>, text: string, chunkBytes?: number) =>
  ingest(h, SYSTEM_ACTOR, {
    trustId: w.trust.id,
    schoolId: w.school.id,
    format: 'squid',
    name: 'access.log',
    origin: 'cli',
    source: Readable.from([Buffer.from(text)]),
    categoryDirs: [lists],
    ...(chunkBytes ? { workers: 2 } : {}),
  });

test('a log is parsed, attributed, classified, counted per hour and group, kept raw, and raises exactly the alerts its rules call for', async () => {
  const w = await world();
  const lines: string[] = [];
  // Ordinary browsing by Amara (user field names her) and by an unknown device.
  for (let i = 0; i < 30; i++) lines.push(line(i * 10, '10.0.0.5', 'TCP_MISS/200', `http://www.bbc.co.uk/news/${i}`, 'SCHOOL\\amara.w'));
  for (let i = 0; i < 10; i++) lines.push(line(400 + i, '10.0.0.99', 'TCP_MISS/200', 'http://play.example/level1'));
  // One self-harm page Amara reached (allowed): a high alert even though nothing blocked it.
  lines.push(line(500, '10.0.0.5', 'TCP_MISS/200', 'http://www.harm.example/story', 'amara.w@pupils.example.test'));
  // A proxy attempt from an unknown device: filter bypass, medium.
  lines.push(line(600, '10.0.0.77', 'TCP_DENIED/403', 'tunnel.example:443', '-', 'CONNECT'));
  // 20 blocks by Bob within 5 minutes: a burst (the default rule is 20 in 5).
  for (let i = 0; i < 20; i++) lines.push(line(700 + i * 10, '10.0.1.2', 'TCP_DENIED/403', `http://blocked${i}.test/`, 'bob.hale'));
  // Garbage: the run counts it by reason and goes on.
  lines.push('this is not a squid line');
  lines.push('notatime 12 10.0.0.1 TCP_MISS/200 1 GET http://x.test/ - HIER_NONE/- -');
  const text = `${lines.join('\n')}\n`;

  const s = await run(w, text);
  assert.equal(s.lines, 64);
  assert.equal(s.events, 62);
  assert.equal(s.malformed.total, 2);
  assert.deepEqual(s.malformed.byReason, { 'bad time': 2 });
  assert.equal(s.malformed.samples[0]?.line, 'this is not a squid line');
  assert.equal(s.bytes, Buffer.byteLength(text));

  const hourly = await h.db.selectFrom('log_hourly').selectAll().where('trust_id', '=', w.trust.id).where('school_id', '=', w.school.id).execute();
  const count = (f: (r: (typeof hourly)[number]) => boolean) => hourly.filter(f).reduce((a, r) => a + Number(r.events), 0);
  assert.equal(count(() => true), 62, 'every event is counted once');
  assert.equal(count((r) => r.user_group === 'year-4'), 31, "Amara's lines count under her year group");
  assert.equal(count((r) => r.user_group === 'staff' && r.action === 'blocked'), 20);
  assert.equal(count((r) => r.category === 'self_harm'), 1);
  assert.equal(count((r) => r.category === 'games'), 10);
  assert.equal(count((r) => r.category === 'proxies_vpns' && r.action === 'blocked'), 1);
  assert.ok(hourly.every((r) => r.hour.getTime() === Date.UTC(2026, 10, 23, 9)), 'all in the 09:00 UTC hour');

  const alerts = await h.db.selectFrom('log_alerts').selectAll().where('trust_id', '=', w.trust.id).orderBy('first_at').execute();
  assert.deepEqual(
    alerts.map((a) => [a.rule, a.priority, a.person_id]),
    [
      ['harmful_content', 'high', w.amara.id],
      ['filter_bypass', 'medium', null],
      ['blocked_burst', 'medium', w.bob.id],
    ],
  );
  assert.ok(alerts.every((a) => a.why.length > 10));

  // The raw lines are kept, compressed, and come back byte for byte.
  const blocks = await h.db.selectFrom('log_event_blocks').selectAll().where('trust_id', '=', w.trust.id).where('run_id', '=', s.runId).orderBy('seq').execute();
  assert.equal(Buffer.concat(blocks.map((b) => zstdDecompressSync(b.data))).toString(), text);
  assert.equal(blocks[0]?.first_at?.getTime(), T0 * 1000);

  const runRow = await h.db.selectFrom('log_ingest_runs').selectAll().where('trust_id', '=', w.trust.id).where('id', '=', s.runId).executeTakeFirstOrThrow();
  assert.equal(runRow.status, 'done');
  assert.equal(Number(runRow.lines), 64);
  assert.equal(runRow.alerts_created, 3);
  const audits = await h.db.selectFrom('audit_events').select('action').where('trust_id', '=', w.trust.id).where('record_id', '=', s.runId).execute();
  assert.deepEqual(audits.map((a) => a.action).sort(), ['alerts.raise', 'logs.ingest_done', 'logs.ingest_start']);

  // The same alerts do not fire twice when the same lines come again: they fold into the open alerts.
  const again = await run(w, text);
  assert.deepEqual(again.alerts, { created: 0, folded: 3 });
});

test('19 blocks in 5 minutes is not a burst; allowed social media and ordinary browsing raise nothing', async () => {
  const w = await world();
  const lines: string[] = [];
  for (let i = 0; i < 19; i++) lines.push(line(i * 10, '10.0.1.2', 'TCP_DENIED/403', `http://blocked${i}.test/`, 'bob.hale'));
  for (let i = 0; i < 50; i++) lines.push(line(300 + i, '10.0.0.5', 'TCP_MISS/200', 'http://play.example/', 'amara.w'));
  const s = await run(w, `${lines.join('\n')}\n`);
  assert.equal(s.events, 69);
  assert.deepEqual(s.alerts, { created: 0, folded: 0 });
});

test('a 1% garbage mix ingests the rest, split over chunks and both workers, counting each bad line once', async () => {
  const w = await world();
  const lines: string[] = [];
  for (let i = 0; i < 4000; i++) {
    if (i % 100 === 7) lines.push(i % 200 === 7 ? '#### corrupted ####' : `${T0 + i} 1`);
    else lines.push(line(i, `10.0.2.${i % 200}`, 'TCP_MISS/200', `http://site${i % 37}.test/page`));
  }
  const text = `${lines.join('\n')}\n`;
  const s = await ingest(h, SYSTEM_ACTOR, {
    trustId: w.trust.id,
    schoolId: w.school.id,
    format: 'squid',
    name: 'garbage.log',
    origin: 'cli',
    source: Readable.from([Buffer.from(text)]),
    categoryDirs: [lists],
    workers: 2,
  });
  assert.equal(s.lines, 4000);
  assert.equal(s.malformed.total, 40);
  assert.deepEqual(s.malformed.byReason, { 'bad time': 20, 'too few fields': 20 });
  assert.equal(s.events, 3960);
  const total = await h.db.selectFrom('log_hourly').select((eb) => eb.fn.sum<string>('events').as('n')).where('trust_id', '=', w.trust.id).executeTakeFirstOrThrow();
  assert.equal(Number(total.n), 3960);
});

test('a file that fails part-way keeps nothing (its checkpointed counts and raw lines are taken back); a watched file keeps what it committed', async () => {
  const w = await world();
  const good = Array.from({ length: 400 }, (_, i) => line(i, '10.0.0.5', 'TCP_MISS/200', `http://www.bbc.co.uk/${i}`)).join('\n');
  async function* breaksHalfWay() {
    for (let i = 0; i < good.length; i += 2000) yield Buffer.from(good.slice(i, i + 2000));
    throw new Error('the connection dropped');
  }
  const attempt = (origin: 'upload' | 'watch') =>
    ingest(h, SYSTEM_ACTOR, {
      trustId: w.trust.id,
      schoolId: w.school.id,
      format: 'squid',
      name: `${origin}.log`,
      origin,
      source: breaksHalfWay(),
      categoryDirs: [lists],
      workers: 1,
      chunkBytes: 4096,
      checkpointEvery: 2,
    });
  const failed = await attempt('upload').catch((e: unknown) => e);
  assert.ok(failed instanceof IngestFailed);
  assert.match(failed.message, /connection dropped/);
  const run = await h.db.selectFrom('log_ingest_runs').selectAll().where('trust_id', '=', w.trust.id).where('id', '=', failed.runId).executeTakeFirstOrThrow();
  assert.equal(run.status, 'failed');
  assert.match(run.error ?? '', /nothing from this run is kept/);
  assert.ok(Number(run.lines) > 0, 'checkpoints had been written before the failure');
  const left = await h.db.selectFrom('log_hourly').select('run_id').where('trust_id', '=', w.trust.id).where('run_id', '=', failed.runId).execute();
  assert.equal(left.length, 0);
  const blocks = await h.db.selectFrom('log_event_blocks').select('id').where('trust_id', '=', w.trust.id).where('run_id', '=', failed.runId).execute();
  assert.equal(blocks.length, 0);

  const watched = await attempt('watch').catch((e: unknown) => e);
  assert.ok(watched instanceof IngestFailed);
  const kept = await h.db.selectFrom('log_hourly').select((eb) => eb.fn.sum<string>('events').as('n')).where('trust_id', '=', w.trust.id).where('run_id', '=', watched.runId).executeTakeFirstOrThrow();
  assert.ok(Number(kept.n) > 0, 'a watched file keeps what it committed');
});

test('chunks end at line ends whatever the stream pieces are', async () => {
  const text = Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n');
  const pieces = [];
  for (let i = 0; i < text.length; i += 97) pieces.push(Buffer.from(text.slice(i, i + 97)));
  const chunks: string[] = [];
  for await (const c of lineChunks(Readable.from(pieces), 1000)) chunks.push(Buffer.from(c).toString());
  assert.equal(chunks.join(''), text);
  assert.ok(chunks.length > 5);
  assert.ok(chunks.slice(0, -1).every((c) => c.endsWith('\n')));
});
