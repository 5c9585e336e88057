// SQL of the annual review. Every query is scoped by trust (and school where it lists).
import type { Executor } from '../../platform/db/index.ts';
import type { Evidence } from './evidence.ts';
import type { ReviewContent } from './model.ts';
import './tables.ts';
export { schoolById, namesOf } from '../directory/names.ts';

export type ReviewRow = NonNullable<Awaited<ReturnType<typeof reviewById>>>;


export function reviewById(db: Executor, trustId: string, id: string) {
  return db.selectFrom('annual_reviews').selectAll().where('trust_id', '=', trustId).where('id', '=', id).executeTakeFirst();
}

export function reviewForUpdate(tx: Executor, trustId: string, id: string) {
  return tx.selectFrom('annual_reviews').selectAll().where('trust_id', '=', trustId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listReviews(db: Executor, trustId: string, schoolId: string) {
  return db
    .selectFrom('annual_reviews')
    .select(['id', 'school_id', 'period_start', 'period_end', 'status', 'created_at', 'updated_at', 'signed_off_by', 'signed_off_at'])
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .orderBy('period_end', 'desc')
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
}

export function insertReview(tx: Executor, r: { trustId: string; id: string; schoolId: string; periodStart: string; periodEnd: string; content: ReviewContent; by: string; at: Date }) {
  return tx
    .insertInto('annual_reviews')
    .values({
      trust_id: r.trustId,
      id: r.id,
      school_id: r.schoolId,
      period_start: r.periodStart,
      period_end: r.periodEnd,
      participants: JSON.stringify(r.content.participants),
      risk_profile: JSON.stringify(r.content.riskProfile),
      standards: JSON.stringify(r.content.standards),
      items: JSON.stringify(r.content.items),
      created_by: r.by,
      created_at: r.at,
      updated_by: r.by,
      updated_at: r.at,
    })
    .execute();
}

export function saveContent(tx: Executor, trustId: string, id: string, c: ReviewContent, by: string, at: Date) {
  return tx
    .updateTable('annual_reviews')
    .set({
      participants: JSON.stringify(c.participants),
      risk_profile: JSON.stringify(c.riskProfile),
      standards: JSON.stringify(c.standards),
      items: JSON.stringify(c.items),
      updated_by: by,
      updated_at: at,
    })
    .where('trust_id', '=', trustId)
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute();
}

export function signOff(tx: Executor, trustId: string, id: string, s: { by: string; at: Date; note: string | null; evidence: Evidence }) {
  return tx
    .updateTable('annual_reviews')
    .set({ status: 'signed_off', signed_off_by: s.by, signed_off_at: s.at, sign_off_note: s.note, evidence: JSON.stringify(s.evidence) })
    .where('trust_id', '=', trustId)
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute();
}


/** People who may be picked as participants or owners: active staff, governors and IT providers of the school or trust. */
export function directory(db: Executor, trustId: string, schoolId: string) {
  return db
    .selectFrom('people as p')
    .leftJoin('role_assignments as ra', (j) =>
      j
        .onRef('ra.trust_id', '=', 'p.trust_id')
        .onRef('ra.person_id', '=', 'p.id')
        .on('ra.ended_at', 'is', null)
        .on((eb) => eb.or([eb('ra.school_id', '=', schoolId), eb('ra.school_id', 'is', null)])),
    )
    .select(['p.id', 'p.given_name', 'p.family_name', 'p.preferred_name', 'p.kind', 'ra.role'])
    .where('p.trust_id', '=', trustId)
    .where('p.status', '=', 'active')
    .where('p.kind', 'in', ['staff', 'governor', 'it_provider'])
    .where((eb) => eb.or([eb('p.school_id', '=', schoolId), eb('p.school_id', 'is', null), eb('ra.id', 'is not', null)]))
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .limit(2000)
    .execute();
}

export function peopleInTrust(db: Executor, trustId: string, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('people').select(['id', 'status']).where('trust_id', '=', trustId).where('id', 'in', [...ids]).execute();
}
