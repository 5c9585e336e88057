// HTTP for filtering change control: parse, call the service, shape the answer.
import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { KINDS, STATES, type Step, TARGET_TYPES } from './model.ts';
import { changeLogPdf } from './change-log-pdf.ts';
import * as reports from './reports.ts';
import * as service from './service.ts';

const uuid = (what: string) => z.string().uuid(`${what} must be an id (a UUID)`);
const SchoolParams = z.object({ schoolId: uuid('schoolId') });
const ChangeParams = z.object({ changeId: uuid('changeId') });
const ReportParams = z.object({ filterReportId: uuid('filterReportId') });
const text = (what: string, max: number) => z.string().trim().min(1, `Write ${what}.`).max(max, `Keep ${what} under ${max} characters.`);

const UserGroupSchema = z.discriminatedUnion(
  'group',
  [
    z.object({ group: z.literal('pupils'), yearGroups: z.array(z.string().trim().min(1).max(20)).min(1, 'Name at least one year group.').max(20) }),
    z.object({ group: z.literal('staff') }),
    z.object({ group: z.literal('class'), className: text('the class name', 100) }),
  ],
  { error: 'userGroup.group must be pupils (with yearGroups), staff, or class (with className).' },
);

const NewChangeSchema = z.object({
  kind: z.enum(KINDS, { error: `kind must be one of ${KINDS.join(', ')}` }),
  targets: z
    .array(z.object({ type: z.enum(TARGET_TYPES, { error: `a target's type must be one of ${TARGET_TYPES.join(', ')}` }), value: text('the site or category', 500) }))
    .min(1, 'Name at least one site or category.')
    .max(50, 'Name at most 50 sites or categories in one request.'),
  userGroup: UserGroupSchema,
  reason: text('the educational reason', 5000),
  endsAt: z.coerce.date({ error: 'endsAt must be an ISO date and time, e.g. 2026-10-01T15:30:00Z.' }).nullable().default(null),
});

const Decision = z.object({ reason: text('the reason for the decision', 5000) });
const Apply = z.object({
  ticketReference: text('the ticket reference', 200),
  appliedAt: z.coerce.date({ error: 'appliedAt must be an ISO date and time.' }).optional(),
});
const Revert = z.object({ reason: z.string().trim().max(5000, 'Keep the note under 5000 characters.').optional() });

const NewReportSchema = z.object({
  url: text('the address of the site', 2000),
  direction: z.enum(KINDS, { error: 'direction must be block (it should be blocked) or unblock (it should be allowed).' }),
  why: text('why it should change', 5000),
  whereSeen: z.string().trim().max(500, 'Keep where you met it under 500 characters.').nullish(),
});

const ConvertSchema = z.object({
  userGroup: UserGroupSchema,
  kind: NewChangeSchema.shape.kind.optional(),
  targets: NewChangeSchema.shape.targets.optional(),
  reason: text('the educational reason', 5000).optional(),
  endsAt: z.coerce.date({ error: 'endsAt must be an ISO date and time, e.g. 2026-10-01T15:30:00Z.' }).nullable().optional(),
});

const LogQuery = z.object({
  q: z.string().max(100, 'Search with at most 100 characters.').optional(),
  from: z.coerce.date({ error: 'from must be a date, e.g. 2026-09-01' }).optional(),
  to: z.coerce.date({ error: 'to must be a date, e.g. 2027-08-31' }).optional(),
});

