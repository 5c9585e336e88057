// HTTP for filtering logs: sources, uploads by the IT provider, runs, figures, raw events, leases.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest } from '../../platform/errors.ts';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import { TIME_FORMATS, GENERIC_FIELDS } from './parsers/generic.ts';
import { FORMAT_IDS } from './parsers/index.ts';
import * as service from './service.ts';
import { getLogSettings, saveLogSettings } from './settings.ts';

/** A day's log of a big school can be a gigabyte or more; it is streamed, never held. */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
const MAX_LEASE_BYTES = 5 * 1024 * 1024;

const uuid = (what: string) => z.string().uuid(`${what} must be an id (a UUID)`);
const SchoolParams = z.object({ schoolId: uuid('schoolId') });
const SourceParams = z.object({ sourceId: uuid('sourceId') });
const RunParams = z.object({ runId: uuid('runId') });

const Mapping = z.object(
  {
    kind: z.enum(['csv', 'json'], { error: "mapping.kind must be 'csv' or 'json'" }),
    fields: z.partialRecord(
      z.enum(GENERIC_FIELDS, { error: `mapping.fields keys are ${GENERIC_FIELDS.join(', ')}` }),
      z.union([z.string().trim().min(1, 'a column name cannot be empty').max(200), z.number().int().min(0).max(1000)], {
        error: 'each mapped field is a column name, a 0-based column index or (JSON) a key path',
      }),
    ),
    timeFormat: z.enum(TIME_FORMATS, { error: `mapping.timeFormat must be one of ${TIME_FORMATS.join(', ')}` }),
    timezone: z.string().max(60).optional(),
    delimiter: z.string().optional(),
    header: z.boolean().optional(),
    blockedValues: z.array(z.string().max(100)).max(50).optional(),
    source: z.string().max(60).optional(),
  },
  { error: 'mapping must be an object: { kind, fields, timeFormat }' },
);

const Options = z.strictObject(
  {
    timezone: z.string().max(60, 'timezone is an IANA zone like Europe/London').optional(),
    year: z.number().int().min(2000).max(2100).optional(),
    e2guardianFormat: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6)], { error: 'e2guardianFormat is 1 to 6' }).optional(),
    mapping: Mapping.optional(),
  },
  { error: 'options may hold timezone, year, e2guardianFormat and mapping only' },
);

const name = z.string().trim().min(1, 'Name the source (like "Smoothwall export").').max(200, 'Keep the name under 200 characters.');
const format = z.string({ error: `format is one of ${FORMAT_IDS.join(', ')}` }).max(40);
const watchPath = z.string().trim().max(1000, 'Keep the folder path under 1000 characters.').nullable().optional();

const isoInstant = (what: string) =>
  z
    .string({ error: `${what} is required: a date and time like 2026-11-23T09:00:00Z` })
    .refine((v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d\d-\d\d/.test(v), `${what} must be a date and time like 2026-11-23T09:00:00Z`)
    .transform((v) => new Date(v));
const ukDate = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d\d-\d\d$/, `${what} must be a date like 2026-11-23`)
    .refine((v) => !Number.isNaN(Date.parse(v)), `${what} must be a real date`)
    .optional();

async function drain(stream: NodeJS.ReadableStream) {
  stream.resume();
}

