// SQL of log ingest: runs, checkpoints (hourly counts, raw blocks, how far a watched file was read),
// and the directory the pipeline attributes lines with. Every query is scoped to its trust.
import { type CompiledQuery, sql } from 'kysely';
import type pg from 'pg';
import { CopyRow, copyRows } from '../../platform/db/copy-binary.ts';
import type { Db, Executor } from '../../platform/db/index.ts';
import type { AggregateRow } from './aggregate/aggregate.ts';
import type { AttributionDirectory, DirectoryPerson } from './attribute/attribute.ts';
import './tables.ts';
export { schoolById } from '../directory/names.ts';


/** The group a person's lines count under: staff, or the pupil's year group. */
export function groupOf(kind: string, yearGroup: string | null): string {
  if (kind === 'pupil') return yearGroup ? `year-${yearGroup.toLowerCase().replace(/^year\s*/, '').replace(/\s+/g, '-')}` : 'pupils';
  if (kind === 'staff') return 'staff';
  return 'other-adults';
}

/** The school's people (user names from their e-mail and account) and IP/device leases, for attribution. */
export async function attributionDirectory(db: Executor, trustId: string, schoolId: string): Promise<AttributionDirectory> {
  const people = await db
    .selectFrom('people as p')
    .leftJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['p.id', 'p.kind', 'p.year_group', 'p.email', 'a.email as account_email'])
    .where('p.trust_id', '=', trustId)
    .where('p.school_id', '=', schoolId)
    .where('p.status', '=', 'active')
    .where('p.kind', 'in', ['pupil', 'staff', 'volunteer', 'governor'])
    .execute();
  const leases = await db
    .selectFrom('log_address_leases')
    .select(['person_id', sql<string | null>`host(ip)`.as('ip'), 'device', 'valid_from', 'valid_to'])
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .orderBy('valid_from')
    .execute();
  return {
    people: people.map(
      (p): DirectoryPerson => ({
        personId: p.id,
        group: groupOf(p.kind, p.year_group),
        usernames: [p.email, p.account_email].filter((x): x is string => Boolean(x)),
      }),
    ),
    leases: leases.map((l) => ({ personId: l.person_id, ip: l.ip, device: l.device, from: l.valid_from.getTime(), to: l.valid_to?.getTime() ?? null })),
  };
}

export type RunTotals = { bytes: number; lines: number; events: number; skipped: number; malformed: Record<string, number> };

export type Block = { id: string; seq: number; firstAt: number | null; lastAt: number | null; lines: number; data: Uint8Array };

export type Checkpoint = {
  trustId: string;
  schoolId: string;
  runId: string;
  totals: RunTotals;
  hourly: readonly AggregateRow[];
  blocks: readonly Block[];
  /** For a watched file: how far it has now been read. */
  offset?: { sourceId: string; fileKey: string; path: string; headHash: string; readTo: number } | undefined;
};

/**
 * Writes what the pipeline has made since the last checkpoint, in one transaction: counts, raw blocks,
 * the run's running totals and (for a watched file) the new offset — so a restart resumes exactly
 * where the last committed checkpoint ended, never counting a line twice.
 */
export async function writeCheckpoint(client: pg.ClientBase, db: Db, c: Checkpoint, now: Date): Promise<void> {
  // Kysely builds the statements; they run on the checkpoint's own client, beside its COPY.
  const run = (q: { compile(db: Db): CompiledQuery }) => {
    const compiled = q.compile(db); // a query builder ignores the argument; raw SQL needs it
    return client.query(compiled.sql, compiled.parameters as unknown[]);
  };
  if (c.hourly.length > 0) {
    await run(sql`
      INSERT INTO log_hourly (trust_id, school_id, hour, user_group, category, action, run_id, events, bytes)
      SELECT ${c.trustId}::uuid, ${c.schoolId}::uuid, to_timestamp(h / 1000.0), g, cat, act, ${c.runId}::uuid, n, b
        FROM unnest(${c.hourly.map((r) => r.hourStart)}::float8[], ${c.hourly.map((r) => r.group)}::text[], ${c.hourly.map((r) => r.category)}::text[],
                    ${c.hourly.map((r) => r.action)}::text[], ${c.hourly.map((r) => r.count)}::bigint[], ${c.hourly.map((r) => r.bytes)}::bigint[]) AS v(h, g, cat, act, n, b)
      ON CONFLICT (trust_id, school_id, hour, user_group, category, action, run_id)
      DO UPDATE SET events = log_hourly.events + excluded.events, bytes = log_hourly.bytes + excluded.bytes`);
  }
  if (c.blocks.length > 0) {
    // The compressed blocks are most of a checkpoint's bytes: streamed by COPY, not copied into a message.
    await copyRows(
      client,
      'log_event_blocks',
      ['trust_id', 'id', 'school_id', 'run_id', 'seq', 'first_at', 'last_at', 'lines', 'codec', 'data'],
      c.blocks.map((b) =>
        new CopyRow(10).uuid(c.trustId).uuid(b.id).uuid(c.schoolId).uuid(c.runId).int4(b.seq).timestamptz(b.firstAt).timestamptz(b.lastAt).int4(b.lines).text('zstd').bytea(b.data),
      ),
    );
  }
  await run(
    db
      .updateTable('log_ingest_runs')
      .set({ bytes: c.totals.bytes, lines: c.totals.lines, events: c.totals.events, skipped: c.totals.skipped, malformed: JSON.stringify(c.totals.malformed) })
      .where('trust_id', '=', c.trustId)
      .where('id', '=', c.runId),
  );
  if (c.offset) {
    const o = c.offset;
    await run(
      db
        .insertInto('log_file_offsets')
        .values({ trust_id: c.trustId, source_id: o.sourceId, file_key: o.fileKey, path: o.path, head_hash: o.headHash, read_to: o.readTo, updated_at: now })
        .onConflict((oc) => oc.columns(['trust_id', 'source_id', 'file_key']).doUpdateSet({ path: o.path, head_hash: o.headHash, read_to: o.readTo, updated_at: now })),
    );
  }
}

