// MIS import use cases: upload → preview → fix the mapping → commit, all-or-nothing and idempotent.
// The `…As` functions take no principal: the CLI runs them as the system; the others check first.
import { audit } from '../../../platform/audit/service.ts';
import { can, type Principal } from '../../../platform/auth/policy.ts';
import type { ActorRef, Haven } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import type { Import, ImportKind, NewPerson } from '../../../platform/db/schema.ts';
import { AppError, badRequest, conflict, forbidden, notFound, unprocessable } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { londonDate } from '../../../platform/time.ts';
import * as directory from '../store.ts';
import {
  checkRows,
  decodeCsv,
  type FieldKey,
  fieldsOf,
  guessMapping,
  ImportFileError,
  type Mapping,
  mappingProblems,
  type ParsedCsv,
  type Plan,
  parseCsv,
  personFieldsOf,
  type RowError,
  planChanges,
  sampleRows,
} from './model.ts';
import * as store from './store.ts';
import type { ImportSummary } from './store.ts';

export type ImportPreview = {
  id: string;
  kind: ImportKind;
  status: Import['status'];
  fileName: string;
  headers: string[];
  fields: { key: FieldKey; label: string; required: boolean }[];
  mapping: Mapping;
  summary: ImportSummary;
  errors: RowError[];
  /** How many errors were left out of `errors` to keep the answer small. */
  moreErrors: number;
  sample: { row: number; values: Record<string, string> }[];
};

export type Target = { trustId: string; schoolId: string };

const MAX_ERRORS_SHOWN = 1000;

/** The school, when the principal may manage its people: another trust's or an unseen school is 404. */
export async function schoolToManage(haven: Haven, p: Principal, schoolId: string) {
  const school = await directory.schoolById(haven.db, p.trustId, schoolId);
  if (!school || !can(p, 'school.view', { trustId: p.trustId, schoolId })) throw notFound('That school');
  if (!can(p, 'people.manage', { trustId: p.trustId, schoolId })) {
    throw forbidden('Importing and changing people needs the headteacher, school office or trust administrator role.');
  }
  return school;
}

function fileProblem(err: unknown): unknown {
  if (!(err instanceof ImportFileError)) return err;
  if (err.status === 413) return new AppError(413, 'File too large', err.message, [{ field: 'file', message: err.message }]);
  return badRequest(err.message, [{ field: 'file', message: err.message }]);
}

function readCsv(text: string): ParsedCsv {
  try {
    return parseCsv(text);
  } catch (err) {
    throw fileProblem(err);
  }
}

/** Bytes of an upload to text, or a 4xx that says what is wrong with the file. */
export function decodeUpload(bytes: Uint8Array): string {
  try {
    return decodeCsv(bytes);
  } catch (err) {
    throw fileProblem(err);
  }
}

type Analysis = { parsed: ParsedCsv; errors: RowError[]; plan: Plan; summary: ImportSummary };

/** Checks every row and matches it against the people already there (read in `db`, maybe a transaction). */
async function analyse(db: Executor, haven: Haven, t: Target, kind: ImportKind, parsed: ParsedCsv, mapping: Mapping): Promise<Analysis> {
  const checked = checkRows(kind, parsed, mapping, londonDate(haven.clock.now()));
  const mappingBroken = checked.errors.some((e) => e.row === 1);
  const existing = mappingBroken ? [] : await store.matchablePeople(db, t.trustId, t.schoolId, kind, [...checked.keys]);
  const plan = mappingBroken
    ? { creates: [], updates: [], unchanged: 0, leavers: [], errors: [] }
    : planChanges(t.schoolId, checked.records, checked.keys, existing);
  const errors = [...checked.errors, ...plan.errors].sort((a, b) => a.row - b.row);
  const invalid = checked.invalidRows + plan.errors.length;
  return {
    parsed,
    errors,
    plan,
    summary: {
      rows: parsed.rows.length,
      valid: parsed.rows.length - invalid,
      invalid,
      creates: plan.creates.length,
      updates: plan.updates.length,
      unchanged: plan.unchanged,
      leavers: plan.leavers.length,
    },
  };
}

