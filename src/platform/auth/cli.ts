// `haven user create` and `haven token create`. Arguments are checked before the database is
// touched; the work is done by functions that take a Haven so tests can run them directly.
import { options, UsageError } from '../../cli.ts';
import { audit } from '../audit/service.ts';
import { withHaven } from '../cli-haven.ts';
import type { ActorRef, Haven } from '../context.ts';
import type { Executor } from '../db/index.ts';
import { isUuid, newId } from '../ids.ts';
import { mintToken } from './api-tokens.ts';
import { MAX_TOKEN_DAYS, temporaryPassphrase } from './model.ts';
import { hashPassphrase } from './passwords.ts';
import { SCOPES } from './policy.ts';
import { isRole, isTrustRole, ROLES, type Role } from './roles.ts';
import { accountByEmail, membershipsOf } from './store.ts';

const USER_USAGE = 'haven user create --email EMAIL --name NAME --trust TRUST [--school SCHOOL] --role ROLE [--role ROLE…]';
const TOKEN_USAGE =
  'haven token create --email EMAIL --name NAME --scope SCOPE [--scope …] [--days N] [--school SCHOOL] [--trust TRUST]';

const CLI_ACTOR: ActorRef = { accountId: null, label: 'haven CLI', ip: null, userAgent: null };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type UserCreate = { email: string; name: string; trust: string; school: string | null; roles: Role[] };
export type TokenCreate = { email: string; name: string; scopes: string[]; days: number; school: string | null; trust: string | null };

function subcommand(args: string[], usage: string): string[] {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError(`Unknown or missing subcommand${sub ? ` "${sub}"` : ''}.\nUsage: ${usage}`);
  return rest;
}