/** A failed run's counts and raw lines, taken back (the run itself stays, marked failed). */
export async function takeBackRun(tx: Executor, trustId: string, runId: string): Promise<void> {
  await tx.deleteFrom('log_hourly').where('trust_id', '=', trustId).where('run_id', '=', runId).execute();
  await tx.deleteFrom('log_event_blocks').where('trust_id', '=', trustId).where('run_id', '=', runId).execute();
}

export function offsetOf(db: Executor, trustId: string, sourceId: string, fileKey: string) {
  return db
    .selectFrom('log_file_offsets')
    .select(['read_to', 'head_hash', 'path'])
    .where('trust_id', '=', trustId)
    .where('source_id', '=', sourceId)
    .where('file_key', '=', fileKey)
    .executeTakeFirst();
}

/** A session-level advisory lock per source: one reader of a watched folder at a time, across processes. */
export async function tryLockSource(conn: Executor, sourceId: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtextextended(${`haven.logs.source:${sourceId}`}, 0)) AS ok`.execute(conn);
  return r.rows[0]?.ok === true;
}

export async function unlockSource(conn: Executor, sourceId: string): Promise<void> {
  await sql`SELECT pg_advisory_unlock(hashtextextended(${`haven.logs.source:${sourceId}`}, 0))`.execute(conn);
}

// ------------------------------------------------------------------------------------------------
// Sources, runs, figures, raw blocks, leases and retention (for service.ts)
// ------------------------------------------------------------------------------------------------

export function sourcesOf(db: Executor, trustId: string, schoolId: string) {
  return db.selectFrom('log_sources').selectAll().where('trust_id', '=', trustId).where('school_id', '=', schoolId).orderBy('name').execute();
}

export function sourceById(db: Executor, trustId: string, id: string) {
  return db.selectFrom('log_sources').selectAll().where('trust_id', '=', trustId).where('id', '=', id).executeTakeFirst();
}

export function sourceByName(db: Executor, trustId: string, schoolId: string, name: string) {
  return db.selectFrom('log_sources').select('id').where('trust_id', '=', trustId).where('school_id', '=', schoolId).where('name', '=', name).executeTakeFirst();
}

export async function runCountOfSource(db: Executor, trustId: string, sourceId: string): Promise<number> {
  const r = await db
    .selectFrom('log_ingest_runs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('trust_id', '=', trustId)
    .where('source_id', '=', sourceId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const runColumns = [
  'r.id', 'r.school_id', 'r.source_id', 'r.origin', 'r.format', 'r.options', 'r.name', 'r.first_line', 'r.status', 'r.started_at', 'r.finished_at',
  'r.bytes', 'r.lines', 'r.events', 'r.skipped', 'r.malformed', 'r.alerts_created', 'r.alerts_folded', 'r.error',
] as const;

export function runsOf(db: Executor, trustId: string, schoolId: string, limit: number) {
  return db
    .selectFrom('log_ingest_runs as r')
    .leftJoin('log_sources as s', (j) => j.onRef('s.trust_id', '=', 'r.trust_id').onRef('s.id', '=', 'r.source_id'))
    .select([...runColumns, 's.name as source_name'])
    .where('r.trust_id', '=', trustId)
    .where('r.school_id', '=', schoolId)
    .orderBy('r.started_at', 'desc')
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

export function runById(db: Executor, trustId: string, runId: string) {
  return db
    .selectFrom('log_ingest_runs as r')
    .leftJoin('log_sources as s', (j) => j.onRef('s.trust_id', '=', 'r.trust_id').onRef('s.id', '=', 'r.source_id'))
    .select([...runColumns, 's.name as source_name'])
    .where('r.trust_id', '=', trustId)
    .where('r.id', '=', runId)
    .executeTakeFirst();
}


export type HourlyTotal = { key: string; action: 'allowed' | 'blocked'; events: string };

/** log_hourly totals over [from, to), grouped by category, user group or UK day. */
export async function hourlyTotals(db: Executor, trustId: string, schoolId: string, from: Date, to: Date, by: 'category' | 'group' | 'day'): Promise<HourlyTotal[]> {
  const key =
    by === 'category' ? sql<string>`category` : by === 'group' ? sql<string>`user_group` : sql<string>`to_char(hour AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')`;
  const r = await sql<HourlyTotal>`
    SELECT ${key} AS key, action, sum(events)::text AS events
      FROM log_hourly
     WHERE trust_id = ${trustId} AND school_id = ${schoolId} AND hour >= ${from} AND hour < ${to}
     GROUP BY 1, 2
     ORDER BY 1, 2`.execute(db);
  return r.rows;
}

