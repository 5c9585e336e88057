// Agreements use cases: templates and versions, campaigns and their progress, the ways to accept
// (in app, parent link, kiosk, teacher-recorded, paper), withdrawal. Permission via can(); every
// change is audited in its own transaction. Mail goes out after the transaction commits.
import type { Insertable } from 'kysely';
import { audit } from '../../platform/audit/service.ts';
import { can, type Action, type Principal } from '../../platform/auth/policy.ts';
import { DAY, HOUR } from '../../platform/clock.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { conflict, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { putEvidence } from '../../platform/evidence/service.ts';
import { newId } from '../../platform/ids.ts';
import { londonDate } from '../../platform/time.ts';
import {
  AUDIENCES,
  type Audience,
  type Candidate,
  CONSENT_PURPOSES,
  type ConsentPurpose,
  consentsWithCurrent,
  type Group,
  groupLabel,
  groupsProblem,
  inGroup,
  KIOSK_HOURS,
  kioskName,
  looksLikeToken,
  type MemberState,
  type Method,
  newToken,
  PARENT_LINK_DAYS,
  progressOf,
  REMINDER_DAYS_DEFAULT,
  STARTER_TEXTS,
  stateOf,
  tokenHash,
  tokenState,
} from './model.ts';
import * as store from './store.ts';
import type { AcceptancesTable } from './tables.ts';
import { bindToAcceptance, gone, issueWithdrawLink, withdrawUrl } from './withdraw-links.ts';

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

export function requireCan(p: Principal, action: Action, schoolId: string): void {
  if (!can(p, action, { trustId: p.trustId, schoolId })) throw forbidden();
}

async function requireSchool(db: Executor, p: Principal, action: Action, schoolId: string) {
  const school = await store.schoolById(db, p.trustId, schoolId);
  if (!school) throw notFound('That school');
  requireCan(p, action, schoolId);
  return school;
}

/** Inserts one acceptance and its audit event: the same record whichever way the person accepted. */
async function recordAcceptance(tx: Executor, haven: Haven, actor: ActorRef, row: Insertable<AcceptancesTable>, extra: Record<string, unknown> = {}) {
  await tx.insertInto('agreement_acceptances').values(row).execute();
  await audit(tx, haven, actor, {
    trustId: row.trust_id,
    schoolId: row.school_id,
    action: 'agreements.accepted',
    recordType: 'agreement_acceptance',
    recordId: row.id,
    detail: { method: row.method, versionId: row.version_id, personId: row.person_id, ...extra },
  });
}

export type Mail = { trustId: string; to: string; subject: string; text: string; redact?: string[] };
async function sendAll(haven: Haven, mails: readonly Mail[]): Promise<void> {
  for (const m of mails) await haven.mail.send(m);
}

// ------------------------------------------------------------------------------------------------
// Templates and versions
// ------------------------------------------------------------------------------------------------

