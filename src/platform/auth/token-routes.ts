// API tokens for scripts: list, create (the token is shown once), revoke.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../http/auth-hooks.ts';
import { createToken, listTokens, revokeToken } from './api-tokens.ts';
import { MAX_TOKEN_DAYS } from './model.ts';
import { SCOPES } from './policy.ts';

const CreateBody = z.object({
  name: z.string().trim().min(1, 'Name the token after what uses it').max(100, 'Use at most 100 characters'),
  scopes: z
    .array(z.enum(SCOPES, { message: `Each scope must be one of: ${SCOPES.join(', ')}` }))
    .min(1, `Choose at least one scope: ${SCOPES.join(', ')}`),
  days: z.coerce
    .number()
    .int('days must be a whole number')
    .min(1, 'A token must last at least 1 day')
    .max(MAX_TOKEN_DAYS, `A token may last at most ${MAX_TOKEN_DAYS} days`),
  schoolId: z.string().uuid('schoolId must be a school id (a UUID)').nullable().optional(),
});

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;

  app.get('/tokens', { schema: { tags: ['tokens'], summary: "The trust's API tokens (never the secrets)" } }, async (req) => ({
    tokens: await listTokens(haven, principalOf(req)),
  }));

  app.post('/tokens', { schema: { tags: ['tokens'], summary: 'Make an API token; it is shown only in this answer', body: CreateBody } }, async (req, reply) => {
    const made = await createToken(haven, principalOf(req), actorOf(req), req.body);
    return reply.code(201).send({ id: made.id, token: made.token, expiresAt: made.expiresAt.toISOString() });
  });

  app.delete(
    '/tokens/:tokenId',
    { schema: { tags: ['tokens'], summary: 'Revoke an API token', params: z.object({ tokenId: z.string().uuid('tokenId must be a token id (a UUID)') }) } },
    async (req, reply) => {
      await revokeToken(haven, principalOf(req), actorOf(req), req.params.tokenId);
      return reply.code(204).send();
    },
  );
};
