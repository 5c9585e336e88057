// Administrators search the audit trail of their trust (or of the schools they administer).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../auth/policy.ts';
import { forbidden } from '../errors.ts';
import { principalOf } from '../http/auth-hooks.ts';
import { searchAudit } from './service.ts';

const Query = z.object({
  q: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  recordType: z.string().max(100).optional(),
  recordId: z.string().max(100).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  app.get('/audit', { schema: { tags: ['audit'], summary: 'Search the audit trail', querystring: Query } }, async (req) => {
    const p = principalOf(req);
    const trustWide = can(p, 'audit.view', { trustId: p.trustId, schoolId: null });
    let schoolIds: string[] | undefined;
    if (!trustWide) {
      const schools = await haven.db.selectFrom('schools').select('id').where('trust_id', '=', p.trustId).execute();
      schoolIds = schools.map((s) => s.id).filter((id) => can(p, 'audit.view', { trustId: p.trustId, schoolId: id }));
      if (schoolIds.length === 0) throw forbidden();
    }
    const rows = await searchAudit(haven.db, {
      trustId: p.trustId,
      schoolIds,
      q: req.query.q,
      action: req.query.action,
      recordType: req.query.recordType,
      recordId: req.query.recordId,
      from: req.query.from,
      to: req.query.to,
      beforeSeq: req.query.before,
      limit: req.query.limit,
    });
    return {
      events: rows.map((r) => ({
        seq: Number(r.seq),
        at: r.at.toISOString(),
        actor: r.actor_label,
        action: r.action,
        recordType: r.record_type,
        recordId: r.record_id,
        schoolId: r.school_id,
        ip: r.ip,
        detail: r.detail,
      })),
    };
  });
};
