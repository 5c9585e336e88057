// Who is calling: a browser session (cookie, with a CSRF header on every change) or an API token
// (Bearer). Routes ask `principalOf(req)` and `authorizeOn(req, action, target)`; nothing is allowed
// by default.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Action, can, type Principal, type Target } from '../auth/policy.ts';
import { resolveApiToken, resolveSession, type SessionState } from '../auth/service.ts';
import type { ActorRef } from '../context.ts';
import { AppError, forbidden, unauthenticated } from '../errors.ts';

export const SESSION_COOKIE = 'haven_session';
export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CSRF_EXEMPT = new Set(['/api/v1/auth/login']);

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionState | null;
    principal: Principal | null;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerAuth(app: FastifyInstance): void {
  app.decorateRequest('session', null);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw unauthenticated('Send the API token as "Authorization: Bearer <token>".');
      const principal = await resolveApiToken(app.haven, match[1]);
      if (!principal) throw unauthenticated('This API token is not valid: it may have expired or been revoked. Ask for a new one.');
      req.principal = principal;
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(app.haven, token);
    if (!session) return;
    // Signing in again replaces the session, so it needs no token from the old one; public pages
    // (parent links, class kiosks) act by their own single-use token and never by the session.
    const path = req.url.split('?')[0] ?? '';
    if (UNSAFE.has(req.method) && !CSRF_EXEMPT.has(path) && !path.startsWith('/api/v1/public/')) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
        throw new AppError(403, 'Missing security token', `Reload the page and try again (the ${CSRF_HEADER} header did not match).`);
      }
    }
    req.session = session;
    req.principal = session.principal;
  });
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: 12 * 3600 });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The signed-in principal, or a 401/403 that says what to finish first. */
export function principalOf(req: FastifyRequest): Principal {
  if (req.principal) return req.principal;
  if (req.session?.mustChangePassword) throw forbidden('Choose a new passphrase before you continue.');
  if (req.session?.needsTwoFactor) throw forbidden('Set up two-factor sign-in before you continue.');
  if (req.session) throw forbidden('Your account is not linked to a school yet. Ask your administrator.');
  throw unauthenticated();
}

export function authorizeOn(req: FastifyRequest, action: Action, target: Target): Principal {
  const principal = principalOf(req);
  if (!can(principal, action, target)) throw forbidden();
  return principal;
}

export function actorOf(req: FastifyRequest): ActorRef {
  const ua = req.headers['user-agent'];
  return {
    accountId: req.principal?.accountId ?? req.session?.accountId ?? null,
    label: req.principal?.label ?? 'anonymous',
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null,
  };
}
