// How a person's name is shown (preferred name first), names for a set of ids in one query, and a
// school's name (which also says the school is in the trust: every module checks that first).
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/index.ts';
import { loaderPer } from '../../platform/db/tick-loader.ts';
import { isUuid } from '../../platform/ids.ts';

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

type SchoolRow = { id: string; name: string };

// Most requests about a school look it up first: lookups arriving together share one query.
const schools = loaderPer(async (db: Executor, keys: string[]) => {
  const pairs = keys.map((k) => k.split('/') as [string, string]);
  const rows = await sql<SchoolRow & { trust_id: string }>`
    SELECT s.trust_id, s.id, s.name FROM schools s
     WHERE (s.trust_id, s.id) IN (SELECT * FROM unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::uuid[]))`.execute(db);
  return new Map(rows.rows.map((r) => [`${r.trust_id}/${r.id}`, { id: r.id, name: r.name }]));
});

/** A school of the trust, by id (undefined for another trust's school). */
export async function schoolById(db: Executor, trustId: string, schoolId: string): Promise<SchoolRow | undefined> {
  if (db.isTransaction || !isUuid(trustId) || !isUuid(schoolId)) {
    return db.selectFrom('schools').select(['id', 'name']).where('trust_id', '=', trustId).where('id', '=', schoolId).executeTakeFirst();
  }
  const school = await schools(db).get(`${trustId}/${schoolId}`);
  return school ? { ...school } : undefined;
}
