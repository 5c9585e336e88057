import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { buildSchool, buildTrust, buildUser, signIn, type Signed } from '../../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../../platform/testing/harness.ts';
import type { ImportPreview } from './service.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const SIMS = fs.readFileSync(path.join(fixtures, 'sims-pupils.csv'));
const BROMCOM = fs.readFileSync(path.join(fixtures, 'bromcom-staff.csv'));

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

type Part = [name: string, value: string | { filename: string; content: Buffer | string }];

/** A multipart/form-data body built by hand, as a browser would send it. */
function form(parts: Part[]) {
  const boundary = `----haven${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of parts) {
    const disposition =
      typeof value === 'string' ? `form-data; name="${name}"` : `form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: text/csv`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function setup() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const office = await buildUser(h.db, trust.id, school.id, ['office']);
  return { trust, school, office, s: await signIn(h.app, office.email) };
}

async function upload(s: Signed, schoolId: string, kind: string, content: Buffer | string, filename = 'pupils.csv') {
  const f = form([
    ['kind', kind],
    ['file', { filename, content }],
  ]);
  return h.app.inject({ method: 'POST', url: `/api/v1/schools/${schoolId}/imports`, payload: f.payload, headers: { ...s.headers, ...f.headers } });
}

async function uploadOk(s: Signed, schoolId: string, kind: string, content: Buffer | string) {
  const res = await upload(s, schoolId, kind, content);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as ImportPreview;
}

const commit = (s: Signed, schoolId: string, id: string) =>
  h.app.inject({ method: 'POST', url: `/api/v1/schools/${schoolId}/imports/${id}/commit`, headers: s.headers });

async function commitOk(s: Signed, schoolId: string, id: string) {
  const res = await commit(s, schoolId, id);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as ImportPreview;
}

const pupilsOf = (trustId: string, schoolId: string) =>
  h.db
    .selectFrom('people')
    .selectAll()
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('kind', '=', 'pupil')
    .orderBy('upn')
    .execute();

function problemOf(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown; body: string }) {
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `4xx expected, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  const body = res.json() as { status: number; detail: string; problems?: { field: string; message: string }[]; errors?: { field: string; message: string }[] };
  assert.equal(body.status, res.statusCode);
  return { ...body, list: body.problems ?? body.errors ?? [] };
}

