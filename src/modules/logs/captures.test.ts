import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mintToken } from '../../platform/auth/api-tokens.ts';
import { SYSTEM_ACTOR } from '../../platform/context.ts';
import { buildPupil, buildSchool, buildTrust, buildUser } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

async function world() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const it = await buildUser(h.db, trust.id, school.id, ['network_manager'], { email: `it.${trust.id.slice(-8)}@example.test` });
  const teacher = await buildUser(h.db, trust.id, school.id, ['teacher'], { email: `t.${trust.id.slice(-8)}@example.test` });
  const pupil = await buildPupil(h.db, trust.id, school.id, { given_name: 'Leo', family_name: 'Marsh', year_group: '8', email: `leo.marsh.${trust.id.slice(-6)}@pupils.example.test` });
  const token = async (accountId: string, scopes: string[]) =>
    (await mintToken(h, SYSTEM_ACTOR, { trustId: trust.id, accountId, name: 'Monitoring webhook', scopes, days: 30 })).token;
  return { trust, school, it, teacher, pupil, token };
}

const post = (schoolId: string, token: string, payload: unknown) =>
  h.app.inject({ method: 'POST', url: `/api/v1/schools/${schoolId}/monitoring-captures`, headers: { authorization: `Bearer ${token}` }, payload: payload as object });

test('captures become alerts by their severity, about the person they name, and repeats fold', async () => {
  const w = await world();
  const token = await w.token(w.it.accountId, ['logs:write']);
  const at = h.clock.now().toISOString();
  const leo = `SCHOOL\\leo.marsh.${w.trust.id.slice(-6)}`;
  const res = await post(w.school.id, token, [
    { at, product: 'Senso', user: leo, device: 'LAPTOP-12', severity: 'critical', trigger: 'searched for ways to hurt myself', captureRef: 'senso://cap/991', category: 'Self Harm' },
    { at, product: 'Senso', device: 'LAPTOP-30', severity: 2, trigger: 'bullying language in a chat', captureRef: 'senso://cap/992' },
    { at, product: 'Senso', device: 'LAPTOP-31', severity: 'low', trigger: 'swearing', captureRef: 'senso://cap/993' },
  ]);
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(res.json(), { received: 3, alerts: { created: 3, folded: 0 } });
  const alerts = await h.db.selectFrom('log_alerts').selectAll().where('trust_id', '=', w.trust.id).orderBy('priority').execute();
  assert.deepEqual(alerts.map((a) => [a.rule, a.priority]).sort(), [
    ['monitoring_capture', 'high'],
    ['monitoring_capture', 'low'],
    ['monitoring_capture', 'medium'],
  ]);
  const high = alerts.find((a) => a.priority === 'high');
  assert.equal(high?.person_id, w.pupil.id);
  assert.equal(high?.category, 'self_harm');
  const events = await h.db.selectFrom('log_alert_events').selectAll().where('trust_id', '=', w.trust.id).where('alert_id', '=', high?.id as string).execute();
  assert.equal(events[0]?.capture_ref, 'senso://cap/991');
  assert.equal(events[0]?.trigger, 'searched for ways to hurt myself');

  // The same capture again, minutes later: it folds into the open alert.
  h.clock.advance(5 * 60_000);
  const again = await post(w.school.id, token, { at: h.clock.now().toISOString(), product: 'Senso', user: leo, severity: 4, trigger: 'searched again', category: 'Self Harm' });
  assert.deepEqual(again.json(), { received: 1, alerts: { created: 0, folded: 1 } });
});

test('the webhook needs a token with logs:write held by the IT provider, for its own school; bad captures say what to fix', async () => {
  const w = await world();
  const other = await world();
  const capture = { at: h.clock.now().toISOString(), product: 'Impero', device: 'PC-1', severity: 3, trigger: 'x' };
  assert.equal((await post(w.school.id, await w.token(w.it.accountId, ['people:read']), capture)).statusCode, 403, 'wrong scope');
  assert.equal((await post(w.school.id, await w.token(w.teacher.accountId, ['logs:write']), capture)).statusCode, 403, 'not the IT provider');
  assert.equal((await post(other.school.id, await w.token(w.it.accountId, ['logs:write']), capture)).statusCode, 404, 'another trust');
  const noAuth = await h.app.inject({ method: 'POST', url: `/api/v1/schools/${w.school.id}/monitoring-captures`, payload: capture });
  assert.equal(noAuth.statusCode, 401);

  const token = await w.token(w.it.accountId, ['logs:write']);
  const bad = await post(w.school.id, token, { ...capture, severity: 'apocalyptic', device: undefined });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /severity/);
  const nobody = await post(w.school.id, token, { at: capture.at, product: 'Impero', severity: 3, trigger: 'x' });
  assert.equal(nobody.statusCode, 400);
  assert.match(nobody.body, /user, device or clientIp/);
  const none = await h.db.selectFrom('log_alerts').select('id').where('trust_id', '=', w.trust.id).execute();
  assert.equal(none.length, 0, 'nothing stored from refused calls');
});