function required(value: unknown, flag: string, usage: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag} is required.\nUsage: ${usage}`);
  return value.trim();
}

export function parseUserArgs(args: string[]): UserCreate {
  const { values } = options(
    subcommand(args, USER_USAGE),
    { email: { type: 'string' }, name: { type: 'string' }, trust: { type: 'string' }, school: { type: 'string' }, role: { type: 'string', multiple: true } },
    USER_USAGE,
  );
  const email = required(values.email, '--email', USER_USAGE);
  if (!EMAIL.test(email)) throw new UsageError(`--email "${email}" is not an email address.`);
  const roles = (values.role as string[] | undefined) ?? [];
  if (roles.length === 0) throw new UsageError(`Give at least one --role (${ROLES.join(', ')}).\nUsage: ${USER_USAGE}`);
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length) throw new UsageError(`Unknown role "${bad.join('", "')}". Roles are: ${ROLES.join(', ')}.`);
  const school = typeof values.school === 'string' && values.school.trim() ? values.school.trim() : null;
  const schoolRoles = roles.filter((r) => !isTrustRole(r));
  if (schoolRoles.length && !school) throw new UsageError(`The role ${schoolRoles.join(', ')} needs --school SCHOOL.`);
  return { email, name: required(values.name, '--name', USER_USAGE), trust: required(values.trust, '--trust', USER_USAGE), school, roles: roles as Role[] };
}

export function parseTokenArgs(args: string[]): TokenCreate {
  const { values } = options(
    subcommand(args, TOKEN_USAGE),
    {
      email: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      days: { type: 'string' },
      school: { type: 'string' },
      trust: { type: 'string' },
    },
    TOKEN_USAGE,
  );
  const scopes = (values.scope as string[] | undefined) ?? [];
  if (scopes.length === 0) throw new UsageError(`Give at least one --scope (${SCOPES.join(', ')}).\nUsage: ${TOKEN_USAGE}`);
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length) throw new UsageError(`Unknown scope "${bad.join('", "')}". Scopes are: ${SCOPES.join(', ')}.`);
  const daysText = typeof values.days === 'string' ? values.days : '90';
  const days = Number(daysText);
  if (!/^\d+$/.test(daysText) || days < 1 || days > MAX_TOKEN_DAYS) {
    throw new UsageError(`--days must be a whole number from 1 to ${MAX_TOKEN_DAYS}, not "${daysText}".`);
  }
  const opt = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return {
    email: required(values.email, '--email', TOKEN_USAGE),
    name: required(values.name, '--name', TOKEN_USAGE),
    scopes,
    days,
    school: opt(values.school),
    trust: opt(values.trust),
  };
}

/** A trust by id or exact name. */
async function findTrust(db: Executor, ref: string): Promise<{ id: string; name: string }> {
  const rows = await db
    .selectFrom('trusts')
    .select(['id', 'name'])
    .where((eb) => (isUuid(ref) ? eb.or([eb('id', '=', ref), eb('name', '=', ref)]) : eb('name', '=', ref)))
    .execute();
  if (rows.length !== 1 || !rows[0]) throw new UsageError(`No single trust has the id or name "${ref}".`);
  return rows[0];
}

/** A school of the trust by id, exact name or URN. */
async function findSchool(db: Executor, trustId: string, ref: string): Promise<{ id: string; name: string }> {
  const rows = await db
    .selectFrom('schools')
    .select(['id', 'name'])
    .where('trust_id', '=', trustId)
    .where((eb) => {
      const byName = [eb('name', '=', ref), eb('urn', '=', ref)];
      return eb.or(isUuid(ref) ? [eb('id', '=', ref), ...byName] : byName);
    })
    .execute();
  if (rows.length !== 1 || !rows[0]) throw new UsageError(`No single school of the trust has the id, name or URN "${ref}".`);
  return rows[0];
}

/** Makes a staff person with a sign-in account and roles; the temporary passphrase must be changed at first sign-in. */
export async function createUser(haven: Haven, input: UserCreate) {
  const trust = await findTrust(haven.db, input.trust);
  const school = input.school ? await findSchool(haven.db, trust.id, input.school) : null;
  if (await accountByEmail(haven.db, input.email)) throw new UsageError(`An account with the email ${input.email} already exists.`);
  const passphrase = temporaryPassphrase();
  const hash = await hashPassphrase(passphrase);
  const now = haven.clock.now();
  const accountId = newId();
  const personId = newId();
  const words = input.name.trim().split(/\s+/);
  const familyName = words.length > 1 ? (words.pop() as string) : words[0] as string;
  const givenName = words.join(' ') || familyName;
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('accounts')
      .values({ id: accountId, email: input.email, display_name: input.name.trim(), password_hash: hash, must_change_password: true, created_at: now, updated_at: now })
      .execute();
    await tx
      .insertInto('people')
      .values({
        trust_id: trust.id,
        id: personId,
        school_id: school?.id ?? null,
        kind: 'staff',
        given_name: givenName,
        family_name: familyName,
        email: input.email,
        account_id: accountId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const role of new Set(input.roles)) {
      await tx
        .insertInto('role_assignments')
        .values({ trust_id: trust.id, id: newId(), person_id: personId, role, school_id: isTrustRole(role) ? null : (school?.id ?? null), created_at: now })
        .execute();
    }
    await audit(tx, haven, CLI_ACTOR, {
      trustId: trust.id,
      action: 'account.issued',
      recordType: 'account',
      recordId: accountId,
      schoolId: school?.id ?? null,
      detail: { personId, email: input.email, roles: input.roles, via: 'cli' },
    });
  });
  return { accountId, personId, trust, school, temporaryPassphrase: passphrase };
}

/** Makes an API token for an existing account in one of its trusts. */
export async function createTokenFor(haven: Haven, input: TokenCreate) {
  const account = await accountByEmail(haven.db, input.email);
  if (!account) throw new UsageError(`No account has the email ${input.email}. Make one first with: haven user create`);
  const memberships = await membershipsOf(haven.db, account.id);
  let trustId: string;
  if (input.trust) {
    trustId = (await findTrust(haven.db, input.trust)).id;
    if (!memberships.some((m) => m.trustId === trustId)) throw new UsageError(`${input.email} is not a member of that trust.`);
  } else if (memberships.length === 1 && memberships[0]) {
    trustId = memberships[0].trustId;
  } else {
    throw new UsageError(
      memberships.length === 0
        ? `${input.email} is not an active member of any trust.`
        : `${input.email} belongs to several trusts; say which with --trust (${memberships.map((m) => m.trustName).join(', ')}).`,
    );
  }
  const school = input.school ? await findSchool(haven.db, trustId, input.school) : null;
  const made = await mintToken(haven, { ...CLI_ACTOR, label: `haven CLI (for ${account.email})` }, {
    trustId,
    accountId: account.id,
    name: input.name,
    scopes: input.scopes,
    days: input.days,
    schoolId: school?.id ?? null,
  });
  return { ...made, trustId, schoolId: school?.id ?? null };
}

export async function userCommand(args: string[]): Promise<number> {
  const input = parseUserArgs(args);
  const made = await withHaven((haven) => createUser(haven, input));
  process.stdout.write(
    [
      `Created ${input.email} in ${made.trust.name}${made.school ? ` (${made.school.name})` : ''} with role ${input.roles.join(', ')}.`,
      'Temporary passphrase (shown once, not stored; it must be changed at first sign-in):',
      `  ${made.temporaryPassphrase}`,
      '',
    ].join('\n'),
  );
  return 0;
}

export async function tokenCommand(args: string[]): Promise<number> {
  const input = parseTokenArgs(args);
  const made = await withHaven((haven) => createTokenFor(haven, input));
  process.stdout.write(
    [
      `API token "${input.name}" for ${input.email}, scopes ${input.scopes.join(', ')}, expires ${made.expiresAt.toISOString()}.`,
      'Copy it now: it is shown only once and Haven keeps only a hash.',
      `  ${made.token}`,
      'Send it as the header  Authorization: Bearer <token>',
      '',
    ].join('\n'),
  );
  return 0;
}