test('upload → preview → mapping change → commit creates the pupils', async () => {
  const { trust, school, s } = await setup();
  // "Birthday" and "Tutor Grp" are not names Haven knows: the preview asks for the mapping.
  const csv = 'UPN,Surname,Forename,Birthday,NC Year,Tutor Grp\r\nA820123450001,Marlowe,Ottilie,14/02/2016,5,5 Oak\r\nA820123450002,Fenwick,Barnaby,2017-11-03,Year 3,3 Ash\r\n';
  const first = await uploadOk(s, school.id, 'pupils', csv);
  assert.equal(first.status, 'preview');
  assert.equal(first.fileName, 'pupils.csv');
  assert.deepEqual(first.headers, ['UPN', 'Surname', 'Forename', 'Birthday', 'NC Year', 'Tutor Grp']);
  assert.equal(first.mapping.dateOfBirth, null);
  assert.equal(first.mapping.registrationGroup, null);
  assert.deepEqual(first.errors, [{ row: 1, field: 'dateOfBirth', message: 'Choose which column holds the date of birth: no column is mapped to it.' }]);
  assert.ok(first.fields.some((f) => f.key === 'upn' && f.required));
  assert.deepEqual(first.sample[0], { row: 2, values: { upn: 'A820123450001', familyName: 'Marlowe', givenName: 'Ottilie', yearGroup: '5' } });

  const refused = await commit(s, school.id, first.id);
  assert.equal(refused.statusCode, 422);

  const mapped = await h.app.inject({
    method: 'PUT',
    url: `/api/v1/schools/${school.id}/imports/${first.id}/mapping`,
    headers: s.headers,
    payload: { mapping: { ...first.mapping, dateOfBirth: 'Birthday', registrationGroup: 'Tutor Grp' } },
  });
  assert.equal(mapped.statusCode, 200, mapped.body);
  const preview = mapped.json() as ImportPreview;
  assert.deepEqual(preview.errors, []);
  assert.deepEqual(preview.summary, { rows: 2, valid: 2, invalid: 0, creates: 2, updates: 0, unchanged: 0, leavers: 0 });
  assert.equal(preview.sample[1]?.values.registrationGroup, '3 Ash');
  assert.equal((await pupilsOf(trust.id, school.id)).length, 0, 'a preview writes no people');

  const done = await commitOk(s, school.id, first.id);
  assert.equal(done.status, 'committed');
  const pupils = await pupilsOf(trust.id, school.id);
  assert.deepEqual(
    pupils.map((p) => [p.upn, p.given_name, p.family_name, p.date_of_birth, p.year_group, p.key_stage, p.registration_group, p.status]),
    [
      ['A820123450001', 'Ottilie', 'Marlowe', '2016-02-14', '5', 'KS2', '5 Oak', 'active'],
      ['A820123450002', 'Barnaby', 'Fenwick', '2017-11-03', '3', 'KS2', '3 Ash', 'active'],
    ],
  );

  const events = await h.db.selectFrom('audit_events').selectAll().where('trust_id', '=', trust.id).where('record_id', '=', first.id).orderBy('seq').execute();
  assert.deepEqual(
    events.map((e) => e.action),
    ['import.uploaded', 'import.mapping_changed', 'import.committed'],
  );
  assert.deepEqual((events[2]?.detail as Record<string, unknown>).creates, 2);
  assert.equal(events[2]?.school_id, school.id);

  const again = await commit(s, school.id, first.id);
  assert.equal(again.statusCode, 409, 'an import commits once');

  const list = await h.app.inject({ url: `/api/v1/schools/${school.id}/imports`, headers: s.headers });
  assert.equal(list.statusCode, 200);
  const { imports } = list.json() as { imports: { id: string; kind: string; status: string; fileName: string; createdAt: string; summary: { creates: number } }[] };
  assert.equal(imports.length, 1);
  assert.equal(imports[0]?.id, first.id);
  assert.equal(imports[0]?.status, 'committed');
  assert.equal(imports[0]?.kind, 'pupils');
  assert.equal(imports[0]?.summary.creates, 2);
});

test('one bad row and the commit writes nothing: 422 problem listing the row and the fix', async () => {
  const { trust, school, s } = await setup();
  const bad = Buffer.concat([SIMS, Buffer.from('A82012345,Lately,Lark,,F,31/02/2016,4,4 Fir,N\r\n')]);
  const preview = await uploadOk(s, school.id, 'pupils', bad);
  assert.equal(preview.summary.invalid, 1);
  assert.equal(preview.summary.valid, 5);
  const res = await commit(s, school.id, preview.id);
  const problem = problemOf(res);
  assert.equal(res.statusCode, 422);
  assert.match(problem.detail, /1 row needs fixing before anything is imported. Nothing was changed/);
  assert.deepEqual(
    problem.list.map((p) => p.field),
    ['upn', 'dateOfBirth'],
  );
  assert.match(problem.list[0]?.message ?? '', /^Row 7: .*not a UPN/);
  assert.equal((await pupilsOf(trust.id, school.id)).length, 0);
  const row = await h.db.selectFrom('imports').select('status').where('id', '=', preview.id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'preview');
});