/** Creates the starter agreements (as drafts to review) for any audience a school does not have yet. */
async function ensureStarters(haven: Haven, p: Principal, actor: ActorRef, schoolId: string): Promise<void> {
  const have = new Set((await store.agreementsOf(haven.db, p.trustId, schoolId)).map((a) => a.audience));
  const missing = AUDIENCES.filter((a) => !have.has(a));
  if (missing.length === 0) return;
  await haven.db.transaction().execute(async (tx) => {
    const now = haven.clock.now();
    const inserted = await tx
      .insertInto('agreements')
      .values(
        missing.map((audience) => ({
          trust_id: p.trustId,
          id: newId(),
          school_id: schoolId,
          audience,
          title: STARTER_TEXTS[audience].title,
          draft_title: STARTER_TEXTS[audience].title,
          draft_text: STARTER_TEXTS[audience].text,
          draft_updated_at: now,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['trust_id', 'school_id', 'audience']).doNothing())
      .returning('audience')
      .execute();
    if (inserted.length > 0) {
      await audit(tx, haven, actor, {
        trustId: p.trustId,
        schoolId,
        action: 'agreements.starters_created',
        recordType: 'school',
        recordId: schoolId,
        detail: { audiences: inserted.map((r) => r.audience) },
      });
    }
  });
}

export async function listAgreements(haven: Haven, p: Principal, actor: ActorRef, schoolId: string) {
  await requireSchool(haven.db, p, 'agreements.view', schoolId);
  await ensureStarters(haven, p, actor, schoolId);
  const rows = await store.agreementsOf(haven.db, p.trustId, schoolId);
  const latest = new Map((await store.latestVersions(haven.db, p.trustId, rows.map((r) => r.id))).map((v) => [v.agreement_id, v]));
  const order = (a: string) => AUDIENCES.indexOf(a as Audience);
  return rows
    .sort((a, b) => order(a.audience) - order(b.audience))
    .map((a) => {
      const v = latest.get(a.id);
      return {
        id: a.id,
        audience: a.audience as Audience,
        title: a.title,
        currentVersion: v ? { id: v.id, number: v.number, publishedAt: v.published_at.toISOString() } : null,
        draft: a.draft_text !== null && a.draft_title !== null ? { title: a.draft_title, text: a.draft_text } : null,
      };
    });
}

async function requireAgreement(db: Executor, p: Principal, action: Action, agreementId: string) {
  const a = await store.agreementById(db, p.trustId, agreementId);
  if (!a) throw notFound('That agreement');
  requireCan(p, action, a.school_id);
  return a;
}

export async function listVersions(haven: Haven, p: Principal, agreementId: string) {
  await requireAgreement(haven.db, p, 'agreements.view', agreementId);
  const versions = await store.versionsOf(haven.db, p.trustId, agreementId);
  return versions.map((v) => ({ id: v.id, number: v.number, title: v.title, text: v.text, publishedAt: v.published_at.toISOString(), publishedBy: v.published_by }));
}

export async function saveDraft(haven: Haven, p: Principal, actor: ActorRef, agreementId: string, draft: { title: string; text: string }) {
  const a = await requireAgreement(haven.db, p, 'agreements.manage', agreementId);
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('agreements')
      .set({ draft_title: draft.title, draft_text: draft.text, draft_updated_at: haven.clock.now() })
      .where('trust_id', '=', p.trustId)
      .where('id', '=', agreementId)
      .execute();
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: a.school_id, action: 'agreements.draft_saved', recordType: 'agreement', recordId: agreementId, detail: { title: draft.title } });
  });
}

/** Publishes the draft as the next version. Versions are never changed afterwards (a trigger refuses). */
export async function publish(haven: Haven, p: Principal, actor: ActorRef, agreementId: string) {
  const a = await requireAgreement(haven.db, p, 'agreements.manage', agreementId);
  return haven.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('agreements').selectAll().where('trust_id', '=', p.trustId).where('id', '=', agreementId).forUpdate().executeTakeFirstOrThrow();
    if (row.draft_text === null || row.draft_title === null) throw unprocessable('There is no draft to publish. Edit the agreement first.');
    const last = await tx
      .selectFrom('agreement_versions')
      .select(({ fn }) => fn.max('number').as('n'))
      .where('trust_id', '=', p.trustId)
      .where('agreement_id', '=', agreementId)
      .executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const versionId = newId();
    await tx
      .insertInto('agreement_versions')
      .values({
        trust_id: p.trustId,
        id: versionId,
        agreement_id: agreementId,
        number,
        title: row.draft_title,
        text: row.draft_text,
        published_at: haven.clock.now(),
        published_by: actor.label,
      })
      .execute();
    await tx
      .updateTable('agreements')
      .set({ title: row.draft_title, draft_title: null, draft_text: null, draft_updated_at: null })
      .where('trust_id', '=', p.trustId)
      .where('id', '=', agreementId)
      .execute();
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: a.school_id, action: 'agreements.published', recordType: 'agreement_version', recordId: versionId, detail: { agreementId, number } });
    return { versionId, number };
  });
}

// ------------------------------------------------------------------------------------------------
// Campaigns
// ------------------------------------------------------------------------------------------------

type CampaignRow = NonNullable<Awaited<ReturnType<typeof store.campaignById>>>;
type Member = store.CandidateRow & MemberState;

/** Who the campaign covers today (worked out from the directory) and where each person stands. */
export async function campaignMembers(db: Executor, trustId: string, c: CampaignRow): Promise<Member[]> {
  const groups = c.groups as Group[];
  const people = (await store.candidates(db, trustId, c.school_id, store.kindsFor(groups))).filter((person) => groups.some((g) => inGroup(g, person)));
  const facts = await store.acceptanceFacts(
    db,
    trustId,
    [c.version_id],
    people.map((x) => x.id),
  );
  return people.map((person) => ({ ...person, ...stateOf(facts.filter((f) => f.personId === person.id)) }));
}

