// SQL of MIS imports: the stored uploads and the people an import matches. Every query is scoped by trust.
import type { Executor } from '../../../platform/db/index.ts';
import type { ImportKind, ImportStatus, NewPerson } from '../../../platform/db/schema.ts';
import type { ExistingPerson, Mapping, PersonFields } from './model.ts';

export type ImportSummary = {
  rows: number;
  valid: number;
  invalid: number;
  creates: number;
  updates: number;
  unchanged: number;
  leavers: number;
};

export function insertImport(
  db: Executor,
  row: {
    trustId: string;
    id: string;
    schoolId: string;
    kind: ImportKind;
    fileName: string;
    csv: string;
    mapping: Mapping;
    summary: ImportSummary;
    createdBy: string | null;
    createdAt: Date;
  },
) {
  return db
    .insertInto('imports')
    .values({
      trust_id: row.trustId,
      id: row.id,
      school_id: row.schoolId,
      kind: row.kind,
      file_name: row.fileName,
      csv: row.csv,
      mapping: JSON.stringify(row.mapping),
      summary: JSON.stringify(row.summary),
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute();
}

export function importById(db: Executor, trustId: string, schoolId: string, id: string) {
  return db
    .selectFrom('imports')
    .selectAll()
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The same row, locked until the transaction ends, so two commits of one import cannot both run. */
export function importForUpdate(db: Executor, trustId: string, schoolId: string, id: string) {
  return db
    .selectFrom('imports')
    .selectAll()
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function updateImport(
  db: Executor,
  trustId: string,
  id: string,
  set: { mapping?: Mapping; summary?: ImportSummary; status?: ImportStatus; committedAt?: Date },
) {
  return db
    .updateTable('imports')
    .set({
      ...(set.mapping ? { mapping: JSON.stringify(set.mapping) } : {}),
      ...(set.summary ? { summary: JSON.stringify(set.summary) } : {}),
      ...(set.status ? { status: set.status } : {}),
      ...(set.committedAt ? { committed_at: set.committedAt } : {}),
    })
    .where('trust_id', '=', trustId)
    .where('id', '=', id)
    .execute();
}

export function importsOfSchool(db: Executor, trustId: string, schoolId: string, limit = 50) {
  return db
    .selectFrom('imports')
    .select(['id', 'kind', 'status', 'file_name', 'created_at', 'committed_at', 'summary'])
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Imports into one school run one at a time: the school row is the lock. */
export async function lockSchool(db: Executor, trustId: string, schoolId: string) {
  await db.selectFrom('schools').select('id').where('trust_id', '=', trustId).where('id', '=', schoolId).forUpdate().execute();
}

const PERSON_COLUMNS = [
  'id',
  'school_id',
  'status',
  'given_name',
  'family_name',
  'preferred_name',
  'date_of_birth',
  'year_group',
  'key_stage',
  'registration_group',
  'send_flag',
  'send_status',
  'email',
  'phone',
  'job_title',
  'mis_id',
  'upn',
  'staff_code',
] as const;

/**
 * The people an import is matched against: the school's pupils (or staff) that carry a UPN (staff
 * code), and for pupils anyone in the trust holding one of the file's UPNs (a pupil who moved school).
 */
export async function matchablePeople(
  db: Executor,
  trustId: string,
  schoolId: string,
  kind: ImportKind,
  fileKeys: readonly string[],
): Promise<ExistingPerson[]> {
  let q = db.selectFrom('people').select(PERSON_COLUMNS).where('trust_id', '=', trustId);
  if (kind === 'pupils') {
    q = q.where('upn', 'is not', null).where((eb) => {
      const own = eb.and([eb('school_id', '=', schoolId), eb('kind', '=', 'pupil')]);
      return fileKeys.length > 0 ? eb.or([own, eb('upn', 'in', [...fileKeys])]) : own;
    });
  } else {
    q = q.where('school_id', '=', schoolId).where('kind', '=', 'staff').where('staff_code', 'is not', null);
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    ...r,
    key: (kind === 'pupils' ? r.upn : (r.staff_code ?? '').toUpperCase()) as string,
  }));
}

export async function insertPeople(db: Executor, rows: NewPerson[]) {
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto('people').values(rows.slice(i, i + 500)).execute();
  }
}

export function updatePerson(db: Executor, trustId: string, id: string, set: Partial<PersonFields> & Record<string, unknown>, at: Date) {
  return db
    .updateTable('people')
    .set({ ...set, updated_at: at })
    .where('trust_id', '=', trustId)
    .where('id', '=', id)
    .execute();
}

export async function markLeavers(db: Executor, trustId: string, ids: readonly string[], leftOn: string, at: Date) {
  for (let i = 0; i < ids.length; i += 1000) {
    await db
      .updateTable('people')
      .set({ status: 'leaver', left_on: leftOn, updated_at: at })
      .where('trust_id', '=', trustId)
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
  }
}
