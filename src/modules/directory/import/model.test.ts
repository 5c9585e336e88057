import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { londonDate } from '../../../platform/time.ts';
import {
  checkRows,
  decodeCsv,
  type ExistingPerson,
  guessMapping,
  ImportFileError,
  keyStageFor,
  MAX_ROWS,
  normaliseYearGroup,
  parseCsv,
  parseDate,
  parseSen,
  planChanges,
} from './model.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => parseCsv(decodeCsv(fs.readFileSync(path.join(fixtures, name))));
const TODAY = '2026-09-01';
const PUPIL_HEAD = 'UPN,Surname,Forename,DOB,Year,Reg,SEN';
const pupils = (...rows: string[]) => parseCsv([PUPIL_HEAD, ...rows].join('\n'));
const check = (...rows: string[]) => {
  const parsed = pupils(...rows);
  return checkRows('pupils', parsed, guessMapping('pupils', parsed.headers), TODAY);
};

test('SIMS pupil export: every column is recognised (BOM, CRLF and a quoted comma read right)', () => {
  const p = fixture('sims-pupils.csv');
  assert.equal(p.headers[0], 'UPN', 'the BOM is not part of the first header');
  const m = guessMapping('pupils', p.headers);
  assert.deepEqual(m, {
    upn: 'UPN',
    familyName: 'Legal Surname',
    givenName: 'Legal Forename',
    preferredName: 'Preferred Forename',
    dateOfBirth: 'DOB',
    yearGroup: 'Year',
    registrationGroup: 'Reg',
    send: 'SEN Status',
    gender: 'Gender',
    email: null,
    misId: null,
  });
  const r = checkRows('pupils', p, m, TODAY);
  assert.deepEqual(r.errors, []);
  assert.equal(r.records.length, 5);
  assert.equal(r.records[1]?.familyName, 'Fenwick, Jr');
  assert.deepEqual(
    r.records.map((x) => [x.yearGroup, x.keyStage, x.sendFlag, x.sendStatus]),
    [
      ['5', 'KS2', false, null],
      ['3', 'KS2', true, 'SEN support'],
      ['R', 'EYFS', true, 'EHC plan'],
      ['1', 'KS1', false, null],
      ['6', 'KS2', false, null],
    ],
  );
  assert.equal(r.records[2]?.dateOfBirth, '2020-02-29');
});

test('Arbor pupil export: "Legal first name", "Year group", "Registration group", yyyy-mm-dd dates', () => {
  const p = fixture('arbor-pupils.csv');
  const m = guessMapping('pupils', p.headers);
  assert.equal(m.givenName, 'Legal first name');
  assert.equal(m.familyName, 'Legal last name');
  assert.equal(m.preferredName, 'Preferred first name');
  assert.equal(m.dateOfBirth, 'Date of birth');
  assert.equal(m.yearGroup, 'Year group');
  assert.equal(m.registrationGroup, 'Registration group');
  assert.equal(m.send, 'SEN status');
  const r = checkRows('pupils', p, m, TODAY);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.records.map((x) => [x.key, x.dateOfBirth, x.yearGroup, x.sendStatus]),
    [
      ['B930000000101', '2018-05-17', '2', null],
      ['B930000000102', '2015-01-30', '6', 'SEN support'],
      ['B930000000103', '2021-08-12', 'R', 'EHC plan'],
      ['B930000000104', '2016-12-01', '4', null],
    ],
  );
});

test('Bromcom staff export: staff code, names, job title, work email and phone', () => {
  const p = fixture('bromcom-staff.csv');
  const m = guessMapping('staff', p.headers);
  assert.deepEqual(m, {
    staffCode: 'Staff Code',
    familyName: 'Surname',
    givenName: 'Forename',
    preferredName: 'Preferred Forename',
    jobTitle: 'Job Title',
    email: 'Work Email',
    phone: 'Work Phone',
  });
  const r = checkRows('staff', p, m, TODAY);
  assert.deepEqual(r.errors, []);
  assert.equal(r.records[1]?.jobTitle, 'Deputy Headteacher, DSL');
  assert.equal(r.records[0]?.key, 'HLW');
});

