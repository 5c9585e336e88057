// The outbox for administrators: every mail Haven sent or, without SMTP, would have sent.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../http/auth-hooks.ts';
import { listOutbox } from './outbox.ts';

const Query = z.object({
  limit: z.coerce.number().int('limit must be a whole number').min(1, 'limit must be at least 1').max(500, 'limit must be at most 500').default(100),
});

export const outboxRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  app.get(
    '/outbox',
    { schema: { tags: ['mail'], summary: "The trust's outgoing mail, newest first", querystring: Query } },
    async (req) => ({ messages: await listOutbox(haven, principalOf(req), actorOf(req), req.query.limit) }),
  );
};
