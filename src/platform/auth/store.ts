// SQL for accounts, sessions and API tokens.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
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
export async function membershipsOf(
  db: Executor,
  accountId: string,
): Promise<{ trustId: string; trustName: string; personId: string; grants: Grant[] }[]> {
  const rows = await sql<{ trust_id: string; id: string; name: string; grants: { role: Role; schoolId: string | null }[] }>`
    SELECT p.trust_id, p.id, t.name,
           coalesce(json_agg(json_build_object('role', r.role, 'schoolId', r.school_id)) FILTER (WHERE r.role IS NOT NULL), '[]') AS grants
      FROM people p
      JOIN trusts t ON t.id = p.trust_id
      LEFT JOIN role_assignments r ON r.trust_id = p.trust_id AND r.person_id = p.id AND r.ended_at IS NULL
     WHERE p.account_id = ${accountId} AND p.status = 'active'
     GROUP BY p.trust_id, p.id, t.name
     ORDER BY t.name`.execute(db);
  return rows.rows.map((p) => ({ trustId: p.trust_id, trustName: p.name, personId: p.id, grants: p.grants }));
}
