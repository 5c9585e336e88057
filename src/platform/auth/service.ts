// Signing in and out, sessions and API tokens: the use cases, each audited.
import * as OTPAuth from 'otpauth';
import { audit } from '../audit/service.ts';
import type { ActorRef, Haven } from '../context.ts';
import { AppError, locked, unauthenticated } from '../errors.ts';
import { afterFailure, isLocked, needsTwoFactor, newSecret, SESSION_ABSOLUTE, secretHash, sessionExpired } from './model.ts';
import { verifyPassphrase } from './passwords.ts';
import type { Grant, Principal, Scope } from './policy.ts';
import { accountByEmail, accountById, membershipsOf, sessionWithMemberships, toMemberships } from './store.ts';

export type LoginInput = { email: string; password: string; totp?: string | undefined };
export type Origin = { ip: string | null; userAgent: string | null };

export type LoginResult = {
  sessionToken: string;
  csrfToken: string;
  mustChangePassword: boolean;
  mustEnrolTwoFactor: boolean;
};

export function totpFor(secret: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: 'Haven',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(secret),
  });
}

export function totpValid(secret: string, code: string, at: Date): boolean {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return false;
  return totpFor(secret, 'check').validate({ token, timestamp: at.getTime(), window: 1 }) !== null;
}

export async function login(haven: Haven, input: LoginInput, origin: Origin, replaceSessionToken?: string): Promise<LoginResult> {
  const now = haven.clock.now();
  const account = await accountByEmail(haven.db, input.email);
  const actor: ActorRef = { accountId: account?.id ?? null, label: input.email.slice(0, 200), ...origin };
  const ok = await verifyPassphrase(account?.password_hash ?? null, input.password);

  if (!account || account.disabled_at) {
    await haven.db.transaction().execute((tx) =>
      audit(tx, haven, actor, {
        trustId: null,
        action: 'auth.login_failed',
        recordType: 'account',
        detail: { reason: account ? 'disabled' : 'unknown email' },
      }),
    );
    throw unauthenticated('The email or passphrase is not right. Check both and try again.');
  }
  const memberships = await membershipsOf(haven.db, account.id);
  const trustId = memberships[0]?.trustId ?? null;

  if (isLocked({ failedAttempts: account.failed_attempts, lockedUntil: account.locked_until }, now)) {
    await haven.db
      .transaction()
      .execute((tx) =>
        audit(tx, haven, actor, { trustId, action: 'auth.login_refused_locked', recordType: 'account', recordId: account.id }),
      );
    throw locked(
      'This account is locked after too many wrong passphrases. Ask your school administrator to unlock it, or try again in 30 minutes.',
    );
  }

  if (!ok) {
    const next = afterFailure({ failedAttempts: account.failed_attempts, lockedUntil: account.locked_until }, now);
    await haven.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('accounts')
        .set({
          failed_attempts: next.failedAttempts,
          locked_until: next.lockedUntil,
          locked_at: next.justLocked ? now : null,
          updated_at: now,
        })
        .where('id', '=', account.id)
        .execute();
      await audit(tx, haven, actor, {
        trustId,
        action: next.justLocked ? 'auth.account_locked' : 'auth.login_failed',
        recordType: 'account',
        recordId: account.id,
        detail: { failedAttempts: next.failedAttempts },
      });
    });
    if (next.justLocked) {
      throw locked('This account is now locked after 6 wrong passphrases in a row. Ask your school administrator to unlock it.');
    }
    throw unauthenticated('The email or passphrase is not right. Check both and try again.');
  }

  const twoFactorEnrolled = Boolean(account.totp_enabled_at && account.totp_secret);
  if (twoFactorEnrolled) {
    if (!input.totp) {
      throw new AppError(401, 'Two-factor code needed', 'Enter the 6-digit code from your authenticator app.', [
        { field: 'totp', message: 'required' },
      ]);
    }
    if (!totpValid(account.totp_secret as string, input.totp, now)) {
      await haven.db
        .transaction()
        .execute((tx) => audit(tx, haven, actor, { trustId, action: 'auth.totp_failed', recordType: 'account', recordId: account.id }));
      throw new AppError(401, 'Two-factor code not accepted', 'That code is not right or has expired. Enter the current code.', [
        { field: 'totp', message: 'invalid' },
      ]);
    }
  }

  const mustEnrolTwoFactor = !twoFactorEnrolled && memberships.some((m) => needsTwoFactor(m.grants));
  const sessionToken = newSecret();
  const csrfToken = newSecret(24);
  await haven.db.transaction().execute(async (tx) => {
    // Rotation: the session a browser came in with is dropped; a fresh one is issued.
    if (replaceSessionToken) await tx.deleteFrom('sessions').where('id_hash', '=', secretHash(replaceSessionToken)).execute();
    await tx
      .updateTable('accounts')
      .set({ failed_attempts: 0, locked_until: null, locked_at: null, last_login_at: now, updated_at: now })
      .where('id', '=', account.id)
      .execute();
    await tx
      .insertInto('sessions')
      .values({
        id_hash: secretHash(sessionToken),
        account_id: account.id,
        csrf_token: csrfToken,
        mfa_passed: twoFactorEnrolled,
        trust_id: trustId,
        school_id: null,
        ip: origin.ip,
        user_agent: origin.userAgent,
        created_at: now,
        last_seen_at: now,
        expires_at: new Date(now.getTime() + SESSION_ABSOLUTE),
      })
      .execute();
    await audit(tx, haven, actor, { trustId, action: 'auth.login', recordType: 'account', recordId: account.id });
  });
  return { sessionToken, csrfToken, mustChangePassword: account.must_change_password, mustEnrolTwoFactor };
}

