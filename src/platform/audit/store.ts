// SQL of the audit trail. Writers only insert (no lock, so concurrent changes never queue on the
// chain); the chainer links committed events into each trust's hash chain under the head's lock.
// A batch writer (group-committed reports) may instead link its own events in the statement that
// writes them (`linkedAuditSql`): one head lock per batch rather than an UPDATE of every event afterwards.
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { newId } from '../ids.ts';
import { PLACEHOLDER, splitSql } from '../db/write-together.ts';
import { type AuditFields, auditBodyAround, type ChainRow, GENESIS_HASH, linkEvents } from './model.ts';

export type AuditInput = Omit<AuditFields, 'seq' | 'id'>;

/** The audit_events row of an event (detail as an object), for appendAudit and for single-statement writers. */
export function auditRow(e: AuditInput) {
  return {
    trust_id: e.trustId,
    id: newId(),
    at: e.at,
    actor_account_id: e.actorAccountId,
    actor_label: e.actorLabel,
    action: e.action,
    record_type: e.recordType,
    record_id: e.recordId,
    school_id: e.schoolId,
    ip: e.ip,
    user_agent: e.userAgent,
    detail: e.detail ?? {},
  };
}

export async function appendAudit(tx: Executor, e: AuditInput): Promise<void> {
  const row = auditRow(e);
  await tx
    .insertInto('audit_events')
    .values({ ...row, detail: JSON.stringify(row.detail) })
    .execute();
}

export type AuditRow = ReturnType<typeof auditRow>;

/**
 * Common table expressions that write a batch writer's events already linked into the trust's chain,
 * inside the writer's own statement, so the head is locked only while that statement runs and commits
 * (no round trip to the application in between). In order: lock the head (after the CTE `after`, the
 * writer's own lock, so batch writers lock in one order and cannot deadlock; the chainer takes only
 * the head), take the sequence numbers, hash the events one after another (the same text and SHA-256
 * as `auditHash`), insert them and move the head. `values` names a CTE (k, json) whose row k replaces
 * PLACEHOLDER in event k (see `insertUnitsSql`). The statement must start WITH RECURSIVE. A trust with
 * no head yet gets its events unlinked, and the chainer links them as it links any writer's.
 */
export function linkedAuditSql(trustId: string, rows: readonly AuditRow[], values: string, after: string): RawBuilder<unknown>[] {
  const first = rows[0];
  if (!first) throw new Error('linkedAuditSql: no events to write');
  const n = rows.length;
  // Per event: its hashed text before and after the sequence number, and its row (JSON, no seq yet).
  const around = rows.map((r) => auditBodyAround(fieldsOf(r)));
  const columns = Object.keys(first);
  const v = sql.table(values);
  return [
    sql`audit_head AS (SELECT h.seq AS pos, h.hash FROM audit_heads h, ${sql.table(after)} WHERE h.trust_id = ${trustId} FOR UPDATE OF h)`,
    sql`audit_in AS (
      SELECT e.k::int AS k, e.before, e.after, e.row, nextval(pg_get_serial_sequence('audit_events', 'seq')) AS seq
        FROM ROWS FROM (${splitSql(around.map((a) => a[0]))}, ${splitSql(around.map((a) => a[1]))}, ${splitSql(rows.map((r) => JSON.stringify({ ...r, at: r.at.toISOString() })))})
             WITH ORDINALITY AS e(before, after, row, k))`,
    sql`audit_bodies AS (
      SELECT i.k, replace(i.before, ${PLACEHOLDER}, v.json) || i.seq || replace(i.after, ${PLACEHOLDER}, v.json) AS body FROM audit_in i JOIN ${v} v ON v.k = i.k)`,
    sql`audit_chain (k, hash) AS (
      SELECT 0, hash FROM audit_head
      UNION ALL
      SELECT b.k, encode(sha256(convert_to(c.hash || E'\n' || b.body, 'UTF8')), 'hex') FROM audit_chain c JOIN audit_bodies b ON b.k = c.k + 1)`,
    sql`audit_written AS (
      INSERT INTO audit_events (${sql.join(columns.map((c) => sql.ref(c)))}, seq, chain_pos, prev_hash, hash)
      SELECT ${sql.join(columns.map((c) => sql.ref(`r.${c}`)))}, i.seq, h.pos + i.k, p.hash, c.hash
        FROM audit_in i
        JOIN ${v} v ON v.k = i.k
        CROSS JOIN jsonb_populate_record(NULL::audit_events, replace(i.row, ${PLACEHOLDER}, v.json)::jsonb) AS r
        LEFT JOIN audit_head h ON true
        LEFT JOIN audit_chain c ON c.k = i.k
        LEFT JOIN audit_chain p ON p.k = i.k - 1)`,
    sql`audit_head_moved AS (
      UPDATE audit_heads a SET seq = h.pos + ${n}, hash = c.hash FROM audit_head h, audit_chain c WHERE a.trust_id = ${trustId} AND c.k = ${n}::int)`,
  ];
}

/** The hashed fields of a row made by auditRow (all but its sequence number, which the statement takes). */
const fieldsOf = (r: AuditRow): Omit<AuditFields, 'seq'> => ({
  trustId: r.trust_id,
  id: r.id,
  at: r.at,
  actorAccountId: r.actor_account_id,
  actorLabel: r.actor_label,
  action: r.action,
  recordType: r.record_type,
  recordId: r.record_id,
  schoolId: r.school_id,
  ip: r.ip,
  userAgent: r.user_agent,
  detail: r.detail,
});

