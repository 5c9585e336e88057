// Several rows in several tables written by ONE statement (one round trip, all or nothing), for hot
// paths where an INSERT per table costs more round trips than work. Each table's rows travel as one
// parameter (a JSON array per unit) turned back into rows of that table's own type by
// jsonb_populate_recordset, so every column keeps its real type, constraint, trigger and foreign key
// (checked at the end of the statement).
//
// Rows may be made before a value only the database can give is known (a case reference from a
// counter): they carry PLACEHOLDER, which the statement itself replaces with each unit's value.
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
/** The rows one unit (one report) writes, table by table, in the order the tables are written. */
export type Unit = readonly { table: string; rows: readonly Row[] }[];

/**
 * Writes every unit's rows in one statement. `values[k]`, when given, replaces PLACEHOLDER in every
 * row of unit k (strings and JSON alike). `also` adds further data-modifying statements (a DELETE).
 */
export async function writeTogether(db: Executor, units: readonly Unit[], values: readonly string[] = [], also: readonly RawBuilder<unknown>[] = []): Promise<void> {
  const ctes = [
    valuesSql(
      'wt_values',
      units.map((_, k) => values[k] ?? PLACEHOLDER),
    ),
    ...insertUnitsSql(units, 'wt_values'),
    ...also.map((stmt, i) => sql`${sql.raw(`wt_also${i}`)} AS (${stmt})`),
  ];
  await sql`WITH ${sql.join(ctes, sql`, `)} SELECT 1`.execute(db);
}

/**
 * A CTE `name` (k, json) of values given in JS, k from 1: each value as the inside of a JSON string,
 * what PLACEHOLDER is replaced by (see insertUnitsSql). Each travels as a whole JSON string (never
 * empty, unlike its content), its quotes taken off in SQL.
 */
export function valuesSql(name: string, values: readonly string[]): RawBuilder<unknown> {
  return sql`${sql.raw(name)} AS (SELECT k::int, substr(v, 2, length(v) - 2) AS json FROM ${splitSql(values.map((v) => JSON.stringify(v)))} WITH ORDINALITY AS x(v, k))`;
}

/**
 * Common table expressions inserting every unit's rows, one per table. `values` names a CTE with
 * columns (k, json) (valuesSql, or one the statement makes: a reference from a counter, as
 * jsonStringContentSql): unit k's PLACEHOLDER becomes its `json`. Every unit needs its row in `values`.
 */
export function insertUnitsSql(units: readonly Unit[], values: string, name = 'w'): RawBuilder<unknown>[] {
  const tables = new Map<string, { columns: readonly string[]; json: string[] }>();
  units.forEach((unit, k) => {
    for (const t of unit) {
      const first = t.rows[0];
      if (!first) continue;
      let entry = tables.get(t.table);
      if (!entry) tables.set(t.table, (entry = { columns: Object.keys(first), json: units.map(() => '') }));
      const json = JSON.stringify(t.rows).slice(1, -1);
      entry.json[k] = entry.json[k] ? `${entry.json[k]},${json}` : json;
    }
  });
  return [...tables].map(([table, t], i) => {
    const columns = sql.join(t.columns.map((c) => sql.ref(c)));
    const fromRows = sql.join(t.columns.map((c) => sql.ref(`r.${c}`)));
    return sql`${sql.raw(`${name}${i}`)} AS (
        INSERT INTO ${sql.table(table)} (${columns})
        SELECT ${fromRows} FROM ${splitSql(t.json.map((j) => `[${j}]`))} WITH ORDINALITY AS u(j, k)
          JOIN ${sql.table(values)} v ON v.k = u.k,
          jsonb_populate_recordset(NULL::${sql.table(table)}, replace(u.j, ${PLACEHOLDER}, v.json)::jsonb) AS r)`;
  });
}

/** Separates texts in one parameter: JSON (and canonical JSON) writes control characters escaped, never raw. */
const SEPARATOR = '\u001e';

/**
 * A list of non-empty texts as one parameter, split back into rows in order (`WITH ORDINALITY` gives
 * their positions). Not an SQL array, nor JSON: the planner sizes `unnest` by the array's length, so a
 * prepared statement would be planned afresh for every batch size, and a JSON array of JSON texts
 * escapes every quote twice. `string_to_table` it sizes the same for any length: one plan.
 */
export function splitSql(texts: readonly string[]): RawBuilder<unknown> {
  if (texts.some((t) => t.length === 0 || t.includes(SEPARATOR))) throw new Error('splitSql: a text is empty or holds the separator');
  return sql`string_to_table(${texts.join(SEPARATOR)}::text, ${SEPARATOR}::text)`;
}

/** A value made by the statement as the inside of a JSON string (what PLACEHOLDER is replaced by). */
export const jsonStringContentSql = (expr: RawBuilder<unknown>) => sql`substr(to_json(${expr})::text, 2, length(to_json(${expr})::text) - 2)`;

/** Puts a value into a JS copy of a row's text (for what is sent after the write). */
export const withValue = (text: string, value: string) => text.split(PLACEHOLDER).join(value);
