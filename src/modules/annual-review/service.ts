// Annual review use cases: start, fill in, sign off (once, by a governor), print. Every change and
// every printed copy writes an audit event in the same transaction.
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import { AppError, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { computeEvidence, type Evidence } from './evidence.ts';
import {
  checkContent,
  checkEdit,
  checkPeriod,
  checkSignOff,
  emptyRiskProfile,
  emptyStandards,
  JUDGEMENT_LABELS,
  nextDue,
  PARTICIPANT_LABELS,
  type Refusal,
  type ReviewContent,
  SIGN_OFF_ROLES,
  STANDARDS,
} from './model.ts';
import * as store from './store.ts';

function person(p: Principal): string {
  if (p.scopes) throw forbidden('Annual reviews are made by people, not API tokens.');
  if (!p.personId) throw forbidden('Your account is not linked to a person in this trust.');
  return p.personId;
}

const rolesAt = (p: Principal, schoolId: string): Role[] => p.grants.filter((g) => g.schoolId === null || g.schoolId === schoolId).map((g) => g.role);
const VIEW_DENIED = 'The annual review is for senior leaders, safeguarding and online safety leads, the IT provider, governors and the trust.';

async function requireSchool(haven: Haven, p: Principal, schoolId: string) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school || rolesAt(p, schoolId).length === 0) throw notFound('That school');
  return school;
}

async function loadReview(haven: Haven, p: Principal, reviewId: string) {
  person(p);
  const row = await store.reviewById(haven.db, p.trustId, reviewId);
  if (!row || rolesAt(p, row.school_id).length === 0) throw notFound('That review');
  if (!can(p, 'annualreview.view', { trustId: p.trustId, schoolId: row.school_id })) throw forbidden(VIEW_DENIED);
  return row;
}

const refusal = (r: Refusal) => (r.status === 422 ? unprocessable(r.reason, r.problems) : new AppError(r.status, r.status === 403 ? 'Not allowed' : 'Conflict', r.reason));
const contentOf = (r: store.ReviewRow): ReviewContent => ({ participants: r.participants, riskProfile: r.risk_profile, standards: r.standards, items: r.items });

export async function listReviews(haven: Haven, p: Principal, schoolId: string) {
  person(p);
  await requireSchool(haven, p, schoolId);
  if (!can(p, 'annualreview.view', { trustId: p.trustId, schoolId })) throw forbidden(VIEW_DENIED);
  const rows = await store.listReviews(haven.db, p.trustId, schoolId);
  const names = await store.namesOf(haven.db, p.trustId, rows.map((r) => r.signed_off_by));
  const last = rows.filter((r) => r.signed_off_at).map((r) => r.signed_off_at as Date).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const due = nextDue(last, haven.clock.now());
  return {
    mayStart: can(p, 'annualreview.edit', { trustId: p.trustId, schoolId }),
    lastSignedOffAt: last,
    nextDueAt: due.nextDueAt,
    overdue: due.overdue,
    reviews: rows.map((r) => ({
      id: r.id,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      status: r.status,
      updatedAt: r.updated_at,
      signedOff: r.signed_off_by ? { personId: r.signed_off_by, name: names.get(r.signed_off_by) ?? 'Unknown', at: r.signed_off_at } : null,
    })),
  };
}

export async function startReview(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: { periodStart: string; periodEnd: string }) {
  const me = person(p);
  await requireSchool(haven, p, schoolId);
  if (!can(p, 'annualreview.edit', { trustId: p.trustId, schoolId })) throw forbidden('The review is started by a senior leader, the DSL, the online safety lead or a governor.');
  const problems = checkPeriod(input.periodStart, input.periodEnd);
  if (problems.length > 0) throw unprocessable(problems.map((x) => x.message).join(' '), problems);
  const id = newId();
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    await store.insertReview(tx, {
      trustId: p.trustId,
      id,
      schoolId,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      content: { participants: [], riskProfile: emptyRiskProfile(), standards: emptyStandards(), items: [] },
      by: me,
      at: now,
    });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'annualreview.start', recordType: 'annual_review', recordId: id, detail: { periodStart: input.periodStart, periodEnd: input.periodEnd } });
  });
  return { id, status: 'draft' as const };
}

async function view(haven: Haven, p: Principal, r: store.ReviewRow, evidence: Evidence) {
  const c = contentOf(r);
  const names = await store.namesOf(haven.db, p.trustId, [...c.participants.map((x) => x.personId), ...c.items.map((x) => x.ownerPersonId), r.signed_off_by, r.updated_by, r.created_by]);
  const name = (id: string | null) => (id ? (names.get(id) ?? 'Unknown') : null);
  return {
    id: r.id,
    schoolId: r.school_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    status: r.status,
    participants: c.participants.map((x) => ({ ...x, roleLabel: PARTICIPANT_LABELS[x.role], name: name(x.personId) })),
    riskProfile: c.riskProfile,
    standards: STANDARDS.map((s) => ({
      key: s.key,
      title: s.title,
      prompt: s.prompt,
      judgement: c.standards[s.key]?.judgement ?? null,
      judgementLabel: c.standards[s.key]?.judgement ? JUDGEMENT_LABELS[c.standards[s.key].judgement!] : null,
      notes: c.standards[s.key]?.notes ?? '',
    })),
    items: c.items.map((x) => ({ ...x, ownerName: name(x.ownerPersonId) })),
    evidence,
    evidenceFrozen: r.status === 'signed_off',
    created: { personId: r.created_by, name: name(r.created_by), at: r.created_at },
    updated: { personId: r.updated_by, name: name(r.updated_by), at: r.updated_at },
    signedOff: r.signed_off_by ? { personId: r.signed_off_by, name: name(r.signed_off_by), at: r.signed_off_at, note: r.sign_off_note } : null,
  };
}

