// Thin HTTP for the directory: parse, call the service, shape the answer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERSON_KINDS } from '../../platform/db/schema.ts';
import { actorOf, principalOf } from '../../platform/http/auth-hooks.ts';
import * as service from './service.ts';

const SchoolParams = z.object({ schoolId: z.string().uuid('schoolId must be a school id (a UUID)') });

export const directoryRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;

  app.get('/schools', { schema: { tags: ['directory'], summary: 'Schools you can see' } }, async (req) => {
    const schools = await service.listSchools(haven, principalOf(req));
    return { schools: schools.map((s) => ({ id: s.id, name: s.name, urn: s.urn, phase: s.phase })) };
  });

  app.get(
    '/schools/:schoolId/role-holders',
    { schema: { tags: ['directory'], summary: 'Who to tell: the named role holders of a school', params: SchoolParams } },
    async (req) => service.whoToTell(haven, principalOf(req), req.params.schoolId),
  );

  app.get(
    '/schools/:schoolId/people',
    {
      schema: {
        tags: ['directory'],
        summary: 'Search the people of a school',
        params: SchoolParams,
        querystring: z.object({
          q: z.string().max(100).optional(),
          kind: z.enum(PERSON_KINDS).optional(),
          yearGroup: z.string().max(20).optional(),
          registrationGroup: z.string().max(40).optional(),
          includeLeavers: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).max(100000).default(0),
        }),
      },
    },
    async (req) => {
      const { rows, total } = await service.searchPeople(haven, principalOf(req), {
        schoolId: req.params.schoolId,
        q: req.query.q,
        kind: req.query.kind,
        yearGroup: req.query.yearGroup,
        registrationGroup: req.query.registrationGroup,
        includeLeavers: req.query.includeLeavers === 'true',
        limit: req.query.limit,
        offset: req.query.offset,
      });
      return {
        total,
        people: rows.map((r) => ({
          id: r.id,
          schoolId: r.school_id,
          kind: r.kind,
          name: `${r.preferred_name ?? r.given_name} ${r.family_name}`,
          yearGroup: r.year_group,
          registrationGroup: r.registration_group,
          jobTitle: r.job_title,
          status: r.status,
        })),
      };
    },
  );

  app.get(
    '/people/:personId',
    { schema: { tags: ['directory'], summary: "A person's record", params: z.object({ personId: z.string().uuid() }) } },
    async (req) => service.getPerson(haven, principalOf(req), actorOf(req), req.params.personId),
  );
};