test('a database failure in the middle of a commit leaves nothing written', async () => {
  const { trust, school, s } = await setup();
  await commitOk(s, school.id, (await uploadOk(s, school.id, 'pupils', SIMS)).id);
  const before = await pupilsOf(trust.id, school.id);
  // Second file: a new pupil (inserted first) and a rename that the database refuses (after the insert).
  const next = `${SIMS.toString('utf8').replace('Ottilie', 'Boom')}A820123450099,Newcome,Nell,,F,01/01/2016,5,5 Oak,N\r\n`;
  const preview = await uploadOk(s, school.id, 'pupils', next);
  assert.equal(preview.summary.creates, 1);
  assert.equal(preview.summary.updates, 1);
  await sql`
    CREATE FUNCTION test_refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'disk on fire'; END $$;
    CREATE TRIGGER test_refuse_boom BEFORE UPDATE ON people FOR EACH ROW
      WHEN (NEW.given_name = 'Boom') EXECUTE FUNCTION test_refuse_boom();
  `.execute(h.db);
  try {
    const res = await commit(s, school.id, preview.id);
    assert.equal(res.statusCode, 500);
    assert.doesNotMatch(res.body, /disk on fire/, 'no database internals leak');
  } finally {
    await sql`DROP TRIGGER test_refuse_boom ON people; DROP FUNCTION test_refuse_boom();`.execute(h.db);
  }
  const afterFail = await pupilsOf(trust.id, school.id);
  assert.deepEqual(afterFail, before, 'no pupil added, none changed');
  const row = await h.db.selectFrom('imports').select('status').where('id', '=', preview.id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'failed');
  const committed = await h.db
    .selectFrom('audit_events')
    .select('id')
    .where('trust_id', '=', trust.id)
    .where('record_id', '=', preview.id)
    .where('action', '=', 'import.committed')
    .execute();
  assert.equal(committed.length, 0, 'no audit event for a commit that did not happen');
  // The failed import can be committed once the fault is gone.
  const retried = await commitOk(s, school.id, preview.id);
  assert.equal(retried.summary.creates, 1);
});

test('re-importing the same file changes nothing; leavers are marked, never deleted, and can return', async () => {
  const { trust, school, s } = await setup();
  await commitOk(s, school.id, (await uploadOk(s, school.id, 'pupils', SIMS)).id);
  const first = await pupilsOf(trust.id, school.id);
  assert.equal(first.length, 5);
  h.clock.advance(3600_000);

  const same = await uploadOk(s, school.id, 'pupils', SIMS);
  assert.deepEqual(same.summary, { rows: 5, valid: 5, invalid: 0, creates: 0, updates: 0, unchanged: 5, leavers: 0 });
  const sameDone = await commitOk(s, school.id, same.id);
  assert.deepEqual(sameDone.summary, same.summary);
  assert.deepEqual(await pupilsOf(trust.id, school.id), first, 'not even updated_at moves');

  // Two pupils leave, one moves class.
  const lines = SIMS.toString('utf8').trimEnd().split('\r\n');
  const fewer = [lines[0], lines[1]?.replace('5 Oak', '5 Birch'), lines[2], lines[3]].join('\r\n');
  const leaving = await uploadOk(s, school.id, 'pupils', fewer);
  assert.deepEqual(leaving.summary, { rows: 3, valid: 3, invalid: 0, creates: 0, updates: 1, unchanged: 2, leavers: 2 });
  await commitOk(s, school.id, leaving.id);
  const after = await pupilsOf(trust.id, school.id);
  assert.equal(after.length, 5, 'leavers are kept');
  assert.deepEqual(
    after.map((p) => [p.upn, p.status, p.left_on, p.registration_group]),
    [
      ['A820123450001', 'active', null, '5 Birch'],
      ['A820123450002', 'active', null, '3 Ash'],
      ['A820123450003', 'active', null, 'R Willow'],
      ['A820123450004', 'leaver', '2026-09-01', '1 Elm'],
      ['A82012345005T', 'leaver', '2026-09-01', '6 Beech'],
    ],
  );

  const back = await uploadOk(s, school.id, 'pupils', SIMS);
  assert.deepEqual(back.summary, { rows: 5, valid: 5, invalid: 0, creates: 0, updates: 3, unchanged: 2, leavers: 0 });
  await commitOk(s, school.id, back.id);
  const returned = await pupilsOf(trust.id, school.id);
  assert.ok(returned.every((p) => p.status === 'active' && p.left_on === null));
});