export type SessionState = {
  idHash: string;
  accountId: string;
  csrfToken: string;
  mfaPassed: boolean;
  trustId: string | null;
  schoolId: string | null;
  mustChangePassword: boolean;
  needsTwoFactor: boolean;
  principal: Principal | null;
  trusts: { trustId: string; trustName: string }[];
};

/** Looks up a session cookie; touches its idle timer; null when missing or expired. */
export async function resolveSession(haven: Haven, token: string): Promise<SessionState | null> {
  const now = haven.clock.now();
  const idHash = secretHash(token);
  // The session, its account and the account's grants in one round trip: this runs on every request.
  const row = await sessionWithMemberships(haven.db, idHash);
  if (!row) return null;
  if (sessionExpired({ createdAt: row.created_at, lastSeenAt: row.last_seen_at }, now)) {
    await haven.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  const account = { id: row.account_id, display_name: row.display_name, email: row.email, must_change_password: row.must_change_password };
  if (row.disabled_at) return null;
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    await haven.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }
  const memberships = toMemberships(row.memberships);
  const current = memberships.find((m) => m.trustId === row.trust_id) ?? memberships[0];
  const twoFactor = memberships.some((m) => needsTwoFactor(m.grants));
  const blocked = account.must_change_password || (twoFactor && !row.mfa_passed);
  const principal: Principal | null =
    current && !blocked
      ? {
          accountId: account.id,
          label: account.display_name,
          email: account.email,
          trustId: current.trustId,
          personId: current.personId,
          grants: current.grants,
        }
      : null;
  return {
    idHash,
    accountId: account.id,
    csrfToken: row.csrf_token,
    mfaPassed: row.mfa_passed,
    trustId: current?.trustId ?? null,
    schoolId: row.school_id,
    mustChangePassword: account.must_change_password,
    needsTwoFactor: twoFactor && !row.mfa_passed,
    principal,
    trusts: memberships.map((m) => ({ trustId: m.trustId, trustName: m.trustName })),
  };
}

export async function logout(haven: Haven, session: SessionState, actor: ActorRef): Promise<void> {
  await haven.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sessions').where('id_hash', '=', session.idHash).execute();
    await audit(tx, haven, actor, { trustId: session.trustId, action: 'auth.logout', recordType: 'account', recordId: session.accountId });
  });
}

/** Resolves `Authorization: Bearer hvn_…` to a principal limited by the token's scopes. */
export async function resolveApiToken(haven: Haven, token: string): Promise<Principal | null> {
  const now = haven.clock.now();
  const row = await haven.db
    .selectFrom('api_tokens')
    .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
    .select([
      'api_tokens.trust_id',
      'api_tokens.id',
      'api_tokens.account_id',
      'api_tokens.scopes',
      'api_tokens.school_id',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.name',
      'accounts.display_name',
      'accounts.email',
      'accounts.disabled_at',
    ])
    .where('api_tokens.token_hash', '=', secretHash(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= now || row.disabled_at) return null;
  const membership = (await membershipsOf(haven.db, row.account_id)).find((m) => m.trustId === row.trust_id);
  if (!membership) return null;
  await haven.db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('trust_id', '=', row.trust_id)
    .where('id', '=', row.id)
    .execute();
  return {
    accountId: row.account_id,
    label: `${row.display_name} (token ${row.name})`,
    email: row.email,
    trustId: row.trust_id,
    personId: membership.personId,
    grants: membership.grants satisfies Grant[],
    scopes: row.scopes as Scope[],
    tokenSchoolId: row.school_id,
  };
}
