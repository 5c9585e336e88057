// Pure rules of signing in: lock-out, session expiry, two-factor requirement. No I/O.
import { createHash, randomBytes } from 'node:crypto';
import { HOUR, MINUTE } from '../clock.ts';
import type { Grant } from './policy.ts';
import { TWO_FACTOR_ROLES } from './roles.ts';

export const MAX_FAILED_ATTEMPTS = 6;
export const LOCKOUT_PERIOD = 30 * MINUTE;
export const SESSION_IDLE = 2 * HOUR;
export const SESSION_ABSOLUTE = 12 * HOUR;
export const RESET_TOKEN_LIFETIME = HOUR;

export type LockState = { failedAttempts: number; lockedUntil: Date | null };

export const isLocked = (s: LockState, now: Date): boolean => s.lockedUntil !== null && s.lockedUntil > now;

/** After a wrong passphrase: the sixth failure in a row locks the account for LOCKOUT_PERIOD. */
export function afterFailure(s: LockState, now: Date): LockState & { justLocked: boolean } {
  // A lock that has run out starts a fresh count.
  const base = s.lockedUntil && s.lockedUntil <= now ? 0 : s.failedAttempts;
  const failedAttempts = base + 1;
  const justLocked = failedAttempts >= MAX_FAILED_ATTEMPTS;
  return { failedAttempts, lockedUntil: justLocked ? new Date(now.getTime() + LOCKOUT_PERIOD) : null, justLocked };
}

export const needsTwoFactor = (grants: readonly Grant[]): boolean => grants.some((g) => TWO_FACTOR_ROLES.includes(g.role));

export type SessionTimes = { createdAt: Date; lastSeenAt: Date };

export function sessionExpired(s: SessionTimes, now: Date): boolean {
  return now.getTime() - s.lastSeenAt.getTime() > SESSION_IDLE || now.getTime() - s.createdAt.getTime() > SESSION_ABSOLUTE;
}

/** Secrets handed to a browser or script are random; only their SHA-256 is stored. */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');
