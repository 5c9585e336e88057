// Every error leaves as RFC 9457 problem+json with a message that says what to fix; never a stack trace.
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldProblem } from '../errors.ts';

type Problem = { type: string; title: string; status: number; detail: string; problems?: FieldProblem[]; reference?: string };

function pgProblem(err: { code?: string; constraint?: string; detail?: string }): Problem | null {
  switch (err.code) {
    case '23505':
      return { type: 'about:blank', title: 'Already exists', status: 409, detail: 'A record with these details already exists.' };
    case '23503':
      return {
        type: 'about:blank',
        title: 'Unknown reference',
        status: 422,
        detail: 'The request refers to a record that does not exist.',
      };
    case '23514':
    case '22P02':
    case '22007':
    case '22008':
      return {
        type: 'about:blank',
        title: 'Invalid value',
        status: 422,
        detail: 'A value is not in the form expected. Check dates, codes and lengths.',
      };
    default:
      return null;
  }
}

export function toProblem(err: unknown): Problem {
  if (err instanceof AppError) {
    return {
      type: err.type,
      title: err.title,
      status: err.status,
      detail: err.message,
      ...(err.problems ? { problems: err.problems } : {}),
    };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const problems = err.validation.map((v) => ({
      field: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is not valid',
    }));
    return {
      type: 'about:blank',
      title: 'The request needs fixing',
      status: 400,
      detail: problems.map((p) => `${p.field}: ${p.message}`).join('; '),
      problems,
    };
  }
  const pg = pgProblem(err as { code?: string });
  if (pg) return pg;
  const fe = err as FastifyError;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { type: 'about:blank', title: 'The request needs fixing', status: fe.statusCode, detail: fe.message };
  }
  return {
    type: 'about:blank',
    title: 'Something went wrong',
    status: 500,
    detail: 'Haven could not finish this request. Nothing was changed. Try again, and tell your administrator if it keeps happening.',
    reference: randomUUID(),
  };
}

export function registerErrors(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const problem = toProblem(err);
    if (problem.status >= 500) req.log.error({ err, reference: problem.reference }, 'request failed');
    if (problem.status >= 500 && !app.log.level) console.error(err);
    return reply.code(problem.status).type('application/problem+json').send(problem);
  });
}

/** 404 as problem+json; with the browser app built, other GETs outside /api get its index.html. */
export function registerNotFound(app: FastifyInstance, indexHtml: string | null): void {
  app.setNotFoundHandler((req, reply) => {
    if (indexHtml && req.method === 'GET' && !req.url.startsWith('/api/')) {
      return reply.type('text/html').header('cache-control', 'no-cache').send(indexHtml);
    }
    return reply
      .code(404)
      .type('application/problem+json')
      .send({ type: 'about:blank', title: 'Not found', status: 404, detail: `There is no ${req.method} ${req.url.split('?')[0]}.` });
  });
}
