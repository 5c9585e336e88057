// HTTP for the alerts triage queue: parse, call the service, shape the answer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { TYPES } from '../concerns/model.ts';
import { PRIORITIES, RULES, STATUSES } from './model.ts';
import * as service from './service.ts';

const uuid = (what: string) => z.string().uuid(`${what} must be an id (a UUID)`);
const SchoolParams = z.object({ schoolId: uuid('schoolId') });
const AlertParams = z.object({ alertId: uuid('alertId') });
const text = (what: string, max: number) => z.string().trim().min(1, `Write ${what}.`).max(max, `Keep ${what} under ${max} characters.`);

const QueueQuery = z.object({
  status: z.enum([...STATUSES, 'active', 'all'], { error: `status must be one of ${[...STATUSES, 'active', 'all'].join(', ')}` }).optional(),
  priority: z.enum(PRIORITIES, { error: `priority must be one of ${PRIORITIES.join(', ')}` }).optional(),
  rule: z.enum(RULES, { error: `rule must be one of ${RULES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1, 'limit is at least 1').max(200, 'limit is at most 200').default(100),
  offset: z.coerce.number().int().min(0).max(100000).default(0),
});

export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  const tags = ['alerts'];

  app.get(
    '/schools/:schoolId/alerts',
    { schema: { tags, summary: 'Alerts triage queue: high, medium, low, then oldest first', params: SchoolParams, querystring: QueueQuery } },
    async (req) => service.listAlerts(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query),
  );

  app.get('/alerts/:alertId', { schema: { tags, summary: 'An alert, with its events and history', params: AlertParams } }, async (req) =>
    service.getAlert(haven, principalOf(req), actorOf(req), req.params.alertId),
  );

  app.post(
    '/alerts/:alertId/acknowledge',
    { schema: { tags, summary: 'Acknowledge an alert', params: AlertParams, body: z.object({ note: z.string().trim().max(2000, 'Keep the note under 2000 characters.').optional() }).default({}) } },
    async (req) => service.acknowledge(haven, principalOf(req), actorOf(req), req.params.alertId, req.body.note),
  );

  app.post(
    '/alerts/:alertId/dismiss',
    {
      schema: {
        tags,
        summary: 'Dismiss an alert (with the reason; a false positive counts against its rule)',
        params: AlertParams,
        body: z.object({
          reason: text('why you dismiss the alert', 2000),
          falsePositive: z.boolean({ error: 'Say whether the alert was a false positive (true or false).' }),
        }),
      },
    },
    async (req) => service.dismiss(haven, principalOf(req), actorOf(req), req.params.alertId, req.body.reason, req.body.falsePositive),
  );

  app.post(
    '/alerts/:alertId/open-concern',
    {
      schema: {
        tags,
        summary: 'Open a concern from an alert (its events become evidence)',
        params: AlertParams,
        body: z.object({
          type: z.enum(TYPES, { error: `type must be one of ${TYPES.join(', ')}` }),
          summary: text('what the concern is about', 5000),
          urgent: z.boolean({ error: 'urgent is true or false' }).optional(),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await service.openConcern(haven, principalOf(req), actorOf(req), req.params.alertId, req.body)),
  );

  app.post(
    '/alerts/:alertId/join-concern',
    { schema: { tags, summary: 'Add an alert to an existing concern', params: AlertParams, body: z.object({ concernId: uuid('concernId') }) } },
    async (req) => service.joinConcern(haven, principalOf(req), actorOf(req), req.params.alertId, req.body.concernId),
  );
};
