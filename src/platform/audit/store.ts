// SQL of the audit trail. Appends lock the trust's chain head so concurrent writers stay in order.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { newId } from '../ids.ts';
import { type AuditFields, auditHash, type ChainRow, GENESIS_HASH } from './model.ts';

export type AuditInput = Omit<AuditFields, 'seq' | 'id'>;

export async function appendAudit(tx: Executor, e: AuditInput): Promise<{ seq: number; hash: string }> {
  await tx
    .insertInto('audit_heads')
    .values({ trust_id: e.trustId, seq: 0, hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('trust_id').doNothing())
    .execute();
  const head = await tx
    .selectFrom('audit_heads')
    .select(['seq', 'hash'])
    .where('trust_id', '=', e.trustId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const seq = Number(head.seq) + 1;
  const fields: AuditFields = { ...e, seq, id: newId() };
  const hash = auditHash(head.hash, fields);
  await tx
    .insertInto('audit_events')
    .values({
      trust_id: e.trustId,
      seq,
      id: fields.id,
      at: e.at,
      actor_account_id: e.actorAccountId,
      actor_label: e.actorLabel,
      action: e.action,
      record_type: e.recordType,
      record_id: e.recordId,
      school_id: e.schoolId,
      ip: e.ip,
      user_agent: e.userAgent,
      detail: JSON.stringify(e.detail ?? {}),
      prev_hash: head.hash,
      hash,
    })
    .execute();
  await tx.updateTable('audit_heads').set({ seq, hash }).where('trust_id', '=', e.trustId).execute();
  return { seq, hash };
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
  prev_hash: string;
  hash: string;
};

export function toChainRow(r: AuditRowOut): ChainRow {
  return {
    trustId: r.trust_id,
    seq: Number(r.seq),
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
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Streams one trust's chain in pages, oldest first. */
export async function* chainPages(db: Executor, trustId: string, pageSize = 5000): AsyncGenerator<ChainRow[]> {
  let after = 0;
  for (;;) {
    const rows = (await db
      .selectFrom('audit_events')
      .selectAll()
      .where('trust_id', '=', trustId)
      .where('seq', '>', String(after) as never)
      .orderBy('seq')
      .limit(pageSize)
      .execute()) as unknown as AuditRowOut[];
    if (rows.length === 0) return;
    yield rows.map(toChainRow);
    after = Number(rows[rows.length - 1]?.seq);
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
