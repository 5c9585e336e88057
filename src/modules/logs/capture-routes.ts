// The monitoring-capture webhook: POST /schools/:schoolId/monitoring-captures with an API token
// (scope logs:write) or a signed-in IT provider; one capture or a batch of up to 1000.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { receiveCaptures, SEVERITY_WORDS } from './captures.ts';

const SEVERITY_HELP = `severity is 1 (low) to 4 (critical), or one of the words ${Object.keys(SEVERITY_WORDS).join(', ')}`;
const severity = z.preprocess(
  (v) => (typeof v === 'string' ? (SEVERITY_WORDS[v.trim().toLowerCase()] ?? v) : v),
  z.number({ error: SEVERITY_HELP }).int(SEVERITY_HELP).min(1, SEVERITY_HELP).max(4, SEVERITY_HELP),
);

const CaptureSchema = z
  .object({
    at: z.coerce.date({ error: 'at must be a date and time, like 2026-11-23T10:15:00Z' }),
    product: z.string().trim().min(1, 'Name the monitoring product (product).').max(100),
    user: z.string().trim().max(200).optional(),
    device: z.string().trim().max(200).optional(),
    clientIp: z.string().trim().max(64).optional(),
    severity,
    trigger: z.string().trim().min(1, 'Give the text or phrase that triggered the capture (trigger).').max(2000),
    captureRef: z.string().trim().max(500).optional(),
    url: z.string().trim().max(4000).optional(),
    category: z.string().trim().max(200).optional(),
  })
  .refine((c) => c.user || c.device || c.clientIp, { message: 'Say who or what was captured: user, device or clientIp.', path: ['user'] });

// One capture or a list; a single one is checked as a list of one, so errors name the field to fix.
const Body = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(CaptureSchema).min(1, 'Send at least one capture.').max(1000, 'Send at most 1000 captures at a time.'));

export const captureRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  app.post(
    '/schools/:schoolId/monitoring-captures',
    {
      schema: {
        tags: ['logs'],
        summary: 'Receive monitoring-product captures (webhook); they become alerts by severity',
        params: z.object({ schoolId: z.string().uuid('schoolId must be an id (a UUID)') }),
        body: Body,
      },
    },
    async (req, reply) => {
      const result = await receiveCaptures(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body);
      return reply.code(202).send(result);
    },
  );
};
