import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { mintToken } from '../../platform/auth/api-tokens.ts';
import { SYSTEM_ACTOR } from '../../platform/context.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { TWO_FACTOR_ROLES } from '../../platform/auth/roles.ts';
import { buildPerson, buildPupil, buildSchool, buildTrust, buildUser, signIn, totpNow } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { applyRetention, londonMidnight } from './service.ts';

let h: TestHaven;
let lists: string;
before(async () => {
  // Category lists with known ground truth, in the UT1 layout; the upload reads them from the config.
  lists = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-logs-lists-'));
  const list = (name: string, domains: string[]) => {
    fs.mkdirSync(path.join(lists, name));
    fs.writeFileSync(path.join(lists, name, 'domains'), `${domains.join('\n')}\n`);
  };
  list('self_harm', ['harm.example']);
  list('games', ['play.example']);
  list('gambling', ['bet.example']);
  h = await testHaven({ HAVEN_CATEGORY_LISTS: lists });
  h.clock.set('2026-11-23T12:00:00Z');
});
after(async () => {
  await h.close();
  fs.rmSync(lists, { recursive: true, force: true });
});

const api = '/api/v1';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A signed-in user (with two-factor for the roles that need it). */
async function member(trustId: string, schoolId: string | null, roles: Role[]) {
  const tf = roles.some((r) => TWO_FACTOR_ROLES.includes(r));
  const u = await buildUser(h.db, trustId, schoolId, roles, tf ? { totpSecret: SECRET } : {});
  return { ...u, s: await signIn(h.app, u.email, tf ? { totp: totpNow(SECRET, h.clock.now()) } : {}) };
}
type Part = [name: string, value: string | { filename: string; content: Buffer | string }];

/** A multipart/form-data body built by hand, as a browser (or curl -F) sends it. */
function form(parts: Part[]) {
  const boundary = `----haven${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of parts) {
    const disposition =
      typeof value === 'string' ? `form-data; name="${name}"` : `form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: application/octet-stream`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

// 09:00 UTC on Monday 23 November 2026 (UK time is UTC in winter).
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0) / 1000;
const squid = (sec: number, ip: string, code: string, url: string, user = '-') =>
  `${(T0 + sec).toFixed(3)}    120 ${ip} ${code} 2048 GET ${url} ${user} HIER_DIRECT/192.0.2.10 text/html`;

/** 5 allowed news pages and 1 self-harm page by Amara, 3 blocked gambling pages by Bob, 2 games, 2 garbage lines. */
function smallLog() {
  const lines: string[] = [];
  for (let i = 0; i < 5; i++) lines.push(squid(i * 10, '10.0.0.5', 'TCP_MISS/200', `http://www.bbc.co.uk/news/${i}`, 'amara.w@pupils.example.test'));
  lines.push(squid(100, '10.0.0.5', 'TCP_MISS/200', 'http://www.harm.example/story', 'amara.w@pupils.example.test'));
  for (let i = 0; i < 3; i++) lines.push(squid(200 + i, '10.0.1.2', 'TCP_DENIED/403', `http://bet.example/odds${i}`, 'bob.hale@example.test'));
  lines.push(squid(300, '10.0.0.9', 'TCP_MISS/200', 'http://play.example/a'));
  lines.push(squid(301, '10.0.0.9', 'TCP_MISS/200', 'http://play.example/b'));
  lines.push('this is not a squid line');
  lines.push('also garbage');
  return `${lines.join('\n')}\n`;
}

async function world() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const amara = await buildPupil(h.db, trust.id, school.id, { given_name: 'Amara', family_name: 'Whitlock', year_group: '4', email: 'amara.w@pupils.example.test' });
  const bob = await buildPerson(h.db, trust.id, { school_id: school.id, kind: 'staff', given_name: 'Bob', family_name: 'Hale', email: 'bob.hale@example.test', staff_code: 'BHA' });
  const nm = await member(trust.id, school.id, ['network_manager']);
  const dsl = await member(trust.id, school.id, ['dsl']);
  const teacher = await member(trust.id, school.id, ['teacher']);
  return { trust, school, amara, bob, nm, nmS: nm.s, dslS: dsl.s, teacherS: teacher.s };
}
type World = Awaited<ReturnType<typeof world>>;

