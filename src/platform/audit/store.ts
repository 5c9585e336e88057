// SQL of the audit trail. Writers only insert (no lock, so concurrent changes never queue on the
// chain); the chainer links committed events into each trust's hash chain under the head's lock.
// A batch writer (group-committed reports) may instead link its own events as it writes them
// (`linkWithin`): one head lock per batch rather than an UPDATE of every event afterwards.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { newId } from '../ids.ts';
import { type AuditFields, type ChainRow, GENESIS_HASH, linkEvents } from './model.ts';

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
export type LinkedAuditRow = AuditRow & { seq: number; chain_pos: number; prev_hash: string; hash: string };

/** The trust's chain head (position and hash) and new events' sequence numbers, for `linkEvents`. */
export type HeadAndSeqs = { pos: number; hash: string; seqs: number[] };

/**
 * SQL (common table expressions, for a writer's own statement) that locks the trust's chain head until
 * the transaction ends and takes n sequence numbers: `head` gives (seq, hash) and `seqs` (seqs). `after`
 * names a CTE that must run first — the writer's own lock — so every batch writer takes its locks in
 * one order and two of them cannot deadlock (the chainer takes only the head).
 */
export function lockHeadSql(trustId: string, n: number, after: string) {
  return sql`head AS (
      INSERT INTO audit_heads (trust_id, seq, hash) SELECT ${trustId}, 0, ${GENESIS_HASH} FROM ${sql.table(after)}
      ON CONFLICT (trust_id) DO UPDATE SET trust_id = audit_heads.trust_id
      RETURNING seq, hash),
    seqs AS (SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('audit_events', 'seq')) FROM head, generate_series(1, ${n}::int)) AS seqs)`;
}

/**
 * Links new events of one trust into its chain, continuing from a head locked by `lockHeadSql` in the
 * writer's transaction, which must then insert the returned rows and run `headUpdate` before it commits.
 */
export function linkWithin(trustId: string, start: HeadAndSeqs, rows: readonly AuditRow[]): { rows: LinkedAuditRow[]; headUpdate: ReturnType<typeof sql> } {
  const withSeq = rows.map((r, i) => ({ ...r, seq: Number(start.seqs[i]) }));
  const links = linkEvents({ pos: start.pos, hash: start.hash }, withSeq.map(fieldsOf));
  const last = links[links.length - 1];
  if (!last) throw new Error('linkWithin: no events to link');
  return {
    rows: withSeq.map((r, i) => {
      const l = links[i] as (typeof links)[number];
      return { ...r, chain_pos: l.pos, prev_hash: l.prevHash, hash: l.hash };
    }),
    headUpdate: sql`UPDATE audit_heads SET seq = ${last.pos}, hash = ${last.hash} WHERE trust_id = ${trustId}`,
  };
}

/** The hashed fields of a row made by auditRow, once it has its sequence number. */
const fieldsOf = (r: AuditRow & { seq: number }): AuditFields => ({
  trustId: r.trust_id,
  seq: r.seq,
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
  return fieldsOf({ ...r, seq: Number(r.seq) });
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
