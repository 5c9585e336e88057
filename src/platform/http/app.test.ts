import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDb } from '../db/index.ts';
import { buildSchool, buildTrust, buildUser, signIn } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { buildApp } from './app.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

test('GET /healthz answers ok when the database answers', async () => {
  const res = await h.app.inject({ url: '/healthz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('GET /healthz answers 503 when the database does not answer', async () => {
  const dead = createDb('postgres://haven@127.0.0.1:1/nowhere', 1);
  const app = await buildApp({ ...h, db: dead });
  try {
    const res = await app.inject({ url: '/healthz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { status: 'unavailable' });
  } finally {
    await app.close();
    await dead.destroy();
  }
});

test('GET /api/openapi.json documents the /api/v1 endpoints as OpenAPI 3.1', async () => {
  const res = await h.app.inject({ url: '/api/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
  assert.equal(doc.openapi, '3.1.0');
  for (const path of ['/api/v1/auth/login', '/api/v1/schools', '/api/v1/schools/{schoolId}/people', '/api/v1/audit']) {
    assert.ok(doc.paths[path], `${path} is documented`);
  }
  assert.ok(
    Object.keys(doc.paths).every((p) => p.startsWith('/api/v1/')),
    'only /api/v1 paths are documented',
  );
});

test('malformed input gets a 4xx problem+json that says what to fix, never a 500 or a stack', async () => {
  const cases = [
    { method: 'POST' as const, url: '/api/v1/auth/login', payload: '{"email":', headers: { 'content-type': 'application/json' } },
    { method: 'POST' as const, url: '/api/v1/auth/login', payload: { email: 'not-an-email', password: '' } },
    { method: 'POST' as const, url: '/api/v1/auth/login', payload: 'email=x', headers: { 'content-type': 'text/plain' } },
    { method: 'GET' as const, url: '/api/v1/nothing-here' },
  ];
  for (const c of cases) {
    const res = await h.app.inject(c);
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${c.url} → ${res.statusCode}`);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    const body = res.json() as { title: string; detail: string; status: number };
    assert.equal(body.status, res.statusCode);
    assert.ok(body.detail.length > 5);
    assert.doesNotMatch(res.body, /at .*\.ts:\d+/, 'no stack trace');
  }
  const invalid = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'not-an-email', password: 'x' } });
  assert.match((invalid.json() as { detail: string }).detail, /email/i);
});

test('a wrong id shape is a 400 that names the field', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const user = await buildUser(h.db, trust.id, school.id, ['teacher']);
  const s = await signIn(h.app, user.email);
  const res = await h.app.inject({ url: '/api/v1/schools/not-a-uuid/people', headers: s.headers });
  assert.equal(res.statusCode, 400);
  assert.match((res.json() as { detail: string }).detail, /schoolId/);
});

test('security headers are set and the session cookie is HttpOnly and SameSite', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const user = await buildUser(h.db, trust.id, school.id, ['teacher']);
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: 'correct staple orbit lantern' },
  });
  assert.equal(res.statusCode, 200);
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.ok(res.headers['content-security-policy']);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
});
