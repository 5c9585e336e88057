import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../cli.ts';
import { buildSchool, buildTrust } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { importCommand, runImport } from './cli.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'import', 'fixtures');
const ARBOR = fs.readFileSync(path.join(fixtures, 'arbor-pupils.csv'));

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

const count = (schoolId: string) =>
  h.db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('school_id', '=', schoolId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

test('dry run prints the preview and changes nothing; the real run imports, as the system, audited', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id, 'Meadowbank Primary');
  const dry = await runImport(h, { kind: 'pupils', fileName: 'arbor.csv', bytes: ARBOR, school: 'Meadowbank Primary', dryRun: true });
  assert.equal(dry.code, 0, dry.lines.join('\n'));
  assert.equal(dry.lines[0], 'Import of pupils into Meadowbank Primary from arbor.csv (dry run)');
  assert.ok(dry.lines.includes('  UPN *: UPN'));
  assert.ok(dry.lines.includes('Rows: 4 (4 valid, 0 with errors)'));
  assert.ok(dry.lines.includes('Changes: 4 new, 0 updated, 0 unchanged, 0 marked as leavers'));
  assert.equal(dry.lines.at(-1), 'Dry run: nothing was changed.');
  assert.equal(await count(school.id), 0);
  assert.equal((await h.db.selectFrom('imports').select('id').where('school_id', '=', school.id).execute()).length, 0);

  const urn = (await h.db.selectFrom('schools').select('urn').where('id', '=', school.id).executeTakeFirstOrThrow()).urn as string;
  const real = await runImport(h, { kind: 'pupils', fileName: 'arbor.csv', bytes: ARBOR, school: urn, dryRun: false });
  assert.equal(real.code, 0, real.lines.join('\n'));
  assert.equal(real.lines.at(-1), 'Imported: 4 new, 0 updated, 0 unchanged, 0 marked as leavers.');
  assert.equal(await count(school.id), 4);
  const event = await h.db
    .selectFrom('audit_events')
    .selectAll()
    .where('trust_id', '=', trust.id)
    .where('action', '=', 'import.committed')
    .executeTakeFirstOrThrow();
  assert.equal(event.actor_label, 'Haven (system)');
  assert.equal(event.actor_account_id, null);

  const byId = await runImport(h, { kind: 'pupils', fileName: 'arbor.csv', bytes: ARBOR, school: school.id, dryRun: true });
  assert.ok(byId.lines.includes('Changes: 0 new, 0 updated, 4 unchanged, 0 marked as leavers'));
});

test('rows with errors: each printed with row, field and fix; exit 1; nothing imported', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const bytes = Buffer.from(`${ARBOR.toString('utf8')}B93000000010,Odd,Row,,2016-13-01,Year 4,4 Merlin,,Male\n`);
  const res = await runImport(h, { kind: 'pupils', fileName: 'arbor.csv', bytes, school: school.name, dryRun: false });
  assert.equal(res.code, 1);
  assert.ok(res.lines.some((l) => /^ {2}Row 6, upn: Column "UPN": "B93000000010" is not a UPN/.test(l)), res.lines.join('\n'));
  assert.ok(res.lines.some((l) => /^ {2}Row 6, dateOfBirth: .*not a real date/.test(l)));
  assert.equal(res.lines.at(-1), 'Nothing was imported. Fix these rows and run the import again.');
  assert.equal(await count(school.id), 0);
});

test('a mapping file names columns Haven cannot guess; a wrong one is an error that says which', async () => {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const bytes = Buffer.from('Pupil Ref,Surname,Forename,Born,Year\nA820123450001,Marlowe,Ottilie,14/02/2016,5\n');
  const unmapped = await runImport(h, { kind: 'pupils', fileName: 'x.csv', bytes, school: school.id, dryRun: true });
  assert.equal(unmapped.code, 1);
  assert.ok(unmapped.lines.some((l) => l.includes('Row 1, upn: Choose which column holds the UPN')));
  const mapped = await runImport(h, {
    kind: 'pupils',
    fileName: 'x.csv',
    bytes,
    school: school.id,
    dryRun: false,
    mapping: { upn: 'Pupil Ref', dateOfBirth: 'Born' },
  });
  assert.equal(mapped.code, 0, mapped.lines.join('\n'));
  assert.equal(await count(school.id), 1);
  const wrong = await runImport(h, { kind: 'pupils', fileName: 'x.csv', bytes, school: school.id, dryRun: true, mapping: { upn: 'Nope' } });
  assert.equal(wrong.code, 1);
  assert.ok(wrong.lines.some((l) => l.includes('the file has no column "Nope"')));
});

test('an unknown school or a bad command line is a usage error', async () => {
  await assert.rejects(
    runImport(h, { kind: 'staff', fileName: 'x.csv', bytes: ARBOR, school: 'Nowhere Academy', dryRun: true }),
    (e: unknown) => e instanceof UsageError && /No school has the id, URN or name "Nowhere Academy"/.test(e.message),
  );
  await assert.rejects(importCommand(['parents', 'x.csv', '--school', 'A']), (e: unknown) => e instanceof UsageError && /pupils or staff/.test(e.message));
  await assert.rejects(importCommand(['pupils', '--school', 'A']), (e: unknown) => e instanceof UsageError && /one CSV file/.test(e.message));
  await assert.rejects(importCommand(['pupils', 'x.csv']), (e: unknown) => e instanceof UsageError && /--school/.test(e.message));
  await assert.rejects(importCommand(['pupils', 'x.csv', '--school', 'A', '--force']), (e: unknown) => e instanceof UsageError && /--force/.test(e.message));
  await assert.rejects(
    importCommand(['pupils', '/no/such/file.csv', '--school', 'A']),
    (e: unknown) => e instanceof UsageError && /Cannot read \/no\/such\/file.csv/.test(e.message),
  );
});
