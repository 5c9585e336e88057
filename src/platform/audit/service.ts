// Use cases of the audit trail: record an event inside the caller's transaction, search, verify.
import type { ActorRef, Haven } from '../context.ts';
import type { Executor } from '../db/index.ts';
import { NIL_UUID } from '../ids.ts';
import { type ChainBreak, findBreak, GENESIS_HASH } from './model.ts';
import { type AuditSearch, appendAudit, auditRow, chainAll, chainPages, chainTrustIds, searchAudit } from './store.ts';

export type AuditEvent = {
  trustId: string | null;
  action: string;
  recordType: string;
  recordId?: string | null;
  schoolId?: string | null;
  detail?: Record<string, unknown>;
};

const auditInput = (haven: Pick<Haven, 'clock'>, actor: ActorRef, e: AuditEvent) => ({
  trustId: e.trustId ?? NIL_UUID,
  at: haven.clock.now(),
  actorAccountId: actor.accountId,
  actorLabel: actor.label,
  action: e.action,
  recordType: e.recordType,
  recordId: e.recordId ?? null,
  schoolId: e.schoolId ?? null,
  ip: actor.ip,
  userAgent: actor.userAgent,
  detail: e.detail ?? {},
});

/** Writes one audit event in the given transaction (the same one as the change it records). */
export function audit(tx: Executor, haven: Pick<Haven, 'clock'>, actor: ActorRef, e: AuditEvent) {
  return appendAudit(tx, auditInput(haven, actor, e));
}

/** The row `audit` would write, for a caller that writes it within one statement with its change. */
export const auditEventRow = (haven: Pick<Haven, 'clock'>, actor: ActorRef, e: AuditEvent) => auditRow(auditInput(haven, actor, e));

export type VerifyResult = { trustId: string; events: number; broken: ChainBreak | null };

/** Links waiting events first (as the running app would), then walks every trust's chain. */
export async function verifyChains(db: Executor): Promise<VerifyResult[]> {
  await chainAll(db);
  const results: VerifyResult[] = [];
  for (const trustId of await chainTrustIds(db)) {
    let prev = GENESIS_HASH;
    let next = 1;
    let broken: ChainBreak | null = null;
    for await (const page of chainPages(db, trustId)) {
      broken = findBreak(page, prev, next);
      if (broken) break;
      const last = page[page.length - 1];
      if (last) {
        prev = last.hash;
        next = last.pos + 1;
      }
    }
    if (!broken) {
      const head = await db.selectFrom('audit_heads').select(['seq', 'hash']).where('trust_id', '=', trustId).executeTakeFirst();
      if (head && (Number(head.seq) !== next - 1 || head.hash !== prev)) {
        broken = { pos: next, reason: `events after ${next - 1} are missing (the chain head says ${head.seq})` };
      }
    }
    results.push({ trustId, events: next - 1, broken });
  }
  return results;
}

export { type AuditSearch, searchAudit };

export { chainAll };