export const logRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;
  const tags = ['logs'];

  app.get('/log-formats', { schema: { tags, summary: 'The log formats Haven reads' } }, async () => ({ formats: service.formats() }));

  const whole = (what: string) => z.number({ error: `${what} must be a whole number.` }).int(`${what} must be a whole number.`);
  app.get('/schools/:schoolId/log-settings', { schema: { tags, summary: 'How long logs are kept, and the burst rule', params: SchoolParams } }, async (req) =>
    getLogSettings(haven, principalOf(req), req.params.schoolId),
  );
  app.put(
    '/schools/:schoolId/log-settings',
    {
      schema: {
        tags,
        summary: 'Change how long logs are kept, and the burst rule',
        params: SchoolParams,
        body: z.object({
          rawDays: whole('rawDays (days to keep raw log lines)'),
          aggregateDays: whole('aggregateDays (days to keep hourly counts)'),
          burstCount: whole('burstCount (blocked requests that make a burst)'),
          burstMinutes: whole('burstMinutes (minutes of a burst)'),
        }),
      },
    },
    async (req) => saveLogSettings(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body),
  );

  app.get('/schools/:schoolId/log-sources', { schema: { tags, summary: "A school's log sources", params: SchoolParams } }, async (req) =>
    service.listSources(haven, principalOf(req), req.params.schoolId),
  );

  app.post(
    '/schools/:schoolId/log-sources',
    { schema: { tags, summary: 'Add a log source (format, options, generic mapping, watched folder)', params: SchoolParams, body: z.object({ name, format, options: Options.optional(), watchPath }) } },
    async (req, reply) => reply.status(201).send(await service.createSource(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body)),
  );

  app.patch(
    '/log-sources/:sourceId',
    {
      schema: {
        tags,
        summary: 'Change a log source',
        params: SourceParams,
        body: z.object({ name: name.optional(), format: format.optional(), options: Options.optional(), watchPath }),
      },
    },
    async (req) => service.updateSource(haven, principalOf(req), actorOf(req), req.params.sourceId, req.body),
  );

  app.delete('/log-sources/:sourceId', { schema: { tags, summary: 'Delete a log source that has no runs', params: SourceParams } }, async (req, reply) => {
    await service.deleteSource(haven, principalOf(req), actorOf(req), req.params.sourceId);
    return reply.status(204).send();
  });

  app.post(
    '/schools/:schoolId/log-uploads',
    {
      schema: {
        tags,
        summary: 'Upload a log (multipart: "format" or "sourceId", then "file"; plain or gzip) and ingest it; answers the summary',
        params: SchoolParams,
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const { schoolId } = req.params;
      // Check the caller before reading a large body.
      await service.schoolFor(haven, principal, schoolId, 'logs.manage');
      if (!req.isMultipart()) {
        throw badRequest('Send the log as multipart/form-data: a field "format" (or "sourceId"), then the file in a field "file".');
      }
      const form: { format?: string; sourceId?: string } = {};
      let summary: Awaited<ReturnType<typeof service.runUpload>> | undefined;
      try {
        for await (const part of req.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5 } })) {
          if (part.type === 'field') {
            if (part.fieldname === 'format' || part.fieldname === 'sourceId') form[part.fieldname] = String(part.value).trim();
            continue;
          }
          if (part.fieldname !== 'file' || summary) {
            await drain(part.file);
            continue;
          }
          try {
            const plan = await service.uploadPlan(haven, principal, schoolId, form);
            summary = await service.runUpload(haven, principal, actorOf(req), schoolId, plan, { name: part.filename, stream: part.file });
          } finally {
            await drain(part.file);
          }
        }
      } catch (err) {
        if (err instanceof AppError) throw err;
        const code = (err as { code?: string }).code;
        if (code === 'FST_FILES_LIMIT_REACHED') throw badRequest('Send one log file at a time.', [{ field: 'file', message: 'only one file' }]);
        throw badRequest('The upload could not be read. Send multipart/form-data with a field "format" (or "sourceId") and then "file".', [{ field: 'file', message: 'unreadable upload' }]);
      }
      if (!summary) throw badRequest('Attach the log in a field named "file", after the field "format" or "sourceId".', [{ field: 'file', message: 'required' }]);
      return reply.status(201).send(summary);
    },
  );

  app.get(
    '/schools/:schoolId/log-runs',
    { schema: { tags, summary: 'Recent ingest runs, newest first', params: SchoolParams, querystring: z.object({ limit: z.coerce.number().int().min(1, 'limit is at least 1').max(200, 'limit is at most 200').default(50) }) } },
    async (req) => service.listRuns(haven, principalOf(req), req.params.schoolId, req.query.limit),
  );

  app.get('/log-runs/:runId', { schema: { tags, summary: 'One ingest run with its totals', params: RunParams } }, async (req) =>
    service.getRun(haven, principalOf(req), req.params.runId),
  );

  app.get(
    '/schools/:schoolId/log-summary',
    {
      schema: {
        tags,
        summary: 'Blocked and allowed attempts by category, user group and UK day (default: the last 7 days)',
        params: SchoolParams,
        querystring: z.object({ from: ukDate('from'), to: ukDate('to') }),
      },
    },
    async (req) => service.summary(haven, principalOf(req), req.params.schoolId, req.query),
  );

  app.get(
    '/schools/:schoolId/log-events',
    {
      schema: {
        tags,
        summary: 'Search raw events (audited): at most 7 days, oldest first',
        params: SchoolParams,
        querystring: z.object({
          from: isoInstant('from'),
          to: isoInstant('to'),
          user: z.string().trim().max(200).optional(),
          host: z.string().trim().max(253).optional(),
          action: z.enum(['allowed', 'blocked'], { error: 'action is allowed or blocked' }).optional(),
          limit: z.coerce
            .number()
            .int()
            .min(1, 'limit is at least 1')
            .max(service.EVENTS_MAX_LIMIT, `limit is at most ${service.EVENTS_MAX_LIMIT}`)
            .default(service.EVENTS_DEFAULT_LIMIT),
        }),
      },
    },
    async (req) => service.searchEvents(haven, principalOf(req), actorOf(req), req.params.schoolId, req.query),
  );

  app.post(
    '/schools/:schoolId/log-leases',
    { schema: { tags, summary: 'Upload who held which IP or device when (CSV: ip, device, person, from, to); all rows or none', params: SchoolParams } },
    async (req, reply) => {
      const principal = principalOf(req);
      await service.schoolFor(haven, principal, req.params.schoolId, 'logs.manage');
      const text = await readCsv(req);
      return reply.status(201).send(await service.uploadLeases(haven, principal, actorOf(req), req.params.schoolId, text));
    },
  );

  app.get(
    '/schools/:schoolId/log-leases',
    { schema: { tags, summary: 'Address leases, newest first', params: SchoolParams, querystring: z.object({ limit: z.coerce.number().int().min(1).max(2000, 'limit is at most 2000').default(500) }) } },
    async (req) => service.listLeases(haven, principalOf(req), req.params.schoolId, req.query.limit),
  );
};

/** The lease CSV from a multipart field "file". */
async function readCsv(req: FastifyRequest): Promise<string> {
  if (!req.isMultipart()) throw badRequest('Send the CSV as multipart/form-data with the file in a field "file".');
  let bytes: Buffer | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_LEASE_BYTES, files: 1, fields: 5 } })) {
      if (part.type === 'file') {
        if (part.fieldname === 'file') bytes = await part.toBuffer();
        else await part.toBuffer();
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'File too large', 'The lease file is larger than 5 MB. Split it.', [{ field: 'file', message: 'larger than 5 MB' }]);
    throw badRequest('The upload could not be read. Send multipart/form-data with the CSV in a field "file".', [{ field: 'file', message: 'unreadable upload' }]);
  }
  if (!bytes) throw badRequest('Attach the CSV in a field named "file".', [{ field: 'file', message: 'required' }]);
  return bytes.toString('utf8');
}
