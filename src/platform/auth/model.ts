// Pure rules of signing in: lock-out, session expiry, two-factor requirement. No I/O.
import { createHash, randomBytes, randomInt } from 'node:crypto';
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

export const API_TOKEN_PREFIX = 'hvn_';
export const MAX_TOKEN_DAYS = 365;

/** An API token: recognisable prefix plus 32 random bytes. Only its SHA-256 is kept. */
export const newApiToken = (): string => `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

// No 0/o, 1/l/i: a temporary passphrase is often read aloud or copied from paper.
const TEMP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-off passphrase for an issued account: four groups of five (about 99 bits). */
export function temporaryPassphrase(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/** Whether the admin's own reach covers every place the target account works (school ids; null = trust-wide). */
export function coversAll(allowedAt: (schoolId: string | null) => boolean, targetPlaces: readonly (string | null)[]): boolean {
  return targetPlaces.length > 0 && targetPlaces.every(allowedAt);
}
