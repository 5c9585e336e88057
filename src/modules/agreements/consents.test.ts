import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MINUTE } from '../../platform/clock.ts';
import { buildPerson, buildPupil } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { buildParent, publishStarter, schoolWithHead, signedIn, startCampaign } from './testing.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

test('consents keep every answer; the latest is current; the must-not-appear list is everyone without a current yes', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const yes = await buildPupil(h.db, trust.id, school.id, { given_name: 'Ada', family_name: 'Ames', registration_group: '3A' });
  const changed = await buildPupil(h.db, trust.id, school.id, { given_name: 'Bo', family_name: 'Brook', registration_group: '3A' });
  const none = await buildPupil(h.db, trust.id, school.id, { given_name: 'Cy', family_name: 'Cole', registration_group: '3A' });
  const otherClass = await buildPupil(h.db, trust.id, school.id, { given_name: 'Di', family_name: 'Dunn', registration_group: '3B' });
  const p1 = await buildParent(h.db, trust.id, [yes.id]);
  const p2 = await buildParent(h.db, trust.id, [changed.id]);
  const noPr = await buildParent(h.db, trust.id, [changed.id], { parentalResponsibility: false });

  const record = (pupilId: string, body: Record<string, unknown>) => h.app.inject({ method: 'POST', url: `/api/v1/people/${pupilId}/consents`, headers: headAuth.headers, payload: body });
  assert.equal((await record(yes.id, { purpose: 'website_photo', value: true, parentId: p1.id, method: 'paper' })).statusCode, 201);
  assert.equal((await record(changed.id, { purpose: 'website_photo', value: true, parentId: p2.id, method: 'paper' })).statusCode, 201);
  h.clock.advance(MINUTE);
  assert.equal((await record(changed.id, { purpose: 'website_photo', value: false, parentId: p2.id, method: 'in_app' })).statusCode, 201);
  const refused = await record(changed.id, { purpose: 'website_photo', value: true, parentId: noPr.id, method: 'paper' });
  assert.equal(refused.statusCode, 422, 'only a parent with parental responsibility gives consent');
  assert.equal((await record(changed.id, { purpose: 'selfies', value: true, parentId: p2.id, method: 'paper' })).statusCode, 400);
  assert.equal((await record(yes.id, { purpose: 'website_photo', value: true, parentId: p2.id, method: 'paper' })).statusCode, 422, 'not this pupil\u2019s parent');

  const mine = (await h.app.inject({ url: `/api/v1/people/${changed.id}/consents`, headers: headAuth.headers })).json();
  const web = mine.purposes.find((x: { purpose: string }) => x.purpose === 'website_photo');
  assert.equal(web.current, false);
  assert.deepEqual(
    web.history.map((r: { value: boolean; method: string }) => [r.value, r.method]),
    [
      [false, 'in_app'],
      [true, 'paper'],
    ],
  );
  assert.equal(mine.purposes.find((x: { purpose: string }) => x.purpose === 'press_name').current, null);
  await assert.rejects(h.db.updateTable('consent_records').set({ value: true }).where('pupil_id', '=', changed.id).execute(), /append-only/);
  await assert.rejects(h.db.deleteFrom('consent_records').where('pupil_id', '=', changed.id).execute(), /append-only/);

  // A teacher on a phone at the school fair.
  const teacher = await signedIn(h, trust.id, school.id, ['teacher']);
  const list = await h.app.inject({ url: `/api/v1/schools/${school.id}/consents/must-not-appear?purpose=website_photo&registrationGroup=3A`, headers: teacher.auth.headers });
  assert.equal(list.statusCode, 200);
  const body = list.json();
  assert.equal(body.label, 'Photos on the school website');
  assert.deepEqual(
    body.pupils.map((x: { id: string; answer: boolean | null }) => [x.id, x.answer]),
    [
      [changed.id, false],
      [none.id, null],
    ],
  );
  const whole = (await h.app.inject({ url: `/api/v1/schools/${school.id}/consents/must-not-appear?purpose=website_photo`, headers: teacher.auth.headers })).json();
  assert.deepEqual(new Set(whole.pupils.map((x: { id: string }) => x.id)), new Set([changed.id, none.id, otherClass.id]));
  assert.equal((await h.app.inject({ url: `/api/v1/schools/${school.id}/consents/must-not-appear?purpose=nope`, headers: teacher.auth.headers })).statusCode, 400);
  // A teacher reads but cannot record.
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/people/${none.id}/consents`, headers: teacher.auth.headers, payload: { purpose: 'website_photo', value: true, parentId: p1.id, method: 'paper' } })).statusCode, 403);

  const csv = await h.app.inject({ url: `/api/v1/schools/${school.id}/consents/export.csv?registrationGroup=3A`, headers: teacher.auth.headers });
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0] as string, /^Pupil,Class,Portrait photo kept in the school office records,/);
  const row = (name: string) => (lines.find((l) => l.startsWith(name)) as string).split(',');
  assert.equal(row('Ada Ames')[5], 'Yes');
  assert.equal(row('Bo Brook')[5], 'No');
  assert.equal(row('Cy Cole')[5], 'Not given');
  const pdf = await h.app.inject({ url: `/api/v1/schools/${school.id}/consents/export.pdf?registrationGroup=3A`, headers: teacher.auth.headers });
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

  const events = await h.db.selectFrom('audit_events').select('action').where('trust_id', '=', trust.id).where('action', 'like', 'consents.%').orderBy('seq').execute();
  assert.deepEqual(events.map((e) => e.action), ['consents.recorded', 'consents.recorded', 'consents.recorded', 'consents.exported', 'consents.exported']);
});

test('induction checklist: agreement from acceptances, account from the directory, two manual ticks; complete only with all four', async () => {
  const { trust, school, headAuth, head } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'staff');
  const newTeacher = await signedIn(h, trust.id, school.id, ['teacher']);
  const noAccount = await buildPerson(h.db, trust.id, { school_id: school.id, kind: 'volunteer' });

  const read = async () => (await h.app.inject({ url: `/api/v1/schools/${school.id}/induction`, headers: headAuth.headers })).json();
  let list = await read();
  assert.equal(list.staffAgreementVersionId, versionId);
  const of = (id: string) => list.staff.find((s: { personId: string }) => s.personId === id);
  assert.deepEqual(of(newTeacher.personId).items, { policyRead: false, agreementAccepted: false, trainingRecorded: false, accountIssued: true });
  assert.deepEqual(of(noAccount.id).items, { policyRead: false, agreementAccepted: false, trainingRecorded: false, accountIssued: false });

  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/my-agreements/${versionId}/accept`, headers: newTeacher.auth.headers, payload: { scrolledToEnd: true } })).statusCode, 201);
  for (const item of ['policyRead', 'trainingRecorded']) {
    const res = await h.app.inject({ method: 'POST', url: `/api/v1/people/${newTeacher.personId}/induction/${item}`, headers: headAuth.headers, payload: { done: true, note: 'Online safety course, 1 Sept' } });
    assert.equal(res.statusCode, 204);
  }
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/people/${newTeacher.personId}/induction/accountIssued`, headers: headAuth.headers, payload: { done: true } })).statusCode, 400);
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/people/${head.personId}/induction/policyRead`, headers: newTeacher.auth.headers, payload: { done: true } })).statusCode, 403);
  assert.equal((await h.app.inject({ url: `/api/v1/schools/${school.id}/induction`, headers: newTeacher.auth.headers })).statusCode, 403);

  list = await read();
  assert.deepEqual(of(newTeacher.personId).items, { policyRead: true, agreementAccepted: true, trainingRecorded: true, accountIssued: true });
  assert.equal(of(newTeacher.personId).complete, true);
  assert.equal(of(noAccount.id).complete, false);
  assert.equal(list.staff[list.staff.length - 1].personId, newTeacher.personId, 'complete people are listed last');

  // Unticking is possible and audited; the checklist reopens.
  await h.app.inject({ method: 'POST', url: `/api/v1/people/${newTeacher.personId}/induction/policyRead`, headers: headAuth.headers, payload: { done: false } });
  list = await read();
  assert.equal(of(newTeacher.personId).complete, false);
  const events = await h.db.selectFrom('audit_events').select('action').where('trust_id', '=', trust.id).where('action', 'like', 'induction.%').orderBy('seq').execute();
  assert.deepEqual(events.map((e) => e.action), ['induction.ticked', 'induction.ticked', 'induction.unticked']);
});

test('a scanned paper form is stored as evidence and recorded as a paper acceptance', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'community');
  const visitor = await buildPerson(h.db, trust.id, { school_id: school.id, kind: 'community' });
  const campaignId = await startCampaign(h.app, headAuth, school.id, { versionId, groups: [{ kind: 'community' }] });
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
  const boundary = '----haven';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="personId"\r\n\r\n${visitor.id}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="form.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/campaigns/${campaignId}/paper`,
    headers: { ...headAuth.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  assert.equal(res.statusCode, 201, res.body);
  const row = await h.db.selectFrom('agreement_acceptances').selectAll().where('id', '=', res.json().acceptanceId).executeTakeFirstOrThrow();
  assert.equal(row.method, 'paper');
  assert.equal(row.person_id, visitor.id);
  assert.match(row.evidence_sha256 ?? '', /^[0-9a-f]{64}$/);
  const detail = (await h.app.inject({ url: `/api/v1/campaigns/${campaignId}`, headers: headAuth.headers })).json();
  assert.deepEqual(detail.progress, { required: 1, accepted: 1, withdrawn: 0 });
});