/** Links the trust's committed, unchained events (oldest first); returns how many were linked. */
export async function chainPending(db: Executor, trustId: string, batch = 2000): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await tx.insertInto('audit_heads').values({ trust_id: trustId, seq: 0, hash: GENESIS_HASH }).onConflict((oc) => oc.column('trust_id').doNothing()).execute();
    const head = await tx.selectFrom('audit_heads').select(['seq', 'hash']).where('trust_id', '=', trustId).forUpdate().executeTakeFirstOrThrow();
    const rows = (await tx
      .selectFrom('audit_events')
      .selectAll()
      .where('trust_id', '=', trustId)
      .where('hash', 'is', null)
      .orderBy('seq')
      .limit(batch)
      .execute()) as unknown as AuditRowOut[];
    if (rows.length === 0) return 0;
    const links = linkEvents({ pos: Number(head.seq), hash: head.hash }, rows.map(toFields));
    await sql`
      UPDATE audit_events e SET chain_pos = v.pos, prev_hash = v.prev, hash = v.hash
        FROM unnest(${rows.map((r) => r.seq)}::bigint[], ${links.map((l) => l.pos)}::bigint[],
                    ${links.map((l) => l.prevHash)}::text[], ${links.map((l) => l.hash)}::text[]) AS v(seq, pos, prev, hash)
       WHERE e.trust_id = ${trustId} AND e.seq = v.seq`.execute(tx);
    const last = links[links.length - 1] as (typeof links)[number];
    await tx.updateTable('audit_heads').set({ seq: last.pos, hash: last.hash }).where('trust_id', '=', trustId).execute();
    return rows.length;
  });
}

/** Links every trust's waiting events. Run by the app every moment and before every verification. */
export async function chainAll(db: Executor): Promise<number> {
  const trusts = await db.selectFrom('audit_events').select('trust_id').where('hash', 'is', null).distinct().execute();
  let linked = 0;
  for (const { trust_id } of trusts) {
    for (let n = await chainPending(db, trust_id); n > 0; n = await chainPending(db, trust_id)) linked += n;
  }
  return linked;
}

export type AuditRowOut = {
  trust_id: string;
  seq: string;
  id: string;
  at: Date;
  actor_account_id: string | null;
  actor_label: string;
  action: string;
  record_type: string;
  record_id: string | null;
  school_id: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: Record<string, unknown>;
  chain_pos: string | null;
  prev_hash: string | null;
  hash: string | null;
};

function toFields(r: AuditRowOut): AuditFields {
  return { ...fieldsOf(r), seq: Number(r.seq) };
}

export function toChainRow(r: AuditRowOut): ChainRow {
  return { ...toFields(r), pos: Number(r.chain_pos), prevHash: r.prev_hash ?? '', hash: r.hash ?? '' };
}

/** Streams one trust's chain in pages, oldest first. */
export async function* chainPages(db: Executor, trustId: string, pageSize = 5000): AsyncGenerator<ChainRow[]> {
  let after = 0;
  for (;;) {
    const rows = (await db
      .selectFrom('audit_events')
      .selectAll()
      .where('trust_id', '=', trustId)
      .where('chain_pos', '>', String(after) as never)
      .orderBy('chain_pos')
      .limit(pageSize)
      .execute()) as unknown as AuditRowOut[];
    if (rows.length === 0) return;
    yield rows.map(toChainRow);
    after = Number(rows[rows.length - 1]?.chain_pos);
  }
}

export async function chainTrustIds(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('audit_heads').select('trust_id').orderBy('trust_id').execute();
  return rows.map((r) => r.trust_id);
}

export type AuditSearch = {
  trustId: string;
  schoolIds?: string[] | undefined;
  q?: string | undefined;
  action?: string | undefined;
  recordType?: string | undefined;
  recordId?: string | undefined;
  actorAccountId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  beforeSeq?: number | undefined;
};

export async function searchAudit(db: Executor, s: AuditSearch): Promise<AuditRowOut[]> {
  let query = db.selectFrom('audit_events').selectAll().where('trust_id', '=', s.trustId);
  if (s.schoolIds) {
    // A school administrator sees only events of their schools, never trust-wide ones.
    if (s.schoolIds.length === 0) return [];
    query = query.where('school_id', 'in', s.schoolIds);
  }
  if (s.action) query = query.where('action', '=', s.action);
  if (s.recordType) query = query.where('record_type', '=', s.recordType);
  if (s.recordId) query = query.where('record_id', '=', s.recordId);
  if (s.actorAccountId) query = query.where('actor_account_id', '=', s.actorAccountId);
  if (s.from) query = query.where('at', '>=', s.from);
  if (s.to) query = query.where('at', '<', s.to);
  if (s.beforeSeq) query = query.where('seq', '<', String(s.beforeSeq) as never);
  if (s.q) {
    const like = `%${s.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('actor_label', 'ilike', like), eb('action', 'ilike', like), eb(sql`detail::text`, 'ilike', like)]),
    );
  }
  return (await query.orderBy('seq', 'desc').limit(s.limit).execute()) as unknown as AuditRowOut[];
}
