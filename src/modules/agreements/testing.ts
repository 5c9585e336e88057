// Test helpers for agreements: a school with a headteacher signed in, and publishing a starter.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../platform/auth/roles.ts';
import type { Db } from '../../platform/db/index.ts';
import { buildPerson, buildSchool, buildTrust, buildUser, signIn, type Signed, totpNow } from '../../platform/testing/factories.ts';
import type { TestHaven } from '../../platform/testing/harness.ts';
import type { Audience } from './model.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const TWO_FACTOR: Role[] = ['headteacher', 'dsl', 'deputy_dsl', 'trust_admin'];

/** A user with roles, signed in (with a TOTP code when the role needs two-factor sign-in). */
export async function signedIn(h: TestHaven, trustId: string, schoolId: string | null, roles: Role[]) {
  const tf = roles.some((r) => TWO_FACTOR.includes(r));
  const u = await buildUser(h.db, trustId, schoolId, roles, tf ? { totpSecret: SECRET } : {});
  const auth = await signIn(h.app, u.email, tf ? { totp: totpNow(SECRET, h.clock.now()) } : {});
  return { ...u, auth };
}

export async function schoolWithHead(h: TestHaven) {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id);
  const head = await signedIn(h, trust.id, school.id, ['headteacher']);
  return { trust, school, head, headAuth: head.auth };
}

/** Publishes the starter text of one audience; returns the agreement and version ids. */
export async function publishStarter(app: FastifyInstance, auth: Signed, schoolId: string, audience: Audience) {
  const list = await app.inject({ url: `/api/v1/schools/${schoolId}/agreements`, headers: auth.headers });
  if (list.statusCode !== 200) throw new Error(`list agreements: ${list.statusCode} ${list.body}`);
  const agreement = (list.json() as { agreements: { id: string; audience: string }[] }).agreements.find((a) => a.audience === audience);
  if (!agreement) throw new Error(`no ${audience} agreement`);
  const res = await app.inject({ method: 'POST', url: `/api/v1/agreements/${agreement.id}/publish`, headers: auth.headers });
  if (res.statusCode !== 201) throw new Error(`publish: ${res.statusCode} ${res.body}`);
  return { agreementId: agreement.id, ...(res.json() as { versionId: string; number: number }) };
}

export async function startCampaign(app: FastifyInstance, auth: Signed, schoolId: string, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: `/api/v1/schools/${schoolId}/campaigns`, headers: auth.headers, payload: { title: 'Autumn round', dueOn: '2026-09-30', ...body } });
  if (res.statusCode !== 201) throw new Error(`campaign: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

export async function buildParent(db: Db, trustId: string, pupilIds: string[], over: { email?: string | null; parentalResponsibility?: boolean } = {}) {
  const parent = await buildPerson(db, trustId, { kind: 'parent', email: over.email === undefined ? `parent-${Math.random().toString(36).slice(2, 8)}@example.test` : over.email });
  for (const pupilId of pupilIds) {
    await db
      .insertInto('pupil_parents')
      .values({ trust_id: trustId, pupil_id: pupilId, parent_id: parent.id, parental_responsibility: over.parentalResponsibility ?? true })
      .execute();
  }
  return parent;
}
