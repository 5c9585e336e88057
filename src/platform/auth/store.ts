// SQL for accounts, sessions and API tokens.
import { type RawBuilder, sql } from 'kysely';
import { loaderPer } from '../db/tick-loader.ts';
import type { Executor } from '../db/index.ts';
import { splitSql } from '../db/write-together.ts';
import type { Account } from '../db/schema.ts';
import type { Grant } from './policy.ts';
import type { Role } from './roles.ts';

export function accountByEmail(db: Executor, email: string): Promise<Account | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
}

export function accountById(db: Executor, id: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every trust the account belongs to, with its person there and that person's live role grants (one query). */
type MembershipRow = { trust_id: string; id: string; name: string; grants: { role: Role; schoolId: string | null }[] };

/** The account's memberships (one per trust it is an active person in) with their current grants, as SQL. */
const membershipsSql = (accountId: RawBuilder<unknown> | string) => sql<MembershipRow>`
    SELECT p.trust_id, p.id, t.name,
           coalesce(json_agg(json_build_object('role', r.role, 'schoolId', r.school_id)) FILTER (WHERE r.role IS NOT NULL), '[]') AS grants
      FROM people p
      JOIN trusts t ON t.id = p.trust_id
      LEFT JOIN role_assignments r ON r.trust_id = p.trust_id AND r.person_id = p.id AND r.ended_at IS NULL
     WHERE p.account_id = ${accountId} AND p.status = 'active'
     GROUP BY p.trust_id, p.id, t.name`;

export type Membership = { trustId: string; trustName: string; personId: string; grants: Grant[] };

/** Rows in trust-name order (the SQL sorts them) to memberships. */
export const toMemberships = (rows: readonly MembershipRow[]): Membership[] =>
  rows.map((p) => ({ trustId: p.trust_id, trustName: p.name, personId: p.id, grants: p.grants }));

export async function membershipsOf(db: Executor, accountId: string): Promise<Membership[]> {
  return toMemberships((await sql<MembershipRow>`${membershipsSql(accountId)} ORDER BY t.name`.execute(db)).rows);
}

type SessionRow = {
  id_hash: string;
  account_id: string;
  csrf_token: string;
  mfa_passed: boolean;
  trust_id: string | null;
  school_id: string | null;
  created_at: Date;
  last_seen_at: Date;
  display_name: string;
  email: string;
  disabled_at: Date | null;
  must_change_password: boolean;
  memberships: MembershipRow[];
};

// Every request looks its session up: the lookups of requests that arrive together share one query.
// The hashes travel as one split text, not an SQL array, so the statement keeps one plan (splitSql).
const sessions = loaderPer(async (db: Executor, idHashes: string[]) => {
  const rows = await sql<SessionRow>`
    SELECT s.id_hash, s.account_id, s.csrf_token, s.mfa_passed, s.trust_id, s.school_id, s.created_at, s.last_seen_at,
           a.display_name, a.email, a.disabled_at, a.must_change_password,
           (SELECT coalesce(json_agg(m ORDER BY m.name), '[]') FROM (${membershipsSql(sql.ref('s.account_id'))}) m) AS memberships
      FROM sessions s JOIN accounts a ON a.id = s.account_id
     WHERE s.id_hash = ANY(ARRAY(SELECT ${splitSql(idHashes)}))`.execute(db);
  return new Map(rows.rows.map((r) => [r.id_hash, r]));
});

/** A session with its account and the account's memberships: one round trip, on every request. */
export function sessionWithMemberships(db: Executor, idHash: string): Promise<SessionRow | undefined> {
  return sessions(db).get(idHash);
}