test('header synonyms of each family are matched whatever their case and punctuation', () => {
  const cases: [string, string][] = [
    ['Unique Pupil Number', 'upn'],
    ['last name', 'familyName'],
    ['SURNAME', 'familyName'],
    ['First Name', 'givenName'],
    ['Forename', 'givenName'],
    ['Date of Birth', 'dateOfBirth'],
    ['D.O.B', 'dateOfBirth'],
    ['NC Year', 'yearGroup'],
    ['Year Group', 'yearGroup'],
    ['Registration Group', 'registrationGroup'],
    ['Reg Group', 'registrationGroup'],
    ['Form', 'registrationGroup'],
    ['Class', 'registrationGroup'],
    ['SEN Need', 'send'],
    ['SEN', 'send'],
    ['Email', 'email'],
  ];
  for (const [header, field] of cases) {
    const m = guessMapping('pupils', [header]);
    assert.equal(m[field as keyof typeof m], header, `${header} → ${field}`);
  }
  for (const [header, field] of [
    ['Initials', 'staffCode'],
    ['Staff ID', 'staffCode'],
    ['Role', 'jobTitle'],
    ['Work Email', 'email'],
  ] as const) {
    assert.equal(guessMapping('staff', [header])[field], header, `${header} → ${field}`);
  }
  // the more specific synonym wins when both are there, and one column serves one field
  assert.equal(guessMapping('staff', ['Email', 'Work Email']).email, 'Work Email');
  const both = guessMapping('pupils', ['Legal Surname', 'Surname']);
  assert.equal(both.familyName, 'Legal Surname');
});

test('dates: dd/mm/yyyy and yyyy-mm-dd are read; impossible dates are not', () => {
  assert.equal(parseDate('04/03/2017'), '2017-03-04');
  assert.equal(parseDate('4/3/2017'), '2017-03-04');
  assert.equal(parseDate('04-03-2017'), '2017-03-04');
  assert.equal(parseDate('2017-03-04'), '2017-03-04');
  assert.equal(parseDate('29/02/2020'), '2020-02-29');
  assert.equal(parseDate('29/02/2019'), null);
  assert.equal(parseDate('31/04/2017'), null);
  assert.equal(parseDate('13/13/2017'), null);
  assert.equal(parseDate('03/04/17'), null);
  assert.equal(parseDate('yesterday'), null);
});

test('key stage follows the year group: N/R EYFS, 1–2 KS1, 3–6 KS2, 7–9 KS3, 10–11 KS4', () => {
  const expected: Record<string, string> = { N: 'EYFS', R: 'EYFS', 1: 'KS1', 2: 'KS1', 3: 'KS2', 6: 'KS2', 7: 'KS3', 9: 'KS3', 10: 'KS4', 11: 'KS4', 12: 'KS5' };
  for (const [year, ks] of Object.entries(expected)) assert.equal(keyStageFor(year), ks, `year ${year}`);
  assert.equal(keyStageFor('14'), null);
  assert.equal(normaliseYearGroup('Year 4'), '4');
  assert.equal(normaliseYearGroup('Y10'), '10');
  assert.equal(normaliseYearGroup('Reception'), 'R');
  assert.equal(normaliseYearGroup('N2'), 'N');
  assert.equal(normaliseYearGroup('0'), null);
  assert.equal(normaliseYearGroup('Year 14'), null);
});

test('SEN: K/E/N codes, Arbor words and yes/no become a flag', () => {
  assert.deepEqual(parseSen('K'), { flag: true, status: 'SEN support' });
  assert.deepEqual(parseSen('e'), { flag: true, status: 'EHC plan' });
  assert.deepEqual(parseSen('N'), { flag: false, status: null });
  assert.deepEqual(parseSen('Yes'), { flag: true, status: null });
  assert.deepEqual(parseSen('no'), { flag: false, status: null });
  assert.deepEqual(parseSen(''), { flag: false, status: null });
  assert.equal(parseSen('maybe'), null);
});

