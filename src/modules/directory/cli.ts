// `haven import pupils|staff FILE --school SCHOOL [--dry-run] [--mapping FILE]`: the same import as the
// web wizard, run as the system (whoever has the shell has the database).
import fs from 'node:fs';
import path from 'node:path';
import { options, UsageError } from '../../cli.ts';
import { systemClock } from '../../platform/clock.ts';
import { loadConfig } from '../../platform/config.ts';
import { type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import { connect } from '../../platform/db/connect.ts';
import { IMPORT_KINDS, type ImportKind } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { createMailer } from '../../platform/mail/mailer.ts';
import * as service from './import/service.ts';

const USAGE = 'haven import pupils|staff FILE --school SCHOOL [--dry-run] [--mapping FILE]';

export type ImportRun = {
  kind: ImportKind;
  /** The file's name (shown) and bytes. */
  fileName: string;
  bytes: Uint8Array;
  /** The school's id, URN or exact name. */
  school: string;
  dryRun: boolean;
  mapping?: Record<string, string | null> | undefined;
};

export { findSchool } from './find-school.ts';
import { findSchool } from './find-school.ts';

export type RunResult = { lines: string[]; code: number };

function describe(preview: service.ImportPreview): string[] {
  const s = preview.summary;
  const lines = ['Columns:'];
  for (const f of preview.fields) lines.push(`  ${f.label}${f.required ? ' *' : ''}: ${preview.mapping[f.key] ?? '(none)'}`);
  lines.push(`Rows: ${s.rows} (${s.valid} valid, ${s.invalid} with errors)`);
  lines.push(`Changes: ${s.creates} new, ${s.updates} updated, ${s.unchanged} unchanged, ${s.leavers} marked as leavers`);
  for (const e of preview.errors) lines.push(`  Row ${e.row}, ${e.field}: ${e.message}`);
  if (preview.moreErrors > 0) lines.push(`  … and ${preview.moreErrors} more errors.`);
  return lines;
}

/** Runs one import and answers what to print and the exit code: 1 when any row has an error. */
export async function runImport(haven: Haven, run: ImportRun): Promise<RunResult> {
  const school = await findSchool(haven, run.school);
  const t = { trustId: school.trust_id, schoolId: school.id };
  const lines = [`Import of ${run.kind} into ${school.name} from ${run.fileName}${run.dryRun ? ' (dry run)' : ''}`];
  try {
    const input = { kind: run.kind, fileName: run.fileName, text: service.decodeUpload(run.bytes), mapping: run.mapping };
    if (run.dryRun) {
      const preview = await service.previewTextAs(haven, t, input);
      lines.push(...describe(preview));
      if (preview.errors.length > 0) return { lines: [...lines, 'Fix these rows and run the import again.'], code: 1 };
      return { lines: [...lines, 'Dry run: nothing was changed.'], code: 0 };
    }
    const preview = await service.createImportAs(haven, SYSTEM_ACTOR, t, input);
    lines.push(...describe(preview));
    if (preview.errors.length > 0) return { lines: [...lines, 'Nothing was imported. Fix these rows and run the import again.'], code: 1 };
    const done = await service.commitImportAs(haven, SYSTEM_ACTOR, t, preview.id);
    const s = done.summary;
    lines.push(`Imported: ${s.creates} new, ${s.updates} updated, ${s.unchanged} unchanged, ${s.leavers} marked as leavers.`);
    return { lines, code: 0 };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    lines.push(err.message);
    for (const p of err.problems ?? []) lines.push(`  ${p.field}: ${p.message}`);
    return { lines, code: 1 };
  }
}

function readMapping(file: string): Record<string, string | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--mapping ${file}: ${err instanceof Error ? err.message : String(err)}. Give a JSON file like {"upn": "UPN", "familyName": "Surname"}.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => v === null || typeof v === 'string')) {
    throw new UsageError(`--mapping ${file} must hold a JSON object of field → column name, like {"upn": "UPN", "familyName": "Surname"}.`);
  }
  return parsed as Record<string, string | null>;
}

export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(
    args,
    { school: { type: 'string' }, 'dry-run': { type: 'boolean' }, mapping: { type: 'string' } },
    USAGE,
  );
  const [kind, file, ...extra] = positionals;
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`Say what to import: pupils or staff.\nUsage: ${USAGE}`);
  if (!file || extra.length > 0) throw new UsageError(`Give one CSV file.\nUsage: ${USAGE}`);
  const school = values.school;
  if (typeof school !== 'string' || school === '') throw new UsageError(`Say which school with --school (its id, URN or name).\nUsage: ${USAGE}`);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const mapping = typeof values.mapping === 'string' ? readMapping(values.mapping) : undefined;

  const config = loadConfig(process.env);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const conn = await connect(config, log);
  try {
    const haven: Haven = {
      db: conn.db,
      clock: systemClock,
      config,
      mail: createMailer(conn.db, systemClock, { smtpUrl: config.smtpUrl, from: config.mailFrom }),
    };
    const result = await runImport(haven, {
      kind: kind as ImportKind,
      fileName: path.basename(file),
      bytes,
      school,
      dryRun: values['dry-run'] === true,
      mapping,
    });
    const out = result.code === 0 ? process.stdout : process.stderr;
    out.write(`${result.lines.join('\n')}\n`);
    return result.code;
  } finally {
    await conn.close();
  }
}