export async function createCampaign(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  schoolId: string,
  input: { versionId: string; title: string; dueOn: string; groups: Group[]; reminderDays?: number | undefined },
) {
  await requireSchool(haven.db, p, 'agreements.manage', schoolId);
  const version = await store.versionById(haven.db, p.trustId, input.versionId);
  if (!version || version.school_id !== schoolId) throw unprocessable('That version is not a published agreement of this school.', [{ field: 'versionId', message: 'not found at this school' }]);
  const problem = groupsProblem(version.audience as Audience, input.groups);
  if (problem) throw unprocessable(problem, [{ field: 'groups', message: problem }]);
  if (input.dueOn < londonDate(haven.clock.now())) throw unprocessable('The due date has already passed. Choose today or a later date.', [{ field: 'dueOn', message: 'in the past' }]);
  const id = newId();
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('agreement_campaigns')
      .values({
        trust_id: p.trustId,
        id,
        school_id: schoolId,
        version_id: input.versionId,
        title: input.title,
        due_on: input.dueOn,
        groups: JSON.stringify(input.groups),
        reminder_days: input.reminderDays ?? REMINDER_DAYS_DEFAULT,
        created_at: haven.clock.now(),
        created_by: actor.label,
      })
      .execute();
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId,
      action: 'agreements.campaign_created',
      recordType: 'agreement_campaign',
      recordId: id,
      detail: { versionId: input.versionId, dueOn: input.dueOn, groups: input.groups },
    });
  });
  return { id };
}

export async function listCampaigns(haven: Haven, p: Principal, schoolId: string) {
  await requireSchool(haven.db, p, 'agreements.view', schoolId);
  const rows = await store.campaignsOf(haven.db, p.trustId, schoolId);
  const out = [];
  for (const c of rows) {
    const version = await store.versionById(haven.db, p.trustId, c.version_id);
    const members = await campaignMembers(haven.db, p.trustId, c);
    out.push({ id: c.id, title: c.title, dueOn: c.due_on, versionId: c.version_id, audience: version?.audience as Audience, progress: progressOf(members) });
  }
  return out;
}

async function requireCampaign(db: Executor, p: Principal, action: Action, campaignId: string) {
  const c = await store.campaignById(db, p.trustId, campaignId);
  if (!c) throw notFound('That campaign');
  requireCan(p, action, c.school_id);
  const version = await store.versionById(db, p.trustId, c.version_id);
  if (!version) throw notFound('That campaign');
  return { c, version };
}

export async function campaignDetail(haven: Haven, p: Principal, campaignId: string) {
  const { c, version } = await requireCampaign(haven.db, p, 'agreements.view', campaignId);
  const members = await campaignMembers(haven.db, p.trustId, c);
  const groups = (c.groups as Group[]).map((g) => {
    const inIt = members.filter((m) => inGroup(g, m));
    return { label: groupLabel(g), ...progressOf(inIt) };
  });
  const classNames = [...new Set(members.filter((m) => m.kind === 'pupil').map((m) => m.registrationGroup ?? ''))].sort();
  const classes = classNames.map((rg) => ({ registrationGroup: rg, ...progressOf(members.filter((m) => m.kind === 'pupil' && (m.registrationGroup ?? '') === rg)) }));
  const brief = (m: Member) => ({ personId: m.id, name: m.name, kind: m.kind, yearGroup: m.yearGroup, registrationGroup: m.registrationGroup });
  return {
    id: c.id,
    title: c.title,
    dueOn: c.due_on,
    audience: version.audience as Audience,
    reminderDays: c.reminder_days,
    version: { id: version.id, number: version.number, title: version.title, text: version.text },
    progress: progressOf(members),
    groups,
    classes,
    outstanding: members.filter((m) => m.state === 'outstanding').map(brief),
    accepted: members
      .filter((m) => m.state === 'accepted' && m.acceptance)
      .map((m) => ({ ...brief(m), acceptanceId: m.acceptance?.id, method: m.acceptance?.method, at: m.acceptance?.at.toISOString(), recordedBy: m.acceptance?.recordedBy })),
    withdrawn: members
      .filter((m) => m.state === 'withdrawn' && m.acceptance)
      .map((m) => ({ ...brief(m), acceptanceId: m.acceptance?.id, at: m.acceptance?.withdrawnAt?.toISOString(), reason: m.acceptance?.withdrawReason })),
  };
}

// ------------------------------------------------------------------------------------------------
// Parent links
// ------------------------------------------------------------------------------------------------

/**
 * Makes one single-use link per (outstanding pupil, parent with responsibility and an address) and
 * returns the mails to send once the transaction commits. Used by the button and by reminders.
 */
