import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildPupil, buildSchool, buildTrust } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { schoolWithHead, signedIn } from './testing.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');

function multipart(fileName: string, bytes: Buffer, field = 'file') {
  const boundary = '----havenphoto';
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: image/png\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

test('a school uploads a pupil photo: stored encrypted, served with safe headers to staff of that school, audited, shown on the list', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const pupil = await buildPupil(h.db, trust.id, school.id, { given_name: 'Ada', family_name: 'Ames', registration_group: '3A' });
  const noPhoto = await buildPupil(h.db, trust.id, school.id, { given_name: 'Bo', family_name: 'Brook', registration_group: '3A' });
  const office = await signedIn(h, trust.id, school.id, ['office']);
  const teacher = await signedIn(h, trust.id, school.id, ['teacher']);

  const upload = (auth: { headers: Record<string, string> }, id: string, m = multipart('ada.png', PNG)) =>
    h.app.inject({ method: 'POST', url: `/api/v1/people/${id}/photo`, headers: { ...auth.headers, 'content-type': m.contentType }, payload: m.payload });

  // Before any upload there is no photo.
  assert.equal((await h.app.inject({ url: `/api/v1/people/${pupil.id}/photo`, headers: teacher.auth.headers })).statusCode, 404);

  assert.equal((await upload(teacher.auth, pupil.id)).statusCode, 403, 'a teacher may look, not upload');
  const res = await upload(office.auth, pupil.id);
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().photoUrl, `/api/v1/people/${pupil.id}/photo`);

  const row = await h.db.selectFrom('pupil_photos').selectAll().where('trust_id', '=', trust.id).where('person_id', '=', pupil.id).executeTakeFirstOrThrow();
  assert.match(row.sha256, /^[0-9a-f]{64}$/);
  assert.equal(row.uploaded_by.length > 0, true);
  const blob = await h.db.selectFrom('evidence_blobs').select(['ciphertext', 'mime']).where('trust_id', '=', trust.id).where('sha256', '=', row.sha256).executeTakeFirstOrThrow();
  assert.equal(blob.mime, 'image/png');
  assert.equal(blob.ciphertext.includes(PNG.subarray(0, 8)), false, 'the stored bytes are encrypted');

  // Not a photo: a PDF is refused (and nothing is recorded for the pupil).
  const pdf = await upload(headAuth, noPhoto.id, multipart('x.pdf', Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1')));
  assert.equal(pdf.statusCode, 415, pdf.body);
  assert.equal((await h.db.selectFrom('pupil_photos').select('person_id').where('person_id', '=', noPhoto.id).execute()).length, 0);
  const empty = await h.app.inject({ method: 'POST', url: `/api/v1/people/${pupil.id}/photo`, headers: { ...headAuth.headers, 'content-type': 'application/json' }, payload: {} });
  assert.equal(empty.statusCode, 400);

  const got = await h.app.inject({ url: `/api/v1/people/${pupil.id}/photo`, headers: teacher.auth.headers });
  assert.equal(got.statusCode, 200);
  assert.equal(got.headers['content-type'], 'image/png');
  assert.equal(got.headers['x-content-type-options'], 'nosniff');
  assert.equal(got.headers['cache-control'], 'private, no-store');
  assert.deepEqual(got.rawPayload, PNG);

  const list = (await h.app.inject({ url: `/api/v1/schools/${school.id}/consents/must-not-appear?purpose=website_photo&registrationGroup=3A`, headers: teacher.auth.headers })).json();
  assert.deepEqual(
    list.pupils.map((x: { id: string; photoUrl: string | null }) => [x.id, x.photoUrl]),
    [
      [pupil.id, `/api/v1/people/${pupil.id}/photo`],
      [noPhoto.id, null],
    ],
  );

  const events = await h.db.selectFrom('audit_events').select(['action', 'record_id']).where('trust_id', '=', trust.id).where('action', 'like', 'people.photo_%').orderBy('seq').execute();
  assert.deepEqual(events, [
    { action: 'people.photo_uploaded', record_id: pupil.id },
    { action: 'people.photo_viewed', record_id: pupil.id },
  ]);

  // Another school's staff and another trust's staff see nothing.
  const otherSchool = await buildSchool(h.db, trust.id);
  const elsewhere = await signedIn(h, trust.id, otherSchool.id, ['teacher']);
  assert.equal((await h.app.inject({ url: `/api/v1/people/${pupil.id}/photo`, headers: elsewhere.auth.headers })).statusCode, 403);
  const otherTrust = await buildTrust(h.db);
  const otherTrustSchool = await buildSchool(h.db, otherTrust.id);
  const outsider = await signedIn(h, otherTrust.id, otherTrustSchool.id, ['headteacher']);
  assert.equal((await h.app.inject({ url: `/api/v1/people/${pupil.id}/photo`, headers: outsider.auth.headers })).statusCode, 404);
  assert.equal((await upload(outsider.auth, pupil.id)).statusCode, 404);
});