test('each row error names the spreadsheet row (header = 1), the field, and how to fix it', () => {
  const r = check(
    'A820123450001,Marlowe,Ottilie,14/02/2016,5,5 Oak,N', // row 2: fine
    'A8201234,Fenwick,Barnaby,03/11/2017,3,3 Ash,K', // row 3: UPN too short
    'A820123450003,,Juniper,29/02/2019,R,R Willow,E', // row 4: no surname, impossible date
    'A820123450004,Quill,Raff,21/07/1960,1,1 Elm,N', // row 5: implausible age
    'A820123450005,Thistle,Saoirse,09/09/2014,Year 15,6B,N', // row 6: bad year group
    'A820123450006,Wood,Ada,09/09/2014,6,6B,Perhaps', // row 7: unknown SEN code
    'A820123450001,Marlowe,Twin,14/02/2016,5,5 Oak,N', // row 8: duplicate UPN of row 2
    ',Nobody,Nemo,,,,', // row 9: UPN, DOB and year group missing
  );
  const by = (row: number) => r.errors.filter((e) => e.row === row);
  assert.deepEqual(by(2), []);
  assert.equal(by(3)[0]?.field, 'upn');
  assert.match(by(3)[0]?.message ?? '', /13 characters: a letter, 11 digits/);
  assert.deepEqual(by(4).map((e) => e.field), ['familyName', 'dateOfBirth']);
  assert.match(by(4)[1]?.message ?? '', /not a real date.*dd\/mm\/yyyy/);
  assert.match(by(5)[0]?.message ?? '', /66 years old. Check the date/);
  assert.equal(by(6)[0]?.field, 'yearGroup');
  assert.match(by(6)[0]?.message ?? '', /Use N \(nursery\), R \(reception\) or a number from 1 to 13/);
  assert.equal(by(7)[0]?.field, 'send');
  assert.match(by(8)[0]?.message ?? '', /A820123450001 is also on row 2/);
  assert.deepEqual(by(9).map((e) => e.field).sort(), ['dateOfBirth', 'upn', 'yearGroup']);
  assert.equal(r.records.length, 1);
  assert.equal(r.invalidRows, 7);
});

test('a UPN follows the schema check: letter, 11 digits, digit or letter; spaces and case are forgiven', () => {
  const ok = check('a820 1234 5000 1,M,O,14/02/2016,5,5 Oak,N', 'A82012345000T,M,P,14/02/2016,5,5 Oak,N');
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.records.map((x) => x.key), ['A820123450001', 'A82012345000T']);
  for (const bad of ['1820123450001', 'A8201234500011', 'A82012345000', 'AB20123450001', 'A8201234500T1']) {
    assert.equal(check(`${bad},M,O,14/02/2016,5,5 Oak,N`).errors[0]?.field, 'upn', bad);
  }
});

test('staff: duplicate code, bad email and missing code are errors', () => {
  const parsed = parseCsv(['Staff Code,Forename,Surname,Work Email', 'abc,Ann,Bee,ann@school.example', 'ABC,Cid,Dee,cid@school', ',Eve,Eff,'].join('\r\n'));
  const r = checkRows('staff', parsed, guessMapping('staff', parsed.headers), TODAY);
  assert.deepEqual(
    r.errors.map((e) => [e.row, e.field]),
    [
      [3, 'email'],
      [3, 'staffCode'],
      [4, 'staffCode'],
    ],
  );
  assert.match(r.errors[1]?.message ?? '', /also on row 2/);
});

test('a required field with no column is one error on the header row', () => {
  const parsed = parseCsv('UPN,Surname,Forename,Year\nA820123450001,M,O,5');
  const r = checkRows('pupils', parsed, guessMapping('pupils', parsed.headers), TODAY);
  assert.deepEqual(r.errors, [{ row: 1, field: 'dateOfBirth', message: 'Choose which column holds the date of birth: no column is mapped to it.' }]);
});

test('a row with more cells than headers says to look for a stray comma', () => {
  const r = check('A820123450001,Marlowe,Ottilie,14/02/2016,5,5 Oak,N,extra');
  assert.equal(r.errors[0]?.field, 'row');
  assert.match(r.errors[0]?.message ?? '', /stray comma/);
});

test('blank lines are skipped but row numbers still match the spreadsheet; semicolon files read too', () => {
  const p = parseCsv('UPN;Surname\n\nA820123450001;Marlowe\n"A820123450002";"O\'Hara"\n');
  assert.deepEqual(p.headers, ['UPN', 'Surname']);
  assert.deepEqual(p.rows.map((r) => r.row), [3, 4]);
  assert.deepEqual(p.rows[1]?.cells, ['A820123450002', "O'Hara"]);
});

