// Haven's logical backup: every application table copied in one consistent snapshot, in foreign-key
// order, as PostgreSQL COPY text inside a gzip file with a header and a row-count trailer. Restore
// runs in one transaction into an empty, migrated database and checks every count before committing,
// so a truncated or altered file restores nothing. Why not pg_dump: docs/decisions/003-backups.md.
import { once } from 'node:events';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { quoteIdent } from './copy-binary.ts';

export const BACKUP_FORMAT = 'haven-backup';
const TABLE_MARK = '--haven-table ';
const END_MARK = '--haven-end ';

type TableInfo = { name: string; columns: string[] };
export type BackupHeader = { format: string; version: 1; createdAt: string; serverVersion: string; migrations: string[]; tables: TableInfo[] };
export type BackupResult = { tables: Record<string, number> };

const SKIP = new Set(['haven_migrations', 'haven_migrations_lock']);

/** Application tables, parents before children, with their stored (non-generated) columns. */
async function tablesInOrder(client: pg.ClientBase): Promise<TableInfo[]> {
  const tables = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const deps = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const names = tables.rows.map((t) => t.name).filter((n) => !SKIP.has(n));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const d of deps.rows) if (d.child === name && d.parent !== name) visit(d.parent);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const n of names) visit(n);
  const result: TableInfo[] = [];
  for (const name of ordered) {
    const cols = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
      [name],
    );
    result.push({ name, columns: cols.rows.map((c) => c.column_name) });
  }
  return result;
}

function writeLine(out: Writable, line: string): Promise<void> | undefined {
  return out.write(`${line}\n`) ? undefined : once(out, 'drain').then(() => undefined);
}

