// MIS CSV import rules, pure: reading the file, guessing which column is which from the names
// SIMS, Arbor and Bromcom give them, checking every row, and working out what a commit would change.
import { parse } from 'csv-parse/sync';
import type { ImportKind } from '../../../platform/db/schema.ts';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_ROWS = 20_000;

export type FieldKey =
  | 'upn'
  | 'staffCode'
  | 'misId'
  | 'givenName'
  | 'familyName'
  | 'preferredName'
  | 'dateOfBirth'
  | 'yearGroup'
  | 'registrationGroup'
  | 'send'
  | 'gender'
  | 'email'
  | 'phone'
  | 'jobTitle';

export type FieldDef = { key: FieldKey; label: string; required: boolean; synonyms: readonly string[] };

const NAMES = {
  familyName: ['Legal Surname', 'Surname', 'Last Name', 'Legal Last Name', 'Family Name', 'Lastname'],
  givenName: ['Legal Forename', 'Forename', 'First Name', 'Legal First Name', 'Given Name', 'Forenames', 'Firstname'],
  preferredName: ['Preferred Forename', 'Preferred Name', 'Preferred First Name', 'Known As', 'Chosen Name'],
} as const;

// Synonyms are tried in order, so the most specific name comes first ("Work Email" before "Email").
export const FIELDS: Record<ImportKind, readonly FieldDef[]> = {
  pupils: [
    { key: 'upn', label: 'UPN', required: true, synonyms: ['UPN', 'Unique Pupil Number', 'Pupil UPN', 'Student UPN'] },
    { key: 'familyName', label: 'Legal surname', required: true, synonyms: NAMES.familyName },
    { key: 'givenName', label: 'Legal forename', required: true, synonyms: NAMES.givenName },
    { key: 'preferredName', label: 'Preferred forename', required: false, synonyms: NAMES.preferredName },
    { key: 'dateOfBirth', label: 'Date of birth', required: true, synonyms: ['DOB', 'Date of Birth', 'Birth Date', 'Birthdate'] },
    {
      key: 'yearGroup',
      label: 'Year group',
      required: true,
      synonyms: ['Year Group', 'NC Year', 'Year', 'National Curriculum Year', 'Curriculum Year', 'NC Year Actual'],
    },
    {
      key: 'registrationGroup',
      label: 'Registration group',
      required: false,
      synonyms: ['Reg Group', 'Registration Group', 'Reg', 'Form', 'Class', 'Form Group', 'Tutor Group', 'Reg Class'],
    },
    { key: 'send', label: 'SEN status', required: false, synonyms: ['SEN Status', 'SEN Need', 'SEN', 'SEND', 'SEND Status', 'SEN Provision'] },
    { key: 'gender', label: 'Gender (read, not stored)', required: false, synonyms: ['Gender', 'Sex'] },
    { key: 'email', label: 'Email', required: false, synonyms: ['Pupil Email', 'Student Email', 'Email', 'Email Address'] },
    { key: 'misId', label: 'MIS id / admission number', required: false, synonyms: ['Adno', 'Admission Number', 'Admission No', 'MIS ID', 'Pupil ID', 'Student ID'] },
  ],
  staff: [
    { key: 'staffCode', label: 'Staff code', required: true, synonyms: ['Staff Code', 'Staff ID', 'Initials', 'Teacher Code', 'Code'] },
    { key: 'familyName', label: 'Legal surname', required: true, synonyms: NAMES.familyName },
    { key: 'givenName', label: 'Legal forename', required: true, synonyms: NAMES.givenName },
    { key: 'preferredName', label: 'Preferred forename', required: false, synonyms: NAMES.preferredName },
    { key: 'jobTitle', label: 'Job title', required: false, synonyms: ['Job Title', 'Role', 'Post', 'Position', 'Staff Role'] },
    { key: 'email', label: 'Work email', required: false, synonyms: ['Work Email', 'Work Email Address', 'School Email', 'Email', 'Email Address'] },
    { key: 'phone', label: 'Work phone', required: false, synonyms: ['Work Phone', 'Work Telephone', 'Telephone', 'Phone', 'Phone Number', 'Mobile'] },
  ],
};

