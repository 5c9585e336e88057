// API tokens for scripts (an IT provider's sync job): scoped, expiring, revocable. The token is shown
// once; only its SHA-256 is kept. Browser sessions manage them; a token cannot mint more tokens.
import { DAY } from '../clock.ts';
import { audit } from '../audit/service.ts';
import type { ActorRef, Haven } from '../context.ts';
import { forbidden, notFound, unprocessable } from '../errors.ts';
import { newId } from '../ids.ts';
import { API_TOKEN_PREFIX, MAX_TOKEN_DAYS, newApiToken, secretHash } from './model.ts';
import { can, type Principal, SCOPES, type Scope } from './policy.ts';

export type TokenSummary = {
  id: string;
  name: string;
  scopes: string[];
  schoolId: string | null;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
};

export type NewToken = { trustId: string; accountId: string; name: string; scopes: string[]; days: number; schoolId?: string | null };

/** Checks and stores a token for an account of the trust. Shared by the API and `haven token create`. */
export async function mintToken(haven: Haven, actor: ActorRef, t: NewToken): Promise<{ id: string; token: string; expiresAt: Date }> {
  const bad = t.scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (t.scopes.length === 0 || bad.length > 0) {
    const msg = `Choose scopes from: ${SCOPES.join(', ')}${bad.length ? ` ("${bad.join('", "')}" is not one)` : ''}.`;
    throw unprocessable(msg, [{ field: 'scopes', message: msg }]);
  }
  if (!Number.isInteger(t.days) || t.days < 1 || t.days > MAX_TOKEN_DAYS) {
    const msg = `A token must expire within 1 to ${MAX_TOKEN_DAYS} days.`;
    throw unprocessable(msg, [{ field: 'days', message: msg }]);
  }
  const name = t.name.trim();
  if (name.length < 1 || name.length > 100) {
    const msg = 'Give the token a name of 1 to 100 characters, saying what uses it.';
    throw unprocessable(msg, [{ field: 'name', message: msg }]);
  }
  if (t.schoolId) {
    const school = await haven.db.selectFrom('schools').select('id').where('trust_id', '=', t.trustId).where('id', '=', t.schoolId).executeTakeFirst();
    if (!school) {
      const msg = 'That school is not part of the trust.';
      throw unprocessable(msg, [{ field: 'schoolId', message: msg }]);
    }
  }
  const now = haven.clock.now();
  const token = newApiToken();
  const id = newId();
  const expiresAt = new Date(now.getTime() + t.days * DAY);
  const scopes = [...new Set(t.scopes)];
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('api_tokens')
      .values({
        trust_id: t.trustId,
        id,
        account_id: t.accountId,
        name,
        token_hash: secretHash(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 4),
        scopes,
        school_id: t.schoolId ?? null,
        created_by: actor.accountId,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await audit(tx, haven, actor, {
      trustId: t.trustId,
      action: 'token.created',
      recordType: 'api_token',
      recordId: id,
      schoolId: t.schoolId ?? null,
      detail: { name, accountId: t.accountId, scopes, expiresAt: expiresAt.toISOString() },
    });
  });
  return { id, token, expiresAt };
}

function requireTokenAdmin(p: Principal): void {
  if (p.scopes) throw forbidden('API tokens are managed from a signed-in browser session, not with another token.');
  if (!can(p, 'tokens.manage', { trustId: p.trustId, schoolId: null })) throw forbidden();
}

export async function listTokens(haven: Haven, p: Principal): Promise<TokenSummary[]> {
  requireTokenAdmin(p);
  const rows = await haven.db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'scopes', 'school_id', 'expires_at', 'last_used_at', 'revoked_at', 'created_at'])
    .where('trust_id', '=', p.trustId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    schoolId: r.school_id,
    expiresAt: r.expires_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  }));
}

/** A token for the signed-in administrator's own account, limited to the scopes asked for. */
export async function createToken(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  input: { name: string; scopes: Scope[]; days: number; schoolId?: string | null | undefined },
) {
  requireTokenAdmin(p);
  return mintToken(haven, actor, { trustId: p.trustId, accountId: p.accountId, ...input });
}

export async function revokeToken(haven: Haven, p: Principal, actor: ActorRef, tokenId: string): Promise<void> {
  requireTokenAdmin(p);
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('api_tokens')
      .select(['id', 'revoked_at', 'school_id'])
      .where('trust_id', '=', p.trustId)
      .where('id', '=', tokenId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('That token');
    if (row.revoked_at) return;
    await tx.updateTable('api_tokens').set({ revoked_at: now }).where('trust_id', '=', p.trustId).where('id', '=', tokenId).execute();
    await audit(tx, haven, actor, { trustId: p.trustId, action: 'token.revoked', recordType: 'api_token', recordId: tokenId, schoolId: row.school_id });
  });
}
