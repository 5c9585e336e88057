// HTTP for MIS imports: upload (multipart: `kind`, then `file`), fix the mapping, commit, list.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IMPORT_KINDS, type ImportKind } from '../../../platform/db/schema.ts';
import { AppError, badRequest } from '../../../platform/errors.ts';
import { actorOf, principalOf } from '../../../platform/http/auth-hooks.ts';
import { MAX_FILE_BYTES } from './model.ts';
import * as service from './service.ts';

const SchoolParams = z.object({ schoolId: z.string().uuid('schoolId must be a school id (a UUID)') });
const ImportParams = SchoolParams.extend({ importId: z.string().uuid('importId must be an import id (a UUID)') });

const tooLarge = () =>
  new AppError(413, 'File too large', 'The file is larger than 5 MB. Export only the columns Haven needs, or split the file.', [
    { field: 'file', message: 'larger than 5 MB' },
  ]);

/** Reads the form: `kind` (pupils|staff) and one CSV `file`. Every mistake is a 4xx that says what to send. */
async function readUpload(req: FastifyRequest): Promise<{ kind: ImportKind; fileName: string; bytes: Buffer }> {
  if (!req.isMultipart()) {
    throw badRequest('Send the CSV as multipart/form-data with a field "kind" (pupils or staff) and the file in a field "file".');
  }
  let kind: string | undefined;
  let file: { fileName: string; bytes: Buffer } | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5 } })) {
      if (part.type === 'field') {
        if (part.fieldname === 'kind') kind = String(part.value).trim();
      } else if (part.fieldname === 'file') {
        file = { fileName: part.filename, bytes: await part.toBuffer() };
      } else {
        await part.toBuffer(); // drain an unexpected file so the request can finish
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (code === 'FST_FILES_LIMIT_REACHED') throw badRequest('Send one file at a time.', [{ field: 'file', message: 'only one file' }]);
    throw badRequest('The upload could not be read. Send multipart/form-data with the fields "kind" and "file".', [
      { field: 'file', message: 'unreadable upload' },
    ]);
  }
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
    throw badRequest(`Say what the file holds: the field "kind" must be "pupils" or "staff"${kind ? `, not "${kind.slice(0, 40)}"` : ''}.`, [
      { field: 'kind', message: 'must be pupils or staff' },
    ]);
  }
  if (!file) throw badRequest('Attach the CSV file in a field named "file".', [{ field: 'file', message: 'required' }]);
  return { kind: kind as ImportKind, ...file };
}

export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;

  app.post(
    '/schools/:schoolId/imports',
    {
      schema: {
        tags: ['directory'],
        summary: 'Upload an MIS CSV export (multipart: kind = pupils|staff, then file) and get its preview',
        params: SchoolParams,
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      // Check the school before reading a large body for someone who may not import there.
      await service.schoolToManage(haven, principal, req.params.schoolId);
      const upload = await readUpload(req);
      const preview = await service.uploadImport(haven, principal, actorOf(req), req.params.schoolId, {
        kind: upload.kind,
        fileName: upload.fileName,
        text: service.decodeUpload(upload.bytes),
      });
      return reply.code(201).send(preview);
    },
  );

  app.get(
    '/schools/:schoolId/imports',
    { schema: { tags: ['directory'], summary: 'Recent imports of a school', params: SchoolParams } },
    async (req) => ({ imports: await service.listImports(haven, principalOf(req), req.params.schoolId) }),
  );

  app.get(
    '/schools/:schoolId/imports/:importId',
    { schema: { tags: ['directory'], summary: 'The preview of an import', params: ImportParams } },
    async (req) => service.getImport(haven, principalOf(req), actorOf(req), req.params.schoolId, req.params.importId),
  );

  app.put(
    '/schools/:schoolId/imports/:importId/mapping',
    {
      schema: {
        tags: ['directory'],
        summary: 'Say which column holds which field; answers the new preview',
        params: ImportParams,
        body: z.object({
          mapping: z.record(
            z.string().max(40),
            z.string().max(200, 'a column name is at most 200 characters').nullable(),
            'mapping must be an object of field → column name (or null)',
          ),
        }),
      },
    },
    async (req) =>
      service.changeMapping(haven, principalOf(req), actorOf(req), req.params.schoolId, req.params.importId, req.body.mapping),
  );

  app.post(
    '/schools/:schoolId/imports/:importId/commit',
    { schema: { tags: ['directory'], summary: 'Commit an import: all rows or none', params: ImportParams } },
    async (req) => service.commitImport(haven, principalOf(req), actorOf(req), req.params.schoolId, req.params.importId),
  );
};