export const filteringRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  const tags = ['filtering'];

  app.post('/schools/:schoolId/filter-changes', { schema: { tags, summary: 'Request a filtering change', params: SchoolParams, body: NewChangeSchema } }, async (req, reply) =>
    reply.status(201).send(await service.requestChange(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body)),
  );

  app.get(
    '/schools/:schoolId/filter-changes',
    { schema: { tags, summary: 'Filtering change requests', params: SchoolParams, querystring: z.object({ state: z.enum(STATES, { error: `state must be one of ${STATES.join(', ')}` }).optional() }) } },
    async (req) => service.listChanges(haven, principalOf(req), req.params.schoolId, req.query),
  );

  app.get('/filter-changes/:changeId', { schema: { tags, summary: 'A change request with its log', params: ChangeParams } }, async (req) =>
    service.getChange(haven, principalOf(req), actorOf(req), req.params.changeId),
  );

  const step = (name: Step, body: z.ZodType<service.StepInput>, summary: string) =>
    app.post(`/filter-changes/:changeId/${name}`, { schema: { tags, summary, params: ChangeParams, body } }, async (req) =>
      service.takeStep(haven, principalOf(req), actorOf(req), req.params.changeId, name, req.body),
    );
  step('approve', Decision, 'Headteacher approves, with a reason');
  step('refuse', Decision, 'Headteacher or second person refuses, with a reason');
  step('agree', Decision, 'Second person (online safety lead or deputy DSL) agrees, with a reason');
  step('apply', Apply, 'IT provider records the change as applied');
  step('revert', Revert, 'IT provider records a temporary change as reverted');

  app.get('/schools/:schoolId/filter-change-log', { schema: { tags, summary: 'The change-control log', params: SchoolParams, querystring: LogQuery } }, async (req) => {
    const log = await service.changeLog(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query);
    return { rows: log.rows };
  });

  app.get('/schools/:schoolId/filter-change-log.csv', { schema: { tags, summary: 'The change-control log as CSV', params: SchoolParams, querystring: LogQuery } }, async (req, reply) => {
    const log = await service.changeLog(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query, 'csv');
    const csv = stringify(
      log.rows.map((r) => [r.at.toISOString(), r.changeId, r.step, r.state, r.by, r.what, r.reason ?? '']),
      { header: true, columns: ['When', 'Change', 'Step', 'State', 'By', 'What', 'Why'] },
    );
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="filter-change-log.csv"')
      .header('cache-control', 'no-store')
      .send(csv);
  });

  app.get('/schools/:schoolId/filter-change-log.pdf', { schema: { tags, summary: 'The change-control log as PDF', params: SchoolParams, querystring: LogQuery } }, async (req, reply) => {
    const log = await service.changeLog(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query, 'pdf');
    const pdf = await changeLogPdf(log.rows, { schoolName: log.school.name, ...req.query, printedAt: haven.clock.now() });
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', 'attachment; filename="filter-change-log.pdf"')
      .header('cache-control', 'no-store')
      .send(pdf);
  });

  // ---- users' reports: "this should be blocked / unblocked" ----

  app.post('/schools/:schoolId/filter-reports', { schema: { tags, summary: 'Report that a site should be blocked or unblocked', params: SchoolParams, body: NewReportSchema } }, async (req, reply) =>
    reply.status(201).send(await reports.fileReport(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body)),
  );

  app.get(
    '/schools/:schoolId/filter-reports',
    {
      schema: {
        tags,
        summary: "Users' reports (deciders see all, others their own)",
        params: SchoolParams,
        querystring: z.object({ status: z.enum(['open', 'decided', 'all'], { error: 'status must be open, decided or all' }).default('open') }),
      },
    },
    async (req) => reports.listReports(haven, principalOf(req), req.params.schoolId, req.query.status),
  );

  app.post(
    '/filter-reports/:filterReportId/convert',
    { schema: { tags, summary: 'Turn a report into a change request in the reporter’s name', params: ReportParams, body: ConvertSchema } },
    async (req, reply) => {
      const { userGroup, kind, targets, reason, endsAt } = req.body;
      const input: reports.ConvertInput = { userGroup };
      if (kind) input.kind = kind;
      if (targets) input.targets = targets;
      if (reason) input.reason = reason;
      if (endsAt) input.endsAt = endsAt;
      return reply.status(201).send(await reports.convertReport(haven, principalOf(req), actorOf(req), req.params.filterReportId, input));
    },
  );

  app.post('/filter-reports/:filterReportId/decline', { schema: { tags, summary: 'Decline a report, with a reason', params: ReportParams, body: Decision } }, async (req) =>
    reports.declineReport(haven, principalOf(req), actorOf(req), req.params.filterReportId, req.body.reason),
  );
};
