// Small factories for test data. Each returns what it made; defaults are believable, never real people.

import type { FastifyInstance } from 'fastify';
import * as OTPAuth from 'otpauth';
import { hashPassphrase } from '../auth/passwords.ts';
import type { Role } from '../auth/roles.ts';
import type { Db } from '../db/index.ts';
import type { NewPerson } from '../db/schema.ts';
import { newId } from '../ids.ts';

let n = 0;
const next = () => ++n;

export async function buildTrust(db: Db, name = `Test Trust ${next()}`) {
  const id = newId();
  await db.insertInto('trusts').values({ id, name }).execute();
  return { id, name };
}

export async function buildSchool(db: Db, trustId: string, name = `Test Primary ${next()}`) {
  const id = newId();
  await db
    .insertInto('schools')
    .values({ trust_id: trustId, id, name, urn: String(100000 + next()) })
    .execute();
  return { id, trustId, name };
}

export async function buildPerson(db: Db, trustId: string, over: Partial<NewPerson> = {}) {
  const id = newId();
  const k = next();
  const row: NewPerson = { trust_id: trustId, id, kind: 'staff', given_name: `Given${k}`, family_name: `Family${k}`, ...over };
  await db.insertInto('people').values(row).execute();
  return { ...row, id };
}

export async function buildPupil(db: Db, trustId: string, schoolId: string, over: Partial<NewPerson> = {}) {
  const k = next();
  return buildPerson(db, trustId, {
    kind: 'pupil',
    school_id: schoolId,
    upn: `A${String(100000000000 + k).slice(1)}${'ABCDEFGHJKLMNPQRTUVWXYZ'[k % 23]}`,
    date_of_birth: '2017-03-04',
    year_group: '4',
    registration_group: '4B',
    key_stage: 'KS2',
    ...over,
  });
}

export const TEST_PASSPHRASE = 'correct staple orbit lantern';

export async function grantRole(db: Db, trustId: string, personId: string, role: Role, schoolId: string | null) {
  await db
    .insertInto('role_assignments')
    .values({ trust_id: trustId, id: newId(), person_id: personId, role, school_id: schoolId })
    .execute();
}

/** A staff member with a sign-in account and the given roles at a school (or trust-wide with null). */
export async function buildUser(
  db: Db,
  trustId: string,
  schoolId: string | null,
  roles: Role[],
  opts: { email?: string; totpSecret?: string; mustChangePassword?: boolean } = {},
) {
  const accountId = newId();
  const k = next();
  const email = opts.email ?? `user${k}-${accountId.slice(-6)}@example.test`;
  await db
    .insertInto('accounts')
    .values({
      id: accountId,
      email,
      display_name: `User ${k}`,
      password_hash: await hashPassphrase(TEST_PASSPHRASE),
      must_change_password: opts.mustChangePassword ?? false,
      totp_secret: opts.totpSecret ?? null,
      totp_enabled_at: opts.totpSecret ? new Date() : null,
    })
    .execute();
  const person = await buildPerson(db, trustId, { school_id: schoolId, account_id: accountId, email });
  for (const role of roles) await grantRole(db, trustId, person.id, role, schoolId);
  return { accountId, personId: person.id, email, trustId, schoolId };
}

export function totpNow(secret: string, at: Date): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at.getTime() });
}

export type Signed = { cookie: string; csrf: string; headers: Record<string, string> };

/** Signs in through the real login endpoint; returns headers for later inject() calls. */
export async function signIn(app: FastifyInstance, email: string, extra: { totp?: string } = {}): Promise<Signed> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: TEST_PASSPHRASE, ...extra } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const cookie = String(raw).split(';')[0] as string;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}
