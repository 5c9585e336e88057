// HTTP for changing the directory by hand: people, parent links, school and trust roles.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SCHOOL_ROLES, TRUST_ROLES } from '../../platform/auth/roles.ts';
import { PERSON_KINDS } from '../../platform/db/schema.ts';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import * as service from './manage-service.ts';

const uuid = (name: string) => z.string().uuid(`${name} must be an id (a UUID)`);
const name = (what: string) => z.string().trim().min(1, `${what} cannot be empty`).max(100, `${what} is at most 100 characters`);
const text = (max: number) => z.string().max(max, `at most ${max} characters`).nullable().optional();

const PersonFields = {
  preferredName: text(100),
  email: z.email('must be an email address, like name@school.example').max(254).nullable().optional(),
  phone: text(40),
  jobTitle: text(200),
  upn: z.string().max(20, 'a UPN is 13 characters').nullable().optional(),
  staffCode: z.string().regex(/^[A-Za-z0-9._-]{1,20}$/, 'use up to 20 letters or digits with no spaces').nullable().optional(),
  dateOfBirth: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'send the date as yyyy-mm-dd, e.g. 2017-03-04')
    .nullable()
    .optional(),
  yearGroup: z.string().max(20).nullable().optional(),
  registrationGroup: text(40),
  send: z.boolean('send must be true or false').optional(),
};

/** Options for a DELETE that unlinks or ends something and answers 204. */
const removal = <P extends z.ZodRawShape>(summary: string, params: P) => ({
  schema: { tags: ['directory'], summary, params: z.object(params) },
});

const roleGrant = <R extends readonly [string, ...string[]]>(roles: R) =>
  z.object({ personId: uuid('personId'), role: z.enum(roles, `role must be one of ${roles.join(', ')}`) });

const kind = z.enum(PERSON_KINDS, `kind must be one of ${PERSON_KINDS.join(', ')}`);

export const manageRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;

  app.post(
    '/schools/:schoolId/people',
    {
      schema: {
        tags: ['directory'],
        summary: 'Add a person to a school',
        params: z.object({ schoolId: uuid('schoolId') }),
        body: z.object({ kind, givenName: name('givenName'), familyName: name('familyName'), ...PersonFields }),
      },
    },
    async (req, reply) => {
      const created = await service.createPerson(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body);
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/people/:personId',
    {
      schema: {
        tags: ['directory'],
        summary: "Change a person's details (only the fields sent)",
        params: z.object({ personId: uuid('personId') }),
        body: z.object({
          kind: kind.optional(),
          givenName: name('givenName').optional(),
          familyName: name('familyName').optional(),
          status: z.enum(['active', 'leaver'], 'status must be active or leaver').optional(),
          ...PersonFields,
        }),
      },
    },
    async (req, reply) => {
      await service.updatePerson(haven, principalOf(req), actorOf(req), req.params.personId, req.body);
      return reply.code(204).send();
    },
  );

  app.post(
    '/people/:pupilId/parents',
    {
      schema: {
        tags: ['directory'],
        summary: 'Link a parent or carer to a pupil (or change the link)',
        params: z.object({ pupilId: uuid('pupilId') }),
        body: z.object({
          parentId: uuid('parentId'),
          relationship: z.string().trim().min(1, 'say how they are related, e.g. mother, carer').max(50).default('parent'),
          parentalResponsibility: z.boolean('parentalResponsibility must be true or false').default(true),
        }),
      },
    },
    async (req, reply) => {
      await service.linkParent(haven, principalOf(req), actorOf(req), req.params.pupilId, req.body);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/people/:pupilId/parents/:parentId',
    removal('Unlink a parent or carer from a pupil', { pupilId: uuid('pupilId'), parentId: uuid('parentId') }),
    async (req, reply) => {
      await service.unlinkParent(haven, principalOf(req), actorOf(req), req.params.pupilId, req.params.parentId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/schools/:schoolId/roles',
    {
      schema: {
        tags: ['directory'],
        summary: 'Give a person a role at a school',
        params: z.object({ schoolId: uuid('schoolId') }),
        body: roleGrant(SCHOOL_ROLES),
      },
    },
    async (req, reply) => {
      const created = await service.grantSchoolRole(haven, principalOf(req), actorOf(req), req.params.schoolId, req.body.personId, req.body.role);
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/schools/:schoolId/roles/:assignmentId',
    removal('End a role at a school (kept in the record, never deleted)', { schoolId: uuid('schoolId'), assignmentId: uuid('assignmentId') }),
    async (req, reply) => {
      await service.endSchoolRole(haven, principalOf(req), actorOf(req), req.params.schoolId, req.params.assignmentId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/trust/roles',
    {
      schema: {
        tags: ['directory'],
        summary: 'Give a person a trust-wide role',
        body: roleGrant(TRUST_ROLES),
      },
    },
    async (req, reply) => {
      const created = await service.grantTrustRole(haven, principalOf(req), actorOf(req), req.body.personId, req.body.role);
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/trust/roles/:assignmentId',
    removal('End a trust-wide role (kept in the record, never deleted)', { assignmentId: uuid('assignmentId') }),
    async (req, reply) => {
      await service.endTrustRole(haven, principalOf(req), actorOf(req), req.params.assignmentId);
      return reply.code(204).send();
    },
  );
};
