// Concerns under load: creating a concern (with its audit and timeline rows) and reading the triage
// queue, each with 50 connections for 20 s, beside GET /healthz on the same server in the same run —
// the framework ceiling. Real Haven process on the embedded PostgreSQL, demo trust, autocannon as the
// load generator; each of the 50 connections is its own signed-in session. Aim (issue 3): create ≥ 25% of the ceiling's requests/s, p99 under 100 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import * as OTPAuth from 'otpauth';
import pg from 'pg';
import { DEMO_PASSPHRASE, DEMO_TOTP_SECRET } from '../src/demo/data.ts';
import { secretHash } from '../src/platform/auth/model.ts';
import { cleanUp, type HavenProcess, startHaven } from '../test/reliability/haven-process.ts';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const OPEN_CASES = 40; // a busy primary school's open cases when the queue is read

type Session = { cookie: string; csrf: string };

async function signIn(base: string, email: string, totp = false): Promise<Session> {
  const body: Record<string, string> = { email, password: DEMO_PASSPHRASE };
  if (totp) body.totp = new OTPAuth.TOTP({ secret: DEMO_TOTP_SECRET }).generate();
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`sign-in ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('haven_session=')) ?? '';
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

const report = JSON.stringify({
  whatHappened: 'A pupil showed others a gambling site on a class laptop during wet play.',
  occurredAt: new Date().toISOString(),
  location: 'Year 5 classroom',
  device: 'Laptop 7',
  involved: [],
  urls: ['https://example.test/casino'],
  area: 'commerce',
  type: 'inappropriate_website',
  toldDslInPerson: false,
  urgent: false,
  mayBeIndecentImages: false,
});

/**
 * One signed-in session per connection, as fifty staff reporting at once would have: sign-in is rate
 * limited per address and account, so the others are copies of a real session under new tokens, written
 * straight into Haven's database (its own credentials and socket, from the data folder).
 */
async function sessionsLike(dataDir: string, session: Session, n: number): Promise<Session[]> {
  const creds = JSON.parse(fs.readFileSync(path.join(dataDir, 'haven-db.json'), 'utf8')) as { user: string; password: string };
  const pid = fs.readFileSync(path.join(dataDir, 'pg/postmaster.pid'), 'utf8').split('\n');
  const client = new pg.Client({ host: pid[4]?.trim(), port: Number(pid[3]), user: creds.user, password: creds.password, database: 'haven' });
  await client.connect();
  try {
    const original = secretHash(session.cookie.slice('haven_session='.length));
    const out = [session];
    for (let i = 1; i < n; i++) {
      const token = randomBytes(32).toString('base64url');
      await client.query(`INSERT INTO sessions SELECT (jsonb_populate_record(s, jsonb_build_object('id_hash', $1::text))).* FROM sessions s WHERE id_hash = $2`, [secretHash(token), original]);
      out.push({ cookie: `haven_session=${token}`, csrf: session.csrf });
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Gives each connection its own session's cookie and CSRF token. */
function perConnection(sessions: Session[], json: boolean) {
  let next = 0;
  return (client: { setHeaders(h: Record<string, string>): void }) => {
    const s = sessions[next++ % sessions.length] as Session;
    client.setHeaders({ cookie: s.cookie, 'x-csrf-token': s.csrf, ...(json ? { 'content-type': 'application/json' } : {}) });
  };
}

type Figures = { rps: number; p50: number; p99: number; errors: number; non2xx: number; total: number };

async function load(name: string, opts: autocannon.Options): Promise<Figures> {
  process.stdout.write(`  ${name}: ${CONNECTIONS} connections for ${SECONDS} s…\n`);
  const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-bench-concerns-'));
let haven: HavenProcess | null = null;
try {
  haven = await startHaven(dir, { HAVEN_LOG: 'warn' });
  const base = haven.baseUrl;
  const teacher = await signIn(base, 'teacher.alderbrook@riverside.example');
  const dsl = await signIn(base, 'dsl.alderbrook@riverside.example', true);
  const schools = (await (await fetch(`${base}/api/v1/schools`, { headers: { cookie: teacher.cookie } })).json()) as { schools: { id: string; name: string }[] };
  const school = schools.schools.find((s) => s.name === 'Alder Brook Primary');
  if (!school) throw new Error('demo school missing');
  const post = { method: 'POST' as const, headers: { cookie: teacher.cookie, 'x-csrf-token': teacher.csrf, 'content-type': 'application/json' }, body: report };
  const teachers = await sessionsLike(dir, teacher, CONNECTIONS);
  const dsls = await sessionsLike(dir, dsl, CONNECTIONS);
  for (let i = 0; i < OPEN_CASES; i++) {
    const res = await fetch(`${base}/api/v1/schools/${school.id}/concerns`, post);
    if (res.status !== 201) throw new Error(`seeding a concern: ${res.status} ${await res.text()}`);
  }

  const ceiling = await load('GET /healthz (ceiling)', { url: `${base}/healthz` });
  const queue = await load(`GET triage queue (${OPEN_CASES} open cases)`, {
    url: `${base}/api/v1/schools/${school.id}/concerns/queue`,
    setupClient: perConnection(dsls, false),
  });
  const create = await load('POST a concern', { url: `${base}/api/v1/schools/${school.id}/concerns`, ...post, setupClient: perConnection(teachers, true) });

  const row = (name: string, f: Figures) =>
    `${name.padEnd(34)} ${f.rps.toFixed(0).padStart(8)} ${`${f.p50} ms`.padStart(9)} ${`${f.p99} ms`.padStart(9)} ${(f.rps / ceiling.rps).toFixed(2).padStart(8)}   ${f.total} done, ${f.non2xx} non-2xx, ${f.errors} errors`;
  process.stdout.write(
    [
      '',
      `${'Request'.padEnd(34)} ${'req/s'.padStart(8)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'÷ ceiling'.padStart(8)}`,
      row('GET /healthz (peer: the ceiling)', ceiling),
      row('GET triage queue', queue),
      row('POST a concern', create),
      '',
      `Aim: POST a concern ≥ 0.25 of the ceiling (${(create.rps / ceiling.rps).toFixed(2)}) and p99 < 100 ms (${create.p99} ms): ${
        create.rps / ceiling.rps >= 0.25 && create.p99 < 100 ? 'met' : 'NOT met'
      }.`,
      'Load generator and server share this machine’s cores, so absolute figures understate a dedicated server.',
      '',
    ].join('\n'),
  );
  if (create.non2xx > 0 || queue.non2xx > 0) process.exitCode = 1;
} finally {
  await cleanUp(dir, haven ? [haven] : []);
}
