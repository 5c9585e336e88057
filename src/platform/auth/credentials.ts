// Self-service credentials: change passphrase, enrol two-factor, reset a forgotten passphrase.
// Secrets (new passphrases, TOTP secrets, reset tokens) never reach the audit trail or logs.
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { audit } from '../audit/service.ts';
import type { ActorRef, Haven } from '../context.ts';
import type { Executor } from '../db/index.ts';
import type { Account } from '../db/schema.ts';
import { AppError, conflict, unauthenticated, unprocessable } from '../errors.ts';
import { afterFailure, newSecret, RESET_TOKEN_LIFETIME, secretHash } from './model.ts';
import { hashPassphrase, passphraseProblem, verifyPassphrase } from './passwords.ts';
import { totpFor, totpValid, type SessionState } from './service.ts';
import { accountByEmail, accountById, membershipsOf } from './store.ts';

/** Words a passphrase must not contain: the person's own name and email. */
const personalWords = (a: Pick<Account, 'email' | 'display_name'>): string[] => [
  a.email,
  a.email.split('@')[0] ?? '',
  ...a.display_name.split(/\s+/),
];

async function checkNewPassphrase(account: Account, passphrase: string): Promise<void> {
  const problem = await passphraseProblem(passphrase, personalWords(account));
  if (problem) throw unprocessable(problem, [{ field: 'newPassword', message: problem }]);
  if (account.password_hash && (await verifyPassphrase(account.password_hash, passphrase))) {
    const msg = 'Choose a passphrase different from the one you have now.';
    throw unprocessable(msg, [{ field: 'newPassword', message: msg }]);
  }
}

async function sessionAccount(haven: Haven, session: SessionState): Promise<Account> {
  const account = await accountById(haven.db, session.accountId);
  if (!account || account.disabled_at) throw unauthenticated();
  return account;
}

async function primaryTrustId(db: Executor, accountId: string): Promise<string | null> {
  return (await membershipsOf(db, accountId))[0]?.trustId ?? null;
}

export async function changePassword(
  haven: Haven,
  session: SessionState,
  actor: ActorRef,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const now = haven.clock.now();
  const account = await sessionAccount(haven, session);
  if (!(await verifyPassphrase(account.password_hash, input.currentPassword))) {
    // A wrong current passphrase counts towards lock-out, so a borrowed session cannot guess it freely.
    const next = afterFailure({ failedAttempts: account.failed_attempts, lockedUntil: account.locked_until }, now);
    await haven.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('accounts')
        .set({ failed_attempts: next.failedAttempts, locked_until: next.lockedUntil, locked_at: next.justLocked ? now : null, updated_at: now })
        .where('id', '=', account.id)
        .execute();
      await audit(tx, haven, actor, {
        trustId: session.trustId,
        action: next.justLocked ? 'auth.account_locked' : 'auth.password_change_failed',
        recordType: 'account',
        recordId: account.id,
        detail: { failedAttempts: next.failedAttempts },
      });
    });
    const msg = 'Your current passphrase is not right.';
    throw unprocessable(msg, [{ field: 'currentPassword', message: msg }]);
  }
  await checkNewPassphrase(account, input.newPassword);
  const hash = await hashPassphrase(input.newPassword);
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('accounts')
      .set({ password_hash: hash, must_change_password: false, failed_attempts: 0, updated_at: now })
      .where('id', '=', account.id)
      .execute();
    // Anyone else signed in as this account (a lost laptop, a shared temporary passphrase) is signed out.
    const revoked = await tx
      .deleteFrom('sessions')
      .where('account_id', '=', account.id)
      .where('id_hash', '<>', session.idHash)
      .executeTakeFirst();
    await audit(tx, haven, actor, {
      trustId: session.trustId,
      action: 'auth.password_changed',
      recordType: 'account',
      recordId: account.id,
      detail: { otherSessionsEnded: Number(revoked.numDeletedRows) },
    });
  });
}

export type TwoFactorSetup = { secret: string; otpauthUrl: string; qrDataUrl: string };

/** Starts enrolment: a new secret is stored but not yet required until confirmed with a code. */
export async function setupTwoFactor(haven: Haven, session: SessionState, actor: ActorRef): Promise<TwoFactorSetup> {
  const now = haven.clock.now();
  const account = await sessionAccount(haven, session);
  if (account.totp_enabled_at) {
    throw conflict('Two-factor sign-in is already set up. To move to a new device, ask an administrator to reset it.');
  }
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  const otpauthUrl = totpFor(secret, account.email).toString();
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('accounts')
      .set({ totp_secret: secret, totp_enabled_at: null, updated_at: now })
      .where('id', '=', account.id)
      .where('totp_enabled_at', 'is', null)
      .execute();
    await audit(tx, haven, actor, { trustId: session.trustId, action: 'auth.two_factor_setup_started', recordType: 'account', recordId: account.id });
  });
  return { secret, otpauthUrl, qrDataUrl };
}

