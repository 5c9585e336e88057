// HTTP for agreements, consents and induction. Contract: /tmp/haven/agreements-contract.md.
// The two public pages (parent link, class kiosk) live under /public/… and never call principalOf():
// the token in the path is the only credential, bound to one pupil/parent/version or one class.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest, unprocessable } from '../../platform/errors.ts';
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_LABEL } from '../../platform/evidence/service.ts';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { CONSENT_PURPOSES, INDUCTION_TICK_ITEMS } from './model.ts';
import * as consents from './consents.ts';
import * as induction from './induction.ts';
import * as photos from './photos.ts';
import * as withdrawLinks from './withdraw-links.ts';
import * as service from './service.ts';

const uuid = (what: string) => z.string().uuid(`${what} must be an id (a UUID)`);
const SchoolParams = z.object({ schoolId: uuid('schoolId') });
const TokenParams = z.object({ token: z.string().min(1).max(200) });
// A consent purpose as a key of a parent's answers, and as a field of its own.
const ConsentKey = z.enum(CONSENT_PURPOSES, { error: `consent purposes are ${CONSENT_PURPOSES.join(', ')}` });
const Purpose = z.enum(CONSENT_PURPOSES, { error: `purpose must be one of ${CONSENT_PURPOSES.join(', ')}` });
const day = (what: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `Give ${what} as yyyy-mm-dd.`);
const text = (what: string, max: number) => z.string().trim().min(1, `Write ${what}.`).max(max, `Keep ${what} under ${max} characters.`);
const group = (what: string) => z.string().trim().min(1, `Give ${what}.`).max(40, `${what} is at most 40 characters.`);

const GroupSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('staff') }),
    z.object({ kind: z.literal('community') }),
    z.object({ kind: z.literal('year'), yearGroup: group('the year group') }),
    z.object({ kind: z.literal('class'), registrationGroup: group('the class (registration group)') }),
    z.object({ kind: z.literal('parents'), yearGroup: group('the year group').optional() }),
  ],
  { error: 'Each group is {kind:"staff"}, {kind:"community"}, {kind:"year",yearGroup}, {kind:"class",registrationGroup} or {kind:"parents",yearGroup?}.' },
);

const publicFrom = (req: FastifyRequest) => {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null };
};
// Public pages get a per-address limit: tokens are unguessable, but nobody should get to try.
// A kiosk is one classroom device used by a whole class in a few minutes, so it gets more room.
const publicLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };
const kioskLimit = { rateLimit: { max: 600, timeWindow: '1 minute' } };

async function readPaper(req: FastifyRequest) {
  if (!req.isMultipart()) throw badRequest('Send multipart/form-data: the field "personId", then the scan in "file".');
  let personId: string | undefined;
  let file: { fileName: string; mime: string; bytes: Buffer } | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_EVIDENCE_BYTES, files: 1, fields: 5 } })) {
      if (part.type === 'field') {
        if (part.fieldname === 'personId') personId = String(part.value).trim();
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        continue;
      }
      file = { fileName: part.filename, mime: part.mimetype, bytes: await part.toBuffer() };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'File too large', `Scans are limited to ${MAX_EVIDENCE_LABEL}.`, [{ field: 'file', message: `larger than ${MAX_EVIDENCE_LABEL}` }]);
    throw badRequest('The upload could not be read. Send multipart/form-data with "personId" then "file".', [{ field: 'file', message: 'unreadable upload' }]);
  }
  if (!personId || !uuid('personId').safeParse(personId).success) throw badRequest('Send the field "personId" (the id of the person who signed).', [{ field: 'personId', message: 'required, a UUID' }]);
  if (!file) throw badRequest('Attach the scanned form in a field named "file".', [{ field: 'file', message: 'required' }]);
  return { personId, file };
}

async function readPhoto(req: FastifyRequest) {
  if (!req.isMultipart()) throw badRequest('Send multipart/form-data with the photo in a field named "file".');
  let file: { fileName: string; mime: string; bytes: Buffer } | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: photos.MAX_PHOTO_BYTES, files: 1, fields: 2 } })) {
      if (part.type === 'field') continue;
      if (part.fieldname !== 'file') {
        part.file.resume();
        continue;
      }
      file = { fileName: part.filename, mime: part.mimetype, bytes: await part.toBuffer() };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'Photo too large', `Photos are limited to ${photos.MAX_PHOTO_LABEL}.`, [{ field: 'file', message: `larger than ${photos.MAX_PHOTO_LABEL}` }]);
    throw badRequest('The upload could not be read. Send multipart/form-data with the photo in "file".', [{ field: 'file', message: 'unreadable upload' }]);
  }
  if (!file) throw badRequest('Attach the photo in a field named "file".', [{ field: 'file', message: 'required' }]);
  return file;
}

