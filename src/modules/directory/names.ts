// How a person's name is shown (preferred name first), names for a set of ids in one query, and a
// school's name (which also says the school is in the trust: every module checks that first).
import type { Executor } from '../../platform/db/index.ts';

export const personName = (p: { given_name: string; family_name: string; preferred_name: string | null }) =>
  `${p.preferred_name ?? p.given_name} ${p.family_name}`;

/** Display names of people of one trust by id (ids of other trusts, or null, are left out). */
export async function namesOf(db: Executor, trustId: string, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('people')
    .select(['id', 'given_name', 'family_name', 'preferred_name'])
    .where('trust_id', '=', trustId)
    .where('id', 'in', wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, personName(r)]));
}

/** A school of the trust, by id (undefined for another trust's school). */
export function schoolById(db: Executor, trustId: string, schoolId: string) {
  return db.selectFrom('schools').select(['id', 'name']).where('trust_id', '=', trustId).where('id', '=', schoolId).executeTakeFirst();
}