async function otherTrust() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const nm = await member(trust.id, school.id, ['network_manager', 'headteacher']);
  return { trust, school, s: nm.s };
}

const upload = (w: World, headers: Record<string, string>, parts: Part[]) => {
  const f = form(parts);
  return h.app.inject({ method: 'POST', url: `${api}/schools/${w.school.id}/log-uploads`, payload: f.payload, headers: { ...headers, ...f.headers } });
};

async function auditActions(trustId: string, action: string) {
  return h.db.selectFrom('audit_events').select(['action', 'detail', 'record_id']).where('trust_id', '=', trustId).where('action', '=', action).execute();
}

const GENERIC = { kind: 'csv', fields: { time: 'Date', host: 'Domain', user: 'User', action: 'Result' }, timeFormat: 'dd/MM/yyyy HH:mm:ss' };

test('sources: the network manager adds, changes and deletes them; the DSL may look; a teacher and another trust may not', async () => {
  const w = await world();
  const o = await otherTrust();
  const url = `${api}/schools/${w.school.id}/log-sources`;

  const made = await h.app.inject({ method: 'POST', url, headers: w.nmS.headers, payload: { name: 'Smoothwall export', format: 'generic', options: { mapping: GENERIC }, watchPath: '/srv/logs/smoothwall' } });
  assert.equal(made.statusCode, 201, made.body);
  const source = made.json();
  assert.equal(source.format, 'generic');
  assert.deepEqual(source.options.mapping.fields, GENERIC.fields);
  assert.equal(source.watchPath, '/srv/logs/smoothwall');

  const listed = await h.app.inject({ method: 'GET', url, headers: w.dslS.headers });
  assert.equal(listed.statusCode, 200);
  assert.deepEqual(listed.json().sources.map((s: { name: string }) => s.name), ['Smoothwall export']);
  assert.ok(listed.json().formats.some((f: { id: string }) => f.id === 'squid'));

  const byDsl = await h.app.inject({ method: 'POST', url, headers: w.dslS.headers, payload: { name: 'x', format: 'squid' } });
  assert.equal(byDsl.statusCode, 403, 'the DSL views logs but does not manage sources');
  assert.equal((await h.app.inject({ method: 'GET', url, headers: w.teacherS.headers })).statusCode, 403);
  assert.equal((await h.app.inject({ method: 'GET', url, headers: o.s.headers })).statusCode, 404, 'another trust sees no school');
  assert.equal((await h.app.inject({ method: 'PATCH', url: `${api}/log-sources/${source.id}`, headers: o.s.headers, payload: { name: 'mine' } })).statusCode, 404);
  assert.equal((await h.app.inject({ method: 'DELETE', url: `${api}/log-sources/${source.id}`, headers: o.s.headers })).statusCode, 404);

  const renamed = await h.app.inject({ method: 'PATCH', url: `${api}/log-sources/${source.id}`, headers: w.nmS.headers, payload: { name: 'Smoothwall (daily)', watchPath: null } });
  assert.equal(renamed.statusCode, 200, renamed.body);
  assert.equal(renamed.json().name, 'Smoothwall (daily)');
  assert.equal(renamed.json().watchPath, null);
  assert.deepEqual(renamed.json().options.mapping.fields, GENERIC.fields, 'options stay when not sent');

  const unmapped = await h.app.inject({ method: 'PATCH', url: `${api}/log-sources/${source.id}`, headers: w.nmS.headers, payload: { options: { mapping: { ...GENERIC, fields: { user: 'User' } } } } });
  assert.equal(unmapped.statusCode, 422);
  assert.match(unmapped.json().detail, /Fix the column mapping: map a column to time/);

  const dup = await h.app.inject({ method: 'POST', url, headers: w.nmS.headers, payload: { name: 'Smoothwall (daily)', format: 'squid' } });
  assert.equal(dup.statusCode, 409);
  assert.match(dup.json().detail, /already has a log source called/);

  const gone = await h.app.inject({ method: 'DELETE', url: `${api}/log-sources/${source.id}`, headers: w.nmS.headers });
  assert.equal(gone.statusCode, 204);
  assert.equal((await h.app.inject({ method: 'GET', url, headers: w.nmS.headers })).json().sources.length, 0);
  const audits = (await h.db.selectFrom('audit_events').select('action').where('trust_id', '=', w.trust.id).where('record_id', '=', source.id).execute()).map((a) => a.action).sort();
  assert.deepEqual(audits, ['logs.source_create', 'logs.source_delete', 'logs.source_update']);
});

