// Sign in, sign out, and "who am I" for the browser app.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { forbidden, unauthenticated } from '../errors.ts';
import { actorOf, clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../http/auth-hooks.ts';
import { ROLE_LABELS } from './roles.ts';
import { login, logout } from './service.ts';

const LoginBody = z.object({
  email: z.string().trim().email('Enter your email address, like name@school.sch.uk').max(254),
  password: z.string().min(1, 'Enter your passphrase').max(256),
  totp: z.string().max(12).optional(),
});

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const haven = app.haven;

  app.post(
    '/auth/login',
    {
      schema: { tags: ['auth'], summary: 'Sign in with email, passphrase and (when enrolled) a TOTP code', body: LoginBody },
      // Per address and email: slows guessing at one account without locking out a whole school
      // behind one NAT address. Lock-out after six failures is the second wall.
      config: {
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (req) => `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
        },
      },
    },
    async (req, reply) => {
      const result = await login(
        haven,
        req.body,
        { ip: req.ip, userAgent: req.headers['user-agent']?.slice(0, 300) ?? null },
        req.cookies[SESSION_COOKIE],
      );
      setSessionCookie(reply, result.sessionToken, haven.config.production);
      return {
        csrfToken: result.csrfToken,
        mustChangePassword: result.mustChangePassword,
        mustEnrolTwoFactor: result.mustEnrolTwoFactor,
      };
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out of this browser' } }, async (req, reply) => {
    if (req.session) await logout(haven, req.session, actorOf(req));
    clearSessionCookie(reply);
    return reply.code(204).send();
  });

  app.get('/auth/session', { schema: { tags: ['auth'], summary: 'The signed-in account, its schools and roles' } }, async (req) => {
    const s = req.session;
    if (!s) throw unauthenticated();
    const account = await haven.db
      .selectFrom('accounts')
      .select(['id', 'email', 'display_name', 'totp_enabled_at'])
      .where('id', '=', s.accountId)
      .executeTakeFirstOrThrow();
    const p = s.principal;
    const schools = s.trustId
      ? await haven.db.selectFrom('schools').select(['id', 'name']).where('trust_id', '=', s.trustId).orderBy('name').execute()
      : [];
    const grantSchools = new Set(p?.grants.map((g) => g.schoolId));
    const visibleSchools = p?.grants.some((g) => g.schoolId === null) ? schools : schools.filter((sc) => grantSchools.has(sc.id));
    return {
      account: {
        id: account.id,
        email: account.email,
        displayName: account.display_name,
        twoFactorEnabled: Boolean(account.totp_enabled_at),
      },
      csrfToken: s.csrfToken,
      mustChangePassword: s.mustChangePassword,
      mustEnrolTwoFactor: s.needsTwoFactor,
      demo: haven.config.demo,
      trustId: s.trustId,
      trusts: s.trusts,
      schools: visibleSchools,
      currentSchoolId: s.schoolId && visibleSchools.some((x) => x.id === s.schoolId) ? s.schoolId : (visibleSchools[0]?.id ?? null),
      roles: (p?.grants ?? []).map((g) => ({ role: g.role, label: ROLE_LABELS[g.role], schoolId: g.schoolId })),
    };
  });

  app.put(
    '/auth/session/context',
    {
      schema: {
        tags: ['auth'],
        summary: 'Switch the current trust and school',
        body: z.object({ trustId: z.string().uuid(), schoolId: z.string().uuid().nullable() }),
      },
    },
    async (req, reply) => {
      const s = req.session;
      if (!s) throw unauthenticated();
      if (!s.trusts.some((t) => t.trustId === req.body.trustId)) throw forbidden('You are not a member of that trust.');
      if (req.body.schoolId) {
        const school = await haven.db
          .selectFrom('schools')
          .select('id')
          .where('trust_id', '=', req.body.trustId)
          .where('id', '=', req.body.schoolId)
          .executeTakeFirst();
        if (!school) throw forbidden('That school is not part of the trust.');
      }
      await haven.db
        .updateTable('sessions')
        .set({ trust_id: req.body.trustId, school_id: req.body.schoolId })
        .where('id_hash', '=', s.idHash)
        .execute();
      return reply.code(204).send();
    },
  );
};
