// Pure rules of the audit chain: what is hashed and how a chain is checked. No I/O.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditFields = {
  trustId: string;
  seq: number;
  id: string;
  at: Date;
  actorAccountId: string | null;
  actorLabel: string;
  action: string;
  recordType: string;
  recordId: string | null;
  schoolId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: unknown;
};

/** JSON with object keys sorted at every depth, so PostgreSQL's jsonb key order cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hashed text of an event: canonicalJson of its fields, written in sorted key order directly (the chainer hashes every event). */
export function auditBody(e: AuditFields): string {
  return bodyWithSeq(e, canonicalJson(e.seq));
}

/** Stands for the sequence number in a body: JSON escapes control characters, so no field can contain it. */
const SEQ_MARK = '\u0000';

/**
 * The hashed text of an event before and after its sequence number, for a writer that takes the
 * number and hashes inside the database (one statement): body = before + seq + after.
 */
export function auditBodyAround(e: Omit<AuditFields, 'seq'>): [before: string, after: string] {
  const text = bodyWithSeq({ ...e, seq: 0 }, SEQ_MARK);
  const at = text.indexOf(SEQ_MARK);
  return [text.slice(0, at), text.slice(at + SEQ_MARK.length)];
}

function bodyWithSeq(e: AuditFields, seq: string): string {
  const fields: [string, unknown][] = [
    ['action', e.action],
    ['actor_account_id', e.actorAccountId],
    ['actor_label', e.actorLabel],
    ['at', e.at.toISOString()],
    ['detail', e.detail],
    ['id', e.id],
    ['ip', e.ip],
    ['record_id', e.recordId],
    ['record_type', e.recordType],
    ['school_id', e.schoolId],
    ['seq', e.seq],
    ['trust_id', e.trustId],
    ['user_agent', e.userAgent],
  ];
  let out = '';
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    out += `${out ? ',' : '{'}"${key}":${key === 'seq' ? seq : canonicalJson(value)}`;
  }
  return `${out || '{'}}`;
}

export function auditHash(prevHash: string, e: AuditFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(auditBody(e)).digest('hex');
}

/** An event as linked into its trust's chain: `pos` counts 1, 2, 3… within the trust. */
export type ChainRow = AuditFields & { pos: number; prevHash: string; hash: string };
export type ChainBreak = { pos: number; reason: string };

/** The links for events in chain order, continuing from a chain head. */
export function linkEvents(head: { pos: number; hash: string }, events: AuditFields[]): { pos: number; prevHash: string; hash: string }[] {
  let prev = head.hash;
  let pos = head.pos;
  return events.map((e) => {
    const hash = auditHash(prev, e);
    const link = { pos: ++pos, prevHash: prev, hash };
    prev = hash;
    return link;
  });
}

/** Checks rows of one trust in chain order; returns the first broken link, or null when intact. */
export function findBreak(rows: Iterable<ChainRow>, startPrev = GENESIS_HASH, startPos = 1): ChainBreak | null {
  let prev = startPrev;
  let expect = startPos;
  for (const row of rows) {
    if (row.pos !== expect) return { pos: expect, reason: `event ${expect} is missing (next found is ${row.pos})` };
    if (row.prevHash !== prev) return { pos: row.pos, reason: 'its link to the previous event does not match' };
    if (auditHash(prev, row) !== row.hash) return { pos: row.pos, reason: 'its content does not match its hash (altered)' };
    prev = row.hash;
    expect++;
  }
  return null;
}