/** Raw blocks whose time span overlaps [from, to], oldest first, with the run's format to re-read them. */
export function blocksOverlapping(db: Executor, trustId: string, schoolId: string, from: Date, to: Date, limit: number) {
  return db
    .selectFrom('log_event_blocks as b')
    .innerJoin('log_ingest_runs as r', (j) => j.onRef('r.trust_id', '=', 'b.trust_id').onRef('r.id', '=', 'b.run_id'))
    .select(['b.id', 'b.run_id', 'b.seq', 'b.first_at', 'b.last_at', 'b.data', 'r.format', 'r.options', 'r.first_line'])
    .where('b.trust_id', '=', trustId)
    .where('b.school_id', '=', schoolId)
    .where('b.first_at', '<=', to)
    .where('b.last_at', '>=', from)
    .orderBy('b.first_at')
    .orderBy('b.run_id')
    .orderBy('b.seq')
    .limit(limit)
    .execute();
}

/** Active people of the school, for matching a lease's person by e-mail, UPN or staff code. */
export function leasePeople(db: Executor, trustId: string, schoolId: string) {
  return db
    .selectFrom('people')
    .select(['id', 'email', 'upn', 'staff_code'])
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('status', '=', 'active')
    .execute();
}

export function leasesOf(db: Executor, trustId: string, schoolId: string, limit: number) {
  return db
    .selectFrom('log_address_leases as l')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'l.trust_id').onRef('p.id', '=', 'l.person_id'))
    .select(['l.id', sql<string | null>`host(l.ip)`.as('ip'), 'l.device', 'l.valid_from', 'l.valid_to', 'l.created_at', 'p.id as person_id', 'p.given_name', 'p.family_name', 'p.preferred_name'])
    .where('l.trust_id', '=', trustId)
    .where('l.school_id', '=', schoolId)
    .orderBy('l.valid_from', 'desc')
    .limit(limit)
    .execute();
}

export function allSchools(db: Executor) {
  return db.selectFrom('schools').select(['trust_id', 'id']).orderBy('trust_id').orderBy('id').execute();
}

/** Whole-number settings by key, in one query; a missing or unusable value is left out. */
export async function numberSettings(db: Executor, keys: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [...keys]).execute();
  const out = new Map<string, number>();
  for (const r of rows) {
    const v = r.value;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (Number.isInteger(n) && n > 0) out.set(r.key, n);
  }
  return out;
}

/** Deletes raw blocks that ended before `before` (a block without events goes by its run's start). */
export async function deleteBlocksBefore(db: Executor, trustId: string, schoolId: string, before: Date): Promise<number> {
  const r = await sql`
    DELETE FROM log_event_blocks b
     USING log_ingest_runs r
     WHERE b.trust_id = ${trustId} AND b.school_id = ${schoolId} AND r.trust_id = b.trust_id AND r.id = b.run_id
       AND coalesce(b.last_at, r.started_at) < ${before}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export async function deleteHourlyBefore(db: Executor, trustId: string, schoolId: string, before: Date): Promise<number> {
  const r = await db.deleteFrom('log_hourly').where('trust_id', '=', trustId).where('school_id', '=', schoolId).where('hour', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function setSetting(db: Executor, key: string, value: number, now: Date): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value), updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
    .execute();
}