export async function issueParentLinks(
  tx: Executor,
  haven: Haven,
  trustId: string,
  c: CampaignRow,
  version: { id: string; title: string },
  schoolName: string,
  pupils: readonly store.CandidateRow[],
): Promise<Mail[]> {
  const parents = await store.parentsOf(
    tx,
    trustId,
    pupils.map((x) => x.id),
  );
  const now = haven.clock.now();
  const expiresAt = new Date(now.getTime() + PARENT_LINK_DAYS * DAY);
  const mails: Mail[] = [];
  for (const pupil of pupils) {
    for (const parent of parents.filter((x) => x.pupil_id === pupil.id && x.email)) {
      const token = newToken();
      const linkId = newId();
      await tx
        .insertInto('agreement_parent_links')
        .values({
          trust_id: trustId,
          id: linkId,
          token_hash: tokenHash(token),
          school_id: c.school_id,
          version_id: version.id,
          campaign_id: c.id,
          pupil_id: pupil.id,
          parent_id: parent.parent_id,
          created_at: now,
          expires_at: expiresAt,
        })
        .execute();
      const withdrawal = await issueWithdrawLink(tx, haven, { trustId, schoolId: c.school_id, pupilId: pupil.id, parentId: parent.parent_id, parentLinkId: linkId, acceptanceId: null });
      const first = pupil.preferredName ?? pupil.givenName;
      mails.push({
        trustId,
        to: parent.email as string,
        subject: `${schoolName}: please read and accept the ${version.title}`,
        redact: [token, withdrawal.token],
        text: [
          `Dear ${parent.given_name} ${parent.family_name},`,
          '',
          `${schoolName} asks you to read the ${version.title} for ${first} and say whether you agree. You can also answer the photo and name consent questions on the same page.`,
          '',
          `Open this link (no account needed): ${haven.config.publicUrl}/p/${token}`,
          '',
          `The link is for ${first} only, works once and expires on ${londonDate(expiresAt)}. If you have more than one child at the school, each has their own link.`,
          '',
          `You can withdraw your acceptance, or say no to photos and names, at any time until ${londonDate(withdrawal.expiresAt)}: ${withdrawUrl(haven, withdrawal.token)}`,
        ].join('\n'),
      });
    }
  }
  return mails;
}

export async function sendParentLinks(haven: Haven, p: Principal, actor: ActorRef, campaignId: string) {
  const { c, version } = await requireCampaign(haven.db, p, 'agreements.manage', campaignId);
  if (version.audience !== 'parent') throw unprocessable('Parent links are for parents\u2019 agreements. Pupils accept at the kiosk or in class.');
  const school = await store.schoolById(haven.db, p.trustId, c.school_id);
  const mails = await haven.db.transaction().execute(async (tx) => {
    const outstanding = (await campaignMembers(tx, p.trustId, c)).filter((m) => m.state === 'outstanding');
    const made = await issueParentLinks(tx, haven, p.trustId, c, version, school?.name ?? 'School', outstanding);
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: c.school_id, action: 'agreements.parent_links_sent', recordType: 'agreement_campaign', recordId: c.id, detail: { links: made.length } });
    return made;
  });
  await sendAll(haven, mails);
  return { sent: mails.length };
}

async function liveParentLink(haven: Haven, token: string) {
  if (!looksLikeToken(token)) throw notFound('That link');
  const link = await store.parentLinkByHash(haven.db, tokenHash(token));
  if (!link) throw notFound('That link');
  const state = tokenState({ expiresAt: link.expires_at, usedAt: link.used_at }, haven.clock.now());
  if (state === 'used') throw gone('This link has already been used. Each link works once; ask the school office for a new one if you need to change your answer.');
  if (state === 'expired') throw gone('This link has expired. Ask the school office to send a new one.');
  return link;
}

/** What a parent sees: only the one child the link was made for, by first name. */
export async function viewParentLink(haven: Haven, token: string) {
  const link = await liveParentLink(haven, token);
  const [school, pupil, version, records] = await Promise.all([
    store.schoolById(haven.db, link.trust_id, link.school_id),
    store.personById(haven.db, link.trust_id, link.pupil_id),
    store.versionById(haven.db, link.trust_id, link.version_id),
    store.consentRecords(haven.db, link.trust_id, [link.pupil_id]),
  ]);
  if (!school || !pupil || !version) throw notFound('That link');
  return {
    school: { name: school.name },
    pupil: { firstName: pupil.preferred_name ?? pupil.given_name },
    version: { title: version.title, text: version.text, number: version.number },
    consents: consentsWithCurrent(records),
  };
}

