// HTTP for the annual filtering and monitoring review: parse, call the service, shape the answer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { JUDGEMENTS, PARTICIPANT_ROLES, STANDARD_KEYS, type StandardKey } from './model.ts';
import { annualReviewPdf } from './pdf.ts';
import * as service from './service.ts';

const uuid = (what: string) => z.string().uuid(`${what} must be an id (a UUID)`);
const SchoolParams = z.object({ schoolId: uuid('schoolId') });
const ReviewParams = z.object({ annualReviewId: uuid('annualReviewId') });
const day = (what: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${what} must be a date like 2026-09-01.`).refine((s) => !Number.isNaN(Date.parse(s)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), `${what} must be a real date.`);
const note = (what: string, max: number) => z.string().trim().max(max, `Keep ${what} under ${max} characters.`).default('');

const Standard = z.object({ judgement: z.enum(JUDGEMENTS, { error: `judgement must be one of ${JUDGEMENTS.join(', ')}` }).nullable().default(null), notes: note('the notes', 10000) });

const ContentSchema = z.object({
  participants: z
    .array(z.object({ role: z.enum(PARTICIPANT_ROLES, { error: `a participant's role must be one of ${PARTICIPANT_ROLES.join(', ')}` }), personId: uuid('personId') }))
    .max(40, 'List at most 40 participants.'),
  riskProfile: z.object({
    ageRange: note('the age range', 200),
    send: note('the SEND notes', 2000),
    eal: note('the EAL notes', 2000),
    devices: note('the devices', 2000),
    byod: note('the BYOD notes', 2000),
    aiTools: note('the AI tools', 2000),
    notes: note('the other notes', 5000),
  }),
  standards: z.object(Object.fromEntries(STANDARD_KEYS.map((k) => [k, Standard])) as Record<StandardKey, typeof Standard>),
  items: z
    .array(
      z.object({
        finding: note('the finding', 5000),
        action: note('the action', 5000),
        ownerPersonId: uuid('ownerPersonId').nullable().default(null),
        dueOn: day('dueOn').nullable().default(null),
      }),
    )
    .max(100, 'Record at most 100 findings.'),
});

export const annualReviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  const tags = ['annual-review'];

  app.get('/schools/:schoolId/annual-reviews', { schema: { tags, summary: 'Annual reviews of the school, with when the next is due', params: SchoolParams } }, async (req) =>
    service.listReviews(haven, principalOf(req), req.params.schoolId),
  );
  app.post(
    '/schools/:schoolId/annual-reviews',
    {
      schema: {
        tags,
        summary: 'Start an annual review for a period',
        params: SchoolParams,
        body: z.object({ periodStart: day('periodStart'), periodEnd: day('periodEnd') }),
      },
    },
    async (req, reply) => reply.status(201).send(await service.startReview(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body)),
  );
  app.get('/annual-reviews/:annualReviewId', { schema: { tags, summary: 'A review with its evidence (live for a draft, frozen once signed off)', params: ReviewParams } }, async (req) =>
    service.getReview(haven, principalOf(req), req.params.annualReviewId),
  );
  app.put('/annual-reviews/:annualReviewId', { schema: { tags, summary: 'Save a draft review', params: ReviewParams, body: ContentSchema } }, async (req) =>
    service.saveReview(haven, principalOf(req), actorOf(req), req.params.annualReviewId, req.body),
  );
  app.post(
    '/annual-reviews/:annualReviewId/sign-off',
    { schema: { tags, summary: 'A governor signs the review off (once; then it is read-only)', params: ReviewParams, body: z.object({ note: z.string().trim().max(2000, 'Keep the note under 2000 characters.').optional() }) } },
    async (req) => service.signOffReview(haven, principalOf(req), actorOf(req), req.params.annualReviewId, req.body.note),
  );
  app.get('/annual-reviews/:annualReviewId.pdf', { schema: { tags, summary: 'The printable record of a review (PDF)', params: ReviewParams } }, async (req, reply) => {
    const { school, review } = await service.reviewForPdf(haven, principalOf(req), actorOf(req), req.params.annualReviewId);
    const pdf = await annualReviewPdf(school, review);
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="filtering-monitoring-review-${review.periodEnd}.pdf"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  });
};