export type Mapping = Partial<Record<FieldKey, string | null>>;
export type RowError = { row: number; field: string; message: string };

/** A problem with the file as a whole (not CSV, too big, too many rows): shown as it is. */
export class ImportFileError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}

/** "Legal surname" → "legal surname", but "UPN" stays "UPN". */
const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]?.toLowerCase() + s.slice(1) : s);
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

// ---------------------------------------------------------------------------------------------
// Reading the file

/** Bytes to text: UTF-8 (BOM dropped); a file saved by older Excel as Windows-1252 still reads. */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes.length > MAX_FILE_BYTES) {
    throw new ImportFileError(`The file is larger than 5 MB. Export only the columns Haven needs, or split the file.`, 413);
  }
  if (bytes.length === 0) throw new ImportFileError('The file is empty. Export the CSV from your MIS again and upload it.');
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    throw new ImportFileError('This looks like an Excel workbook, not a CSV. In Excel choose File → Save As → "CSV UTF-8" and upload that file.');
  }
  if (bytes.includes(0)) throw new ImportFileError('This file is not a CSV text file. Export the list from your MIS as CSV and upload that.');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function guessDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
  const best = counts.sort((a, b) => b.n - a.n)[0];
  return best && best.n > 0 ? best.d : ',';
}

export type ParsedCsv = { headers: string[]; rows: { row: number; cells: string[] }[] };

/** Parses CSV text; rows carry their spreadsheet row number (header = 1). Blank rows are skipped. */
export function parseCsv(text: string): ParsedCsv {
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) {
    throw new ImportFileError('The file is larger than 5 MB. Export only the columns Haven needs, or split the file.', 413);
  }
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  let records: string[][];
  try {
    records = parse(body, {
      delimiter: guessDelimiter(firstLine),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: false,
      to: MAX_ROWS + 2,
    }) as string[][];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    const where = typeof e.lines === 'number' ? ` near line ${e.lines}` : '';
    throw new ImportFileError(
      `The file could not be read as CSV${where}: ${String(e.message ?? err).replace(/^Invalid Record Length: /, '')}. ` +
        'Check that every quoted value has its closing quote ("), or export the CSV from your MIS again.',
    );
  }
  const [head, ...rest] = records;
  const headers = (head ?? []).map((h) => h.trim());
  if (headers.length === 0 || headers.every((h) => h === '')) {
    throw new ImportFileError('The first row must hold the column names (for example UPN, Surname, Forename). It is empty.');
  }
  const rows = rest
    .map((cells, i) => ({ row: i + 2, cells: cells.map((c) => c.trim()) }))
    .filter((r) => r.cells.some((c) => c !== ''));
  if (rest.length > MAX_ROWS) {
    throw new ImportFileError(`The file has more than ${MAX_ROWS.toLocaleString('en-GB')} rows. Split it into smaller files.`, 413);
  }
  if (rows.length === 0) throw new ImportFileError('The file has column names but no rows of people. Export the list again with its rows.');
  return { headers, rows };
}

// ---------------------------------------------------------------------------------------------
// Mapping

export function fieldsOf(kind: ImportKind) {
  return FIELDS[kind];
}

/** For each field, the first header that matches one of its synonyms and is not already taken. */
export function guessMapping(kind: ImportKind, headers: readonly string[]): Mapping {
  const taken = new Set<string>();
  const mapping: Mapping = {};
  const byNorm = new Map<string, string>();
  for (const h of headers) if (h && !byNorm.has(norm(h))) byNorm.set(norm(h), h);
  for (const f of FIELDS[kind]) {
    mapping[f.key] = null;
    for (const syn of f.synonyms) {
      const h = byNorm.get(norm(syn));
      if (h && !taken.has(h)) {
        mapping[f.key] = h;
        taken.add(h);
        break;
      }
    }
  }
  return mapping;
}

