// The database handle: a Kysely instance over a node-postgres Pool, migrations, and the transaction helper.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import pg from 'pg';
import { PreparingClient } from './prepared-client.ts';
import type { Database } from './schema.ts';

// Dates come back as Date; `date` columns stay plain ISO strings (no timezone games); int8 as string.
pg.types.setTypeParser(1082, (v: string) => v);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool or an open transaction: stores accept both so services can compose them. */
export type Executor = Kysely<Database>;

const pools = new WeakMap<Db, pg.Pool>();

export function createDb(url: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'haven', Client: PreparingClient });
  pool.on('error', () => {
    // An idle client lost its server (restart, network): the pool replaces it on next use.
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/**
 * A transaction on a node-postgres client of the pool behind `db`, for what Kysely cannot send: COPY
 * (bulk bytes streamed to the server as they are, where a parameter is copied into a growing message
 * buffer several times over). Commits when fn resolves, rolls back when it throws.
 */
export async function clientTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) throw new Error('clientTransaction: this database handle was not made by createDb');
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw err;
    }
  } finally {
    client.release(broken); // a client that could not roll back is closed, not reused
  }
}

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Every migration the folder holds is recorded as applied: the common case, checked without loading them. */
async function upToDate(db: Db): Promise<boolean> {
  const files = (await fs.readdir(migrationFolder)).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).map((f) => f.replace(/\.(ts|js)$/, ''));
  try {
    const applied = await sql<{ name: string }>`SELECT name FROM haven_migrations`.execute(db);
    const done = new Set(applied.rows.map((r) => r.name));
    return files.every((f) => done.has(f));
  } catch {
    return false; // a new database: no migration table yet
  }
}

export async function migrate(db: Db): Promise<string[]> {
  // Commands connect often (every `haven ingest`); the migrator imports every migration to compare.
  if (await upToDate(db)) return [];
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
    migrationTableName: 'haven_migrations',
    migrationLockTableName: 'haven_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const failed = results?.find((r) => r.status === 'Error');
  if (failed) throw new Error(`Migration ${failed.migrationName} failed`);
  return (results ?? []).map((r) => r.migrationName);
}

/** Makes the named database on a server if it is missing (for the embedded server and tests). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid database name: ${name}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
