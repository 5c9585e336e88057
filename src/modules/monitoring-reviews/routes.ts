// HTTP for monitoring reviews: the schedule, the lists and dashboards, a review and its sign-off.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { CADENCES, REVIEWER_ROLES } from './model.ts';
import * as service from './service.ts';

const uuid = (what: string) => z.string().uuid(`${what} must be an id (a UUID)`);
const SchoolParams = z.object({ schoolId: uuid('schoolId') });
const ReviewParams = z.object({ reviewId: uuid('reviewId') });
const text = (what: string, max: number) => z.string().trim().min(1, `Write ${what}.`).max(max, `Keep ${what} under ${max} characters.`);

const Entry = z.object({
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'kind must be a short name in lower case letters, digits and underscores, e.g. weekly_head'),
  label: text('the review’s name', 200),
  cadence: z.enum(CADENCES, { error: `cadence must be one of ${CADENCES.join(', ')}` }),
  reviewerRoles: z
    .array(z.enum(REVIEWER_ROLES, { error: `each reviewer role must be one of ${REVIEWER_ROLES.join(', ')}` }))
    .min(1, 'Name at least one reviewer role.')
    .max(REVIEWER_ROLES.length),
  overdueAfterDays: z.number({ error: 'overdueAfterDays must be a number of days' }).int('overdueAfterDays must be whole days').min(1, 'overdueAfterDays must be at least 1').max(365, 'overdueAfterDays must be at most 365'),
});
const ScheduleBody = z.object({ kinds: z.array(Entry, { error: 'kinds must be a list of reviews' }).min(1, 'Keep at least one review in the schedule.').max(20, 'At most 20 kinds of review.') });

const SignOffBody = z.object({
  notes: text('your notes on what you reviewed', 10_000),
  actions: z
    .array(
      z.object({
        what: text('what the action is', 1000),
        owner: text('who owns the action', 200),
        dueOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an action’s dueOn must be a date like 2026-10-01'),
      }),
      { error: 'actions must be a list of { what, owner, dueOn }' },
    )
    .max(50, 'At most 50 actions.')
    .default([]),
});

const ListQuery = z.object({ status: z.enum(['due', 'overdue', 'signed_off'], { error: 'status must be due, overdue or signed_off' }).optional() });

export const monitoringReviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  const tags = ['monitoring-reviews'];

  app.get('/schools/:schoolId/monitoring-schedule', { schema: { tags, summary: 'The school’s monitoring review schedule', params: SchoolParams } }, async (req) =>
    service.getSchedule(haven, principalOf(req), req.params.schoolId),
  );

  app.put('/schools/:schoolId/monitoring-schedule', { schema: { tags, summary: 'Set the school’s monitoring review schedule', params: SchoolParams, body: ScheduleBody } }, async (req) =>
    service.setSchedule(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body.kinds),
  );

  app.get('/schools/:schoolId/monitoring-reviews', { schema: { tags, summary: 'The school’s monitoring reviews', params: SchoolParams, querystring: ListQuery } }, async (req) =>
    service.listReviews(haven, principalOf(req), req.params.schoolId, req.query),
  );

  app.get('/schools/:schoolId/monitoring-reviews/overdue', { schema: { tags, summary: 'The school’s overdue reviews (headteacher dashboard)', params: SchoolParams } }, async (req) =>
    service.overdueForSchool(haven, principalOf(req), req.params.schoolId),
  );

  app.get('/monitoring-reviews/overdue', { schema: { tags, summary: 'Overdue reviews across the trust (trust dashboard)' } }, async (req) => service.overdueForTrust(haven, principalOf(req)));

  app.get('/monitoring-reviews/:reviewId', { schema: { tags, summary: 'A review with its figures', params: ReviewParams } }, async (req) =>
    service.getReview(haven, principalOf(req), actorOf(req), req.params.reviewId),
  );

  app.post('/monitoring-reviews/:reviewId/sign-off', { schema: { tags, summary: 'The reviewer signs the review off', params: ReviewParams, body: SignOffBody } }, async (req) =>
    service.signOffReview(haven, principalOf(req), actorOf(req), req.params.reviewId, req.body),
  );
};
