// Test fixtures for concerns: a school with every role signed in, and small request helpers.
import { randomBytes } from 'node:crypto';
import type { Role } from '../../platform/auth/roles.ts';
import { buildPupil, buildSchool, buildTrust, buildUser, type Signed, signIn, totpNow } from '../../platform/testing/factories.ts';
import type { TestHaven } from '../../platform/testing/harness.ts';

export const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const TWO_FACTOR: Role[] = ['headteacher', 'dsl', 'deputy_dsl', 'trust_admin'];

export type Member = { personId: string; accountId: string; email: string; s: Signed };

export async function member(h: TestHaven, trustId: string, schoolId: string | null, roles: Role[]): Promise<Member> {
  const tf = roles.some((r) => TWO_FACTOR.includes(r));
  const u = await buildUser(h.db, trustId, schoolId, roles, tf ? { totpSecret: SECRET } : {});
  const s = await signIn(h.app, u.email, tf ? { totp: totpNow(SECRET, h.clock.now()) } : {});
  return { personId: u.personId, accountId: u.accountId, email: u.email, s };
}

export async function world(h: TestHaven, schoolName = `Ash Brook Primary ${randomBytes(3).toString('hex')}`) {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id, schoolName);
  const other = await buildSchool(h.db, trust.id);
  const [dsl, deputy, osl, head, teacher, teacher2, chair, ceo, tsl, otherDsl] = await Promise.all([
    member(h, trust.id, school.id, ['dsl']),
    member(h, trust.id, school.id, ['deputy_dsl']),
    member(h, trust.id, school.id, ['online_safety_lead']),
    member(h, trust.id, school.id, ['headteacher']),
    member(h, trust.id, school.id, ['teacher']),
    member(h, trust.id, school.id, ['teacher']),
    member(h, trust.id, school.id, ['chair_of_governors']),
    member(h, trust.id, null, ['trust_ceo']),
    member(h, trust.id, null, ['trust_safeguarding_lead']),
    member(h, trust.id, other.id, ['dsl']),
  ]);
  const pupil = await buildPupil(h.db, trust.id, school.id, { given_name: 'Robin', family_name: 'Quill' });
  return { trust, school, other, dsl, deputy, osl, head, teacher, teacher2, chair, ceo, tsl, otherDsl, pupil };
}
export type World = Awaited<ReturnType<typeof world>>;

export const baseReport = (over: Record<string, unknown> = {}) => ({
  whatHappened: 'Saw a pupil on a gambling site in ICT suite',
  occurredAt: '2026-09-01T07:30:00Z',
  location: 'ICT suite',
  device: 'PC 12',
  involved: [],
  urls: ['https://example.test/bet'],
  area: 'commerce',
  type: 'inappropriate_website',
  toldDslInPerson: false,
  urgent: false,
  mayBeIndecentImages: false,
  ...over,
});

export async function report(h: TestHaven, who: Member, schoolId: string, over: Record<string, unknown> = {}) {
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/schools/${schoolId}/concerns`, headers: who.s.headers, payload: baseReport(over) });
  if (res.statusCode !== 201) throw new Error(`report failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; reference: string };
}

export async function call(h: TestHaven, who: Member, method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, payload?: unknown) {
  return h.app.inject({ method, url: `/api/v1${url}`, headers: who.s.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
}

export async function go(h: TestHaven, who: Member, concernId: string, body: Record<string, unknown>) {
  return call(h, who, 'POST', `/concerns/${concernId}/transitions`, body);
}

type Part = [name: string, value: string | { filename: string; content: Buffer | string; type?: string }];

export function form(parts: Part[]) {
  const boundary = `----haven${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of parts) {
    const disposition =
      typeof value === 'string'
        ? `form-data; name="${name}"`
        : `form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.type ?? 'text/plain'}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