export async function writeBackup(databaseUrl: string, destination: Writable, now: Date): Promise<BackupResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const gzip = createGzip();
  const done = pipeline(gzip, destination);
  const counts: Record<string, number> = {};
  try {
    // One snapshot for every table: the backup is consistent even while Haven keeps writing.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await tablesInOrder(client);
    const migrations = await client.query<{ name: string }>('SELECT name FROM haven_migrations ORDER BY name');
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: 1,
      createdAt: now.toISOString(),
      serverVersion: version.rows[0]?.server_version ?? '',
      migrations: migrations.rows.map((m) => m.name),
      tables,
    };
    await writeLine(gzip, JSON.stringify(header));
    for (const table of tables) {
      await writeLine(gzip, `${TABLE_MARK}${table.name}`);
      const cols = table.columns.map(quoteIdent).join(', ');
      const stream = client.query(copyTo(`COPY ${quoteIdent(table.name)} (${cols}) TO STDOUT`));
      let rows = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const byte of chunk) if (byte === 10) rows++;
        if (!gzip.write(chunk)) await once(gzip, 'drain');
      }
      counts[table.name] = rows;
      await writeLine(gzip, '\\.');
    }
    await writeLine(gzip, `${END_MARK}${JSON.stringify({ tables: counts })}`);
    await client.query('COMMIT');
    gzip.end();
    await done;
    return { tables: counts };
  } catch (err) {
    gzip.destroy();
    await done.catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

export class RestoreError extends Error {}

/** Serial columns (such as the audit trail's seq) continue after the highest restored value. */
async function advanceSequences(client: pg.ClientBase): Promise<void> {
  const serials = await client.query<{ tbl: string; col: string; seq: string }>(
    `SELECT t.relname AS tbl, a.attname AS col, s.oid::regclass::text AS seq
       FROM pg_class s
       JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a'
       JOIN pg_class t ON t.oid = d.refobjid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
       JOIN pg_namespace n ON n.oid = s.relnamespace
      WHERE s.relkind = 'S' AND n.nspname = 'public'`,
  );
  for (const r of serials.rows) {
    await client.query(`SELECT setval($1::regclass, coalesce((SELECT max(${quoteIdent(r.col)}) FROM ${quoteIdent(r.tbl)}), 0) + 1, false)`, [r.seq]);
  }
}

/**
 * Restores a backup into the database at `databaseUrl`, which must be migrated and hold no rows.
 * All or nothing: one transaction, committed only when every table's row count matches the trailer.
 */
export async function restoreBackup(databaseUrl: string, source: Readable): Promise<BackupResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const lines = readline.createInterface({ input: source.pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY });
  let active: ReturnType<typeof copyFrom> | null = null;
  try {
    const iterator = lines[Symbol.asyncIterator]();
    const first = await iterator.next().catch(() => ({ done: true, value: '' }) as IteratorResult<string>);
    let header: BackupHeader;
    try {
      header = JSON.parse(first.done ? '' : first.value) as BackupHeader;
    } catch {
      throw new RestoreError('This file is not a Haven backup (made by `haven backup FILE`).');
    }
    if (header.format !== BACKUP_FORMAT || header.version !== 1) throw new RestoreError('This file is not a Haven backup (made by `haven backup FILE`).');

    const applied = new Set((await client.query<{ name: string }>('SELECT name FROM haven_migrations')).rows.map((r) => r.name));
    const unknown = header.migrations.filter((m) => !applied.has(m));
    if (unknown.length) {
      throw new RestoreError(`The backup comes from a newer Haven (schema ${unknown.join(', ')}). Upgrade Haven, then restore.`);
    }
    const present = await tablesInOrder(client);
    for (const t of header.tables) {
      if (!present.some((p) => p.name === t.name)) throw new RestoreError(`The backup holds table ${t.name}, which this Haven does not have.`);
      const rows = await client.query(`SELECT 1 FROM ${quoteIdent(t.name)} LIMIT 1`);
      if (rows.rowCount) {
        throw new RestoreError(`The database is not empty (table ${t.name} has rows). Restore only into a new, empty data folder or database.`);
      }
    }

    await client.query('BEGIN');
    const counts: Record<string, number> = {};
    let trailer: BackupResult | null = null;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const line = next.value;
      if (line.startsWith(END_MARK)) {
        trailer = JSON.parse(line.slice(END_MARK.length)) as BackupResult;
        break;
      }
      if (!line.startsWith(TABLE_MARK)) throw new RestoreError('The backup file is damaged (unexpected line between tables).');
      const name = line.slice(TABLE_MARK.length);
      const table = header.tables.find((t) => t.name === name);
      if (!table) throw new RestoreError(`The backup file is damaged (table ${name} is not in its header).`);
      const copy = client.query(copyFrom(`COPY ${quoteIdent(name)} (${table.columns.map(quoteIdent).join(', ')}) FROM STDIN`));
      active = copy;
      const finished = once(copy, 'finish');
      finished.catch(() => {}); // awaited below; an abandoned COPY must not surface as unhandled
      let rows = 0;
      for (;;) {
        const row = await iterator.next();
        if (row.done) throw new RestoreError('The backup file is cut short; nothing was restored.');
        if (row.value === '\\.') break;
        rows++;
        if (!copy.write(`${row.value}\n`)) await once(copy, 'drain');
      }
      copy.end();
      await finished;
      active = null;
      counts[name] = rows;
    }
    if (!trailer) throw new RestoreError('The backup file is cut short; nothing was restored.');
    for (const [name, expected] of Object.entries(trailer.tables)) {
      if (counts[name] !== expected) {
        throw new RestoreError(`The backup file is damaged: table ${name} should hold ${expected} rows but ${counts[name] ?? 0} were read.`);
      }
    }
    await advanceSequences(client);
    await client.query('COMMIT');
    return { tables: counts };
  } catch (err) {
    if (active) {
      // Abandon the COPY under way (the server gets CopyFail) so the connection can roll back.
      const ended = once(active, 'close').catch(() => {});
      active.destroy(new Error('restore abandoned'));
      await ended;
    }
    await client.query('ROLLBACK').catch(() => {});
    if (err instanceof RestoreError) throw err;
    if ((err as { code?: string }).code === 'Z_DATA_ERROR' || (err as { code?: string }).code === 'Z_BUF_ERROR') {
      throw new RestoreError('The backup file is damaged (not valid gzip); nothing was restored.');
    }
    throw err;
  } finally {
    lines.close();
    await client.end();
  }
}
