// Log ingest end to end (issue 4): a 2,000,000-line Squid native access.log, generated from the
// real-format samples, read by `haven ingest` — parse, attribute, classify, aggregate, breach rules,
// persist (hourly counts, compressed raw blocks, alerts) — into the embedded PostgreSQL. Beside it, in
// the same run on the same file: GoAccess (Debian's `goaccess`, squid log format), the named peer, and
// a one-pass awk (the floor of reading the file at all). Aim: ≥ 5× GoAccess's lines/s, peak RSS < 256 MB.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrlFor, startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { createDb, ensureDatabase, migrate } from '../src/platform/db/index.ts';
import { buildSchool, buildTrust } from '../src/platform/testing/factories.ts';
import { CATEGORY_LISTS, generateSquidLog } from './lib/squid-log.ts';

const LINES = Number(process.env.BENCH_LINES ?? 2_000_000);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-bench-ingest-'));
const file = path.join(dir, 'access.log');

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { seconds, stdout: r.stdout, stderr: r.stderr };
}

const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
try {
  process.stdout.write(`Generating ${LINES.toLocaleString('en-GB')} lines of Squid native log…\n`);
  const bytes = await generateSquidLog(file, LINES);
  process.stdout.write(`  ${(bytes / 1048576).toFixed(0)} MiB at ${file}\n`);

  await ensureDatabase(server.url, 'haven');
  const url = databaseUrlFor(server.url, 'haven');
  const db = createDb(url, 2);
  await migrate(db);
  const trust = await buildTrust(db, 'Bench Trust');
  const school = await buildSchool(db, trust.id, 'Bench Primary');
  await db.destroy();

  // Warm the page cache so every reader starts from the same place.
  const warm = spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (warm.status !== 0) throw new Error(`cat ${file} failed (${warm.status})`);

  process.stdout.write('Running GoAccess (squid format)…\n');
  // GoAccess's predefined SQUID format expects syslog-prefixed lines; this is that format without the
  // prefix (`%x.%^ %~%L %h %^/%s %b %m %U`), which is Squid's native access.log.
  const goaccess = timed('goaccess', [
    file,
    '--no-global-config',
    '--log-format=%x.%^ %~%L %h %^/%s %b %m %U',
    '--date-format=%s',
    '--time-format=%s',
    '-o',
    path.join(dir, 'goaccess.json'),
  ]);
  const parsed = (JSON.parse(fs.readFileSync(path.join(dir, 'goaccess.json'), 'utf8')) as { general: { valid_requests: number } }).general.valid_requests;
  if (parsed !== LINES) throw new Error(`GoAccess parsed ${parsed} lines, not ${LINES}: check its log format`);
  process.stdout.write('Running a one-pass awk (count per status)…\n');
  const awk = timed('awk', ['{ n[$4]++ } END { for (k in n) print k, n[k] }', file]);

  // An untimed first run on a few lines, into another school and data folder: the command then starts
  // as on any machine where Haven has run before (Node's compile cache is warm), while the timed run
  // still builds the category table from the lists, as after a change of lists.
  const warmSchool = await (async () => {
    const d = createDb(url, 1);
    try {
      return await buildSchool(d, trust.id, 'Warm-up Primary');
    } finally {
      await d.destroy();
    }
  })();
  const warmFile = path.join(dir, 'warm.log');
  const head = Buffer.alloc(200_000);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  fs.writeFileSync(warmFile, head.subarray(0, head.lastIndexOf(10) + 1));
  timed(path.join(root, 'bin/haven'), ['ingest', '--school', warmSchool.id, '--format', 'squid', '--categories', CATEGORY_LISTS, warmFile], {
    ...process.env,
    DATABASE_URL: url,
    HAVEN_DATA_DIR: path.join(dir, 'warm-data'),
  });

  process.stdout.write('Running haven ingest…\n');
  // The real command, as an IT provider runs it (bin/haven picks the Node.js flags for `ingest`). Its
  // data folder is new, so the category table is built from the lists (on a thread of its own).
  const haven = timed(
    path.join(root, 'bin/haven'),
    ['ingest', '--school', school.id, '--format', 'squid', '--categories', CATEGORY_LISTS, file],
    { ...process.env, DATABASE_URL: url, HAVEN_DATA_DIR: path.join(dir, 'data') },
  );
  const summary = JSON.parse(haven.stdout) as { lines: number; events: number; seconds: number; alerts: { created: number; folded: number }; malformed: { total: number }; peakRssMiB: number };
  const peakKib = summary.peakRssMiB * 1024;
  if (summary.lines !== LINES) throw new Error(`haven ingest read ${summary.lines} lines, not ${LINES}`);

  const rate = (s: number) => LINES / s;
  const row = (name: string, s: number, extra = '') =>
    `${name.padEnd(38)} ${s.toFixed(2).padStart(8)} s ${Math.round(rate(s)).toLocaleString('en-GB').padStart(12)} lines/s ${(rate(s) / rate(goaccess.seconds)).toFixed(2).padStart(7)}× ${extra}`;
  process.stdout.write(
    [
      '',
      `${'Reader'.padEnd(38)} ${'time'.padStart(10)} ${'rate'.padStart(20)} ${'÷ GoAccess'.padStart(8)}`,
      row('GoAccess 1.7 (peer)', goaccess.seconds),
      row('awk one pass (floor)', awk.seconds),
      row('haven ingest (whole command)', haven.seconds, `peak RSS ${(peakKib / 1024).toFixed(0)} MiB`),
      row('haven ingest (the run itself)', summary.seconds, `${summary.events} events, ${summary.malformed.total} malformed, ${summary.alerts.created} alerts (+${summary.alerts.folded} folded)`),
      '',
      `Aim: ≥ 5× GoAccess (${(rate(haven.seconds) / rate(goaccess.seconds)).toFixed(2)}× whole command) and peak RSS < 256 MB (${((peakKib * 1024) / 1e6).toFixed(0)} MB = ${(peakKib / 1024).toFixed(0)} MiB): ${
        rate(haven.seconds) / rate(goaccess.seconds) >= 5 && (peakKib * 1024) / 1e6 < 256 ? 'met' : 'NOT met'
      }.`,
      `Haven takes ${(haven.seconds / awk.seconds).toFixed(1)}× the time of a one-pass awk over the same file.`,
      '',
    ].join('\n'),
  );
} finally {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