/** Evidence as of now for a draft; as it was at sign-off for a signed-off review. */
const evidenceFor = (haven: Haven, r: store.ReviewRow) =>
  r.evidence ? Promise.resolve(r.evidence) : computeEvidence(haven.db, r.trust_id, r.school_id, r.period_start, r.period_end, haven.clock.now());

export async function getReview(haven: Haven, p: Principal, reviewId: string) {
  const r = await loadReview(haven, p, reviewId);
  const target = { trustId: p.trustId, schoolId: r.school_id };
  const people = await store.directory(haven.db, p.trustId, r.school_id);
  const directory = new Map<string, { personId: string; name: string; kind: string; roles: string[] }>();
  for (const x of people) {
    const entry = directory.get(x.id) ?? { personId: x.id, name: `${x.preferred_name ?? x.given_name} ${x.family_name}`, kind: x.kind, roles: [] };
    if (x.role && !entry.roles.includes(x.role)) entry.roles.push(x.role);
    directory.set(x.id, entry);
  }
  return {
    ...(await view(haven, p, r, await evidenceFor(haven, r))),
    mayEdit: r.status === 'draft' && can(p, 'annualreview.edit', target),
    maySignOff: r.status === 'draft' && can(p, 'annualreview.sign_off', target),
    directory: [...directory.values()],
  };
}

async function checkPeople(haven: Haven, p: Principal, c: ReviewContent) {
  const ids = [...new Set([...c.participants.map((x) => x.personId), ...c.items.map((x) => x.ownerPersonId).filter((x): x is string => Boolean(x))])];
  const found = await store.peopleInTrust(haven.db, p.trustId, ids);
  const missing = ids.filter((id) => !found.some((f) => f.id === id && f.status === 'active'));
  if (missing.length > 0) throw unprocessable('Some people chosen are not active people of this trust. Choose them again from the list.', missing.map((id) => ({ field: 'personId', message: `${id} is not an active person of this trust.` })));
}

export async function saveReview(haven: Haven, p: Principal, actor: ActorRef, reviewId: string, content: ReviewContent) {
  const me = person(p);
  const found = await loadReview(haven, p, reviewId);
  if (!can(p, 'annualreview.edit', { trustId: p.trustId, schoolId: found.school_id })) throw forbidden('You can read this review but not change it.');
  const problems = checkContent(content);
  if (problems.length > 0) throw unprocessable(problems.map((x) => x.message).join(' '), problems);
  await checkPeople(haven, p, content);
  const now = haven.clock.now();
  const refused = await haven.db.transaction().execute(async (tx) => {
    const r = await store.reviewForUpdate(tx, p.trustId, reviewId);
    if (!r) return notFound('That review');
    const ok = checkEdit(r);
    if (!ok.ok) return refusal(ok);
    await store.saveContent(tx, p.trustId, reviewId, content, me, now);
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: r.school_id,
      action: 'annualreview.save',
      recordType: 'annual_review',
      recordId: reviewId,
      detail: { judgements: Object.fromEntries(Object.entries(content.standards).map(([k, v]) => [k, v.judgement])), participants: content.participants.length, items: content.items.length },
    });
    return null;
  });
  if (refused) throw refused;
  return { id: reviewId, updatedAt: now };
}

export async function signOffReview(haven: Haven, p: Principal, actor: ActorRef, reviewId: string, note: string | undefined) {
  const me = person(p);
  await loadReview(haven, p, reviewId);
  const now = haven.clock.now();
  const refused = await haven.db.transaction().execute(async (tx) => {
    const r = await store.reviewForUpdate(tx, p.trustId, reviewId);
    if (!r) return notFound('That review');
    const ok = checkSignOff({ status: r.status, content: contentOf(r) }, rolesAt(p, r.school_id));
    if (!ok.ok) return refusal(ok);
    // The evidence is frozen as it stands at the moment of sign-off.
    const evidence = await computeEvidence(tx, p.trustId, r.school_id, r.period_start, r.period_end, now);
    await store.signOff(tx, p.trustId, reviewId, { by: me, at: now, note: note?.trim() || null, evidence });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: r.school_id, action: 'annualreview.sign_off', recordType: 'annual_review', recordId: reviewId });
    return null;
  });
  if (refused) throw refused;
  return { id: reviewId, status: 'signed_off' as const, signedOffAt: now };
}

/** The review for printing; the read is audited. */
export async function reviewForPdf(haven: Haven, p: Principal, actor: ActorRef, reviewId: string) {
  const r = await loadReview(haven, p, reviewId);
  const school = await store.schoolById(haven.db, p.trustId, r.school_id);
  const v = await view(haven, p, r, await evidenceFor(haven, r));
  await audit(haven.db, haven, actor, { trustId: p.trustId, schoolId: r.school_id, action: 'annualreview.pdf', recordType: 'annual_review', recordId: r.id, detail: { status: r.status } });
  return { school: school?.name ?? '', review: v };
}
