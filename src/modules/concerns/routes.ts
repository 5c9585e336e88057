// HTTP for concerns: parse, call the service, shape the answer. Contract: /tmp/haven/concerns-contract.md.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest } from '../../platform/errors.ts';
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_LABEL } from '../../platform/evidence/service.ts';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { AGENCIES, ACTIONS, AREAS, OUTCOMES, STATUSES, TYPES } from './model.ts';
import { chronologyPdf, incidentLogCsv, incidentLogPdf } from './exports/index.ts';
import * as service from './service.ts';

const uuid = (what: string) => z.string().uuid(`${what} must be an id (a UUID)`);
const SchoolParams = z.object({ schoolId: uuid('schoolId') });
const ConcernParams = z.object({ concernId: uuid('concernId') });
const text = (what: string, max = 20000) => z.string().trim().min(1, `Write ${what}.`).max(max, `Keep ${what} under ${max} characters.`);

const InvolvedSchema = z.union([
  z.object({ personId: uuid('personId') }),
  z.object({ unknown: z.literal(true), description: z.string().trim().max(500, 'Keep the description under 500 characters.').default('') }),
]);

const NewConcernSchema = z.object({
  draftId: uuid('draftId').optional(),
  whatHappened: text('what happened'),
  occurredAt: z.coerce.date({ error: 'Give the time it happened as an ISO date and time, e.g. 2026-09-14T10:30:00Z.' }),
  location: z.string().trim().max(200, 'Keep the location under 200 characters.').optional(),
  device: z.string().trim().max(200, 'Keep the device under 200 characters.').optional(),
  involved: z.array(InvolvedSchema).max(50, 'Name at most 50 people.').default([]),
  urls: z.array(z.string().trim().min(1).max(2000, 'A URL is at most 2000 characters.')).max(50, 'Give at most 50 URLs.').default([]),
  area: z.enum(AREAS, { error: `area must be one of ${AREAS.join(', ')}` }),
  type: z.enum(TYPES, { error: `type must be one of ${TYPES.join(', ')}` }),
  toldDslInPerson: z.boolean({ error: 'Say whether you have told the DSL in person (true or false).' }),
  urgent: z.boolean({ error: 'Say whether it is urgent (true or false).' }),
  mayBeIndecentImages: z.boolean({ error: 'Say whether the material may be indecent images of a child (true or false).' }),
});

const TransitionSchema = z.discriminatedUnion(
  'event',
  [
    z.object({ event: z.literal('take'), ownerPersonId: uuid('ownerPersonId').optional() }),
    z.object({ event: z.literal('assign'), ownerPersonId: uuid('ownerPersonId') }),
    z.object({ event: z.literal('suspect_illegal') }),
    z.object({ event: z.literal('record_containment'), viewingStopped: z.boolean(), deviceIsolated: z.boolean() }),
    z.object({
      event: z.literal('record_referral'),
      agency: z.enum(AGENCIES, { error: `agency must be one of ${AGENCIES.join(', ')}` }),
      reference: text('the agency reference', 200),
      referredAt: z.coerce.date({ error: 'Give the time of the referral as an ISO date and time.' }),
    }),
    z.object({ event: z.literal('complete_referral') }),
    z.object({ event: z.literal('start_investigation') }),
    z.object({ event: z.literal('record_attendees'), attendeePersonIds: z.array(uuid('attendeePersonIds[]')).max(20) }),
    z.object({ event: z.literal('save_findings'), findings: text('the findings'), judgement: z.enum(['substantiated', 'not_substantiated']) }),
    z.object({
      event: z.literal('record_actions'),
      actions: z.array(z.object({ action: z.enum(ACTIONS, { error: `action must be one of ${ACTIONS.join(', ')}` }), note: z.string().trim().max(2000).optional() })).max(20),
      deviationReason: z.string().trim().max(5000).optional(),
    }),
    z.object({ event: z.literal('close'), feedback: text('the feedback given'), lessonsLearned: text('the lessons learned'), outcome: z.enum(OUTCOMES).optional() }),
    z.object({ event: z.literal('close_without_action'), outcome: z.enum(['duplicate', 'no_further_action']), reason: text('the reason', 5000) }),
    z.object({ event: z.literal('set_type'), type: z.enum(TYPES), area: z.enum(AREAS) }),
    z.object({ event: z.literal('set_urgency'), urgent: z.boolean() }),
  ],
  { error: 'event must be one of the transitions listed in allowedTransitions.' },
);

