import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { verifyChains } from '../platform/audit/service.ts';
import { SCHOOL_ROLES, TRUST_ROLES } from '../platform/auth/roles.ts';
import type { Haven } from '../platform/context.ts';
import { totpNow } from '../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../platform/testing/harness.ts';
import { DEMO_PASSPHRASE, DEMO_TOTP_SECRET } from './data.ts';
import { seedDemo } from './seed.ts';

let h: TestHaven;
let demo: Haven;
let trustId: string;

before(async () => {
  h = await testHaven();
  demo = { ...h, config: { ...h.config, demo: true } };
  const summary = await seedDemo(demo);
  assert.equal(summary.created, true);
  trustId = summary.trustId;
});
after(() => h.close());

const count = async (table: 'people' | 'pupil_parents' | 'role_assignments' | 'accounts' | 'schools') =>
  Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

test('the demo is refused outside demo mode', async () => {
  await assert.rejects(seedDemo(h), /only loaded in demo mode/);
});

test('three schools, about 600 pupils, each pupil with a parent who has parental responsibility', async () => {
  assert.equal(await count('schools'), 3);
  const pupils = await h.db.selectFrom('people').select(['id', 'upn', 'year_group', 'key_stage']).where('kind', '=', 'pupil').execute();
  assert.ok(pupils.length >= 570 && pupils.length <= 630, `pupils: ${pupils.length}`);
  assert.ok(pupils.every((p) => p.upn && /^Z\d{11}[0-9A-Z]$/.test(p.upn)));
  assert.deepEqual(new Set(pupils.map((p) => p.year_group)), new Set(['R', '1', '2', '3', '4', '5', '6']));
  const orphans = await h.db
    .selectFrom('people as p')
    .select('p.id')
    .where('p.kind', '=', 'pupil')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('pupil_parents as pp').select('pp.parent_id').whereRef('pp.pupil_id', '=', 'p.id').where('pp.parental_responsibility', '=', true))),
    )
    .execute();
  assert.equal(orphans.length, 0);
});

test('every school has someone in every school role, and the trust holds every trust role', async () => {
  const roles = await h.db.selectFrom('role_assignments').select(['role', 'school_id']).where('ended_at', 'is', null).execute();
  const schools = await h.db.selectFrom('schools').select('id').execute();
  for (const s of schools) {
    for (const role of SCHOOL_ROLES) assert.ok(roles.some((r) => r.school_id === s.id && r.role === role), `${role} missing at ${s.id}`);
  }
  for (const role of TRUST_ROLES) assert.ok(roles.some((r) => r.school_id === null && r.role === role), `${role} missing`);
  const kinds = new Set((await h.db.selectFrom('people').select('kind').distinct().execute()).map((k) => k.kind));
  for (const kind of ['staff', 'pupil', 'parent', 'governor', 'volunteer', 'community', 'it_provider']) assert.ok(kinds.has(kind as never), kind);
});

test('one external IT provider account serves all three schools', async () => {
  const it = await h.db
    .selectFrom('people')
    .innerJoin('role_assignments', (j) => j.onRef('role_assignments.person_id', '=', 'people.id'))
    .select(['people.id', 'people.organisation', 'role_assignments.school_id'])
    .where('people.kind', '=', 'it_provider')
    .where('role_assignments.role', '=', 'network_manager')
    .execute();
  assert.equal(new Set(it.map((r) => r.id)).size, 1);
  assert.equal(new Set(it.map((r) => r.school_id)).size, 3);
  assert.equal(it[0]?.organisation, 'Brightwire IT');
});

test('every login the README lists signs in with the demo passphrase (and the demo TOTP where it says so)', async () => {
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = [...readme.matchAll(/^\| ([a-z.]+@riverside\.example) \| [^|]+ \| (yes|no) \|$/gm)];
  assert.ok(rows.length >= 8, 'README lists the demo logins');
  for (const [, email, twoFactor] of rows) {
    const payload: Record<string, string> = { email: email as string, password: DEMO_PASSPHRASE };
    const first = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
    if (twoFactor === 'yes') {
      assert.equal(first.statusCode, 401, `${email} should ask for a code`);
      payload.totp = totpNow(DEMO_TOTP_SECRET, h.clock.now());
      const second = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
      assert.equal(second.statusCode, 200, `${email}: ${second.body}`);
    } else {
      assert.equal(first.statusCode, 200, `${email}: ${first.body}`);
    }
  }
});

test('seeding again changes nothing, and the audit chain records the seeding', async () => {
  const before = { people: await count('people'), links: await count('pupil_parents'), roles: await count('role_assignments') };
  const again = await seedDemo(demo);
  assert.equal(again.created, false);
  assert.equal(again.trustId, trustId);
  assert.deepEqual({ people: await count('people'), links: await count('pupil_parents'), roles: await count('role_assignments') }, before);
  const seeded = await h.db.selectFrom('audit_events').select('action').where('trust_id', '=', trustId).where('action', '=', 'demo.seeded').execute();
  assert.equal(seeded.length, 1);
  assert.ok((await verifyChains(h.db)).every((c) => c.broken === null));
});

test('the demo has life in it: concerns in the queue (one taken by the DSL) and a staff agreement campaign', async () => {
  const concerns = await h.db.selectFrom('concerns').select(['status', 'urgent', 'owner_person_id']).where('trust_id', '=', trustId).execute();
  assert.equal(concerns.length, 3);
  assert.equal(concerns.filter((c) => c.status === 'triage' && c.owner_person_id).length, 1);
  assert.equal(concerns.filter((c) => c.urgent).length, 1);
  const campaigns = await h.db.selectFrom('agreement_campaigns').select('title').where('trust_id', '=', trustId).execute();
  assert.deepEqual(campaigns.map((c) => c.title), ['Staff agreement for this year']);
});

test('the demo has filtering and monitoring: a morning of logs with its alerts, a failed filter check, and a change waiting', async () => {
  const alerts = await h.db.selectFrom('log_alerts').select(['rule', 'priority', 'person_id']).where('trust_id', '=', trustId).execute();
  const rules = alerts.map((a) => `${a.rule}:${a.priority}`).sort();
  assert.deepEqual(rules, ['blocked_burst:medium', 'filter_bypass:medium', 'filter_check_failed:medium', 'harmful_content:high']);
  assert.ok(alerts.find((a) => a.rule === 'harmful_content')?.person_id, 'the self-harm visit is attributed to a pupil by the laptop lease');
  const hourly = await h.db.selectFrom('log_hourly').select((eb) => eb.fn.sum<string>('events').as('n')).where('trust_id', '=', trustId).executeTakeFirstOrThrow();
  assert.equal(Number(hourly.n), 3023);
  const waiting = await h.db.selectFrom('filter_change_requests').select('state').where('trust_id', '=', trustId).execute();
  assert.deepEqual(waiting.map((c) => c.state), ['requested']);
});
