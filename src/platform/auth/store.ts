// SQL for accounts, sessions and API tokens.
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

/** Every trust the account belongs to, with its person there and that person's live role grants. */
export async function membershipsOf(
  db: Executor,
  accountId: string,
): Promise<{ trustId: string; trustName: string; personId: string; grants: Grant[] }[]> {
  const people = await db
    .selectFrom('people')
    .innerJoin('trusts', 'trusts.id', 'people.trust_id')
    .select(['people.trust_id', 'people.id', 'trusts.name'])
    .where('people.account_id', '=', accountId)
    .where('people.status', '=', 'active')
    .orderBy('trusts.name')
    .execute();
  if (people.length === 0) return [];
  const roles = await db
    .selectFrom('role_assignments')
    .select(['trust_id', 'person_id', 'role', 'school_id'])
    .where(
      'person_id',
      'in',
      people.map((p) => p.id),
    )
    .where('ended_at', 'is', null)
    .execute();
  return people.map((p) => ({
    trustId: p.trust_id,
    trustName: p.name,
    personId: p.id,
    grants: roles
      .filter((r) => r.trust_id === p.trust_id && r.person_id === p.id)
      .map((r) => ({ role: r.role as Role, schoolId: r.school_id })),
  }));
}