test('staff import from a Bromcom export keys on the staff code and leaves staff without one alone', async () => {
  const { trust, school, office, s } = await setup();
  const preview = await uploadOk(s, school.id, 'staff', BROMCOM);
  assert.deepEqual(preview.errors, []);
  await commitOk(s, school.id, preview.id);
  const staff = await h.db
    .selectFrom('people')
    .selectAll()
    .where('trust_id', '=', trust.id)
    .where('school_id', '=', school.id)
    .where('staff_code', 'is not', null)
    .orderBy('staff_code')
    .execute();
  assert.deepEqual(
    staff.map((p) => [p.staff_code, p.kind, p.given_name, p.preferred_name, p.job_title, p.email]),
    [
      ['DGR', 'staff', 'Desmond', null, 'Deputy Headteacher, DSL', 'd.greaves@meadowbank.example'],
      ['HLW', 'staff', 'Harriet', 'Hattie', 'Headteacher', 'h.lowther@meadowbank.example'],
      ['PNK', 'staff', 'Priya', null, 'Class Teacher', 'p.nakamura-kent@meadowbank.example'],
      ['TOB', 'staff', 'Tobias', 'Toby', 'Teaching Assistant', 't.oakenshaw@meadowbank.example'],
    ],
  );
  const again = await uploadOk(s, school.id, 'staff', BROMCOM.toString('utf8').split('\r\n').slice(0, 3).join('\r\n'));
  assert.deepEqual([again.summary.unchanged, again.summary.leavers], [2, 2]);
  await commitOk(s, school.id, again.id);
  const me = await h.db.selectFrom('people').select('status').where('id', '=', office.personId).executeTakeFirstOrThrow();
  assert.equal(me.status, 'active', 'the office user, added by hand with no staff code, is not a leaver');
});

test('another school, another trust, or no right to manage: 404 or 403, never data', async () => {
  const { school, s } = await setup();
  const preview = await uploadOk(s, school.id, 'pupils', SIMS);
  const otherSchool = await buildSchool(h.db, (await h.db.selectFrom('schools').select('trust_id').where('id', '=', school.id).executeTakeFirstOrThrow()).trust_id);
  const trustId = (await h.db.selectFrom('schools').select('trust_id').where('id', '=', school.id).executeTakeFirstOrThrow()).trust_id;
  const officeB = await signIn(h.app, (await buildUser(h.db, trustId, otherSchool.id, ['office'])).email);
  const teacherA = await signIn(h.app, (await buildUser(h.db, trustId, school.id, ['teacher'])).email);
  const otherTrust = await buildTrust(h.db);
  const outsider = await signIn(h.app, (await buildUser(h.db, otherTrust.id, (await buildSchool(h.db, otherTrust.id)).id, ['office'])).email);

  const calls = (who: Signed) => [
    () => upload(who, school.id, 'pupils', SIMS),
    () => h.app.inject({ url: `/api/v1/schools/${school.id}/imports`, headers: who.headers }),
    () => h.app.inject({ url: `/api/v1/schools/${school.id}/imports/${preview.id}`, headers: who.headers }),
    () =>
      h.app.inject({
        method: 'PUT',
        url: `/api/v1/schools/${school.id}/imports/${preview.id}/mapping`,
        headers: who.headers,
        payload: { mapping: {} },
      }),
    () => commit(who, school.id, preview.id),
  ];
  for (const [who, status] of [
    [officeB, 404],
    [outsider, 404],
    [teacherA, 403],
  ] as const) {
    for (const call of calls(who)) {
      const res = await call();
      assert.equal(res.statusCode, status, res.body);
      assert.doesNotMatch(res.body, /Marlowe|A820123450001/);
    }
  }
  // Nor through their own school's URL with this import's id.
  const sideways = await commit(officeB, otherSchool.id, preview.id);
  assert.equal(sideways.statusCode, 404);
  const anonymous = await h.app.inject({ url: `/api/v1/schools/${school.id}/imports` });
  assert.equal(anonymous.statusCode, 401);
  const row = await h.db.selectFrom('imports').select('status').where('id', '=', preview.id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'preview');
});