test('sources: a bad format or mapping is refused with what to fix', async () => {
  const w = await world();
  const url = `${api}/schools/${w.school.id}/log-sources`;
  const post = (payload: unknown) => h.app.inject({ method: 'POST', url, headers: w.nmS.headers, payload: payload as object });

  const unknown = await post({ name: 'a', format: 'netsweeper' });
  assert.equal(unknown.statusCode, 422);
  assert.match(unknown.json().detail, /Choose a log format: one of squid, .*generic/);

  const noMapping = await post({ name: 'a', format: 'generic' });
  assert.equal(noMapping.statusCode, 422);
  assert.match(noMapping.json().detail, /needs a column mapping/);

  const noTime = await post({ name: 'a', format: 'generic', options: { mapping: { kind: 'csv', fields: { user: 'User' }, timeFormat: 'iso' } } });
  assert.equal(noTime.statusCode, 422);
  assert.match(noTime.json().detail, /map a column to time; map a column to host or url/);

  const badTimeFormat = await post({ name: 'a', format: 'generic', options: { mapping: { ...GENERIC, timeFormat: 'whenever' } } });
  assert.equal(badTimeFormat.statusCode, 400);
  assert.match(badTimeFormat.body, /timeFormat must be one of iso/);

  const mappingOnSquid = await post({ name: 'a', format: 'squid', options: { mapping: GENERIC } });
  assert.equal(mappingOnSquid.statusCode, 422);
  assert.match(mappingOnSquid.json().detail, /only for the generic format/);

  const junk = await post({ name: 'a', format: 'squid', options: { colour: 'red' } });
  assert.equal(junk.statusCode, 400);

  const noName = await post({ name: ' ', format: 'squid' });
  assert.equal(noName.statusCode, 400);
  assert.match(noName.body, /Name the source/);
  assert.equal((await h.db.selectFrom('log_sources').select('id').where('trust_id', '=', w.trust.id).execute()).length, 0);
});

