// Reading the outbox: what Haven sent (or would have sent) for one trust. The messages can hold
// reset links, so reading them needs the right and is audited.
import { audit } from '../audit/service.ts';
import { can, type Principal } from '../auth/policy.ts';
import type { ActorRef, Haven } from '../context.ts';
import { forbidden } from '../errors.ts';

export type OutboxMessage = {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
  sentAt: string | null;
  status: 'sent' | 'failed' | 'outbox';
};

export async function listOutbox(haven: Haven, p: Principal, actor: ActorRef, limit: number): Promise<OutboxMessage[]> {
  const schools = await haven.db.selectFrom('schools').select('id').where('trust_id', '=', p.trustId).execute();
  const allowed = [null, ...schools.map((s) => s.id)].some((schoolId) => can(p, 'outbox.view', { trustId: p.trustId, schoolId }));
  if (!allowed) throw forbidden();
  return haven.db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('mail_outbox')
      .selectAll()
      .where('trust_id', '=', p.trustId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    await audit(tx, haven, actor, { trustId: p.trustId, action: 'outbox.viewed', recordType: 'mail_outbox', detail: { messages: rows.length } });
    return rows.map((r) => ({
      id: r.id,
      to: r.to_address,
      subject: r.subject,
      text: r.text_body,
      createdAt: r.created_at.toISOString(),
      sentAt: r.sent_at?.toISOString() ?? null,
      status: r.sent_at ? 'sent' : r.error ? 'failed' : 'outbox',
    }));
  });
}
