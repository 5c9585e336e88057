import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildPerson, buildPupil, buildSchool, buildTrust, buildUser, signIn, type Signed, totpNow } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

async function world() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const other = await buildSchool(h.db, trust.id);
  const office = await signIn(h.app, (await buildUser(h.db, trust.id, school.id, ['office'])).email);
  const head = await buildUser(h.db, trust.id, school.id, ['headteacher'], { totpSecret: SECRET });
  const headS = await signIn(h.app, head.email, { totp: totpNow(SECRET, h.clock.now()) });
  const admin = await buildUser(h.db, trust.id, null, ['trust_admin'], { totpSecret: SECRET });
  const adminS = await signIn(h.app, admin.email, { totp: totpNow(SECRET, h.clock.now()) });
  const otherOffice = await signIn(h.app, (await buildUser(h.db, trust.id, other.id, ['office'])).email);
  return { trust, school, other, office, head, headS, adminS, otherOffice };
}

const req = (s: Signed, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers: s.headers, ...(payload ? { payload } : {}) });

const person = (id: string) => h.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const actions = (trustId: string, recordId: string) =>
  h.db
    .selectFrom('audit_events')
    .select('action')
    .where('trust_id', '=', trustId)
    .where('record_id', '=', recordId)
    .orderBy('seq')
    .execute()
    .then((r) => r.map((x) => x.action));

test('create a pupil and change them: key stage follows the year group, every change audited', async () => {
  const { trust, school, office } = await world();
  const res = await req(office, 'POST', `/schools/${school.id}/people`, {
    kind: 'pupil',
    givenName: ' Wren ',
    familyName: 'Hollowell',
    upn: 'b930000000101',
    dateOfBirth: '2018-05-17',
    yearGroup: 'Year 2',
    registrationGroup: '2 Kestrel',
    send: true,
  });
  assert.equal(res.statusCode, 201, res.body);
  const { id } = res.json() as { id: string };
  const created = await person(id);
  assert.deepEqual(
    [created.kind, created.school_id, created.given_name, created.upn, created.date_of_birth, created.year_group, created.key_stage, created.send_flag],
    ['pupil', school.id, 'Wren', 'B930000000101', '2018-05-17', '2', 'KS1', true],
  );
  const patched = await req(office, 'PATCH', `/people/${id}`, { yearGroup: '3', preferredName: 'Renny' });
  assert.equal(patched.statusCode, 204, patched.body);
  const changed = await person(id);
  assert.deepEqual([changed.year_group, changed.key_stage, changed.preferred_name], ['3', 'KS2', 'Renny']);
  const left = await req(office, 'PATCH', `/people/${id}`, { status: 'leaver' });
  assert.equal(left.statusCode, 204);
  assert.deepEqual([(await person(id)).status, (await person(id)).left_on], ['leaver', '2026-09-01']);
  assert.deepEqual(await actions(trust.id, id), ['person.created', 'person.updated', 'person.updated']);

  const dup = await req(office, 'POST', `/schools/${school.id}/people`, { kind: 'pupil', givenName: 'A', familyName: 'B', upn: 'B930000000101', yearGroup: '2' });
  assert.equal(dup.statusCode, 409);
  assert.match((dup.json() as { detail: string }).detail, /UPN B930000000101 already belongs/);
  for (const [body, re] of [
    [{ kind: 'pupil', givenName: 'A', familyName: 'B' }, /a pupil needs a year group/],
    [{ kind: 'pupil', givenName: 'A', familyName: 'B', yearGroup: '2', upn: 'X1' }, /a UPN is 13 characters/],
    [{ kind: 'pupil', givenName: 'A', familyName: 'B', yearGroup: '2', dateOfBirth: '2017-02-30' }, /not a real date/],
    [{ kind: 'alien', givenName: 'A', familyName: 'B' }, /kind must be one of/],
    [{ kind: 'staff', givenName: '', familyName: 'B' }, /givenName cannot be empty/],
    [{ kind: 'staff', givenName: 'A', familyName: 'B', email: 'nope' }, /email address/],
  ] as const) {
    const bad = await req(office, 'POST', `/schools/${school.id}/people`, body);
    assert.equal(bad.statusCode, 400, JSON.stringify(body));
    assert.match((bad.json() as { detail: string }).detail, re);
  }
});