test("an IP provider's token uploads a gzip squid log: it is streamed into ingest and answers the summary; runs and figures show it", async () => {
  const w = await world();
  const { token } = await mintToken(h, SYSTEM_ACTOR, { trustId: w.trust.id, accountId: w.nm.accountId, name: 'IT provider', scopes: ['logs:write'], days: 30, schoolId: w.school.id });
  const bearer = { authorization: `Bearer ${token}` };
  const text = smallLog();

  const res = await upload(w, bearer, [['format', 'squid'], ['file', { filename: 'access.log.gz', content: gzipSync(text) }]]);
  assert.equal(res.statusCode, 201, res.body);
  const s = res.json();
  assert.equal(s.format, 'squid');
  assert.equal(s.name, 'access.log.gz');
  assert.equal(s.bytes, Buffer.byteLength(text), 'the gunzipped bytes were read');
  assert.equal(s.lines, 13);
  assert.equal(s.events, 11);
  assert.deepEqual(s.malformed.byReason, { 'bad time': 2 });
  assert.equal(s.malformed.samples[0].line, 'this is not a squid line');
  assert.equal(s.alerts.created, 1, 'the self-harm page raises one alert');

  const run = await h.db.selectFrom('log_ingest_runs').selectAll().where('trust_id', '=', w.trust.id).where('id', '=', s.runId).executeTakeFirstOrThrow();
  assert.equal(run.origin, 'upload');
  assert.equal(run.status, 'done');

  // The token may upload but not read figures or raw events (scope logs:write only).
  assert.equal((await h.app.inject({ method: 'GET', url: `${api}/schools/${w.school.id}/log-summary`, headers: bearer })).statusCode, 403);

  const runs = await h.app.inject({ method: 'GET', url: `${api}/schools/${w.school.id}/log-runs`, headers: w.dslS.headers });
  assert.equal(runs.statusCode, 200);
  const [r] = runs.json().runs;
  assert.deepEqual(
    { id: r.id, origin: r.origin, status: r.status, lines: r.lines, events: r.events, malformed: r.malformed, alerts: r.alerts },
    { id: s.runId, origin: 'upload', status: 'done', lines: 13, events: 11, malformed: { total: 2, byReason: { 'bad time': 2 } }, alerts: { created: 1, folded: 0 } },
  );
  const one = await h.app.inject({ method: 'GET', url: `${api}/log-runs/${s.runId}`, headers: w.dslS.headers });
  assert.equal(one.statusCode, 200);
  assert.equal(one.json().bytes, Buffer.byteLength(text));
  const o = await otherTrust();
  assert.equal((await h.app.inject({ method: 'GET', url: `${api}/log-runs/${s.runId}`, headers: o.s.headers })).statusCode, 404);
  assert.equal((await h.app.inject({ method: 'GET', url: `${api}/log-runs/${s.runId}`, headers: w.teacherS.headers })).statusCode, 403);

  const sum = await h.app.inject({ method: 'GET', url: `${api}/schools/${w.school.id}/log-summary?from=2026-11-17&to=2026-11-23`, headers: w.dslS.headers });
  assert.equal(sum.statusCode, 200, sum.body);
  const fig = sum.json();
  assert.deepEqual(fig.totals, { blocked: 3, allowed: 8 });
  assert.deepEqual(fig.topBlocked, [{ category: 'gambling', label: 'Gambling', blocked: 3, allowed: 0 }]);
  assert.deepEqual(
    fig.byCategory.map((c: { category: string; blocked: number; allowed: number }) => [c.category, c.blocked, c.allowed]),
    [['gambling', 3, 0], ['other', 0, 5], ['games', 0, 2], ['self_harm', 0, 1]],
  );
  assert.deepEqual(
    fig.byGroup.map((g: { group: string; blocked: number; allowed: number }) => [g.group, g.blocked, g.allowed]),
    [['staff', 3, 0], ['unknown', 0, 2], ['year-4', 0, 6]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
  assert.equal(fig.byDay.length, 7);
  assert.deepEqual(fig.byDay.at(-1), { date: '2026-11-23', blocked: 3, allowed: 8 });
  assert.deepEqual(fig.byDay[0], { date: '2026-11-17', blocked: 0, allowed: 0 });
  const outside = await h.app.inject({ method: 'GET', url: `${api}/schools/${w.school.id}/log-summary?from=2026-11-24&to=2026-11-30`, headers: w.dslS.headers });
  assert.deepEqual(outside.json().totals, { blocked: 0, allowed: 0 });
  const backwards = await h.app.inject({ method: 'GET', url: `${api}/schools/${w.school.id}/log-summary?from=2026-11-24&to=2026-11-20`, headers: w.dslS.headers });
  assert.equal(backwards.statusCode, 400);
});

test('uploads: what to send is said; a broken gzip fails the run and leaves no raw lines; a token without logs:write is refused', async () => {
  const w = await world();
  const noFormat = await upload(w, w.nmS.headers, [['file', { filename: 'a.log', content: smallLog() }]]);
  assert.equal(noFormat.statusCode, 400);
  assert.match(noFormat.json().detail, /send a field "format" \(one of squid/);

  const badFormat = await upload(w, w.nmS.headers, [['format', 'netsweeper'], ['file', { filename: 'a.log', content: smallLog() }]]);
  assert.equal(badFormat.statusCode, 422);
  const generic = await upload(w, w.nmS.headers, [['format', 'generic'], ['file', { filename: 'a.csv', content: 'a,b\n' }]]);
  assert.equal(generic.statusCode, 422);
  assert.match(generic.json().detail, /needs a saved source/);
  const noFile = await upload(w, w.nmS.headers, [['format', 'squid']]);
  assert.equal(noFile.statusCode, 400);
  assert.match(noFile.json().detail, /Attach the log in a field named "file"/);
  const notMultipart = await h.app.inject({ method: 'POST', url: `${api}/schools/${w.school.id}/log-uploads`, headers: w.nmS.headers, payload: { format: 'squid' } });
  assert.equal(notMultipart.statusCode, 400);
  assert.equal((await h.db.selectFrom('log_ingest_runs').select('id').where('trust_id', '=', w.trust.id).execute()).length, 0, 'no run for a refused upload');

  // gzip magic, then junk: the engine starts, fails, and the run says so.
  const gz = gzipSync(smallLog());
  const broken = Buffer.concat([gz.subarray(0, 10), Buffer.from('not deflate data at all'.repeat(20))]);
  const bad = await upload(w, w.nmS.headers, [['format', 'squid'], ['file', { filename: 'broken.log.gz', content: broken }]]);
  assert.equal(bad.statusCode, 422, bad.body);
  assert.match(bad.json().detail, /not a valid gzip file/);
  const runs = await h.db.selectFrom('log_ingest_runs').select(['id', 'status', 'error']).where('trust_id', '=', w.trust.id).execute();
  assert.deepEqual(runs.map((r) => r.status), ['failed'], 'the run started and is marked failed');
  const blocks = await h.db.selectFrom('log_event_blocks').select('id').where('trust_id', '=', w.trust.id).execute();
  assert.equal(blocks.length, 0);

  // With a saved source: its format and options are used.
  const src = await h.app.inject({ method: 'POST', url: `${api}/schools/${w.school.id}/log-sources`, headers: w.nmS.headers, payload: { name: 'Proxy', format: 'squid' } });
  const viaSource = await upload(w, w.nmS.headers, [['sourceId', src.json().id], ['file', { filename: 'access.log', content: smallLog() }]]);
  assert.equal(viaSource.statusCode, 201, viaSource.body);
  assert.equal(viaSource.json().events, 11);
  const refusedDelete = await h.app.inject({ method: 'DELETE', url: `${api}/log-sources/${src.json().id}`, headers: w.nmS.headers });
  assert.equal(refusedDelete.statusCode, 409);
  assert.match(refusedDelete.json().detail, /"Proxy" has 1 ingest run/);

  const { token } = await mintToken(h, SYSTEM_ACTOR, { trustId: w.trust.id, accountId: w.nm.accountId, name: 'reader', scopes: ['people:read'], days: 30 });
  const noScope = await upload(w, { authorization: `Bearer ${token}` }, [['format', 'squid'], ['file', { filename: 'a.log', content: smallLog() }]]);
  assert.equal(noScope.statusCode, 403);
  const byDsl = await upload(w, w.dslS.headers, [['format', 'squid'], ['file', { filename: 'a.log', content: smallLog() }]]);
  assert.equal(byDsl.statusCode, 403);
  const o = await otherTrust();
  const cross = await upload(w, o.s.headers, [['format', 'squid'], ['file', { filename: 'a.log', content: smallLog() }]]);
  assert.equal(cross.statusCode, 404);
});

test('raw events: re-read from the blocks, filtered, oldest first, at most limit, audited; a window over 7 days is refused', async () => {
  const w = await world();
  const up = await upload(w, w.nmS.headers, [['format', 'squid'], ['file', { filename: 'access.log', content: smallLog() }]]);
  assert.equal(up.statusCode, 201, up.body);
  const url = (q: string) => `${api}/schools/${w.school.id}/log-events?${q}`;
  const win = 'from=2026-11-23T08:00:00Z&to=2026-11-23T10:00:00Z';

  const all = await h.app.inject({ method: 'GET', url: url(win), headers: w.dslS.headers });
  assert.equal(all.statusCode, 200, all.body);
  assert.equal(all.json().events.length, 11);
  const ats = all.json().events.map((e: { at: string }) => e.at);
  assert.deepEqual(ats, [...ats].sort());
  assert.equal(ats[0], new Date(T0 * 1000).toISOString());

  const blocked = await h.app.inject({ method: 'GET', url: url(`${win}&action=blocked&user=BOB.hale`), headers: w.dslS.headers });
  assert.deepEqual(
    blocked.json().events.map((e: { host: string; action: string; user: string }) => [e.host, e.action, e.user]),
    [0, 1, 2].map(() => ['bet.example', 'blocked', 'bob.hale@example.test']),
  );
  const byHost = await h.app.inject({ method: 'GET', url: url(`${win}&host=harm.example`), headers: w.dslS.headers });
  assert.deepEqual(byHost.json().events.map((e: { url: string }) => e.url), ['http://www.harm.example/story']);
  const limited = await h.app.inject({ method: 'GET', url: url(`${win}&limit=2`), headers: w.dslS.headers });
  assert.deepEqual(limited.json().events.map((e: { at: string }) => e.at), ats.slice(0, 2));
  assert.equal(limited.json().more, true);
  const narrow = await h.app.inject({ method: 'GET', url: url('from=2026-11-23T09:03:00Z&to=2026-11-23T09:04:00Z'), headers: w.dslS.headers });
  assert.equal(narrow.json().events.length, 3, 'only the events inside [from, to]');

  const wide = await h.app.inject({ method: 'GET', url: url('from=2026-11-01T00:00:00Z&to=2026-11-09T00:00:00Z'), headers: w.dslS.headers });
  assert.equal(wide.statusCode, 400);
  assert.match(wide.json().detail, /at most 7 days/);
  const tooMany = await h.app.inject({ method: 'GET', url: url(`${win}&limit=5000`), headers: w.dslS.headers });
  assert.equal(tooMany.statusCode, 400);
  assert.match(tooMany.body, /limit is at most 1000/);
  const noFrom = await h.app.inject({ method: 'GET', url: url('to=2026-11-23T10:00:00Z'), headers: w.dslS.headers });
  assert.equal(noFrom.statusCode, 400);
  assert.equal((await h.app.inject({ method: 'GET', url: url(win), headers: w.teacherS.headers })).statusCode, 403);
  const o = await otherTrust();
  assert.equal((await h.app.inject({ method: 'GET', url: url(win), headers: o.s.headers })).statusCode, 404);

  const reads = await auditActions(w.trust.id, 'logs.events_read');
  assert.equal(reads.length, 5, 'every successful search is audited');
  assert.deepEqual((reads.find((r) => (r.detail as { host?: string }).host === 'harm.example')?.detail as { returned: number }).returned, 1);
});

test('address leases: a CSV with every row right is saved whole; one bad row saves nothing and names the row and the fix', async () => {
  const w = await world();
  const url = `${api}/schools/${w.school.id}/log-leases`;
  const send = (csv: string, headers = w.nmS.headers) => {
    const f = form([['file', { filename: 'leases.csv', content: csv }]]);
    return h.app.inject({ method: 'POST', url, payload: f.payload, headers: { ...headers, ...f.headers } });
  };
  const bad = await send(
    'ip,device,person,from,to\n10.0.0.5,,amara.w@pupils.example.test,2026-11-23 08:00,2026-11-23 16:00\n10.0.0.300,,nobody@example.test,yesterday,\n,,BHA,23/11/2026 08:00,23/11/2026 07:00\n',
  );
  assert.equal(bad.statusCode, 422, bad.body);
  const problems = bad.json().errors ?? bad.json().problems;
  assert.deepEqual(
    problems.map((p: { field: string }) => p.field),
    ['row 3: ip', 'row 3: person', 'row 3: from', 'row 4: ip', 'row 4: to'],
  );
  assert.match(JSON.stringify(problems), /no active person of this school has the e-mail, UPN or staff code \\"nobody@example.test\\"/);
  assert.equal((await h.db.selectFrom('log_address_leases').select('id').where('trust_id', '=', w.trust.id).execute()).length, 0, 'all or nothing');

  const missingCol = await send('address,who\n1,2\n');
  assert.equal(missingCol.statusCode, 422);
  assert.match(missingCol.json().detail, /needs the columns person, from, ip or device/);

  const good = await send('ip,device,person,from,to\n10.0.0.5,,amara.w@pupils.example.test,2026-11-23 08:00,2026-11-23 16:00\n,LAPTOP-17,bha,23/11/2026 08:00,\n');
  assert.equal(good.statusCode, 201, good.body);
  assert.deepEqual(good.json(), { saved: 2 });
  const list = await h.app.inject({ method: 'GET', url, headers: w.nmS.headers });
  assert.deepEqual(
    list.json().leases.map((l: { ip: string | null; device: string | null; from: string; to: string | null; person: { id: string } }) => [l.ip, l.device, l.from, l.to, l.person.id]),
    [
      ['10.0.0.5', null, '2026-11-23T08:00:00.000Z', '2026-11-23T16:00:00.000Z', w.amara.id],
      [null, 'LAPTOP-17', '2026-11-23T08:00:00.000Z', null, w.bob.id],
    ],
  );
  assert.equal((await auditActions(w.trust.id, 'logs.leases_upload')).length, 1);
  assert.equal((await send('ip,person,from\n10.0.0.6,BHA,2026-11-23\n', w.dslS.headers)).statusCode, 403);
  const o = await otherTrust();
  assert.equal((await h.app.inject({ method: 'GET', url, headers: o.s.headers })).statusCode, 404);
});

test("retention: raw blocks past the school's raw window and hourly rows past its aggregate retention go, audited once per school", async () => {
  const w = await world();
  const keep = await world();
  await h.db.insertInto('settings').values({ key: `school:${w.school.id}:logs.raw_days`, value: JSON.stringify(10) }).execute();
  await h.db.insertInto('settings').values({ key: `school:${w.school.id}:logs.aggregate_days`, value: JSON.stringify(30) }).execute();
  for (const x of [w, keep]) {
    const r = await upload(x, x.nmS.headers, [['format', 'squid'], ['file', { filename: 'access.log', content: smallLog() }]]);
    assert.equal(r.statusCode, 201, r.body);
  }
  const count = async (table: 'log_event_blocks' | 'log_hourly', schoolId: string) =>
    (await h.db.selectFrom(table).select('school_id').where('school_id', '=', schoolId).execute()).length;
  const hourlyBefore = await count('log_hourly', w.school.id);
  assert.ok(hourlyBefore > 0);

  // 10 days after the events: within the raw window still.
  h.clock.set('2026-12-03T08:00:00Z');
  await applyRetention(h);
  assert.equal(await count('log_event_blocks', w.school.id), 1);

  // 11 days: this school's raw lines go (10-day window); the other school keeps them (90-day default).
  h.clock.set('2026-12-04T10:00:00Z');
  await applyRetention(h);
  assert.equal(await count('log_event_blocks', w.school.id), 0);
  assert.equal(await count('log_hourly', w.school.id), hourlyBefore, 'counts stay for the aggregate retention');
  assert.equal(await count('log_event_blocks', keep.school.id), 1);
  let audits = await auditActions(w.trust.id, 'logs.retention');
  assert.equal(audits.length, 1);
  assert.deepEqual(audits[0]?.detail, { rawBlocksDeleted: 1, hourlyRowsDeleted: 0, rawDays: 10, aggregateDays: 30 });

  // Nothing more to delete: no new audit.
  await applyRetention(h);
  assert.equal((await auditActions(w.trust.id, 'logs.retention')).length, 1);

  // 31 days: hourly counts go too.
  h.clock.set('2026-12-24T10:00:00Z');
  await applyRetention(h);
  assert.equal(await count('log_hourly', w.school.id), 0);
  assert.ok((await count('log_hourly', keep.school.id)) > 0);
  audits = await auditActions(w.trust.id, 'logs.retention');
  assert.equal(audits.length, 2);
  assert.equal((await auditActions(keep.trust.id, 'logs.retention')).length, 0);
  h.clock.set('2026-11-23T12:00:00Z');
});

test('a log larger than the JSON body limit and the default 20 MB file limit is streamed through whole', async () => {
  const w = await world();
  const one = squid(0, '10.0.0.5', 'TCP_MISS/200', 'http://www.bbc.co.uk/news/some/long/path/to/make/the/line/longer/than/usual');
  const count = Math.ceil((24 * 1024 * 1024) / (one.length + 1));
  const text = `${Array.from({ length: count }, (_, i) => squid(i % 3000, '10.0.0.5', 'TCP_MISS/200', 'http://www.bbc.co.uk/news/some/long/path/to/make/the/line/longer/than/usual')).join('\n')}\n`;
  assert.ok(Buffer.byteLength(text) > 24 * 1024 * 1024);
  const res = await upload(w, w.nmS.headers, [['format', 'squid'], ['file', { filename: 'big.log', content: text }]]);
  assert.equal(res.statusCode, 201, res.body.slice(0, 300));
  assert.equal(res.json().lines, count);
  assert.equal(res.json().events, count);
  assert.equal(res.json().bytes, Buffer.byteLength(text));
});

test('figures count by UK day: a summer day starts at 23:00 UTC the evening before', () => {
  assert.equal(londonMidnight('2026-07-01').toISOString(), '2026-06-30T23:00:00.000Z');
  assert.equal(londonMidnight('2026-11-23').toISOString(), '2026-11-23T00:00:00.000Z');
  assert.equal(londonMidnight('2026-03-29').toISOString(), '2026-03-29T00:00:00.000Z', 'the clocks change at 01:00, after midnight');
});

test('log settings: defaults until set; only the IT provider or leads change them, within sensible ranges; the burst rule follows them', async () => {
  const w = await world();
  const url = `${api}/schools/${w.school.id}/log-settings`;
  const read = await h.app.inject({ method: 'GET', url, headers: w.dslS.headers });
  assert.equal(read.statusCode, 200);
  assert.deepEqual(read.json(), { rawDays: 90, aggregateDays: 1095, burstCount: 20, burstMinutes: 5 });

  const next = { rawDays: 30, aggregateDays: 730, burstCount: 3, burstMinutes: 1 };
  assert.equal((await h.app.inject({ method: 'PUT', url, headers: w.dslS.headers, payload: next })).statusCode, 403, 'the DSL may look, not change');
  assert.equal((await h.app.inject({ method: 'PUT', url, headers: w.teacherS.headers, payload: next })).statusCode, 403);
  const other = await otherTrust();
  assert.equal((await h.app.inject({ method: 'PUT', url, headers: other.s.headers, payload: next })).statusCode, 404);

  const bad = await h.app.inject({ method: 'PUT', url, headers: w.nmS.headers, payload: { ...next, rawDays: 400, aggregateDays: 200 } });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.json().detail, /hourly counts at least as long as the raw lines/);
  const tooShort = await h.app.inject({ method: 'PUT', url, headers: w.nmS.headers, payload: { ...next, rawDays: 1 } });
  assert.equal(tooShort.statusCode, 422);
  assert.deepEqual(tooShort.json().problems, [{ field: 'rawDays', message: 'Days to keep raw log lines must be a whole number from 7 to 730.' }]);

  const saved = await h.app.inject({ method: 'PUT', url, headers: w.nmS.headers, payload: next });
  assert.equal(saved.statusCode, 200, saved.body);
  assert.deepEqual((await h.app.inject({ method: 'GET', url, headers: w.nmS.headers })).json(), next);
  const audits = await auditActions(w.trust.id, 'logs.settings');
  assert.deepEqual((audits[0]?.detail as { after: unknown }).after, next);

  // Bob's 3 blocked pages within a minute are a burst under this school's rule (not under the default 20 in 5).
  const up = await upload(w, w.nmS.headers, [['format', 'squid'], ['file', { filename: 'access.log', content: smallLog() }]]);
  assert.equal(up.statusCode, 201, up.body);
  const bursts = await h.db.selectFrom('log_alerts').select(['rule', 'person_id']).where('trust_id', '=', w.trust.id).where('rule', '=', 'blocked_burst').execute();
  assert.deepEqual(bursts.map((b) => b.person_id), [w.bob.id]);
});
