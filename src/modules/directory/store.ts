// SQL of the directory: schools, people, parents, role assignments. Every query is scoped by trust.
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/index.ts';
import type { NewPerson, PersonKind, PersonUpdate } from '../../platform/db/schema.ts';

export function schoolsOfTrust(db: Executor, trustId: string) {
  return db.selectFrom('schools').selectAll().where('trust_id', '=', trustId).orderBy('name').execute();
}

export function schoolById(db: Executor, trustId: string, schoolId: string) {
  return db.selectFrom('schools').selectAll().where('trust_id', '=', trustId).where('id', '=', schoolId).executeTakeFirst();
}

export type PeopleQuery = {
  trustId: string;
  schoolId: string;
  q?: string | undefined;
  kind?: PersonKind | undefined;
  yearGroup?: string | undefined;
  registrationGroup?: string | undefined;
  includeLeavers?: boolean | undefined;
  limit: number;
  offset: number;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchPeople(db: Executor, q: PeopleQuery) {
  let query = db
    .selectFrom('people')
    .where('trust_id', '=', q.trustId)
    .where((eb) =>
      eb.or([
        eb('school_id', '=', q.schoolId),
        // people serving a school through a role there (IT providers, trust staff, governors)
        eb.exists(
          eb
            .selectFrom('role_assignments as ra')
            .select(sql`1`.as('one'))
            .whereRef('ra.trust_id', '=', 'people.trust_id')
            .whereRef('ra.person_id', '=', 'people.id')
            .where('ra.school_id', '=', q.schoolId)
            .where('ra.ended_at', 'is', null),
        ),
      ]),
    );
  if (!q.includeLeavers) query = query.where('status', '=', 'active');
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.yearGroup) query = query.where('year_group', '=', q.yearGroup);
  if (q.registrationGroup) query = query.where('registration_group', '=', q.registrationGroup);
  if (q.q) {
    for (const word of q.q.trim().split(/\s+/).slice(0, 4)) {
      const like = `${escapeLike(word)}%`;
      query = query.where((eb) =>
        eb.or([
          eb('given_name', 'ilike', like),
          eb('family_name', 'ilike', like),
          eb('preferred_name', 'ilike', like),
          eb('upn', 'ilike', like),
          eb('staff_code', 'ilike', like),
          eb('email', 'ilike', like),
          eb('registration_group', 'ilike', like),
        ]),
      );
    }
  }
  const [rows, total] = await Promise.all([
    query
      .select([
        'id',
        'school_id',
        'kind',
        'given_name',
        'family_name',
        'preferred_name',
        'year_group',
        'registration_group',
        'job_title',
        'status',
      ])
      .orderBy('family_name')
      .orderBy('given_name')
      .orderBy('id')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function personById(db: Executor, trustId: string, personId: string) {
  return db.selectFrom('people').selectAll().where('trust_id', '=', trustId).where('id', '=', personId).executeTakeFirst();
}

export function parentsOf(db: Executor, trustId: string, pupilId: string) {
  return db
    .selectFrom('pupil_parents as pp')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'pp.trust_id').onRef('p.id', '=', 'pp.parent_id'))
    .select(['p.id', 'p.given_name', 'p.family_name', 'p.email', 'p.phone', 'pp.relationship', 'pp.parental_responsibility'])
    .where('pp.trust_id', '=', trustId)
    .where('pp.pupil_id', '=', pupilId)
    .execute();
}

export function childrenOf(db: Executor, trustId: string, parentId: string) {
  return db
    .selectFrom('pupil_parents as pp')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'pp.trust_id').onRef('p.id', '=', 'pp.pupil_id'))
    .select(['p.id', 'p.given_name', 'p.family_name', 'p.year_group', 'p.registration_group', 'pp.relationship'])
    .where('pp.trust_id', '=', trustId)
    .where('pp.parent_id', '=', parentId)
    .execute();
}

