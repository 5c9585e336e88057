import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UsageError } from '../../cli.ts';
import { buildSchool, buildTrust } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { createTokenFor, createUser, parseTokenArgs, parseUserArgs } from './cli.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

const login = (email: string, password: string) => h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

test('user create makes a staff person with roles and a temporary passphrase that must be changed', async () => {
  const trust = await buildTrust(h.db, 'Riverside Learning Trust');
  const school = await buildSchool(h.db, trust.id, 'Riverside Primary');
  const urn = (await h.db.selectFrom('schools').select('urn').where('id', '=', school.id).executeTakeFirstOrThrow()).urn as string;
  const input = parseUserArgs(['create', '--email', 'office@riverside.example.test', '--name', 'Morgan Fairley', '--trust', trust.name, '--school', urn, '--role', 'office', '--role', 'teacher']);
  const made = await createUser(h, input);
  assert.equal(made.school?.id, school.id);
  const person = await h.db.selectFrom('people').selectAll().where('id', '=', made.personId).executeTakeFirstOrThrow();
  assert.deepEqual([person.trust_id, person.school_id, person.kind, person.given_name, person.family_name, person.account_id], [trust.id, school.id, 'staff', 'Morgan', 'Fairley', made.accountId]);
  const roles = await h.db.selectFrom('role_assignments').select(['role', 'school_id']).where('person_id', '=', made.personId).orderBy('role').execute();
  assert.deepEqual(roles, [{ role: 'office', school_id: school.id }, { role: 'teacher', school_id: school.id }]);

  const res = await login('office@riverside.example.test', made.temporaryPassphrase);
  assert.equal(res.statusCode, 200);
  assert.equal((res.json() as { mustChangePassword: boolean }).mustChangePassword, true);
  const event = await h.db.selectFrom('audit_events').select(['actor_label', 'detail']).where('record_id', '=', made.accountId).executeTakeFirstOrThrow();
  assert.equal(event.actor_label, 'haven CLI');
  assert.ok(!JSON.stringify(event.detail).includes(made.temporaryPassphrase));

  await assert.rejects(createUser(h, input), UsageError, 'the same email twice');
  await assert.rejects(createUser(h, { ...input, email: 'x@riverside.example.test', trust: 'No Such Trust' }), /No single trust/);
  await assert.rejects(createUser(h, { ...input, email: 'y@riverside.example.test', school: 'No Such School' }), /No single school/);
});

test('user create: a trust role needs no school; a school role does; roles and options are checked', async () => {
  const trust = await buildTrust(h.db);
  const made = await createUser(h, parseUserArgs(['create', '--email', 'ceo@example.test', '--name', 'Avery', '--trust', trust.id, '--role', 'trust_admin']));
  const roles = await h.db.selectFrom('role_assignments').select(['role', 'school_id']).where('person_id', '=', made.personId).execute();
  assert.deepEqual(roles, [{ role: 'trust_admin', school_id: null }]);

  assert.throws(() => parseUserArgs(['create', '--email', 'a@example.test', '--name', 'A', '--trust', 'T', '--role', 'teacher']), /needs --school/);
  assert.throws(() => parseUserArgs(['create', '--email', 'a@example.test', '--name', 'A', '--trust', 'T', '--role', 'wizard']), UsageError);
  assert.throws(() => parseUserArgs(['create', '--email', 'a@example.test', '--name', 'A', '--trust', 'T']), UsageError);
  assert.throws(() => parseUserArgs(['create', '--email', 'not-an-email', '--name', 'A', '--trust', 'T', '--role', 'trust_admin']), UsageError);
  assert.throws(() => parseUserArgs(['create', '--emial', 'a@example.test']), UsageError);
  assert.throws(() => parseUserArgs(['delete']), UsageError);
});

test('token create prints a token that works as Authorization: Bearer on GET /api/v1/schools', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  await buildSchool(h.db, trust.id);
  await createUser(h, parseUserArgs(['create', '--email', 'it@provider.example.test', '--name', 'Sam Network', '--trust', trust.id, '--role', 'trust_admin']));

  const made = await createTokenFor(h, parseTokenArgs(['create', '--email', 'it@provider.example.test', '--name', 'Sync', '--scope', 'people:read', '--days', '7']));
  assert.match(made.token, /^hvn_/);
  assert.equal(made.expiresAt.toISOString(), new Date(h.clock.now().getTime() + 7 * 86_400_000).toISOString());
  const res = await h.app.inject({ url: '/api/v1/schools', headers: { authorization: `Bearer ${made.token}` } });
  assert.equal(res.statusCode, 200);
  assert.equal((res.json() as { schools: unknown[] }).schools.length, 2);

  const limited = await createTokenFor(h, parseTokenArgs(['create', '--email', 'it@provider.example.test', '--name', 'One school', '--scope', 'people:read', '--school', school.name]));
  const one = (await h.app.inject({ url: '/api/v1/schools', headers: { authorization: `Bearer ${limited.token}` } })).json() as { schools: { id: string }[] };
  assert.deepEqual(one.schools.map((s) => s.id), [school.id]);
  const row = await h.db.selectFrom('api_tokens').select(['expires_at', 'school_id']).where('id', '=', limited.id).executeTakeFirstOrThrow();
  assert.equal(row.expires_at.getTime() - h.clock.now().getTime(), 90 * 86_400_000, '90 days by default');
});

test('token create: a bad scope, bad days or missing option is a usage error; unknown accounts are refused', async () => {
  assert.throws(() => parseTokenArgs(['create', '--email', 'a@example.test', '--name', 'x', '--scope', 'everything']), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.match(err.message, /Unknown scope "everything"/);
    assert.match(err.message, /people:read/);
    return true;
  });
  assert.throws(() => parseTokenArgs(['create', '--email', 'a@example.test', '--name', 'x']), UsageError);
  assert.throws(() => parseTokenArgs(['create', '--email', 'a@example.test', '--name', 'x', '--scope', 'admin', '--days', '400']), UsageError);
  assert.throws(() => parseTokenArgs(['create', '--email', 'a@example.test', '--name', 'x', '--scope', 'admin', '--days', '1.5']), UsageError);
  assert.throws(() => parseTokenArgs(['create', '--name', 'x', '--scope', 'admin']), UsageError);
  await assert.rejects(createTokenFor(h, parseTokenArgs(['create', '--email', 'ghost@example.test', '--name', 'x', '--scope', 'admin'])), UsageError);
});

test('`haven token create` with a bad scope exits 2 before touching any database', async () => {
  const { main } = await import('../../cli.ts');
  const write = process.stderr.write;
  let said = '';
  process.stderr.write = ((chunk: string) => {
    said += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    assert.equal(await main(['token', 'create', '--email', 'a@example.test', '--name', 'x', '--scope', 'root']), 2);
  } finally {
    process.stderr.write = write;
  }
  assert.match(said, /Unknown scope "root"/);
});