test('the file itself: empty, Excel, binary, unclosed quote, too big, too many rows → clear errors', () => {
  const fails = (fn: () => unknown, re: RegExp, status = 400) =>
    assert.throws(fn, (e: unknown) => e instanceof ImportFileError && e.status === status && re.test(e.message));
  fails(() => decodeCsv(new Uint8Array()), /empty/);
  fails(() => decodeCsv(new Uint8Array([0x50, 0x4b, 3, 4, 0])), /Excel workbook.*CSV UTF-8/);
  fails(() => decodeCsv(new Uint8Array([0x41, 0, 0x42])), /not a CSV/);
  fails(() => decodeCsv(new Uint8Array(5 * 1024 * 1024 + 1).fill(0x41)), /larger than 5 MB/, 413);
  fails(() => parseCsv('UPN,Surname\nA820123450001,"Marlowe\n'), /could not be read as CSV.*closing quote/);
  fails(() => parseCsv('UPN,Surname\n'), /no rows/);
  fails(() => parseCsv('\n\n'), /first row must hold the column names/);
  const many = ['UPN', ...Array.from({ length: MAX_ROWS + 1 }, (_, i) => `A${String(i).padStart(12, '0')}`)].join('\n');
  fails(() => parseCsv(many), /more than 20,000 rows/, 413);
  assert.equal(parseCsv(['UPN', ...Array.from({ length: MAX_ROWS }, () => 'x')].join('\n')).rows.length, MAX_ROWS);
});

test('a Windows-1252 file (older Excel) still reads its accented names', () => {
  const bytes = new Uint8Array([...Buffer.from('Surname\nZo'), 0xeb, 0x0a]);
  assert.deepEqual(parseCsv(decodeCsv(bytes)).rows[0]?.cells, ['Zoë']);
});

test('plan: new, changed, unchanged, returning leaver, leaver, and a pupil still on roll elsewhere', () => {
  const S = 'school-a';
  const base = { given_name: 'Ann', family_name: 'Bee', status: 'active' as const, school_id: S };
  const existing: ExistingPerson[] = [
    { ...base, id: 'p1', key: 'K1' }, // unchanged
    { ...base, id: 'p2', key: 'K2' }, // renamed in the file
    { ...base, id: 'p3', key: 'K3', status: 'leaver' }, // comes back
    { ...base, id: 'p4', key: 'K4' }, // not in the file: leaver
    { ...base, id: 'p5', key: 'K5', status: 'leaver' }, // already a leaver, not in file: left alone
    { ...base, id: 'p6', key: 'K6', school_id: 'school-b' }, // on roll at another school
    { ...base, id: 'p7', key: 'K7', school_id: 'school-b', status: 'leaver' }, // moved here
  ];
  const rec = (key: string, row: number, givenName = 'Ann') => ({ row, key, givenName, familyName: 'Bee' });
  const records = [rec('K1', 2), rec('K2', 3, 'Anna'), rec('K3', 4), rec('K6', 5), rec('K7', 6), rec('K8', 7)];
  const plan = planChanges(S, records, new Set([...records.map((r) => r.key), 'K9']), existing);
  assert.deepEqual(plan.creates.map((r) => r.key), ['K8']);
  assert.equal(plan.unchanged, 1);
  assert.deepEqual(plan.updates, [
    { id: 'p2', row: 3, set: { given_name: 'Anna' } },
    { id: 'p3', row: 4, set: { status: 'active', left_on: null } },
    { id: 'p7', row: 6, set: { school_id: S, status: 'active', left_on: null } },
  ]);
  assert.deepEqual(plan.leavers, ['p4']);
  assert.equal(plan.errors[0]?.row, 5);
  assert.match(plan.errors[0]?.message ?? '', /still on roll at another school/);
});

test('a field the file does not carry is left as it is; a blank cell clears it', () => {
  const S = 's';
  const existing: ExistingPerson[] = [
    { id: 'p1', key: 'K1', school_id: S, status: 'active', given_name: 'A', family_name: 'B', preferred_name: 'Al', registration_group: '5B' },
  ];
  const plan = planChanges(S, [{ row: 2, key: 'K1', givenName: 'A', familyName: 'B', preferredName: null }], new Set(['K1']), existing);
  assert.deepEqual(plan.updates[0]?.set, { preferred_name: null });
});

test("today's date is taken in UK time", () => {
  assert.equal(londonDate(new Date('2026-07-20T23:30:00Z')), '2026-07-21');
  assert.equal(londonDate(new Date('2026-01-20T23:30:00Z')), '2026-01-20');
});