test('malformed uploads get a 4xx problem that says what to fix, never a 500', async () => {
  const { school, s } = await setup();
  const url = `/api/v1/schools/${school.id}/imports`;
  const cases: { name: string; res: () => Promise<Awaited<ReturnType<typeof upload>>>; status: number; detail: RegExp }[] = [
    {
      name: 'JSON instead of a form',
      res: () => h.app.inject({ method: 'POST', url, headers: s.headers, payload: { kind: 'pupils' } }),
      status: 400,
      detail: /multipart\/form-data/,
    },
    { name: 'wrong kind', res: () => upload(s, school.id, 'parents', SIMS), status: 400, detail: /"pupils" or "staff", not "parents"/ },
    {
      name: 'no kind',
      res: () => {
        const f = form([['file', { filename: 'a.csv', content: SIMS }]]);
        return h.app.inject({ method: 'POST', url, payload: f.payload, headers: { ...s.headers, ...f.headers } });
      },
      status: 400,
      detail: /field "kind" must be "pupils" or "staff"/,
    },
    {
      name: 'no file',
      res: () => {
        const f = form([['kind', 'pupils']]);
        return h.app.inject({ method: 'POST', url, payload: f.payload, headers: { ...s.headers, ...f.headers } });
      },
      status: 400,
      detail: /Attach the CSV file in a field named "file"/,
    },
    { name: 'over 5 MB', res: () => upload(s, school.id, 'pupils', Buffer.alloc(5 * 1024 * 1024 + 10, 'a')), status: 413, detail: /larger than 5 MB/ },
    { name: 'unclosed quote', res: () => upload(s, school.id, 'pupils', 'UPN,Surname\n"A820123450001,Marlowe\n'), status: 400, detail: /closing quote/ },
    { name: 'an Excel file', res: () => upload(s, school.id, 'pupils', Buffer.from('PK\u0003\u0004rest')), status: 400, detail: /Excel workbook/ },
    { name: 'an empty file', res: () => upload(s, school.id, 'pupils', ''), status: 400, detail: /empty/ },
    {
      name: 'a broken multipart body',
      res: () =>
        h.app.inject({
          method: 'POST',
          url,
          payload: '--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\npupils',
          headers: { ...s.headers, 'content-type': 'multipart/form-data; boundary=x' },
        }),
      status: 400,
      detail: /./,
    },
  ];
  for (const c of cases) {
    const res = await c.res();
    assert.equal(res.statusCode, c.status, `${c.name}: ${res.body}`);
    const p = problemOf(res);
    assert.match(p.detail, c.detail, c.name);
  }

  const preview = await uploadOk(s, school.id, 'pupils', SIMS);
  const badMapping = await h.app.inject({
    method: 'PUT',
    url: `/api/v1/schools/${school.id}/imports/${preview.id}/mapping`,
    headers: s.headers,
    payload: { mapping: { upn: 'Pupil Number', shoeSize: 'UPN' } },
  });
  assert.equal(badMapping.statusCode, 400);
  const p = problemOf(badMapping);
  assert.match(p.detail, /the file has no column "Pupil Number"/);
  assert.match(p.detail, /shoeSize: is not a field of a pupils import/);
  const notMapping = await h.app.inject({
    method: 'PUT',
    url: `/api/v1/schools/${school.id}/imports/${preview.id}/mapping`,
    headers: s.headers,
    payload: { mapping: 'UPN' },
  });
  assert.equal(notMapping.statusCode, 400);
  const missing = await commit(s, school.id, '01900000-0000-7000-8000-000000000000');
  assert.equal(missing.statusCode, 404);
});
