// Rows into a table by COPY … FROM STDIN (FORMAT binary): for bulk bytes (compressed log blocks), which
// go to the server as they are. A parameter of an INSERT is instead copied into node-postgres's
// message buffer, which grows from a few hundred bytes by half again each time (six copies of the
// data, and as many large allocations for the collector to free).
// Binary format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isUuid } from '../ids.ts';

/** A name as an SQL identifier, quoted (for statements Kysely does not build, such as COPY). */
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01 UTC). */
const PG_EPOCH_MS = 946_684_800_000;

/** One row's fields, in the order of the COPY's column list. Small fields share one buffer; bytes stay their own. */
export class CopyRow {
  readonly #parts: Uint8Array[] = [];
  #buffer = Buffer.alloc(256);
  #at = 0;

  constructor(fields: number) {
    this.#int16(fields);
  }

  uuid(value: string): this {
    if (!isUuid(value)) throw new Error(`copy: not a uuid: ${value.slice(0, 40)}`);
    this.#int32(16);
    this.#ensure(16);
    this.#at += this.#buffer.write(value.replaceAll('-', ''), this.#at, 'hex');
    return this;
  }

  int4(value: number): this {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) throw new Error(`copy: not a 32-bit integer: ${value}`);
    this.#int32(4);
    this.#int32(value);
    return this;
  }

  /** A time as milliseconds since the Unix epoch, or null. */
  timestamptz(ms: number | null): this {
    if (ms === null) {
      this.#int32(-1); // NULL
      return this;
    }
    if (!Number.isFinite(ms)) throw new Error(`copy: not a time: ${ms}`);
    this.#int32(8);
    this.#ensure(8);
    this.#buffer.writeBigInt64BE(BigInt(Math.round((ms - PG_EPOCH_MS) * 1000)), this.#at);
    this.#at += 8;
    return this;
  }

  text(value: string): this {
    const bytes = Buffer.byteLength(value);
    this.#int32(bytes);
    this.#ensure(bytes);
    this.#at += this.#buffer.write(value, this.#at, 'utf8');
    return this;
  }

  /** Bytes sent as they are (not copied). */
  bytea(value: Uint8Array): this {
    this.#int32(value.byteLength);
    this.#flush();
    this.#parts.push(value);
    return this;
  }

  /** The row's pieces, in order. */
  parts(): Uint8Array[] {
    this.#flush();
    return this.#parts;
  }

  #int16(n: number) {
    this.#ensure(2);
    this.#at = this.#buffer.writeInt16BE(n, this.#at);
  }

  #int32(n: number) {
    this.#ensure(4);
    this.#at = this.#buffer.writeInt32BE(n, this.#at);
  }

  #ensure(n: number) {
    if (this.#at + n <= this.#buffer.length) return;
    this.#flush();
    if (n > this.#buffer.length) this.#buffer = Buffer.alloc(n);
  }

  #flush() {
    if (this.#at === 0) return;
    this.#parts.push(this.#buffer.subarray(0, this.#at));
    this.#buffer = Buffer.alloc(256); // the flushed part keeps the old one
    this.#at = 0;
  }
}

/**
 * Streams rows into `table` (columns in the rows' field order) on the client, inside whatever
 * transaction it has open. Throws as the server refuses (a constraint, a wrong type): nothing is kept.
 */
export async function copyRows(client: pg.ClientBase, table: string, columns: readonly string[], rows: readonly CopyRow[]): Promise<void> {
  const header = Buffer.alloc(SIGNATURE.length + 8);
  SIGNATURE.copy(header);
  function* pieces() {
    yield header; // flags and header extension length: 0
    for (const row of rows) yield* row.parts();
    yield Buffer.from([0xff, 0xff]); // end of data: a field count of -1
  }
  const stream = client.query(copyFrom(`COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from(pieces(), { objectMode: false }), stream);
}
