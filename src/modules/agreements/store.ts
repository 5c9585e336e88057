// Queries for agreements and consents. Every query is filtered by trust_id.
import type { Executor } from '../../platform/db/index.ts';
import type { AcceptanceFact, Candidate, Group, Method } from './model.ts';
import './tables.ts';
export { schoolById } from '../directory/names.ts';


export const agreementsOf = (db: Executor, trustId: string, schoolId: string) =>
  db.selectFrom('agreements').selectAll().where('trust_id', '=', trustId).where('school_id', '=', schoolId).orderBy('created_at').orderBy('id').execute();

export const agreementById = (db: Executor, trustId: string, agreementId: string) =>
  db.selectFrom('agreements').selectAll().where('trust_id', '=', trustId).where('id', '=', agreementId).executeTakeFirst();

export const versionsOf = (db: Executor, trustId: string, agreementId: string) =>
  db.selectFrom('agreement_versions').selectAll().where('trust_id', '=', trustId).where('agreement_id', '=', agreementId).orderBy('number', 'desc').execute();

export async function latestVersions(db: Executor, trustId: string, agreementIds: string[]) {
  if (agreementIds.length === 0) return [];
  return db
    .selectFrom('agreement_versions')
    .selectAll()
    .distinctOn('agreement_id')
    .where('trust_id', '=', trustId)
    .where('agreement_id', 'in', agreementIds)
    .orderBy('agreement_id')
    .orderBy('number', 'desc')
    .execute();
}

export const versionById = (db: Executor, trustId: string, versionId: string) =>
  db
    .selectFrom('agreement_versions as v')
    .innerJoin('agreements as a', (j) => j.onRef('a.trust_id', '=', 'v.trust_id').onRef('a.id', '=', 'v.agreement_id'))
    .select(['v.id', 'v.agreement_id', 'v.number', 'v.title', 'v.text', 'v.published_at', 'v.published_by', 'a.audience', 'a.school_id'])
    .where('v.trust_id', '=', trustId)
    .where('v.id', '=', versionId)
    .executeTakeFirst();

export type CandidateRow = Candidate & { name: string; givenName: string; familyName: string; preferredName: string | null; email: string | null; accountId: string | null; createdAt: Date };

/** Active people of a school who could be covered by a campaign. */
export async function candidates(db: Executor, trustId: string, schoolId: string, kinds: readonly string[]): Promise<CandidateRow[]> {
  const rows = await db
    .selectFrom('people as p')
    .leftJoin('accounts as a', 'a.id', 'p.account_id')
    .select([
      'p.id',
      'p.kind',
      'p.status',
      'p.year_group',
      'p.registration_group',
      'p.given_name',
      'p.family_name',
      'p.preferred_name',
      'p.email',
      'a.email as account_email',
      'p.account_id',
      'p.created_at',
    ])
    .where('p.trust_id', '=', trustId)
    .where('p.school_id', '=', schoolId)
    .where('p.status', '=', 'active')
    .where('p.kind', 'in', kinds as never)
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    yearGroup: r.year_group,
    registrationGroup: r.registration_group,
    name: `${r.preferred_name ?? r.given_name} ${r.family_name}`,
    givenName: r.given_name,
    familyName: r.family_name,
    preferredName: r.preferred_name,
    email: r.account_email ?? r.email,
    accountId: r.account_id,
    createdAt: r.created_at,
  }));
}

export function kindsFor(groups: readonly Group[]): string[] {
  const kinds = new Set<string>();
  for (const g of groups) {
    if (g.kind === 'staff') {
      kinds.add('staff');
      kinds.add('volunteer');
    } else if (g.kind === 'community') kinds.add('community');
    else kinds.add('pupil');
  }
  return [...kinds];
}

/** Every acceptance of a version (optionally for some people), with its withdrawal if any. */
export async function acceptanceFacts(db: Executor, trustId: string, versionIds: string[], personIds?: string[]): Promise<(AcceptanceFact & { versionId: string })[]> {
  if (versionIds.length === 0 || personIds?.length === 0) return [];
  let q = db
    .selectFrom('agreement_acceptances as a')
    .leftJoin('agreement_withdrawals as w', (j) => j.onRef('w.trust_id', '=', 'a.trust_id').onRef('w.acceptance_id', '=', 'a.id'))
    .select(['a.id', 'a.person_id', 'a.version_id', 'a.accepted_at', 'a.method', 'a.recorded_by', 'w.withdrawn_at', 'w.reason'])
    .where('a.trust_id', '=', trustId)
    .where('a.version_id', 'in', versionIds);
  if (personIds) q = q.where('a.person_id', 'in', personIds);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    versionId: r.version_id,
    at: r.accepted_at,
    method: r.method as Method,
    recordedBy: r.recorded_by,
    withdrawnAt: r.withdrawn_at,
    withdrawReason: r.reason,
  }));
}

export const campaignById = (db: Executor, trustId: string, campaignId: string) =>
  db.selectFrom('agreement_campaigns').selectAll().where('trust_id', '=', trustId).where('id', '=', campaignId).executeTakeFirst();

export const campaignsOf = (db: Executor, trustId: string, schoolId: string) =>
  db.selectFrom('agreement_campaigns').selectAll().where('trust_id', '=', trustId).where('school_id', '=', schoolId).orderBy('due_on', 'desc').orderBy('id', 'desc').execute();

/** Parents with parental responsibility of some pupils, with an address to write to. */
export async function parentsOf(db: Executor, trustId: string, pupilIds: string[]) {
  if (pupilIds.length === 0) return [];
  return db
    .selectFrom('pupil_parents as pp')
    .innerJoin('people as p', (j) => j.onRef('p.trust_id', '=', 'pp.trust_id').onRef('p.id', '=', 'pp.parent_id'))
    .select(['pp.pupil_id', 'pp.parent_id', 'p.given_name', 'p.family_name', 'p.email'])
    .where('pp.trust_id', '=', trustId)
    .where('pp.pupil_id', 'in', pupilIds)
    .where('pp.parental_responsibility', '=', true)
    .where('p.status', '=', 'active')
    .execute();
}

export async function consentRecords(db: Executor, trustId: string, pupilIds: string[]) {
  if (pupilIds.length === 0) return [];
  return db
    .selectFrom('consent_records')
    .selectAll()
    .where('trust_id', '=', trustId)
    .where('pupil_id', 'in', pupilIds)
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export const personById = (db: Executor, trustId: string, personId: string) =>
  db.selectFrom('people').selectAll().where('trust_id', '=', trustId).where('id', '=', personId).executeTakeFirst();

export const parentLinkByHash = (db: Executor, hash: string) =>
  db.selectFrom('agreement_parent_links').selectAll().where('token_hash', '=', hash).executeTakeFirst();

export const kioskByHash = (db: Executor, hash: string) => db.selectFrom('agreement_kiosks').selectAll().where('token_hash', '=', hash).executeTakeFirst();

/** Marks a single-use link used only if it is not yet: of two simultaneous uses exactly one wins. */
export async function spendLink(tx: Executor, table: 'agreement_parent_links' | 'agreement_withdraw_links', trustId: string, linkId: string, now: Date): Promise<boolean> {
  const r = await tx.updateTable(table).set({ used_at: now }).where('trust_id', '=', trustId).where('id', '=', linkId).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
