// Several rows in several tables written by ONE statement (one round trip, all or nothing), for hot
// paths where an INSERT per table costs more round trips than work. Each table's rows travel as one
// JSON parameter turned back into rows of that table's own type by jsonb_populate_recordset, so every
// column keeps its real type, constraint, trigger and foreign key (checked at the end of the statement).
//
// Rows may be written before a value only the database can give is known (a case reference from a
// counter): they carry PLACEHOLDER, and the caller substitutes each unit's value once it has it.
import { randomBytes } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from './index.ts';

/**
 * Stands for a value not yet known inside row values; random per process so no input can forge it.
 * Plain ASCII that JSON leaves as it is: a non-Latin-1 character would make every string holding it
 * (and the JSON sent to the server) a two-byte string, slower to copy and to encode.
 */
export const PLACEHOLDER = `{{haven:${randomBytes(12).toString('hex')}}}`;

export type Row = Record<string, unknown>;
/** One table's rows, as objects or already turned into JSON (the array's contents, without brackets). */
export type TableRows = { table: string; rows: readonly Row[] } | { table: string; columns: readonly string[]; json: string };
/** The rows one unit (one report) writes, table by table, in the order the tables are written. */
export type Unit = readonly TableRows[];

/**
 * Turns a unit's rows into JSON ahead of the write: a batch does this before it takes its locks, so
 * they are held for the substitution and the round trip only.
 */
export function serialize(unit: Unit): Unit {
  return unit.flatMap((t) => {
    if (!('rows' in t)) return [t];
    const first = t.rows[0];
    return first ? [{ table: t.table, columns: Object.keys(first), json: JSON.stringify(t.rows).slice(1, -1) }] : [];
  });
}

/**
 * Writes every unit's rows in one statement. `values[k]`, when given, replaces PLACEHOLDER in every
 * row of unit k (strings and JSON alike). `also` adds further data-modifying statements (a DELETE).
 */
export async function writeTogether(db: Executor, units: readonly Unit[], values: readonly string[] = [], also: readonly RawBuilder<unknown>[] = []): Promise<void> {
  const tables = new Map<string, { columns: readonly string[]; json: string[] }>();
  units.forEach((unit, k) => {
    const value = values[k];
    for (const t of serialize(unit)) {
      if (!('json' in t)) continue;
      let entry = tables.get(t.table);
      if (!entry) tables.set(t.table, (entry = { columns: t.columns, json: [] }));
      entry.json.push(value === undefined || !t.json.includes(PLACEHOLDER) ? t.json : t.json.split(PLACEHOLDER).join(JSON.stringify(value).slice(1, -1)));
    }
  });
  const parts = [...tables].map(([table, t], i) => {
    const columns = sql.join(t.columns.map((c) => sql.ref(c)));
    return sql`${sql.raw(`w${i}`)} AS (
        INSERT INTO ${sql.table(table)} (${columns})
        SELECT ${columns} FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${`[${t.json.join(',')}]`}::jsonb))`;
  });
  const extra = also.map((stmt, i) => sql`${sql.raw(`x${i}`)} AS (${stmt})`);
  const ctes = [...parts, ...extra];
  if (ctes.length === 0) return;
  await sql`WITH ${sql.join(ctes, sql`, `)} SELECT 1`.execute(db);
}

/** Puts a value into a JS copy of a row's text (for what is sent after the write). */
export const withValue = (text: string, value: string) => text.split(PLACEHOLDER).join(value);