export async function useParentLink(
  haven: Haven,
  from: { ip: string | null; userAgent: string | null },
  token: string,
  input: { parentName: string; consents?: Partial<Record<ConsentPurpose, boolean>> | undefined },
) {
  const link = await liveParentLink(haven, token);
  const actor: ActorRef = { accountId: null, label: `${input.parentName} (parent, by emailed link)`, ip: from.ip, userAgent: from.userAgent };
  const done = await haven.db.transaction().execute(async (tx) => {
    // Spend the link first, conditionally: of two simultaneous uses, one wins and the other is refused.
    const now = haven.clock.now();
    if (!(await store.spendLink(tx, 'agreement_parent_links', link.trust_id, link.id, now))) throw gone('This link has already been used.');
    const acceptanceId = newId();
    const consents = Object.entries(input.consents ?? {}).filter(([k]) => (CONSENT_PURPOSES as readonly string[]).includes(k));
    await recordAcceptance(
      tx,
      haven,
      actor,
      {
        trust_id: link.trust_id,
        id: acceptanceId,
        school_id: link.school_id,
        version_id: link.version_id,
        person_id: link.pupil_id,
        campaign_id: link.campaign_id,
        method: 'parent_link',
        accepted_at: now,
        parent_id: link.parent_id,
        signed_name: input.parentName,
        recorded_by: actor.label,
      },
      { parentId: link.parent_id, consents: Object.fromEntries(consents) },
    );
    for (const [purpose, value] of consents) {
      await tx
        .insertInto('consent_records')
        .values({
          trust_id: link.trust_id,
          id: newId(),
          school_id: link.school_id,
          pupil_id: link.pupil_id,
          purpose,
          value: value === true,
          parent_id: link.parent_id,
          parent_name: input.parentName,
          method: 'parent_link',
          recorded_at: now,
          recorded_by: actor.label,
        })
        .execute();
    }
    // The parent can withdraw later with the link from the first email or this new one.
    await bindToAcceptance(tx, link.trust_id, link.id, acceptanceId);
    const withdrawal = await issueWithdrawLink(tx, haven, { trustId: link.trust_id, schoolId: link.school_id, pupilId: link.pupil_id, parentId: link.parent_id, parentLinkId: link.id, acceptanceId });
    const [parent] = (await store.parentsOf(tx, link.trust_id, [link.pupil_id])).filter((x) => x.parent_id === link.parent_id);
    const [school, pupil, version] = await Promise.all([
      store.schoolById(tx, link.trust_id, link.school_id),
      store.personById(tx, link.trust_id, link.pupil_id),
      store.versionById(tx, link.trust_id, link.version_id),
    ]);
    const url = withdrawUrl(haven, withdrawal.token);
    const mail: Mail | null = parent?.email
      ? {
          trustId: link.trust_id,
          to: parent.email,
          subject: `${school?.name ?? 'School'}: your acceptance is recorded`,
          redact: [withdrawal.token],
          text: [
            `Dear ${input.parentName},`,
            '',
            `${school?.name ?? 'The school'} has recorded that you accepted the ${version?.title ?? 'agreement'} for ${pupil?.preferred_name ?? pupil?.given_name ?? 'your child'} on ${londonDate(now)}.`,
            '',
            `You can withdraw it, or say no to photos and names, at any time until ${londonDate(withdrawal.expiresAt)}: ${url}`,
          ].join('\n'),
        }
      : null;
    return { withdrawUrl: url, mail };
  });
  if (done.mail) await sendAll(haven, [done.mail]);
  return { withdrawUrl: done.withdrawUrl };
}

// ------------------------------------------------------------------------------------------------
// Staff in the app
// ------------------------------------------------------------------------------------------------

/** A signed-in person as campaign groups see them. */
const candidateOf = (me: { id: string; kind: string; status: Candidate['status']; year_group: string | null; registration_group: string | null }): Candidate => ({
  id: me.id,
  kind: me.kind,
  status: me.status,
  yearGroup: me.year_group,
  registrationGroup: me.registration_group,
});

const SELF_ACCEPTED: readonly Audience[] = ['staff', 'mobile_device', 'community'];

