// Administrators manage the sign-in accounts of their staff: issue, unlock, reset two-factor.
// An administrator may act on an account only when their reach covers every school (or the whole
// trust) where its holder works, so a headteacher cannot take over a trust administrator's login.
import { audit } from '../audit/service.ts';
import type { ActorRef, Haven } from '../context.ts';
import type { Executor } from '../db/index.ts';
import { conflict, forbidden, notFound, unprocessable } from '../errors.ts';
import { newId } from '../ids.ts';
import { coversAll, isLocked, temporaryPassphrase } from './model.ts';
import { hashPassphrase } from './passwords.ts';
import { can, type Principal } from './policy.ts';
import { accountByEmail, accountById } from './store.ts';

type Holder = { id: string; schoolId: string | null; kind: string; accountId: string | null; name: string; places: (string | null)[] };

async function holder(db: Executor, trustId: string, where: { personId: string } | { accountId: string }): Promise<Holder | null> {
  let q = db
    .selectFrom('people')
    .select(['id', 'school_id', 'kind', 'account_id', 'given_name', 'family_name', 'preferred_name'])
    .where('trust_id', '=', trustId);
  q = 'personId' in where ? q.where('id', '=', where.personId) : q.where('account_id', '=', where.accountId);
  const person = await q.executeTakeFirst();
  if (!person) return null;
  const roles = await db
    .selectFrom('role_assignments')
    .select('school_id')
    .where('trust_id', '=', trustId)
    .where('person_id', '=', person.id)
    .where('ended_at', 'is', null)
    .execute();
  return {
    id: person.id,
    schoolId: person.school_id,
    kind: person.kind,
    accountId: person.account_id,
    name: `${person.preferred_name ?? person.given_name} ${person.family_name}`,
    places: [...new Set([person.school_id, ...roles.map((r) => r.school_id)])],
  };
}

/** The person, after checking the principal may manage their account; 404 when they cannot even see them. */
async function manageable(haven: Haven, p: Principal, where: { personId: string } | { accountId: string }, what: string): Promise<Holder> {
  const h = await holder(haven.db, p.trustId, where);
  if (!h) throw notFound(what);
  const allowedAt = (schoolId: string | null) => can(p, 'accounts.manage', { trustId: p.trustId, schoolId });
  if (coversAll(allowedAt, h.places)) return h;
  const visible = h.places.some((schoolId) => can(p, 'people.view', { trustId: p.trustId, schoolId }));
  if (!visible) throw notFound(what);
  throw forbidden('Only an administrator for every school where this person works can manage their account.');
}

export type AccountSummary = {
  id: string;
  email: string;
  locked: boolean;
  lockedUntil: string | null;
  twoFactorEnabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
};

export async function accountOfPerson(haven: Haven, p: Principal, personId: string): Promise<AccountSummary | null> {
  const h = await manageable(haven, p, { personId }, 'That person');
  if (!h.accountId) return null;
  const a = await accountById(haven.db, h.accountId);
  if (!a) return null;
  const now = haven.clock.now();
  const locked = isLocked({ failedAttempts: a.failed_attempts, lockedUntil: a.locked_until }, now);
  return {
    id: a.id,
    email: a.email,
    locked,
    lockedUntil: locked ? (a.locked_until?.toISOString() ?? null) : null,
    twoFactorEnabled: Boolean(a.totp_enabled_at),
    mustChangePassword: a.must_change_password,
    lastLoginAt: a.last_login_at?.toISOString() ?? null,
  };
}

const NO_ACCOUNT_KINDS = new Set(['pupil', 'parent']);

/** Creates a sign-in account for a person, with a temporary passphrase they must change on first sign-in. */
export async function issueAccount(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  personId: string,
  email: string,
): Promise<{ accountId: string; temporaryPassphrase: string }> {
  const h = await manageable(haven, p, { personId }, 'That person');
  if (NO_ACCOUNT_KINDS.has(h.kind)) {
    throw unprocessable('Sign-in accounts are for staff, governors, volunteers and IT providers, not for pupils or parents.');
  }
  if (h.accountId) throw conflict('This person already has an account. Unlock it or reset its two-factor instead.');
  if (await accountByEmail(haven.db, email)) {
    throw conflict('Another account already uses that email address. Use a different address.');
  }
  const passphrase = temporaryPassphrase();
  const hash = await hashPassphrase(passphrase);
  const accountId = newId();
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('accounts')
      .values({
        id: accountId,
        email: email.trim(),
        display_name: h.name,
        password_hash: hash,
        must_change_password: true,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const linked = await tx
      .updateTable('people')
      .set({ account_id: accountId, updated_at: now })
      .where('trust_id', '=', p.trustId)
      .where('id', '=', h.id)
      .where('account_id', 'is', null)
      .executeTakeFirst();
    if (Number(linked.numUpdatedRows) !== 1) throw conflict('This person already has an account.');
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      action: 'account.issued',
      recordType: 'account',
      recordId: accountId,
      schoolId: h.schoolId,
      detail: { personId: h.id, email: email.trim() },
    });
  });
  return { accountId, temporaryPassphrase: passphrase };
}

export async function unlockAccount(haven: Haven, p: Principal, actor: ActorRef, accountId: string): Promise<void> {
  const h = await manageable(haven, p, { accountId }, 'That account');
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('accounts').select(['failed_attempts', 'locked_until']).where('id', '=', accountId).executeTakeFirstOrThrow();
    await tx
      .updateTable('accounts')
      .set({ failed_attempts: 0, locked_until: null, locked_at: null, updated_at: now })
      .where('id', '=', accountId)
      .execute();
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      action: 'account.unlocked',
      recordType: 'account',
      recordId: accountId,
      schoolId: h.schoolId,
      detail: { personId: h.id, wasLocked: isLocked({ failedAttempts: before.failed_attempts, lockedUntil: before.locked_until }, now) },
    });
  });
}

/** Clears two-factor so the holder enrols again (a lost phone); their sessions end. */
export async function resetTwoFactor(haven: Haven, p: Principal, actor: ActorRef, accountId: string): Promise<void> {
  const h = await manageable(haven, p, { accountId }, 'That account');
  if (accountId === p.accountId) throw forbidden('Ask another administrator to reset your own two-factor sign-in.');
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    await tx.updateTable('accounts').set({ totp_secret: null, totp_enabled_at: null, updated_at: now }).where('id', '=', accountId).execute();
    const ended = await tx.deleteFrom('sessions').where('account_id', '=', accountId).executeTakeFirst();
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      action: 'account.two_factor_reset',
      recordType: 'account',
      recordId: accountId,
      schoolId: h.schoolId,
      detail: { personId: h.id, sessionsEnded: Number(ended.numDeletedRows) },
    });
  });
}
