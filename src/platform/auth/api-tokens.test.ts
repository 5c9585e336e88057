import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DAY, MINUTE } from '../clock.ts';
import { buildSchool, buildTrust, buildUser, signIn, totpNow } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { secretHash } from './model.ts';

const SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

async function trustAdmin() {
  const trust = await buildTrust(h.db);
  const a = await buildSchool(h.db, trust.id);
  const b = await buildSchool(h.db, trust.id);
  const admin = await buildUser(h.db, trust.id, null, ['trust_admin'], { totpSecret: SECRET });
  const s = await signIn(h.app, admin.email, { totp: totpNow(SECRET, h.clock.now()) });
  return { trustId: trust.id, a: a.id, b: b.id, admin, s };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('a token is shown once as hvn_ + 32 random bytes, stored only as its sha256, and works as a Bearer', async () => {
  const { trustId, s } = await trustAdmin();
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'Nightly sync', scopes: ['people:read'], days: 30 } });
  assert.equal(res.statusCode, 201);
  const made = res.json() as { id: string; token: string; expiresAt: string };
  assert.match(made.token, /^hvn_[A-Za-z0-9_-]{43}$/);
  assert.equal(made.expiresAt, new Date(h.clock.now().getTime() + 30 * DAY).toISOString());
  const row = await h.db.selectFrom('api_tokens').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
  assert.equal(row.token_hash, secretHash(made.token));
  assert.equal(row.trust_id, trustId);
  assert.ok(!JSON.stringify(row).includes(made.token.slice(8)), 'the secret part is not stored');

  h.clock.advance(5 * MINUTE);
  const schools = await h.app.inject({ url: '/api/v1/schools', headers: bearer(made.token) });
  assert.equal(schools.statusCode, 200);
  assert.equal((schools.json() as { schools: unknown[] }).schools.length, 2);

  const list = await h.app.inject({ url: '/api/v1/tokens', headers: s.headers });
  assert.equal(list.statusCode, 200);
  assert.deepEqual((list.json() as { tokens: unknown[] }).tokens, [
    {
      id: made.id,
      name: 'Nightly sync',
      scopes: ['people:read'],
      schoolId: null,
      expiresAt: made.expiresAt,
      lastUsedAt: h.clock.now().toISOString(),
      revokedAt: null,
      createdAt: new Date(h.clock.now().getTime() - 5 * MINUTE).toISOString(),
    },
  ]);
  assert.ok(!list.body.includes(made.token));

  const audit = await h.db.selectFrom('audit_events').select(['action', 'detail']).where('record_id', '=', made.id).execute();
  assert.deepEqual(audit.map((e) => e.action), ['token.created']);
  assert.ok(!JSON.stringify(audit).includes(made.token), 'the token never reaches the audit trail');
});

test('scopes limit a token: people:read cannot write, read the audit trail, or manage tokens', async () => {
  const { s } = await trustAdmin();
  const made = (await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'Read only', scopes: ['people:read'], days: 1 } })).json() as {
    token: string;
  };
  assert.equal((await h.app.inject({ url: '/api/v1/audit', headers: bearer(made.token) })).statusCode, 403);
  assert.equal((await h.app.inject({ url: '/api/v1/tokens', headers: bearer(made.token) })).statusCode, 403);
  const admin = (await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'Admin', scopes: ['admin'], days: 1 } })).json() as {
    token: string;
  };
  const mint = await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(admin.token), payload: { name: 'More', scopes: ['admin'], days: 1 } });
  assert.equal(mint.statusCode, 403, 'a token cannot mint tokens');
});

test('a token limited to one school sees only that school', async () => {
  const { a, b, s } = await trustAdmin();
  const made = (await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'School A', scopes: ['people:read'], days: 7, schoolId: a } })).json() as {
    token: string;
  };
  const schools = (await h.app.inject({ url: '/api/v1/schools', headers: bearer(made.token) })).json() as { schools: { id: string }[] };
  assert.deepEqual(schools.schools.map((x) => x.id), [a]);
  const other = await h.app.inject({ url: `/api/v1/schools/${b}/people`, headers: bearer(made.token) });
  assert.ok([403, 404].includes(other.statusCode));
});