export async function myAgreements(haven: Haven, p: Principal) {
  if (!p.personId) return { outstanding: [], accepted: [] };
  const me = await store.personById(haven.db, p.trustId, p.personId);
  if (!me || !me.school_id) return { outstanding: [], accepted: [] };
  const outstanding: { campaignId: string | null; versionId: string; title: string; text: string; number: number; dueOn: string | null }[] = [];
  const seen = new Set<string>();
  const mine = await store.acceptanceFacts(
    haven.db,
    p.trustId,
    (await haven.db.selectFrom('agreement_acceptances').select('version_id').where('trust_id', '=', p.trustId).where('person_id', '=', me.id).execute()).map((r) => r.version_id),
    [me.id],
  );
  const stateFor = (versionId: string) => stateOf(mine.filter((f) => f.versionId === versionId)).state;
  const candidate = candidateOf(me);
  for (const c of await store.campaignsOf(haven.db, p.trustId, me.school_id)) {
    if (!(c.groups as Group[]).some((g) => inGroup(g, candidate)) || seen.has(c.version_id) || stateFor(c.version_id) === 'accepted') continue;
    const v = await store.versionById(haven.db, p.trustId, c.version_id);
    if (!v) continue;
    seen.add(v.id);
    outstanding.push({ campaignId: c.id, versionId: v.id, title: v.title, text: v.text, number: v.number, dueOn: c.due_on });
  }
  // A new member of staff sees the current staff agreement even before any campaign covers them.
  if (me.kind === 'staff' || me.kind === 'volunteer') {
    const staffAgreement = (await store.agreementsOf(haven.db, p.trustId, me.school_id)).find((a) => a.audience === 'staff');
    const [current] = staffAgreement ? await store.latestVersions(haven.db, p.trustId, [staffAgreement.id]) : [];
    if (current && !seen.has(current.id) && stateFor(current.id) !== 'accepted') {
      outstanding.push({ campaignId: null, versionId: current.id, title: current.title, text: current.text, number: current.number, dueOn: null });
    }
  }
  const acceptedRows = await haven.db
    .selectFrom('agreement_acceptances as a')
    .innerJoin('agreement_versions as v', (j) => j.onRef('v.trust_id', '=', 'a.trust_id').onRef('v.id', '=', 'a.version_id'))
    .leftJoin('agreement_withdrawals as w', (j) => j.onRef('w.trust_id', '=', 'a.trust_id').onRef('w.acceptance_id', '=', 'a.id'))
    .select(['a.id', 'a.version_id', 'v.title', 'v.number', 'v.text', 'a.accepted_at', 'a.method', 'w.withdrawn_at'])
    .where('a.trust_id', '=', p.trustId)
    .where('a.person_id', '=', me.id)
    .orderBy('a.accepted_at', 'desc')
    .execute();
  return {
    outstanding,
    accepted: acceptedRows.map((r) => ({
      acceptanceId: r.id,
      versionId: r.version_id,
      title: r.title,
      number: r.number,
      text: r.text,
      at: r.accepted_at.toISOString(),
      method: r.method as Method,
      withdrawnAt: r.withdrawn_at ? r.withdrawn_at.toISOString() : null,
    })),
  };
}

export async function acceptInApp(haven: Haven, p: Principal, actor: ActorRef, versionId: string) {
  if (!p.personId || p.scopes) throw forbidden('Only a person signed in to Haven can accept an agreement for themselves.');
  const me = await store.personById(haven.db, p.trustId, p.personId);
  const version = await store.versionById(haven.db, p.trustId, versionId);
  if (!me || !version || me.school_id !== version.school_id) throw notFound('That agreement');
  const candidate = candidateOf(me);
  const campaigns = (await store.campaignsOf(haven.db, p.trustId, version.school_id)).filter((c) => c.version_id === versionId && (c.groups as Group[]).some((g) => inGroup(g, candidate)));
  const [latest] = await store.latestVersions(haven.db, p.trustId, [version.agreement_id]);
  const selfService = SELF_ACCEPTED.includes(version.audience as Audience) && latest?.id === versionId;
  if (campaigns.length === 0 && !selfService) throw notFound('That agreement');
  const facts = await store.acceptanceFacts(haven.db, p.trustId, [versionId], [me.id]);
  if (stateOf(facts).state === 'accepted') throw conflict('You have already accepted this version.');
  const acceptanceId = newId();
  await haven.db.transaction().execute(async (tx) => {
    await recordAcceptance(tx, haven, actor, {
      trust_id: p.trustId,
      id: acceptanceId,
      school_id: version.school_id,
      version_id: versionId,
      person_id: me.id,
      campaign_id: campaigns[0]?.id ?? null,
      method: 'in_app',
      accepted_at: haven.clock.now(),
      recorded_by_account_id: p.accountId,
      recorded_by: actor.label,
    });
  });
  return { acceptanceId };
}