const tooLarge = () =>
  new AppError(413, 'File too large', `Evidence files are limited to ${MAX_EVIDENCE_LABEL}. Crop the screenshot or save the document smaller.`, [
    { field: 'file', message: `larger than ${MAX_EVIDENCE_LABEL}` },
  ]);

/** Reads `mayBeIndecentImages` then `file`. The flag is checked before any byte of the file is kept. */
async function readEvidence(req: FastifyRequest, precheck: (flag: boolean) => Promise<unknown>) {
  if (!req.isMultipart()) throw badRequest('Send multipart/form-data: the field "mayBeIndecentImages" (true|false), then the file in "file".');
  let flag: boolean | undefined;
  let file: { fileName: string; mime: string; bytes: Buffer } | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_EVIDENCE_BYTES, files: 1, fields: 5 } })) {
      if (part.type === 'field') {
        if (part.fieldname === 'mayBeIndecentImages') {
          const v = String(part.value).trim().toLowerCase();
          if (v !== 'true' && v !== 'false') throw badRequest('mayBeIndecentImages must be "true" or "false".', [{ field: 'mayBeIndecentImages', message: 'true or false' }]);
          flag = v === 'true';
        }
        continue;
      }
      if (part.fieldname !== 'file' || flag === undefined) {
        part.file.resume(); // never keep it: the flag must come first
        if (flag === undefined) throw badRequest('Send the field "mayBeIndecentImages" (true|false) before the file.', [{ field: 'mayBeIndecentImages', message: 'required, before the file' }]);
        continue;
      }
      // Refusals (possible indecent images, read-only case) come before any byte is buffered.
      try {
        await precheck(flag);
      } catch (err) {
        part.file.resume();
        throw err;
      }
      const bytes = await part.toBuffer();
      file = { fileName: part.filename, mime: part.mimetype, bytes };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (code === 'FST_FILES_LIMIT_REACHED') throw badRequest('Send one file at a time.', [{ field: 'file', message: 'only one file' }]);
    throw badRequest('The upload could not be read. Send multipart/form-data with "mayBeIndecentImages" then "file".', [{ field: 'file', message: 'unreadable upload' }]);
  }
  if (flag === undefined) throw badRequest('Send the field "mayBeIndecentImages" (true|false).', [{ field: 'mayBeIndecentImages', message: 'required' }]);
  if (flag) await precheck(flag); // refuses with the guidance even when no file came
  if (!file) throw badRequest('Attach the file in a field named "file".', [{ field: 'file', message: 'required' }]);
  return { ...file, mayBeIndecentImages: flag };
}