test('people of another school or trust are 404; a teacher may look but not change (403)', async () => {
  const { trust, school, other, office, otherOffice } = await world();
  const pupil = await buildPupil(h.db, trust.id, school.id);
  const outsiders = await buildTrust(h.db);
  const outsider = await signIn(h.app, (await buildUser(h.db, outsiders.id, (await buildSchool(h.db, outsiders.id)).id, ['office'])).email);
  const teacher = await signIn(h.app, (await buildUser(h.db, trust.id, school.id, ['teacher'])).email);
  for (const who of [otherOffice, outsider]) {
    assert.equal((await req(who, 'PATCH', `/people/${pupil.id}`, { givenName: 'X' })).statusCode, 404);
    assert.equal((await req(who, 'POST', `/schools/${school.id}/people`, { kind: 'staff', givenName: 'X', familyName: 'Y' })).statusCode, 404);
  }
  assert.equal((await req(teacher, 'PATCH', `/people/${pupil.id}`, { givenName: 'X' })).statusCode, 403);
  assert.equal((await person(pupil.id)).given_name, pupil.given_name);
  // and an office user cannot add people to a school that is not theirs
  assert.equal((await req(office, 'POST', `/schools/${other.id}/people`, { kind: 'staff', givenName: 'X', familyName: 'Y' })).statusCode, 404);
});

test('parents: link with relationship and parental responsibility, change, unlink; pupils of other schools are 404', async () => {
  const { trust, school, other, office } = await world();
  const pupil = await buildPupil(h.db, trust.id, school.id);
  const parent = await buildPerson(h.db, trust.id, { kind: 'parent', school_id: school.id });
  const link = await req(office, 'POST', `/people/${pupil.id}/parents`, { parentId: parent.id, relationship: 'grandmother', parentalResponsibility: false });
  assert.equal(link.statusCode, 204, link.body);
  const row = () =>
    h.db.selectFrom('pupil_parents').selectAll().where('pupil_id', '=', pupil.id).where('parent_id', '=', parent.id).executeTakeFirst();
  assert.deepEqual([(await row())?.relationship, (await row())?.parental_responsibility], ['grandmother', false]);
  await req(office, 'POST', `/people/${pupil.id}/parents`, { parentId: parent.id, relationship: 'guardian', parentalResponsibility: true });
  assert.deepEqual([(await row())?.relationship, (await row())?.parental_responsibility], ['guardian', true]);

  const pupilElsewhere = await buildPupil(h.db, trust.id, other.id);
  const parentElsewhere = await buildPerson(h.db, trust.id, { kind: 'parent', school_id: other.id });
  assert.equal((await req(office, 'POST', `/people/${pupilElsewhere.id}/parents`, { parentId: parent.id, relationship: 'mother', parentalResponsibility: true })).statusCode, 404);
  assert.equal((await req(office, 'POST', `/people/${pupil.id}/parents`, { parentId: parentElsewhere.id, relationship: 'mother', parentalResponsibility: true })).statusCode, 404);
  const sibling = await buildPupil(h.db, trust.id, school.id);
  assert.equal((await req(office, 'POST', `/people/${pupil.id}/parents`, { parentId: sibling.id, relationship: 'mother', parentalResponsibility: true })).statusCode, 400);

  assert.equal((await req(office, 'DELETE', `/people/${pupil.id}/parents/${parent.id}`)).statusCode, 204);
  assert.equal(await row(), undefined);
  assert.equal((await req(office, 'DELETE', `/people/${pupil.id}/parents/${parent.id}`)).statusCode, 404);
  assert.deepEqual(await actions(trust.id, pupil.id), ['pupil.parent_linked', 'pupil.parent_linked', 'pupil.parent_unlinked']);
});