function previewOf(row: Pick<Import, 'id' | 'kind' | 'status' | 'file_name'>, mapping: Mapping, a: Analysis, summary = a.summary): ImportPreview {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    fileName: row.file_name,
    headers: a.parsed.headers,
    fields: fieldsOf(row.kind).map((f) => ({ key: f.key, label: f.label, required: f.required })),
    mapping,
    summary,
    errors: a.errors.slice(0, MAX_ERRORS_SHOWN),
    moreErrors: Math.max(0, a.errors.length - MAX_ERRORS_SHOWN),
    sample: sampleRows(row.kind, a.parsed, mapping),
  };
}

function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()?.trim() ?? '';
  return (base || 'upload.csv').slice(0, 255);
}

/** A mapping given in full or in part (CLI --mapping): checked, then laid over the guess. */
function mappingFor(kind: ImportKind, headers: string[], given: Record<string, string | null> | undefined): Mapping {
  const guess = guessMapping(kind, headers);
  if (!given) return guess;
  const problems = mappingProblems(kind, headers, given);
  if (problems.length > 0) throw badRequest(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  return { ...guess, ...given };
}

export type NewImport = {
  kind: ImportKind;
  fileName?: string | undefined;
  text: string;
  mapping?: Record<string, string | null> | undefined;
};

/** Stores an upload and answers its preview. Nothing about people changes yet. */
export async function createImportAs(haven: Haven, actor: ActorRef, t: Target, input: NewImport): Promise<ImportPreview> {
  const parsed = readCsv(input.text);
  const mapping = mappingFor(input.kind, parsed.headers, input.mapping);
  const a = await analyse(haven.db, haven, t, input.kind, parsed, mapping);
  const row = { id: newId(), kind: input.kind, status: 'preview' as const, file_name: cleanFileName(input.fileName) };
  await haven.db.transaction().execute(async (tx) => {
    await store.insertImport(tx, {
      trustId: t.trustId,
      id: row.id,
      schoolId: t.schoolId,
      kind: input.kind,
      fileName: row.file_name,
      csv: input.text,
      mapping,
      summary: a.summary,
      createdBy: actor.accountId,
      createdAt: haven.clock.now(),
    });
    await audit(tx, haven, actor, {
      trustId: t.trustId,
      schoolId: t.schoolId,
      action: 'import.uploaded',
      recordType: 'import',
      recordId: row.id,
      detail: { kind: input.kind, fileName: row.file_name, ...a.summary },
    });
  });
  return previewOf(row, mapping, a);
}

/** The preview of an upload without storing it (the CLI's --dry-run). */
export async function previewTextAs(haven: Haven, t: Target, input: NewImport): Promise<ImportPreview> {
  const parsed = readCsv(input.text);
  const mapping = mappingFor(input.kind, parsed.headers, input.mapping);
  const a = await analyse(haven.db, haven, t, input.kind, parsed, mapping);
  return previewOf({ id: '', kind: input.kind, status: 'preview', file_name: cleanFileName(input.fileName) }, mapping, a);
}

export async function uploadImport(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: NewImport) {
  await schoolToManage(haven, p, schoolId);
  return createImportAs(haven, actor, { trustId: p.trustId, schoolId }, input);
}

async function stored(haven: Haven, t: Target, importId: string) {
  const row = await store.importById(haven.db, t.trustId, t.schoolId, importId);
  if (!row) throw notFound('That import');
  return row;
}

export async function getImport(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, importId: string) {
  await schoolToManage(haven, p, schoolId);
  const t = { trustId: p.trustId, schoolId };
  const row = await stored(haven, t, importId);
  const a = await analyse(haven.db, haven, t, row.kind, readCsv(row.csv), row.mapping);
  await haven.db.transaction().execute((tx) =>
    audit(tx, haven, actor, { trustId: t.trustId, schoolId, action: 'import.viewed', recordType: 'import', recordId: row.id }),
  );
  // A committed import shows what it did, not what committing again would do.
  return previewOf(row, row.mapping, a, row.status === 'committed' ? (row.summary as ImportSummary) : a.summary);
}

export async function changeMapping(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  schoolId: string,
  importId: string,
  given: Record<string, string | null>,
): Promise<ImportPreview> {
  await schoolToManage(haven, p, schoolId);
  const t = { trustId: p.trustId, schoolId };
  const row = await stored(haven, t, importId);
  if (row.status === 'committed') throw conflict('This import is already committed. Upload the file again to import it anew.');
  const parsed = readCsv(row.csv);
  const problems = mappingProblems(row.kind, parsed.headers, given);
  if (problems.length > 0) throw badRequest(problems.map((x) => `${x.field}: ${x.message}`).join('; '), problems);
  // Fields left out of the request keep no column: the request is the whole mapping.
  const mapping: Mapping = Object.fromEntries(fieldsOf(row.kind).map((f) => [f.key, given[f.key] ?? null]));
  const a = await analyse(haven.db, haven, t, row.kind, parsed, mapping);
  await haven.db.transaction().execute(async (tx) => {
    await store.updateImport(tx, t.trustId, row.id, { mapping, summary: a.summary });
    await audit(tx, haven, actor, {
      trustId: t.trustId,
      schoolId,
      action: 'import.mapping_changed',
      recordType: 'import',
      recordId: row.id,
      detail: { mapping },
    });
  });
  return previewOf(row, mapping, a);
}

function personRow(t: Target, kind: ImportKind, r: Plan['creates'][number], at: Date): NewPerson {
  return {
    trust_id: t.trustId,
    id: newId(),
    school_id: t.schoolId,
    kind: kind === 'pupils' ? 'pupil' : 'staff',
    ...(kind === 'pupils' ? { upn: r.key } : { staff_code: r.key }),
    ...personFieldsOf(r),
    created_at: at,
    updated_at: at,
  };
}

/**
 * Commits in one transaction: every row is checked again against the people as they are now; one
 * bad row and nothing is written. People missing from the file become leavers, never deleted.
 */
export async function commitImportAs(haven: Haven, actor: ActorRef, t: Target, importId: string): Promise<ImportPreview> {
  try {
    return await haven.db.transaction().execute(async (tx) => {
      const row = await store.importForUpdate(tx, t.trustId, t.schoolId, importId);
      if (!row) throw notFound('That import');
      if (row.status === 'committed') throw conflict('This import is already committed. Upload the file again to import it anew.');
      await store.lockSchool(tx, t.trustId, t.schoolId);
      const parsed = readCsv(row.csv);
      const a = await analyse(tx, haven, t, row.kind, parsed, row.mapping);
      if (a.errors.length > 0) {
        const n = a.summary.invalid || a.errors.length;
        throw unprocessable(
          `${n} ${n === 1 ? 'row needs' : 'rows need'} fixing before anything is imported. Nothing was changed. Fix the rows in the MIS or the file, or change the column mapping, then try again.`,
          a.errors.slice(0, 100).map((e) => ({ field: e.field, message: `Row ${e.row}: ${e.message}` })),
        );
      }
      const now = haven.clock.now();
      await store.insertPeople(
        tx,
        a.plan.creates.map((r) => personRow(t, row.kind, r, now)),
      );
      for (const u of a.plan.updates) await store.updatePerson(tx, t.trustId, u.id, u.set, now);
      await store.markLeavers(tx, t.trustId, a.plan.leavers, londonDate(now), now);
      await store.updateImport(tx, t.trustId, row.id, { status: 'committed', summary: a.summary, committedAt: now });
      await audit(tx, haven, actor, {
        trustId: t.trustId,
        schoolId: t.schoolId,
        action: 'import.committed',
        recordType: 'import',
        recordId: row.id,
        detail: { kind: row.kind, fileName: row.file_name, ...a.summary },
      });
      return previewOf({ ...row, status: 'committed' }, row.mapping, a);
    });
  } catch (err) {
    if (!(err instanceof AppError)) {
      // The transaction rolled back; record that this attempt failed so the list says so.
      await store.updateImport(haven.db, t.trustId, importId, { status: 'failed' }).catch(() => {});
    }
    throw err;
  }
}

export async function commitImport(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, importId: string) {
  await schoolToManage(haven, p, schoolId);
  return commitImportAs(haven, actor, { trustId: p.trustId, schoolId }, importId);
}

export async function listImports(haven: Haven, p: Principal, schoolId: string) {
  await schoolToManage(haven, p, schoolId);
  const rows = await store.importsOfSchool(haven.db, p.trustId, schoolId);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    fileName: r.file_name,
    createdAt: r.created_at.toISOString(),
    committedAt: r.committed_at ? r.committed_at.toISOString() : null,
    summary: r.summary as ImportSummary,
  }));
}