export async function confirmTwoFactor(haven: Haven, session: SessionState, actor: ActorRef, code: string): Promise<void> {
  const now = haven.clock.now();
  const account = await sessionAccount(haven, session);
  if (account.totp_enabled_at) throw conflict('Two-factor sign-in is already set up.');
  if (!account.totp_secret) throw conflict('Start two-factor set-up first, then enter the code your app shows.');
  if (!totpValid(account.totp_secret, code, now)) {
    const msg = 'That code is not right or has expired. Enter the 6-digit code your app shows now.';
    throw unprocessable(msg, [{ field: 'code', message: msg }]);
  }
  await haven.db.transaction().execute(async (tx) => {
    await tx.updateTable('accounts').set({ totp_enabled_at: now, updated_at: now }).where('id', '=', account.id).execute();
    // The code just given proves the second factor for this session too.
    await tx.updateTable('sessions').set({ mfa_passed: true }).where('id_hash', '=', session.idHash).execute();
    await audit(tx, haven, actor, { trustId: session.trustId, action: 'auth.two_factor_enabled', recordType: 'account', recordId: account.id });
  });
}

/**
 * Emails a single-use reset link when the address belongs to an active account. The caller answers
 * 202 whatever happens, so nobody can learn which addresses have accounts.
 */
export async function requestPasswordReset(haven: Haven, actor: ActorRef, email: string): Promise<void> {
  const now = haven.clock.now();
  const account = await accountByEmail(haven.db, email);
  if (!account || account.disabled_at) return;
  const token = newSecret(32);
  const trustId = await primaryTrustId(haven.db, account.id);
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('password_reset_tokens')
      .values({
        token_hash: secretHash(token),
        account_id: account.id,
        created_at: now,
        expires_at: new Date(now.getTime() + RESET_TOKEN_LIFETIME),
      })
      .execute();
    await audit(tx, haven, actor, { trustId, action: 'auth.password_reset_requested', recordType: 'account', recordId: account.id });
  });
  const link = `${haven.config.publicUrl.replace(/\/+$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
  await haven.mail.send({
    trustId,
    to: account.email,
    subject: 'Reset your Haven passphrase',
    text: [
      `Hello ${account.display_name},`,
      '',
      'Someone asked to reset the passphrase of your Haven account. To choose a new one, open this link within an hour:',
      '',
      link,
      '',
      'The link works once. If you did not ask for this, ignore this email: your passphrase stays as it is.',
    ].join('\n'),
    redact: [token],
  });
}

const BAD_RESET = 'This reset link has expired or has already been used. Ask for a new one from the sign-in page.';

export async function completePasswordReset(haven: Haven, actor: ActorRef, input: { token: string; newPassword: string }): Promise<void> {
  const now = haven.clock.now();
  const tokenHash = secretHash(input.token);
  const row = await haven.db.selectFrom('password_reset_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= now) throw new AppError(400, 'Reset link not valid', BAD_RESET, [{ field: 'token', message: BAD_RESET }]);
  const account = await accountById(haven.db, row.account_id);
  if (!account || account.disabled_at) throw new AppError(400, 'Reset link not valid', BAD_RESET, [{ field: 'token', message: BAD_RESET }]);
  await checkNewPassphrase(account, input.newPassword);
  const hash = await hashPassphrase(input.newPassword);
  const trustId = await primaryTrustId(haven.db, account.id);
  await haven.db.transaction().execute(async (tx) => {
    // Claim the token first: of two racing requests only one finds it unused.
    const claimed = await tx
      .updateTable('password_reset_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError(400, 'Reset link not valid', BAD_RESET, [{ field: 'token', message: BAD_RESET }]);
    // Any other outstanding links for the account die with this one.
    await tx
      .updateTable('password_reset_tokens')
      .set({ used_at: now })
      .where('account_id', '=', account.id)
      .where('used_at', 'is', null)
      .execute();
    await tx
      .updateTable('accounts')
      .set({
        password_hash: hash,
        must_change_password: false,
        failed_attempts: 0,
        locked_until: null,
        locked_at: null,
        updated_at: now,
      })
      .where('id', '=', account.id)
      .execute();
    const ended = await tx.deleteFrom('sessions').where('account_id', '=', account.id).executeTakeFirst();
    await audit(tx, haven, { ...actor, accountId: account.id, label: account.email }, {
      trustId,
      action: 'auth.password_reset_completed',
      recordType: 'account',
      recordId: account.id,
      detail: { sessionsEnded: Number(ended.numDeletedRows), wasLocked: Boolean(account.locked_until && account.locked_until > now) },
    });
  });
}