// ------------------------------------------------------------------------------------------------
// Kiosk and teacher-recorded
// ------------------------------------------------------------------------------------------------

const PUPIL_AUDIENCES: readonly Audience[] = ['pupil_upper', 'pupil_early', 'remote_learning'];

export async function openKiosk(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: { campaignId: string; registrationGroup: string }) {
  await requireSchool(haven.db, p, 'agreements.record', schoolId);
  const c = await store.campaignById(haven.db, p.trustId, input.campaignId);
  if (!c || c.school_id !== schoolId) throw notFound('That campaign');
  const version = await store.versionById(haven.db, p.trustId, c.version_id);
  if (!version || !PUPIL_AUDIENCES.includes(version.audience as Audience)) throw unprocessable('A kiosk is for pupils\u2019 agreements.');
  const members = (await campaignMembers(haven.db, p.trustId, c)).filter((m) => m.registrationGroup === input.registrationGroup);
  if (members.length === 0) throw unprocessable(`No pupil of class ${input.registrationGroup} is covered by this campaign.`, [{ field: 'registrationGroup', message: 'no pupils of this class in the campaign' }]);
  const token = newToken();
  const kioskId = newId();
  const expiresAt = new Date(haven.clock.now().getTime() + KIOSK_HOURS * HOUR);
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('agreement_kiosks')
      .values({
        trust_id: p.trustId,
        id: kioskId,
        token_hash: tokenHash(token),
        school_id: schoolId,
        campaign_id: c.id,
        registration_group: input.registrationGroup,
        created_at: haven.clock.now(),
        expires_at: expiresAt,
        opened_by_account_id: p.accountId,
        opened_by: actor.label,
      })
      .execute();
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'agreements.kiosk_opened', recordType: 'agreement_kiosk', recordId: kioskId, detail: { campaignId: c.id, registrationGroup: input.registrationGroup } });
  });
  return { kioskId, kioskToken: token, expiresAt: expiresAt.toISOString() };
}

async function liveKiosk(haven: Haven, token: string) {
  if (!looksLikeToken(token)) throw notFound('That kiosk');
  const k = await store.kioskByHash(haven.db, tokenHash(token));
  if (!k) throw notFound('That kiosk');
  if (tokenState({ expiresAt: k.expires_at, usedAt: null }, haven.clock.now()) !== 'valid') throw gone('This kiosk page has closed. Ask your teacher to open it again.');
  const c = await store.campaignById(haven.db, k.trust_id, k.campaign_id);
  const version = c ? await store.versionById(haven.db, k.trust_id, c.version_id) : undefined;
  if (!c || !version) throw notFound('That kiosk');
  const pupils = (await campaignMembers(haven.db, k.trust_id, c)).filter((m) => m.kind === 'pupil' && m.registrationGroup === k.registration_group);
  return { k, c, version, pupils };
}

export async function viewKiosk(haven: Haven, token: string) {
  const { k, version, pupils } = await liveKiosk(haven, token);
  return {
    className: k.registration_group,
    version: { title: version.title, text: version.text },
    pupils: pupils.map((m) => ({ id: m.id, ...kioskName(m), accepted: m.state === 'accepted' })),
  };
}

export async function kioskAccept(haven: Haven, from: { ip: string | null; userAgent: string | null }, token: string, pupilId: string) {
  const { k, c, pupils } = await liveKiosk(haven, token);
  // Only this class's pupils: any other id is simply not on this page.
  const pupil = pupils.find((m) => m.id === pupilId);
  if (!pupil) throw notFound('That pupil on this class page');
  if (pupil.state === 'accepted') throw conflict('You have already accepted. Well done!');
  const actor: ActorRef = { accountId: null, label: `Class kiosk ${k.registration_group} (opened by ${k.opened_by})`, ip: from.ip, userAgent: from.userAgent };
  const acceptanceId = newId();
  await haven.db.transaction().execute(async (tx) => {
    await recordAcceptance(
      tx,
      haven,
      actor,
      {
        trust_id: k.trust_id,
        id: acceptanceId,
        school_id: k.school_id,
        version_id: c.version_id,
        person_id: pupil.id,
        campaign_id: c.id,
        method: 'kiosk',
        accepted_at: haven.clock.now(),
        recorded_by_account_id: k.opened_by_account_id,
        recorded_by: actor.label,
      },
      { kioskId: k.id },
    );
  });
}

