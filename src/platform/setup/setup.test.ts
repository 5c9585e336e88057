import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyChains } from '../audit/service.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { setupTrust } from './service.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

test('bad input is refused with what to fix, and nothing is written', async () => {
  await assert.rejects(setupTrust(h, { trust: '', schools: [], adminEmail: 'nope', adminName: '' }), (e: Error) =>
    /--trust/.test(e.message) && /--school/.test(e.message) && /--admin-email/.test(e.message),
  );
  await assert.rejects(setupTrust(h, { trust: 'T', schools: ['A', 'a'], adminEmail: 'x@y.uk', adminName: 'X' }), /must be different/);
  assert.equal((await h.db.selectFrom('trusts').selectAll().execute()).length, 0);
});

test('setup makes the trust, its schools and a trust administrator who must change passphrase and enrol two-factor', async () => {
  const r = await setupTrust(h, { trust: 'Harbour Schools Trust', schools: ['Quay Primary', 'Dockside Infants'], adminEmail: 'Admin@Harbour.example', adminName: 'Jo Bloggs' });
  assert.equal(r.schoolIds.length, 2);
  assert.ok(r.temporaryPassphrase.length >= 20);
  const login = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@harbour.example', password: r.temporaryPassphrase } });
  assert.equal(login.statusCode, 200, login.body);
  assert.deepEqual(login.json(), { ...login.json(), mustChangePassword: true, mustEnrolTwoFactor: true });
  const roles = await h.db.selectFrom('role_assignments').select(['role', 'school_id']).where('trust_id', '=', r.trustId).execute();
  assert.deepEqual(roles, [{ role: 'trust_admin', school_id: null }]);
  const events = await h.db.selectFrom('audit_events').select('action').where('trust_id', '=', r.trustId).execute();
  assert.ok(events.some((e) => e.action === 'setup.completed'));
  assert.ok((await verifyChains(h.db)).every((c) => c.broken === null));
});

test('a second setup is refused: Haven is set up once', async () => {
  await assert.rejects(setupTrust(h, { trust: 'Other', schools: ['S'], adminEmail: 'b@c.uk', adminName: 'B' }), /already set up/);
  assert.equal((await h.db.selectFrom('trusts').selectAll().execute()).length, 1);
});