export function rolesOf(db: Executor, trustId: string, personId: string) {
  return db
    .selectFrom('role_assignments')
    .select(['id', 'role', 'school_id', 'created_at'])
    .where('trust_id', '=', trustId)
    .where('person_id', '=', personId)
    .where('ended_at', 'is', null)
    .execute();
}

/** Live holders of roles at a school, plus the trust-wide roles of its trust. */
export function roleHolders(db: Executor, trustId: string, schoolId: string) {
  return db
    .selectFrom('role_assignments as ra')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'ra.trust_id').onRef('p.id', '=', 'ra.person_id'))
    .select(['ra.id', 'ra.role', 'ra.school_id', 'p.id as person_id', 'p.given_name', 'p.family_name', 'p.email', 'p.phone', 'p.job_title'])
    .where('ra.trust_id', '=', trustId)
    .where('ra.ended_at', 'is', null)
    .where('p.status', '=', 'active')
    .where((eb) => eb.or([eb('ra.school_id', '=', schoolId), eb('ra.school_id', 'is', null)]))
    .orderBy('p.family_name')
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Changes made by hand (manage-service.ts)

export function personByUpn(db: Executor, trustId: string, upn: string) {
  return db.selectFrom('people').select(['id']).where('trust_id', '=', trustId).where('upn', '=', upn).executeTakeFirst();
}

export function personByStaffCode(db: Executor, trustId: string, schoolId: string | null, staffCode: string) {
  let q = db.selectFrom('people').select(['id']).where('trust_id', '=', trustId).where('staff_code', '=', staffCode);
  q = schoolId === null ? q.where('school_id', 'is', null) : q.where('school_id', '=', schoolId);
  return q.executeTakeFirst();
}

export function insertPerson(db: Executor, row: NewPerson) {
  return db.insertInto('people').values(row).execute();
}

export function updatePersonById(db: Executor, trustId: string, personId: string, set: PersonUpdate) {
  return db.updateTable('people').set(set).where('trust_id', '=', trustId).where('id', '=', personId).execute();
}

export function linkParent(db: Executor, row: { trustId: string; pupilId: string; parentId: string; relationship: string; parentalResponsibility: boolean; at: Date }) {
  return db
    .insertInto('pupil_parents')
    .values({
      trust_id: row.trustId,
      pupil_id: row.pupilId,
      parent_id: row.parentId,
      relationship: row.relationship,
      parental_responsibility: row.parentalResponsibility,
      created_at: row.at,
    })
    .onConflict((oc) =>
      oc.columns(['trust_id', 'pupil_id', 'parent_id']).doUpdateSet({
        relationship: row.relationship,
        parental_responsibility: row.parentalResponsibility,
      }),
    )
    .execute();
}

export async function unlinkParent(db: Executor, trustId: string, pupilId: string, parentId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('pupil_parents')
    .where('trust_id', '=', trustId)
    .where('pupil_id', '=', pupilId)
    .where('parent_id', '=', parentId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function liveAssignment(db: Executor, trustId: string, personId: string, schoolId: string | null, role: string) {
  let q = db
    .selectFrom('role_assignments')
    .select(['id'])
    .where('trust_id', '=', trustId)
    .where('person_id', '=', personId)
    .where('role', '=', role)
    .where('ended_at', 'is', null);
  q = schoolId === null ? q.where('school_id', 'is', null) : q.where('school_id', '=', schoolId);
  return q.executeTakeFirst();
}

export function insertAssignment(db: Executor, row: { trustId: string; id: string; personId: string; schoolId: string | null; role: string; at: Date }) {
  return db
    .insertInto('role_assignments')
    .values({ trust_id: row.trustId, id: row.id, person_id: row.personId, school_id: row.schoolId, role: row.role, created_at: row.at })
    .execute();
}

export function assignmentById(db: Executor, trustId: string, id: string) {
  return db.selectFrom('role_assignments').selectAll().where('trust_id', '=', trustId).where('id', '=', id).executeTakeFirst();
}

export function endAssignment(db: Executor, trustId: string, id: string, at: Date) {
  return db
    .updateTable('role_assignments')
    .set({ ended_at: at })
    .where('trust_id', '=', trustId)
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}