test('school roles: the headteacher grants and ends (ended, never deleted); office may not; other schools are 404', async () => {
  const { trust, school, other, office, headS } = await world();
  const teacher = await buildPerson(h.db, trust.id, { school_id: school.id });
  const grant = await req(headS, 'POST', `/schools/${school.id}/roles`, { personId: teacher.id, role: 'dsl' });
  assert.equal(grant.statusCode, 201, grant.body);
  const { id } = grant.json() as { id: string };
  const holders = await h.app.inject({ url: `/api/v1/schools/${school.id}/role-holders`, headers: headS.headers });
  assert.ok((holders.json() as { holders: { role: string; personId: string }[] }).holders.some((x) => x.role === 'dsl' && x.personId === teacher.id));
  assert.equal((await req(headS, 'POST', `/schools/${school.id}/roles`, { personId: teacher.id, role: 'dsl' })).statusCode, 409);
  assert.equal((await req(headS, 'POST', `/schools/${school.id}/roles`, { personId: teacher.id, role: 'trust_ceo' })).statusCode, 400);
  assert.equal((await req(office, 'POST', `/schools/${school.id}/roles`, { personId: teacher.id, role: 'teacher' })).statusCode, 403);

  const elsewhere = await buildPerson(h.db, trust.id, { school_id: other.id });
  assert.equal((await req(headS, 'POST', `/schools/${school.id}/roles`, { personId: elsewhere.id, role: 'teacher' })).statusCode, 404);
  assert.equal((await req(headS, 'POST', `/schools/${other.id}/roles`, { personId: elsewhere.id, role: 'teacher' })).statusCode, 404);
  const pupil = await buildPupil(h.db, trust.id, school.id);
  assert.equal((await req(headS, 'POST', `/schools/${school.id}/roles`, { personId: pupil.id, role: 'teacher' })).statusCode, 400);

  assert.equal((await req(headS, 'DELETE', `/schools/${school.id}/roles/${id}`)).statusCode, 204);
  const ended = await h.db.selectFrom('role_assignments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(ended.ended_at, h.clock.now());
  assert.equal((await req(headS, 'DELETE', `/schools/${school.id}/roles/${id}`)).statusCode, 404);
  assert.deepEqual(await actions(trust.id, id), ['role.granted', 'role.ended']);
});

test('trust roles: only a trust administrator grants them; a headteacher gets 403', async () => {
  const { trust, school, headS, adminS } = await world();
  const someone = await buildPerson(h.db, trust.id, { school_id: school.id });
  assert.equal((await req(headS, 'POST', '/trust/roles', { personId: someone.id, role: 'trust_safeguarding_lead' })).statusCode, 403);
  const res = await req(adminS, 'POST', '/trust/roles', { personId: someone.id, role: 'trust_safeguarding_lead' });
  assert.equal(res.statusCode, 201, res.body);
  const { id } = res.json() as { id: string };
  const row = await h.db.selectFrom('role_assignments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual([row.school_id, row.role, row.person_id], [null, 'trust_safeguarding_lead', someone.id]);
  assert.equal((await req(adminS, 'POST', '/trust/roles', { personId: someone.id, role: 'dsl' })).statusCode, 400);
  const foreign = await buildPerson(h.db, (await buildTrust(h.db)).id, {});
  assert.equal((await req(adminS, 'POST', '/trust/roles', { personId: foreign.id, role: 'trust_ceo' })).statusCode, 404);
  assert.equal((await req(adminS, 'DELETE', `/trust/roles/${id}`)).statusCode, 204);
  assert.notEqual((await h.db.selectFrom('role_assignments').select('ended_at').where('id', '=', id).executeTakeFirstOrThrow()).ended_at, null);
});