export async function recordClass(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  campaignId: string,
  input: { registrationGroup: string; discussedOn: string; pupilIds?: string[] | undefined },
) {
  const { c, version } = await requireCampaign(haven.db, p, 'agreements.record', campaignId);
  if (!PUPIL_AUDIENCES.includes(version.audience as Audience)) throw unprocessable('Recording for a class is for pupils\u2019 agreements.');
  if (input.discussedOn > londonDate(haven.clock.now())) throw unprocessable('The lesson date is in the future.', [{ field: 'discussedOn', message: 'in the future' }]);
  const inClass = (await campaignMembers(haven.db, p.trustId, c)).filter((m) => m.kind === 'pupil' && m.registrationGroup === input.registrationGroup);
  if (input.pupilIds) {
    const ids = new Set(inClass.map((m) => m.id));
    const stray = input.pupilIds.filter((id) => !ids.has(id));
    if (stray.length > 0) throw unprocessable(`${stray.length} of the chosen pupils are not in class ${input.registrationGroup} for this campaign.`, [{ field: 'pupilIds', message: `not in this class: ${stray.join(', ')}` }]);
  }
  const chosen = inClass.filter((m) => m.state !== 'accepted' && (!input.pupilIds || input.pupilIds.includes(m.id)));
  await haven.db.transaction().execute(async (tx) => {
    const now = haven.clock.now();
    for (const m of chosen) {
      await tx
        .insertInto('agreement_acceptances')
        .values({
          trust_id: p.trustId,
          id: newId(),
          school_id: c.school_id,
          version_id: c.version_id,
          person_id: m.id,
          campaign_id: c.id,
          method: 'teacher_recorded',
          accepted_at: now,
          discussed_on: input.discussedOn,
          recorded_by_account_id: p.accountId,
          recorded_by: actor.label,
        })
        .execute();
    }
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: c.school_id,
      action: 'agreements.class_recorded',
      recordType: 'agreement_campaign',
      recordId: c.id,
      detail: { registrationGroup: input.registrationGroup, discussedOn: input.discussedOn, pupilIds: chosen.map((m) => m.id) },
    });
  });
  return { recorded: chosen.length };
}

export async function recordPaper(haven: Haven, p: Principal, actor: ActorRef, campaignId: string, personId: string, file: { bytes: Buffer; fileName: string; mime: string }) {
  const { c } = await requireCampaign(haven.db, p, 'agreements.record', campaignId);
  const member = (await campaignMembers(haven.db, p.trustId, c)).find((m) => m.id === personId);
  if (!member) throw unprocessable('That person is not covered by this campaign.', [{ field: 'personId', message: 'not in the campaign' }]);
  const acceptanceId = newId();
  await haven.db.transaction().execute(async (tx) => {
    const ref = await putEvidence(tx, haven, { trustId: p.trustId, bytes: file.bytes, fileName: file.fileName, mime: file.mime });
    await recordAcceptance(
      tx,
      haven,
      actor,
      {
        trust_id: p.trustId,
        id: acceptanceId,
        school_id: c.school_id,
        version_id: c.version_id,
        person_id: personId,
        campaign_id: c.id,
        method: 'paper',
        accepted_at: haven.clock.now(),
        evidence_sha256: ref.sha256,
        recorded_by_account_id: p.accountId,
        recorded_by: actor.label,
      },
      { sha256: ref.sha256 },
    );
  });
  return { acceptanceId };
}

/** A withdrawal is a new record beside the acceptance; the acceptance itself stays as it was. */
export async function withdraw(haven: Haven, p: Principal, actor: ActorRef, acceptanceId: string, reason: string) {
  const a = await haven.db.selectFrom('agreement_acceptances').selectAll().where('trust_id', '=', p.trustId).where('id', '=', acceptanceId).executeTakeFirst();
  if (!a) throw notFound('That acceptance');
  requireCan(p, 'agreements.record', a.school_id);
  const id = newId();
  await haven.db.transaction().execute(async (tx) => {
    const done = await tx.selectFrom('agreement_withdrawals').select('id').where('trust_id', '=', p.trustId).where('acceptance_id', '=', acceptanceId).executeTakeFirst();
    if (done) throw conflict('This acceptance has already been withdrawn.');
    await tx
      .insertInto('agreement_withdrawals')
      .values({ trust_id: p.trustId, id, acceptance_id: acceptanceId, reason, withdrawn_at: haven.clock.now(), recorded_by_account_id: p.accountId, recorded_by: actor.label })
      .execute();
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: a.school_id, action: 'agreements.withdrawn', recordType: 'agreement_acceptance', recordId: acceptanceId, detail: { reason, personId: a.person_id } });
  });
  return { withdrawalId: id };
}
