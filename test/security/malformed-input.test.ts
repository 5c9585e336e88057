// Malformed input anywhere gets a 4xx problem+json that says what to fix: never a 500, never a stack
// trace. Every route in the OpenAPI document is hit by a signed-in trust administrator with junk.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildSchool, buildTrust, buildUser, signIn, totpNow } from '../../src/platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../src/platform/testing/harness.ts';

const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let h: TestHaven;
let headers: Record<string, string>;

before(async () => {
  h = await testHaven();
  const trust = await buildTrust(h.db);
  await buildSchool(h.db, trust.id);
  const admin = await buildUser(h.db, trust.id, null, ['trust_admin'], { totpSecret: TOTP });
  headers = (await signIn(h.app, admin.email, { totp: totpNow(TOTP, h.clock.now()) })).headers;
});
after(() => h.close());

const JUNK_PARAMS = ['not-a-uuid', "1'%20OR%20'1'='1", '%00', 'x'.repeat(300)];
const JUNK_BODIES: { contentType: string; payload: string }[] = [
  { contentType: 'application/json', payload: '{"unterminated": ' },
  { contentType: 'application/json', payload: '[1,2,3]' },
  { contentType: 'application/json', payload: JSON.stringify({ email: 42, password: null, name: { a: 1 }, scopes: 'all', days: -5, kind: 'dragon', mapping: 'x', role: 'emperor', givenName: 'x'.repeat(5000) }) },
  { contentType: 'text/plain', payload: 'hello' },
  { contentType: 'multipart/form-data; boundary=zzz', payload: '--zzz\r\nContent-Disposition: form-data; name="file"\r\n\r\nbroken' },
];

test('every route answers junk with a 4xx problem+json and no stack trace', async () => {
  const doc = (await h.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const failures: string[] = [];
  let tried = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
      if (path === '/api/v1/auth/logout') continue; // ends the session the sweep runs on
      const urls = path.includes('{') ? JUNK_PARAMS.map((j) => path.replace(/\{\w+\}/g, j)) : [`${path}?limit=-1&offset=abc&from=notadate`];
      const bodies = method === 'get' || method === 'delete' ? [null] : JUNK_BODIES;
      for (const url of urls) {
        for (const body of bodies) {
          tried++;
          const res = await h.app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: body ? { ...headers, 'content-type': body.contentType } : headers,
            ...(body ? { payload: body.payload } : {}),
          });
          const what = `${method.toUpperCase()} ${url.slice(0, 80)} ${body?.contentType ?? ''}`;
          if (res.statusCode >= 500) failures.push(`${what} → ${res.statusCode} ${res.body.slice(0, 160)}`);
          else if (res.statusCode >= 400) {
            if (!String(res.headers['content-type']).startsWith('application/problem+json')) failures.push(`${what} → ${res.statusCode} not problem+json`);
            const problem = res.json() as { detail?: string };
            if (!problem.detail || problem.detail.length < 8) failures.push(`${what} → no detail saying what to fix`);
            if (/\bat .+\.(ts|js):\d+/.test(res.body)) failures.push(`${what} → stack trace in the answer`);
          }
        }
      }
    }
  }
  assert.ok(tried > 100, `swept ${tried} requests`);
  assert.deepEqual(failures, []);
});