export const agreementRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  const tags = ['agreements'];

  // --- Templates and versions ---------------------------------------------------------------------
  app.get('/schools/:schoolId/agreements', { schema: { tags, summary: 'Agreement templates of a school', params: SchoolParams } }, async (req) => ({
    agreements: await service.listAgreements(haven, principalOf(req), actorOf(req), req.params.schoolId),
  }));

  app.get('/agreements/:agreementId/versions', { schema: { tags, summary: 'Published versions, newest first', params: z.object({ agreementId: uuid('agreementId') }) } }, async (req) => ({
    versions: await service.listVersions(haven, principalOf(req), req.params.agreementId),
  }));

  app.put(
    '/agreements/:agreementId/draft',
    { schema: { tags, summary: 'Save the draft of the next version', params: z.object({ agreementId: uuid('agreementId') }), body: z.object({ title: text('a title', 200), text: text('the agreement text', 50_000) }) } },
    async (req, reply) => {
      await service.saveDraft(haven, principalOf(req), actorOf(req), req.params.agreementId, req.body);
      return reply.status(204).send();
    },
  );

  app.post('/agreements/:agreementId/publish', { schema: { tags, summary: 'Publish the draft as a new version', params: z.object({ agreementId: uuid('agreementId') }) } }, async (req, reply) =>
    reply.status(201).send(await service.publish(haven, principalOf(req), actorOf(req), req.params.agreementId)),
  );

  // --- Campaigns -----------------------------------------------------------------------------------
  app.post(
    '/schools/:schoolId/campaigns',
    {
      schema: {
        tags,
        summary: 'Start a campaign: these groups must accept this version by this date',
        params: SchoolParams,
        body: z.object({
          versionId: uuid('versionId'),
          title: text('a title', 200),
          dueOn: day('the due date'),
          groups: z.array(GroupSchema).min(1, 'Choose at least one group.').max(30, 'Choose at most 30 groups.'),
          reminderDays: z.number().int().min(1, 'Remind at most every day.').max(60, 'Remind at least every 60 days.').optional(),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await service.createCampaign(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body)),
  );

  app.get('/schools/:schoolId/campaigns', { schema: { tags, summary: 'Campaigns with progress', params: SchoolParams } }, async (req) => ({
    campaigns: await service.listCampaigns(haven, principalOf(req), req.params.schoolId),
  }));

  const CampaignParams = z.object({ campaignId: uuid('campaignId') });
  app.get('/campaigns/:campaignId', { schema: { tags, summary: 'Campaign progress, outstanding and accepted lists', params: CampaignParams } }, async (req) =>
    service.campaignDetail(haven, principalOf(req), req.params.campaignId),
  );

  app.post('/campaigns/:campaignId/send-parent-links', { schema: { tags, summary: 'Email single-use links to parents of outstanding pupils', params: CampaignParams } }, async (req) =>
    service.sendParentLinks(haven, principalOf(req), actorOf(req), req.params.campaignId),
  );

  app.post(
    '/campaigns/:campaignId/record-class',
    {
      schema: {
        tags,
        summary: 'Record that a class discussed and accepted the agreement',
        params: CampaignParams,
        body: z.object({ registrationGroup: group('the class'), discussedOn: day('the date of the lesson'), pupilIds: z.array(uuid('pupilIds[]')).max(100).optional() }),
      },
    },
    async (req, reply) => reply.status(201).send(await service.recordClass(haven, principalOf(req), actorOf(req), req.params.campaignId, req.body)),
  );

  app.post('/campaigns/:campaignId/paper', { schema: { tags, summary: 'Upload a signed paper form (multipart: personId, file)', params: CampaignParams } }, async (req, reply) => {
    const p = principalOf(req);
    const { personId, file } = await readPaper(req);
    return reply.status(201).send(await service.recordPaper(haven, p, actorOf(req), req.params.campaignId, personId, file));
  });

  app.post(
    '/acceptances/:acceptanceId/withdraw',
    { schema: { tags, summary: 'Withdraw an acceptance (a new record; nothing is overwritten)', params: z.object({ acceptanceId: uuid('acceptanceId') }), body: z.object({ reason: text('the reason', 2000) }) } },
    async (req, reply) => reply.status(201).send(await service.withdraw(haven, principalOf(req), actorOf(req), req.params.acceptanceId, req.body.reason)),
  );

  // --- Staff in the app ----------------------------------------------------------------------------
  app.get('/my-agreements', { schema: { tags, summary: 'Agreements you still need to accept, and those you have' } }, async (req) => service.myAgreements(haven, principalOf(req)));

  app.post(
    '/my-agreements/:versionId/accept',
    {
      schema: {
        tags,
        summary: 'Accept an agreement after reading it to the end',
        params: z.object({ versionId: uuid('versionId') }),
        body: z.object({ scrolledToEnd: z.boolean({ error: 'Send scrolledToEnd: true once the whole text has been shown.' }) }),
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (!req.body.scrolledToEnd) throw unprocessable('Read the agreement to the end before accepting it.', [{ field: 'scrolledToEnd', message: 'scroll to the end of the text first' }]);
      return reply.status(201).send(await service.acceptInApp(haven, p, actorOf(req), req.params.versionId));
    },
  );

  // --- Kiosk ---------------------------------------------------------------------------------------
  app.post(
    '/schools/:schoolId/kiosks',
    { schema: { tags, summary: 'Open a class kiosk page (2 hours)', params: SchoolParams, body: z.object({ campaignId: uuid('campaignId'), registrationGroup: group('the class') }) } },
    async (req, reply) => reply.status(201).send(await service.openKiosk(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body)),
  );

  // --- Public: parent link and kiosk (no session) ---------------------------------------------------
  app.get('/public/parent-links/:token', { config: publicLimit, schema: { tags, summary: 'PUBLIC: what a parent link shows', params: TokenParams } }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return service.viewParentLink(haven, req.params.token);
  });

  app.post(
    '/public/parent-links/:token',
    {
      config: publicLimit,
      schema: {
        tags,
        summary: 'PUBLIC: accept through a parent link (spends it)',
        params: TokenParams,
        body: z.object({
          accept: z.literal(true, { error: 'Tick "I agree" (accept: true) to accept.' }),
          parentName: text('your name', 200),
          consents: z.partialRecord(ConsentKey, z.boolean()).optional(),
        }),
      },
    },
    async (req, reply) => {
      const { withdrawUrl } = await service.useParentLink(haven, publicFrom(req), req.params.token, req.body);
      return reply.status(201).header('cache-control', 'no-store').send({ accepted: true, withdrawUrl });
    },
  );

  app.get('/public/withdraw/:token', { config: publicLimit, schema: { tags, summary: 'PUBLIC: what a parent\u2019s withdrawal link shows', params: TokenParams } }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return withdrawLinks.viewWithdrawLink(haven, req.params.token);
  });

  app.post(
    '/public/withdraw/:token',
    {
      config: publicLimit,
      schema: {
        tags,
        summary: 'PUBLIC: withdraw an acceptance and/or say no to consents (new records; spends the link)',
        params: TokenParams,
        body: z.object({
          parentName: text('your name', 200),
          reason: text('the reason', 2000),
          withdrawAgreement: z.boolean({ error: 'withdrawAgreement is true or false.' }),
          consentsNo: z.array(ConsentKey).max(CONSENT_PURPOSES.length).default([]),
        }),
      },
    },
    async (req, reply) => reply.status(201).header('cache-control', 'no-store').send(await withdrawLinks.useWithdrawLink(haven, publicFrom(req), req.params.token, req.body)),
  );

  app.get('/public/kiosk/:token', { config: kioskLimit, schema: { tags, summary: 'PUBLIC: the class kiosk page', params: TokenParams } }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return service.viewKiosk(haven, req.params.token);
  });

  app.post(
    '/public/kiosk/:token/accept',
    { config: kioskLimit, schema: { tags, summary: 'PUBLIC: a pupil accepts at the kiosk', params: TokenParams, body: z.object({ pupilId: uuid('pupilId') }) } },
    async (req, reply) => {
      await service.kioskAccept(haven, publicFrom(req), req.params.token, req.body.pupilId);
      return reply.status(201).send({ accepted: true });
    },
  );

  // --- Consents --------------------------------------------------------------------------------------
  const PupilParams = z.object({ pupilId: uuid('pupilId') });
  app.get('/people/:pupilId/consents', { schema: { tags, summary: 'A pupil\u2019s consents with history', params: PupilParams } }, async (req) => ({
    purposes: await consents.pupilConsents(haven, principalOf(req), req.params.pupilId),
  }));

  app.post(
    '/people/:pupilId/consents',
    {
      schema: {
        tags,
        summary: 'Record a parent\u2019s consent answer (a new record)',
        params: PupilParams,
        body: z.object({
          purpose: Purpose,
          value: z.boolean({ error: 'value is true (yes) or false (no).' }),
          parentId: uuid('parentId'),
          method: z.enum(['paper', 'in_app'], { error: 'method is paper or in_app' }),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await consents.recordConsent(haven, principalOf(req), actorOf(req), req.params.pupilId, req.body)),
  );

  app.post('/people/:pupilId/photo', { schema: { tags, summary: 'Upload (or replace) a pupil\u2019s photo (multipart: file)', params: PupilParams } }, async (req, reply) => {
    const p = principalOf(req);
    const file = await readPhoto(req);
    return reply.status(201).send(await photos.uploadPhoto(haven, p, actorOf(req), req.params.pupilId, file));
  });

  app.get('/people/:pupilId/photo', { schema: { tags, summary: 'A pupil\u2019s photo (audited)', params: PupilParams } }, async (req, reply) => {
    const photo = await photos.readPhoto(haven, principalOf(req), actorOf(req), req.params.pupilId);
    return reply
      .header('content-type', photo.mime)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'inline')
      .send(photo.bytes);
  });

  const ClassQuery = z.object({ registrationGroup: group('the class').optional() });
  app.get(
    '/schools/:schoolId/consents/must-not-appear',
    {
      schema: {
        tags,
        summary: 'Who must not appear (no current yes) for a purpose, optionally in one class',
        params: SchoolParams,
        querystring: ClassQuery.extend({ purpose: Purpose }),
      },
    },
    async (req) => consents.mustNotAppearList(haven, principalOf(req), req.params.schoolId, req.query.purpose, req.query.registrationGroup),
  );

  const fileName = (rg: string | undefined, ext: string) => `consents${rg ? `-${rg.replace(/[^A-Za-z0-9_-]/g, '')}` : ''}.${ext}`;
  app.get('/schools/:schoolId/consents/export.csv', { schema: { tags, summary: 'Consent status per pupil (CSV)', params: SchoolParams, querystring: ClassQuery } }, async (req, reply) => {
    const csv = await consents.consentsCsv(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query.registrationGroup);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName(req.query.registrationGroup, 'csv')}"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
  app.get('/schools/:schoolId/consents/export.pdf', { schema: { tags, summary: 'Consent status per pupil (PDF)', params: SchoolParams, querystring: ClassQuery } }, async (req, reply) => {
    const pdf = await consents.consentsPdf(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query.registrationGroup);
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${fileName(req.query.registrationGroup, 'pdf')}"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  });

  // --- Induction -------------------------------------------------------------------------------------
  app.get('/schools/:schoolId/induction', { schema: { tags, summary: 'Induction checklist for each member of staff', params: SchoolParams } }, async (req) =>
    induction.inductionList(haven, principalOf(req), req.params.schoolId),
  );

  app.post(
    '/people/:personId/induction/:item',
    {
      schema: {
        tags,
        summary: 'Tick (or untick) a manual induction item',
        params: z.object({ personId: uuid('personId'), item: z.enum(INDUCTION_TICK_ITEMS, { error: `item is ${INDUCTION_TICK_ITEMS.join(' or ')} (the others are worked out)` }) }),
        body: z.object({ done: z.boolean({ error: 'done is true or false.' }), note: z.string().trim().max(500, 'Keep the note under 500 characters.').optional() }),
      },
    },
    async (req, reply) => {
      await induction.tickInduction(haven, principalOf(req), actorOf(req), req.params.personId, req.params.item, req.body);
      return reply.status(204).send();
    },
  );
};
