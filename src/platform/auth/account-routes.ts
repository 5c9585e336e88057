// Account routes: a person's own passphrase and two-factor, forgotten-passphrase reset, and the
// administrator's view of a person's account (issue, unlock, reset two-factor).
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unauthenticated } from '../errors.ts';
import { actorOf, principalOf } from '../http/auth-hooks.ts';
import { accountOfPerson, issueAccount, resetTwoFactor, unlockAccount } from './accounts.ts';
import { changePassword, completePasswordReset, confirmTwoFactor, requestPasswordReset, setupTwoFactor } from './credentials.ts';

const Passphrase = z.string().min(1, 'Enter a new passphrase').max(256, 'Use at most 256 characters');
const Email = z.string().trim().email('Enter an email address, like name@school.sch.uk').max(254);
const PersonParams = z.object({ personId: z.string().uuid('personId must be a person id (a UUID)') });
const AccountParams = z.object({ accountId: z.string().uuid('accountId must be an account id (a UUID)') });

export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;

  // Works while a first-login passphrase change or two-factor enrolment is still due, so it asks
  // for the session itself rather than a full principal.
  const sessionOf = (req: FastifyRequest) => {
    if (!req.session) throw unauthenticated();
    return req.session;
  };

  app.post(
    '/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your passphrase (your other sessions are signed out)',
        body: z.object({ currentPassword: z.string().min(1, 'Enter your current passphrase').max(256), newPassword: Passphrase }),
      },
    },
    async (req, reply) => {
      await changePassword(haven, sessionOf(req), actorOf(req), req.body);
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/two-factor/setup',
    { schema: { tags: ['auth'], summary: 'Start two-factor enrolment: a new secret, its otpauth URL and QR code' } },
    async (req) => setupTwoFactor(haven, sessionOf(req), actorOf(req)),
  );

  app.post(
    '/auth/two-factor/confirm',
    {
      schema: {
        tags: ['auth'],
        summary: 'Finish two-factor enrolment with a code from the authenticator app',
        body: z.object({ code: z.string().trim().min(6, 'Enter the 6-digit code from your app').max(12, 'Enter the 6-digit code from your app') }),
      },
    },
    async (req, reply) => {
      await confirmTwoFactor(haven, sessionOf(req), actorOf(req), req.body.code);
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/password-reset/request',
    {
      schema: { tags: ['auth'], summary: 'Email a passphrase reset link (always 202)', body: z.object({ email: Email }) },
      config: {
        rateLimit: {
          max: 5,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (req) => `reset|${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
        },
      },
    },
    async (req, reply) => {
      await requestPasswordReset(haven, actorOf(req), req.body.email);
      return reply.code(202).send({ status: 'accepted' });
    },
  );

  app.post(
    '/auth/password-reset/complete',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new passphrase with the emailed reset token',
        body: z.object({ token: z.string().min(10, 'Open the link from the reset email').max(200), newPassword: Passphrase }),
      },
      config: { rateLimit: { max: 10, timeWindow: '1 minute', hook: 'preHandler' } },
    },
    async (req, reply) => {
      await completePasswordReset(haven, actorOf(req), req.body);
      return reply.code(204).send();
    },
  );

  app.get(
    '/people/:personId/account',
    { schema: { tags: ['accounts'], summary: "A person's sign-in account, if any", params: PersonParams } },
    async (req) => ({ account: await accountOfPerson(haven, principalOf(req), req.params.personId) }),
  );

  app.post(
    '/people/:personId/account',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Issue a sign-in account with a temporary passphrase (changed at first sign-in)',
        params: PersonParams,
        body: z.object({ email: Email }),
      },
    },
    async (req, reply) => reply.code(201).send(await issueAccount(haven, principalOf(req), actorOf(req), req.params.personId, req.body.email)),
  );

  app.post(
    '/accounts/:accountId/unlock',
    { schema: { tags: ['accounts'], summary: 'Unlock an account locked after wrong passphrases', params: AccountParams } },
    async (req, reply) => {
      await unlockAccount(haven, principalOf(req), actorOf(req), req.params.accountId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/accounts/:accountId/reset-two-factor',
    { schema: { tags: ['accounts'], summary: 'Clear two-factor so the holder enrols again', params: AccountParams } },
    async (req, reply) => {
      await resetTwoFactor(haven, principalOf(req), actorOf(req), req.params.accountId);
      return reply.code(204).send();
    },
  );
};
