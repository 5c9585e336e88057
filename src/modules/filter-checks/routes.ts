// HTTP for filter checks: parse, call the service, shape the answer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { METHODS, OUTCOMES } from './model.ts';
import * as service from './service.ts';

const uuid = (what: string) => z.string().uuid(`${what} must be an id (a UUID)`);
const SchoolParams = z.object({ schoolId: uuid('schoolId') });
const text = (what: string, max: number) => z.string().trim().min(1, `Write ${what}.`).max(max, `Keep ${what} under ${max} characters.`);
const optionalText = (what: string, max: number) => z.string().trim().max(max, `Keep ${what} under ${max} characters.`).optional();
const day = (what: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${what} must be a date like 2026-11-23.`).refine((s) => !Number.isNaN(Date.parse(s)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), `${what} must be a real date.`);

const UserGroupSchema = z.discriminatedUnion(
  'group',
  [
    z.object({ group: z.literal('pupils'), yearGroups: z.array(z.string().trim().min(1).max(20)).min(1, 'Name at least one year group.').max(20) }),
    z.object({ group: z.literal('staff') }),
  ],
  { error: 'userGroup.group must be pupils (with yearGroups) or staff.' },
);

const NewCheckSchema = z.object({
  checkedOn: day('checkedOn'),
  checkedByPersonId: uuid('checkedByPersonId').optional(),
  device: text('the device the check ran on', 200),
  userGroup: UserGroupSchema,
  method: z.enum(METHODS, { error: `method must be one of ${METHODS.join(', ')}` }),
  serviceName: optionalText('the name of the test service', 200),
  results: z
    .array(
      z.object({
        category: text('the category', 100),
        outcome: z.enum(OUTCOMES, { error: `outcome must be one of ${OUTCOMES.join(', ')}` }),
        url: optionalText('the address tested', 2000),
        note: optionalText('the note', 2000),
      }),
    )
    .min(1, 'Record the result of at least one category.')
    .max(100, 'Record at most 100 categories in one check.'),
  followUp: optionalText('the follow-up actions', 5000),
  correctsId: uuid('correctsId').optional(),
});

const FixSchema = z.object({
  fixedBy: text('who fixed it', 200),
  fixedAt: z.coerce.date({ error: 'fixedAt must be an ISO date and time, e.g. 2026-11-23T10:30:00Z.' }),
  how: text('how it was fixed', 5000),
  retest: z
    .object({ outcome: z.enum(OUTCOMES, { error: `retest.outcome must be one of ${OUTCOMES.join(', ')}` }), url: optionalText('the re-tested address', 2000) })
    .optional(),
});

export const filterCheckRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  const tags = ['filter-checks'];

  app.get('/schools/:schoolId/filter-check-categories', { schema: { tags, summary: 'Categories to test: the starter list and the school’s own', params: SchoolParams } }, async (req) =>
    service.listCategories(haven, principalOf(req), req.params.schoolId),
  );
  app.post(
    '/schools/:schoolId/filter-check-categories',
    { schema: { tags, summary: 'Add a category to the school’s list', params: SchoolParams, body: z.object({ name: text('the category name', 100) }) } },
    async (req, reply) => reply.status(201).send(await service.addCategory(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body.name)),
  );

  app.post('/schools/:schoolId/filter-checks', { schema: { tags, summary: 'Record a filter check', params: SchoolParams, body: NewCheckSchema } }, async (req, reply) =>
    reply.status(201).send(await service.recordCheck(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body)),
  );
  app.get('/schools/:schoolId/filter-checks', { schema: { tags, summary: 'The school’s filter checks, newest first', params: SchoolParams } }, async (req) =>
    service.listChecks(haven, principalOf(req), req.params.schoolId),
  );
  app.get('/filter-checks/:checkId', { schema: { tags, summary: 'One filter check with its results and tasks', params: z.object({ checkId: uuid('checkId') }) } }, async (req) =>
    service.getCheck(haven, principalOf(req), actorOf(req), req.params.checkId),
  );

  app.get(
    '/schools/:schoolId/filter-check-tasks',
    {
      schema: {
        tags,
        summary: 'Tasks for the IT provider raised by failed categories',
        params: SchoolParams,
        querystring: z.object({ status: z.enum(['open', 'fixed', 'all'], { error: 'status must be open, fixed or all' }).default('open') }),
      },
    },
    async (req) => service.listTasks(haven, principalOf(req), req.params.schoolId, req.query.status),
  );
  app.post(
    '/filter-check-tasks/:taskId/fixed',
    { schema: { tags, summary: 'The IT provider records a failed category as fixed', params: z.object({ taskId: uuid('taskId') }), body: FixSchema } },
    async (req) => service.recordFix(haven, principalOf(req), actorOf(req), req.params.taskId, req.body),
  );
};