test('expired and revoked tokens are refused', async () => {
  const { s } = await trustAdmin();
  const short = (await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'Short', scopes: ['people:read'], days: 1 } })).json() as {
    id: string;
    token: string;
  };
  const other = (await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'Other', scopes: ['people:read'], days: 2 } })).json() as {
    id: string;
    token: string;
  };
  const del = await h.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${other.id}`, headers: s.headers });
  assert.equal(del.statusCode, 204);
  const revoked = await h.app.inject({ url: '/api/v1/schools', headers: bearer(other.token) });
  assert.equal(revoked.statusCode, 401);
  const row = await h.db.selectFrom('api_tokens').select(['revoked_at', 'last_used_at']).where('id', '=', other.id).executeTakeFirstOrThrow();
  assert.deepEqual(row.revoked_at, h.clock.now());
  assert.equal(row.last_used_at, null, 'a refused token is not recorded as used');
  assert.equal((await h.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${other.id}`, headers: s.headers })).statusCode, 204, 'revoking twice is harmless');

  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers: bearer(short.token) })).statusCode, 200);
  h.clock.advance(DAY + MINUTE);
  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers: bearer(short.token) })).statusCode, 401);
  assert.equal((await h.app.inject({ url: '/api/v1/schools', headers: bearer(`${short.token}x`) })).statusCode, 401);
  const events = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', other.id).execute();
  assert.deepEqual(events.map((e) => e.action), ['token.created', 'token.revoked']);
});

test('token requests are checked: scopes from the list, 1–365 days, a school of the trust; only trust admins', async () => {
  const { trustId, s } = await trustAdmin();
  const bad = [
    { name: 'x', scopes: ['people:delete'], days: 30 },
    { name: 'x', scopes: [], days: 30 },
    { name: 'x', scopes: ['people:read'] },
    { name: 'x', scopes: ['people:read'], days: 366 },
    { name: 'x', scopes: ['people:read'], days: 0 },
    { name: '', scopes: ['people:read'], days: 3 },
    { name: 'x', scopes: ['people:read'], days: 3, schoolId: 'nope' },
  ];
  for (const payload of bad) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
  }
  const otherTrust = await buildTrust(h.db);
  const foreign = await buildSchool(h.db, otherTrust.id);
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'x', scopes: ['people:read'], days: 3, schoolId: foreign.id } });
  assert.equal(res.statusCode, 422);

  const head = await buildUser(h.db, trustId, (await buildSchool(h.db, trustId)).id, ['headteacher'], { totpSecret: SECRET });
  const hs = await signIn(h.app, head.email, { totp: totpNow(SECRET, h.clock.now()) });
  assert.equal((await h.app.inject({ url: '/api/v1/tokens', headers: hs.headers })).statusCode, 403);
  assert.equal((await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: hs.headers, payload: { name: 'x', scopes: ['people:read'], days: 3 } })).statusCode, 403);

  // Another trust's administrator cannot see or revoke this trust's tokens.
  const made = (await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: s.headers, payload: { name: 'Mine', scopes: ['people:read'], days: 3 } })).json() as { id: string };
  const other = await buildUser(h.db, otherTrust.id, null, ['trust_admin'], { totpSecret: SECRET });
  const os = await signIn(h.app, other.email, { totp: totpNow(SECRET, h.clock.now()) });
  const theirList = (await h.app.inject({ url: '/api/v1/tokens', headers: os.headers })).json() as { tokens: unknown[] };
  assert.deepEqual(theirList.tokens, []);
  assert.equal((await h.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${made.id}`, headers: os.headers })).statusCode, 404);
});