/** Checks a mapping sent by a person: known fields, existing headers. Returns problems by field. */
export function mappingProblems(kind: ImportKind, headers: readonly string[], mapping: Record<string, string | null>) {
  const keys = new Set<string>(FIELDS[kind].map((f) => f.key));
  const problems: { field: string; message: string }[] = [];
  for (const [key, header] of Object.entries(mapping)) {
    if (!keys.has(key)) {
      problems.push({ field: `mapping.${key}`, message: `is not a field of a ${kind} import; use one of ${[...keys].join(', ')}` });
    } else if (header !== null && !headers.includes(header)) {
      problems.push({ field: `mapping.${key}`, message: `the file has no column "${header}"; choose one of its columns or leave it empty` });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Values

/** dd/mm/yyyy (also with - or .) or yyyy-mm-dd → yyyy-mm-dd, or null when it is not a real date. */
export function parseDate(value: string): string | null {
  const v = value.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Whole years between a date of birth and today (both yyyy-mm-dd). */
export function ageOn(dob: string, today: string): number {
  const [by, bm, bd] = dob.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export const UPN_PATTERN = /^[A-Z][0-9]{11}[0-9A-Z]$/; // the same check as people.upn in the schema

export function normaliseUpn(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** Year group as MIS exports write it ("4", "Year 4", "Y4", "R", "Reception", "N1") → "N", "R" or "1"…"13". */
export function normaliseYearGroup(value: string): string | null {
  const v = value.trim().toUpperCase().replace(/^(YEAR|YR|Y|NC)\s*/, '');
  if (v === 'R' || v === 'RECEPTION' || v === 'REC') return 'R';
  if (/^(N|N1|N2|NURSERY|NUR)$/.test(v)) return 'N';
  if (/^\d{1,2}$/.test(v)) {
    const n = Number(v);
    if (n >= 1 && n <= 13) return String(n);
  }
  return null;
}

export function keyStageFor(yearGroup: string): string | null {
  if (yearGroup === 'N' || yearGroup === 'R') return 'EYFS';
  const n = Number(yearGroup);
  if (!Number.isInteger(n)) return null;
  if (n >= 1 && n <= 2) return 'KS1';
  if (n >= 3 && n <= 6) return 'KS2';
  if (n >= 7 && n <= 9) return 'KS3';
  if (n >= 10 && n <= 11) return 'KS4';
  if (n >= 12 && n <= 13) return 'KS5';
  return null;
}

const SEN_CODES: Record<string, { flag: boolean; status: string | null }> = {
  k: { flag: true, status: 'SEN support' },
  sensupport: { flag: true, status: 'SEN support' },
  e: { flag: true, status: 'EHC plan' },
  ehcplan: { flag: true, status: 'EHC plan' },
  ehcp: { flag: true, status: 'EHC plan' },
  s: { flag: true, status: 'Statement' },
  yes: { flag: true, status: null },
  y: { flag: true, status: null },
  true: { flag: true, status: null },
  '1': { flag: true, status: null },
  n: { flag: false, status: null },
  nosen: { flag: false, status: null },
  no: { flag: false, status: null },
  false: { flag: false, status: null },
  '0': { flag: false, status: null },
  '': { flag: false, status: null },
};

/** SEN status as SIMS (K/E/N), Arbor ("SEN Support", "EHC Plan") or a yes/no column → flag and status. */
export function parseSen(value: string): { flag: boolean; status: string | null } | null {
  return SEN_CODES[norm(value)] ?? null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STAFF_CODE = /^[A-Za-z0-9._-]{1,20}$/;

// ---------------------------------------------------------------------------------------------
// Rows

/** A checked row. A field left unmapped is undefined (the stored value is kept); a blank cell is null. */
export type ImportRecord = {
  row: number;
  key: string;
  givenName: string;
  familyName: string;
  preferredName?: string | null;
  dateOfBirth?: string | null;
  yearGroup?: string | null;
  keyStage?: string | null;
  registrationGroup?: string | null;
  sendFlag?: boolean;
  sendStatus?: string | null;
  email?: string | null;
  phone?: string | null;
  jobTitle?: string | null;
  misId?: string | null;
};

/** `keys` holds every UPN / staff code in the file, valid rows or not, so no one listed is taken for a leaver. */
export type RowsResult = { records: ImportRecord[]; errors: RowError[]; invalidRows: number; keys: Set<string> };

/** Checks every row against the mapping; `today` (yyyy-mm-dd) judges whether a birth date is plausible. */
export function checkRows(kind: ImportKind, parsed: ParsedCsv, mapping: Mapping, today: string): RowsResult {
  const errors: RowError[] = [];
  for (const f of FIELDS[kind]) {
    if (f.required && !mapping[f.key]) {
      errors.push({ row: 1, field: f.key, message: `Choose which column holds the ${lowerFirst(f.label)}: no column is mapped to it.` });
    }
  }
  if (errors.length > 0) return { records: [], errors, invalidRows: parsed.rows.length, keys: new Set() };

  const index = new Map<FieldKey, number>();
  for (const f of FIELDS[kind]) {
    const h = mapping[f.key];
    if (h) index.set(f.key, parsed.headers.indexOf(h));
  }
  const keyField: FieldKey = kind === 'pupils' ? 'upn' : 'staffCode';
  const firstRowOfKey = new Map<string, number>();
  const records: ImportRecord[] = [];
  let invalidRows = 0;

  for (const { row, cells } of parsed.rows) {
    const rowErrors: RowError[] = [];
    const problem = (field: FieldKey, message: string) => rowErrors.push({ row, field, message });
    const col = (field: FieldKey) => `"${mapping[field]}"`;
    const cell = (field: FieldKey): string | undefined => {
      const i = index.get(field);
      return i === undefined ? undefined : (cells[i] ?? '');
    };
    const optional = (field: FieldKey, max: number, label: string): string | null | undefined => {
      const v = cell(field);
      if (v === undefined) return undefined;
      if (v.length > max) {
        problem(field, `Column ${col(field)}: the ${label} is longer than ${max} characters. Shorten it in the MIS.`);
        return null;
      }
      return v === '' ? null : v;
    };
    if (cells.length > parsed.headers.length) {
      rowErrors.push({
        row,
        field: 'row',
        message: `This row has ${cells.length} cells but the header row has ${parsed.headers.length} columns. Look for a stray comma; put values containing commas in double quotes.`,
      });
    }

    const record: ImportRecord = { row, key: '', givenName: '', familyName: '' };
    for (const field of ['givenName', 'familyName'] as const) {
      const v = cell(field) ?? '';
      if (v === '') problem(field, `Column ${col(field)} is empty. Every ${kind === 'pupils' ? 'pupil' : 'staff member'} needs a ${field === 'givenName' ? 'forename' : 'surname'}.`);
      else if (v.length > 100) problem(field, `Column ${col(field)}: the name is longer than 100 characters. Shorten it in the MIS.`);
      record[field] = v;
    }
    const preferred = optional('preferredName', 100, 'preferred name');
    if (preferred !== undefined) record.preferredName = preferred;
    const email = optional('email', 254, 'email address');
    if (email !== undefined) {
      if (email !== null && !EMAIL.test(email)) {
        problem('email', `Column ${col('email')}: "${email}" is not an email address. Correct it (name@school.example) or leave the cell empty.`);
      }
      record.email = email;
    }
    const misId = optional('misId', 50, 'MIS id');
    if (misId !== undefined) record.misId = misId;

    if (kind === 'pupils') {
      const upn = normaliseUpn(cell('upn') ?? '');
      if (upn === '') problem('upn', `Column ${col('upn')} is empty. Every pupil needs their UPN (13 characters, e.g. A123456789012).`);
      else if (!UPN_PATTERN.test(upn)) {
        problem(
          'upn',
          `Column ${col('upn')}: "${upn}" is not a UPN. A UPN is 13 characters: a letter, 11 digits, then a digit or letter (e.g. A123456789012). Copy it again from the MIS.`,
        );
      }
      record.key = upn;

      const dobRaw = cell('dateOfBirth') ?? '';
      if (dobRaw === '') problem('dateOfBirth', `Column ${col('dateOfBirth')} is empty. Add the date of birth as dd/mm/yyyy, e.g. 04/03/2017.`);
      else {
        const dob = parseDate(dobRaw);
        if (!dob) {
          problem('dateOfBirth', `Column ${col('dateOfBirth')}: "${dobRaw}" is not a real date. Write it as dd/mm/yyyy (04/03/2017) or yyyy-mm-dd (2017-03-04).`);
        } else {
          const age = ageOn(dob, today);
          if (age < 2 || age > 20) {
            problem('dateOfBirth', `Column ${col('dateOfBirth')}: ${dobRaw} makes the pupil ${age} years old. Check the date (day and month may be swapped, or the year mistyped).`);
          }
          record.dateOfBirth = dob;
        }
      }

      const ygRaw = cell('yearGroup') ?? '';
      const yg = normaliseYearGroup(ygRaw);
      if (ygRaw === '') problem('yearGroup', `Column ${col('yearGroup')} is empty. Add the year group (N, R, or 1 to 13).`);
      else if (!yg) problem('yearGroup', `Column ${col('yearGroup')}: "${ygRaw}" is not a year group. Use N (nursery), R (reception) or a number from 1 to 13.`);
      else {
        record.yearGroup = yg;
        record.keyStage = keyStageFor(yg);
      }

      const reg = optional('registrationGroup', 40, 'registration group');
      if (reg !== undefined) record.registrationGroup = reg;

      const senRaw = cell('send');
      if (senRaw !== undefined) {
        const sen = parseSen(senRaw);
        if (!sen) {
          problem('send', `Column ${col('send')}: "${senRaw}" is not a SEN status Haven knows. Use K (SEN support), E (EHC plan), N (none), or yes/no.`);
        } else {
          record.sendFlag = sen.flag;
          record.sendStatus = sen.status;
        }
      }
    } else {
      const code = (cell('staffCode') ?? '').toUpperCase();
      if (code === '') problem('staffCode', `Column ${col('staffCode')} is empty. Every staff member needs their staff code from the MIS.`);
      else if (!STAFF_CODE.test(code)) {
        problem('staffCode', `Column ${col('staffCode')}: "${code}" is not a staff code. Use up to 20 letters or digits with no spaces.`);
      }
      record.key = code;
      const job = optional('jobTitle', 200, 'job title');
      if (job !== undefined) record.jobTitle = job;
      const phone = optional('phone', 40, 'phone number');
      if (phone !== undefined) record.phone = phone;
    }

    if (record.key) {
      const first = firstRowOfKey.get(record.key);
      if (first !== undefined) {
        problem(
          keyField,
          `${kind === 'pupils' ? 'UPN' : 'Staff code'} ${record.key} is also on row ${first}. Each person must appear once: remove the duplicate row or correct the ${kind === 'pupils' ? 'UPN' : 'code'}.`,
        );
      } else firstRowOfKey.set(record.key, row);
    }

    if (rowErrors.length > 0) {
      invalidRows += 1;
      errors.push(...rowErrors);
    } else records.push(record);
  }
  return { records, errors, invalidRows, keys: new Set(firstRowOfKey.keys()) };
}

/** Raw cells of the first rows, by field, so a person can see whether the columns line up. */
export function sampleRows(kind: ImportKind, parsed: ParsedCsv, mapping: Mapping, count = 5) {
  return parsed.rows.slice(0, count).map(({ row, cells }) => {
    const values: Record<string, string> = {};
    for (const f of FIELDS[kind]) {
      const h = mapping[f.key];
      if (h) values[f.key] = cells[parsed.headers.indexOf(h)] ?? '';
    }
    return { row, values };
  });
}

// ---------------------------------------------------------------------------------------------
// What a commit changes

/** The stored columns an import may set, in the people table's names. */
export type PersonFields = {
  given_name: string;
  family_name: string;
  preferred_name?: string | null;
  date_of_birth?: string | null;
  year_group?: string | null;
  key_stage?: string | null;
  registration_group?: string | null;
  send_flag?: boolean;
  send_status?: string | null;
  email?: string | null;
  phone?: string | null;
  job_title?: string | null;
  mis_id?: string | null;
};

export function personFieldsOf(r: ImportRecord): PersonFields {
  const out: PersonFields = { given_name: r.givenName, family_name: r.familyName };
  const set = <K extends keyof PersonFields>(k: K, v: PersonFields[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('preferred_name', r.preferredName);
  set('date_of_birth', r.dateOfBirth);
  set('year_group', r.yearGroup);
  set('key_stage', r.keyStage);
  set('registration_group', r.registrationGroup);
  set('send_flag', r.sendFlag);
  set('send_status', r.sendStatus);
  set('email', r.email);
  set('phone', r.phone);
  set('job_title', r.jobTitle);
  set('mis_id', r.misId);
  return out;
}

export type ExistingPerson = PersonFields & { id: string; key: string; school_id: string | null; status: 'active' | 'leaver' };

export type Plan = {
  creates: ImportRecord[];
  updates: { id: string; row: number; set: Partial<PersonFields> & { status?: 'active'; left_on?: null; school_id?: string } }[];
  unchanged: number;
  leavers: string[];
  errors: RowError[];
};

/**
 * Matches rows to the people already there by UPN / staff code. `existing` holds the school's people
 * of this kind with a key, plus anyone elsewhere in the trust who has one of the file's UPNs.
 */
export function planChanges(
  schoolId: string,
  records: readonly ImportRecord[],
  fileKeys: ReadonlySet<string>,
  existing: readonly ExistingPerson[],
): Plan {
  const byKey = new Map(existing.map((p) => [p.key, p]));
  const plan: Plan = { creates: [], updates: [], unchanged: 0, leavers: [], errors: [] };
  const seen = new Set<string>();
  for (const r of records) {
    const found = byKey.get(r.key);
    if (!found) {
      plan.creates.push(r);
      continue;
    }
    seen.add(found.id);
    const wanted = personFieldsOf(r);
    const set: Plan['updates'][number]['set'] = {};
    if (found.school_id !== schoolId) {
      if (found.status === 'active') {
        plan.errors.push({
          row: r.row,
          field: 'upn',
          message: `UPN ${r.key} belongs to a pupil still on roll at another school of the trust. Mark them as a leaver there first, or correct the UPN.`,
        });
        continue;
      }
      set.school_id = schoolId; // a leaver of another trust school who has moved here
    }
    for (const [k, v] of Object.entries(wanted) as [keyof PersonFields, unknown][]) {
      if ((found[k] ?? null) !== (v ?? null)) (set as Record<string, unknown>)[k] = v;
    }
    if (found.status === 'leaver') {
      set.status = 'active';
      set.left_on = null;
    }
    if (Object.keys(set).length > 0) plan.updates.push({ id: found.id, row: r.row, set });
    else plan.unchanged += 1;
  }
  for (const p of existing) {
    if (p.school_id === schoolId && p.status === 'active' && !seen.has(p.id) && !fileKeys.has(p.key)) plan.leavers.push(p.id);
  }
  return plan;
}