export const concernRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  const tags = ['concerns'];

  // --- Reporting -------------------------------------------------------------------------------
  app.put(
    '/schools/:schoolId/concern-drafts/:draftId',
    { schema: { tags, summary: 'Autosave a concern draft', params: SchoolParams.extend({ draftId: uuid('draftId') }), body: z.record(z.string(), z.unknown()) } },
    async (req, reply) => {
      if (JSON.stringify(req.body).length > 100_000) throw badRequest('The draft is too large (over 100 kB).');
      await service.saveDraft(haven, principalOf(req), req.params.schoolId, req.params.draftId, req.body);
      return reply.status(204).send();
    },
  );

  app.get('/schools/:schoolId/concern-drafts', { schema: { tags, summary: 'Your concern drafts', params: SchoolParams } }, async (req) => ({
    drafts: await service.listDrafts(haven, principalOf(req), req.params.schoolId),
  }));

  app.delete(
    '/schools/:schoolId/concern-drafts/:draftId',
    { schema: { tags, summary: 'Discard a draft', params: SchoolParams.extend({ draftId: uuid('draftId') }) } },
    async (req, reply) => {
      await service.deleteDraft(haven, principalOf(req), req.params.schoolId, req.params.draftId);
      return reply.status(204).send();
    },
  );

  app.post('/schools/:schoolId/concerns', { schema: { tags, summary: 'Report a concern', params: SchoolParams, body: NewConcernSchema } }, async (req, reply) => {
    const b = req.body;
    const created = await service.reportConcern(haven, principalOf(req), actorOf(req), req.params.schoolId, {
      ...b,
      involved: b.involved.map((i) => ('personId' in i ? { personId: i.personId } : { unknown: true as const, description: i.description })),
    });
    return reply.status(201).send(created);
  });

  app.post('/concerns/:concernId/evidence', { schema: { tags, summary: 'Add an evidence file (multipart: mayBeIndecentImages, then file)', params: ConcernParams } }, async (req, reply) => {
    const p = principalOf(req);
    const file = await readEvidence(req, (flag) => service.checkEvidenceAllowed(haven, p, req.params.concernId, flag));
    const saved = await service.addEvidence(haven, p, actorOf(req), req.params.concernId, file);
    return reply.status(201).send(saved);
  });

  app.get(
    '/concerns/:concernId/evidence/:sha256',
    { schema: { tags, summary: 'Download an evidence file', params: ConcernParams.extend({ sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256 is 64 hexadecimal characters') }) } },
    async (req, reply) => {
      const f = await service.readEvidence(haven, principalOf(req), actorOf(req), req.params.concernId, req.params.sha256);
      const safeName = f.fileName.replace(/[^\w.\- ]+/g, '_');
      return reply
        .header('content-type', f.mime)
        .header('content-disposition', `attachment; filename="${safeName}"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(f.bytes);
    },
  );

  app.get('/my-concerns', { schema: { tags, summary: 'Concerns you reported, with their status', querystring: z.object({ schoolId: uuid('schoolId') }) } }, async (req) => ({
    concerns: await service.myConcerns(haven, principalOf(req), req.query.schoolId),
  }));

  app.post('/concerns/:concernId/follow-ups', { schema: { tags, summary: "Reporter's follow-up note", params: ConcernParams, body: z.object({ text: text('the follow-up', 5000) }) } }, async (req, reply) =>
    reply.status(201).send(await service.addFollowUp(haven, principalOf(req), actorOf(req), req.params.concernId, req.body.text)),
  );

  // --- Responding ------------------------------------------------------------------------------
  app.get('/schools/:schoolId/concerns/queue', { schema: { tags, summary: 'Triage queue: urgent first, then oldest', params: SchoolParams } }, async (req) =>
    service.queue(haven, principalOf(req), actorOf(req), req.params.schoolId),
  );

  app.get(
    '/schools/:schoolId/concerns',
    {
      schema: {
        tags,
        summary: 'Search concerns',
        params: SchoolParams,
        querystring: z.object({
          status: z.enum(STATUSES).optional(),
          type: z.enum(TYPES).optional(),
          q: z.string().max(100, 'Search with at most 100 characters.').optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).max(100000).default(0),
        }),
      },
    },
    async (req) => service.listConcerns(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query),
  );

  app.get('/concerns/:concernId', { schema: { tags, summary: 'A case', params: ConcernParams } }, async (req) =>
    service.getConcern(haven, principalOf(req), actorOf(req), req.params.concernId),
  );

  app.post('/concerns/:concernId/transitions', { schema: { tags, summary: 'Move a case along the flowchart', params: ConcernParams, body: TransitionSchema } }, async (req) =>
    service.applyTransition(haven, principalOf(req), actorOf(req), req.params.concernId, req.body),
  );

  app.post('/concerns/:concernId/notes', { schema: { tags, summary: 'Add a note to the timeline', params: ConcernParams, body: z.object({ text: text('the note', 5000) }) } }, async (req, reply) =>
    reply.status(201).send(await service.addNote(haven, principalOf(req), actorOf(req), req.params.concernId, req.body.text)),
  );

  app.post(
    '/concerns/:concernId/corrections',
    { schema: { tags, summary: 'Correct a timeline entry (a new entry)', params: ConcernParams, body: z.object({ entryId: uuid('entryId'), text: text('the correction', 5000) }) } },
    async (req, reply) => reply.status(201).send(await service.addCorrection(haven, principalOf(req), actorOf(req), req.params.concernId, req.body.entryId, req.body.text)),
  );

  app.post('/concerns/:concernId/sharing', { schema: { tags, summary: 'Share a case with a person (need to know)', params: ConcernParams, body: z.object({ personId: uuid('personId') }) } }, async (req, reply) => {
    await service.share(haven, principalOf(req), actorOf(req), req.params.concernId, req.body.personId);
    return reply.status(204).send();
  });

  app.get('/concerns/:concernId/viewers', { schema: { tags, summary: 'Who viewed a case', params: ConcernParams } }, async (req) =>
    service.viewers(haven, principalOf(req), actorOf(req), req.params.concernId),
  );

  app.get('/schools/:schoolId/sanctions-matrix', { schema: { tags, summary: "The school's sanctions matrix", params: SchoolParams } }, async (req) =>
    service.sanctionsMatrix(haven, principalOf(req), req.params.schoolId),
  );

  app.get('/people/:pupilId/chronology', { schema: { tags, summary: "A pupil's chronology", params: z.object({ pupilId: uuid('pupilId') }) } }, async (req) => {
    const c = await service.chronology(haven, principalOf(req), actorOf(req), req.params.pupilId);
    return { pupil: c.pupil, entries: c.entries };
  });

  const LogQuery = z.object({
    from: z.coerce.date({ error: 'from must be a date, e.g. 2026-09-01' }).optional(),
    to: z.coerce.date({ error: 'to must be a date, e.g. 2026-12-31' }).optional(),
  });
  app.get('/schools/:schoolId/incident-log', { schema: { tags, summary: 'The incident log', params: SchoolParams, querystring: LogQuery } }, async (req) => {
    const log = await service.incidentLog(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query.from, req.query.to);
    return { rows: log.rows };
  });

  const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : null);
  app.get('/schools/:schoolId/incident-log.csv', { schema: { tags, summary: 'The incident log as CSV', params: SchoolParams, querystring: LogQuery } }, async (req, reply) => {
    const log = await service.incidentLog(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query.from, req.query.to, 'csv');
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="incident-log-${day(req.query.from) ?? 'all'}.csv"`)
      .header('cache-control', 'no-store')
      .send(incidentLogCsv(log.rows));
  });
  app.get('/schools/:schoolId/incident-log.pdf', { schema: { tags, summary: 'The incident log as PDF', params: SchoolParams, querystring: LogQuery } }, async (req, reply) => {
    const log = await service.incidentLog(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query.from, req.query.to, 'pdf');
    const pdf = await incidentLogPdf(log.rows, { schoolName: log.school.name, from: day(req.query.from), to: day(req.query.to) });
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="incident-log-${day(req.query.from) ?? 'all'}.pdf"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  });
  app.get('/people/:pupilId/chronology.pdf', { schema: { tags, summary: "A pupil's chronology as PDF", params: z.object({ pupilId: uuid('pupilId') }) } }, async (req, reply) => {
    const c = await service.chronology(haven, principalOf(req), actorOf(req), req.params.pupilId, 'pdf');
    const pdf = await chronologyPdf(
      { pupilName: c.pupil.name, schoolName: c.schoolName },
      c.entries.map((e) => ({ at: e.at.toISOString(), reference: e.reference, kind: e.kind, text: e.text })),
    );
    return reply.header('content-type', 'application/pdf').header('content-disposition', 'attachment; filename="chronology.pdf"').header('cache-control', 'no-store').send(pdf);
  });
};
