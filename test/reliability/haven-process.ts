// Real Haven processes for reliability tests and benchmarks: start `serve` on a data folder, talk to
// it over HTTP, and look at the processes it leaves behind through /proc (Linux only).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The pinned Node binary itself (not a shell or npm wrapper), so a child's pid is Haven's pid. */
export const NODE = fs.existsSync(path.join(ROOT, 'node_modules/node/bin/node')) ? path.join(ROOT, 'node_modules/node/bin/node') : process.execPath;

const CLI = path.join(ROOT, 'src/cli.ts');

/** The environment of a demo-mode `serve` on dataDir: no inherited database, mode or secrets. */
export function havenEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'NODE_ENV', 'HAVEN_SESSION_SECRET', 'HAVEN_EVIDENCE_KEY', 'HAVEN_KEY_FILE', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS']) {
    delete env[key];
  }
  return { ...env, HAVEN_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...extra };
}

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export type HavenProcess = {
  pid: number;
  child: ChildProcess;
  baseUrl: string;
  /** Milliseconds from spawn until the "Haven is running" line. */
  readyMs: number;
  output(): string;
  exited: Promise<Exit>;
  /** SIGTERM and wait: Haven then stops its embedded server itself. */
  stop(timeoutMs?: number): Promise<Exit>;
};

function watch(child: ChildProcess) {
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { output: () => out, exited };
}

export async function startHaven(dataDir: string, extraEnv: Record<string, string> = {}, timeoutMs = 120_000): Promise<HavenProcess> {
  const t0 = performance.now();
  const child = spawn(NODE, [CLI, 'serve'], { cwd: ROOT, env: havenEnv(dataDir, extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  const { output, exited } = watch(child);
  const pid = child.pid;
  if (!pid) throw new Error('Haven did not spawn');
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Haven is running at http:\/\/[^:]+:(\d+)/.exec(output());
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      } else if (performance.now() - t0 > timeoutMs) {
        clearInterval(timer);
        child.kill('SIGKILL');
        reject(new Error(`Haven did not start within ${timeoutMs} ms:\n${output()}`));
      }
    }, 20);
    void exited.then((e) => {
      clearInterval(timer);
      reject(new Error(`Haven exited (${e.code ?? e.signal}) before it was ready:\n${output()}`));
    });
  });
  const readyMs = performance.now() - t0;
  return {
    pid,
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    readyMs,
    output,
    exited,
    async stop(stopTimeoutMs = 60_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      const e = await exited;
      clearTimeout(timer);
      return e;
    },
  };
}

/** Runs `haven serve` expecting it to end by itself (a refusal); kills it after timeoutMs. */
export async function runServeToExit(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Exit & { output: string }> {
  const child = spawn(NODE, [CLI, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const { output, exited } = watch(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const e = await exited;
  clearTimeout(timer);
  return { ...e, output: output() };
}

// ---- HTTP ----

export type Session = { cookie: string; csrf: string };

export async function signIn(baseUrl: string, email: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${email} answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('haven_session='));
  if (!cookie) throw new Error('sign-in set no haven_session cookie');
  return { cookie, csrf: body.csrfToken };
}

export function api(baseUrl: string, session: Session, method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api/v1${url}`, {
    method,
    headers: {
      cookie: session.cookie,
      ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrf }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// ---- /proc ----

/** A running process: exists and is not a zombie waiting for its (re)parent to reap it. */
export function isAlive(pid: number): boolean {
  const stat = readProc(pid, 'stat');
  if (stat === null) return false;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function pids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

function readProc(pid: number, file: string): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null; // the process ended while we looked
  }
}

/** Postmasters serving this cluster folder: processes whose arguments hold `-D <pgDir>`. */
export function postmastersOn(pgDir: string): number[] {
  const want = path.resolve(pgDir);
  return pids().filter((pid) => {
    const args = readProc(pid, 'cmdline')?.split('\0') ?? [];
    const i = args.indexOf('-D');
    return i >= 0 && path.resolve(args[i + 1] ?? '') === want && !/\bpg_ctl$/.test(args[0] ?? '');
  });
}

/** The postmaster pid recorded in <dataDir>/pg/postmaster.pid, if the file exists. */
export function recordedPostmaster(dataDir: string): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!fs.existsSync(file)) return null;
  const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  return pid > 0 ? pid : null;
}

/** pid and every process below it. */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const pid of pids()) {
    const stat = readProc(pid, 'stat');
    // Field 4 is the parent pid; the command name (field 2) is in parentheses and may hold spaces.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (Number.isFinite(ppid)) parent.set(pid, ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  return tree.filter((pid) => readProc(pid, 'stat') !== null);
}

/** Resident memory of one process in KiB (VmRSS), 0 if it is gone. */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readProc(pid, 'status') ?? '');
  return m ? Number(m[1]) : 0;
}

/** Proportional memory in KiB (shared pages split between their users), 0 if unknown. */
export function pssKiB(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readProc(pid, 'smaps_rollup') ?? '');
  return m ? Number(m[1]) : 0;
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Leaves nothing running on dataDir: kills the given Haven processes, then stops every postmaster on
 * its cluster (SIGINT is PostgreSQL's fast shutdown), escalating to SIGKILL if one will not stop.
 */
export async function cleanUp(dataDir: string, havens: HavenProcess[] = []): Promise<void> {
  for (const h of havens) await h.stop(10_000).catch(() => {});
  const pgDir = path.join(dataDir, 'pg');
  const postmasters = postmastersOn(pgDir);
  for (const pid of postmasters) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {}
  }
  try {
    await waitFor(() => postmasters.every((pid) => !isAlive(pid)), 30_000, 'postgres to stop');
  } catch {
    for (const pid of postmasters) {
      for (const p of processTree(pid)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {}
      }
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}
