// Several rows in several tables written by ONE statement (one round trip, one implicit transaction),
// for hot paths where a transaction's BEGIN / INSERT… / COMMIT round trips cost more than the work.
// A value that only the statement itself knows (a counter's next number) is written into the rows as
// a placeholder and substituted inside the statement: each table's rows travel as one JSON parameter,
// `replace()`d and turned back into rows of that table's own type by jsonb_populate_recordset, so every
// column keeps its real type, constraint, trigger and foreign key (checked at the end of the statement).
import { randomBytes } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from './index.ts';

/** Stands for the statement-made value inside row values; random per process so no input can forge it. */
export const PLACEHOLDER = `\u27e6${randomBytes(9).toString('base64url')}\u27e7`;

export type RowsFor = { table: string; rows: readonly Record<string, unknown>[] };

/**
 * Runs `WITH made AS (<source> AS value), t1 AS (INSERT …), … SELECT value FROM made` and returns the
 * value; `also` adds further data-modifying statements (a DELETE) to the same statement. `source` must be a data-modifying or plain query returning exactly one row with a text column
 * `value`; the value is substituted for PLACEHOLDER in every row. Tables are written in the order given.
 */
export async function writeTogether(db: Executor, source: RawBuilder<unknown>, tables: readonly RowsFor[], also: readonly RawBuilder<unknown>[] = []): Promise<string> {
  const parts = tables
    .filter((t) => t.rows.length > 0)
    .map((t, i) => {
      const columns = Object.keys(t.rows[0] as Record<string, unknown>);
      const list = sql.join(columns.map((c) => sql.ref(c)));
      const json = JSON.stringify(t.rows);
      return sql`, ${sql.raw(`w${i}`)} AS (
        INSERT INTO ${sql.table(t.table)} (${list})
        SELECT ${list} FROM made, jsonb_populate_recordset(NULL::${sql.table(t.table)}, replace(${json}::text, ${PLACEHOLDER}::text, made.value)::jsonb))`;
    });
  // Further data-modifying statements (a DELETE of what the write replaces) ride in the same statement.
  const extra = also.map((stmt, i) => sql`, ${sql.raw(`x${i}`)} AS (${stmt})`);
  const result = await sql<{ value: string }>`WITH made AS (${source}) ${sql.join([...parts, ...extra], sql``)} SELECT value FROM made`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('writeTogether: the source query returned no row');
  return row.value;
}

/** Puts the statement-made value into a JS copy of a row (for what is sent after the write). */
export const withValue = (text: string, value: string) => text.split(PLACEHOLDER).join(value);
