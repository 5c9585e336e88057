// A parent withdraws "at any time" without an account: a long-lived, single-use link bound to one
// pupil and parent, and to the acceptance made through the parent link. One is in the first email
// (bound when the parent accepts) and one is shown and emailed on acceptance. Using it adds records
// (a withdrawal, "no" consents); nothing already recorded is changed.
import { audit } from '../../platform/audit/service.ts';
import { DAY } from '../../platform/clock.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, conflict, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { londonDate } from '../../platform/time.ts';
import { type ConsentPurpose, consentsWithCurrent, looksLikeToken, newToken, tokenHash, tokenState, WITHDRAW_LINK_DAYS } from './model.ts';
import * as store from './store.ts';

export const gone = (detail: string) => new AppError(410, 'Link no longer works', detail);
export const withdrawUrl = (haven: Haven, token: string) => `${haven.config.publicUrl}/p/withdraw/${token}`;

/** Makes a withdrawal link; returns the token (only its hash is stored). */
export async function issueWithdrawLink(
  tx: Executor,
  haven: Haven,
  input: { trustId: string; schoolId: string; pupilId: string; parentId: string; parentLinkId: string | null; acceptanceId: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const now = haven.clock.now();
  const expiresAt = new Date(now.getTime() + WITHDRAW_LINK_DAYS * DAY);
  await tx
    .insertInto('agreement_withdraw_links')
    .values({
      trust_id: input.trustId,
      id: newId(),
      token_hash: tokenHash(token),
      school_id: input.schoolId,
      pupil_id: input.pupilId,
      parent_id: input.parentId,
      parent_link_id: input.parentLinkId,
      acceptance_id: input.acceptanceId,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

/** When a parent accepts through a link, the withdrawal link sent with it now points at that acceptance. */
export async function bindToAcceptance(tx: Executor, trustId: string, parentLinkId: string, acceptanceId: string): Promise<void> {
  await tx.updateTable('agreement_withdraw_links').set({ acceptance_id: acceptanceId }).where('trust_id', '=', trustId).where('parent_link_id', '=', parentLinkId).where('acceptance_id', 'is', null).execute();
}

async function liveLink(haven: Haven, token: string) {
  if (!looksLikeToken(token)) throw notFound('That link');
  const link = await haven.db.selectFrom('agreement_withdraw_links').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!link) throw notFound('That link');
  const state = tokenState({ expiresAt: link.expires_at, usedAt: link.used_at }, haven.clock.now());
  if (state === 'used') throw gone('This withdrawal link has already been used. To change anything else, contact the school office.');
  if (state === 'expired') throw gone('This withdrawal link has expired. Contact the school office to withdraw.');
  return link;
}

async function acceptanceOf(db: Executor, trustId: string, acceptanceId: string | null) {
  if (!acceptanceId) return undefined;
  return db
    .selectFrom('agreement_acceptances as a')
    .innerJoin('agreement_versions as v', (j) => j.onRef('v.trust_id', '=', 'a.trust_id').onRef('v.id', '=', 'a.version_id'))
    .leftJoin('agreement_withdrawals as w', (j) => j.onRef('w.trust_id', '=', 'a.trust_id').onRef('w.acceptance_id', '=', 'a.id'))
    .select(['a.id', 'a.person_id', 'a.accepted_at', 'v.title', 'v.number', 'w.withdrawn_at'])
    .where('a.trust_id', '=', trustId)
    .where('a.id', '=', acceptanceId)
    .executeTakeFirst();
}

/** What the parent sees: one child by first name, what they accepted, and the current consents. */
export async function viewWithdrawLink(haven: Haven, token: string) {
  const link = await liveLink(haven, token);
  const [school, pupil, acceptance, records] = await Promise.all([
    store.schoolById(haven.db, link.trust_id, link.school_id),
    store.personById(haven.db, link.trust_id, link.pupil_id),
    acceptanceOf(haven.db, link.trust_id, link.acceptance_id),
    store.consentRecords(haven.db, link.trust_id, [link.pupil_id]),
  ]);
  if (!school || !pupil) throw notFound('That link');
  return {
    school: { name: school.name },
    pupil: { firstName: pupil.preferred_name ?? pupil.given_name },
    agreement: acceptance
      ? { title: acceptance.title, number: acceptance.number, acceptedOn: londonDate(acceptance.accepted_at), withdrawnOn: acceptance.withdrawn_at ? londonDate(acceptance.withdrawn_at) : null }
      : null,
    consents: consentsWithCurrent(records),
  };
}

export async function useWithdrawLink(
  haven: Haven,
  from: { ip: string | null; userAgent: string | null },
  token: string,
  input: { parentName: string; reason: string; withdrawAgreement: boolean; consentsNo: readonly ConsentPurpose[] },
) {
  const link = await liveLink(haven, token);
  const consentsNo = [...new Set(input.consentsNo)];
  if (!input.withdrawAgreement && consentsNo.length === 0) {
    throw unprocessable('Choose what to withdraw: the agreement, or at least one photo or name consent.', [{ field: 'withdrawAgreement', message: 'nothing chosen to withdraw' }]);
  }
  const actor: ActorRef = { accountId: null, label: `${input.parentName} (parent, by withdrawal link)`, ip: from.ip, userAgent: from.userAgent };
  return haven.db.transaction().execute(async (tx) => {
    const now = haven.clock.now();
    if (!(await store.spendLink(tx, 'agreement_withdraw_links', link.trust_id, link.id, now))) throw gone('This withdrawal link has already been used.');
    let withdrawalId: string | null = null;
    if (input.withdrawAgreement) {
      const a = await acceptanceOf(tx, link.trust_id, link.acceptance_id);
      // The binding is the only way to an acceptance: the link cannot reach another child's.
      if (!a || a.person_id !== link.pupil_id) {
        throw unprocessable('There is no accepted agreement to withdraw yet. You can still say no to photos and names.', [{ field: 'withdrawAgreement', message: 'nothing accepted through this link yet' }]);
      }
      if (a.withdrawn_at) throw conflict('This agreement has already been withdrawn.');
      withdrawalId = newId();
      await tx
        .insertInto('agreement_withdrawals')
        .values({ trust_id: link.trust_id, id: withdrawalId, acceptance_id: a.id, reason: input.reason, withdrawn_at: now, recorded_by_account_id: null, recorded_by: actor.label })
        .execute();
    }
    for (const purpose of consentsNo) {
      await tx
        .insertInto('consent_records')
        .values({
          trust_id: link.trust_id,
          id: newId(),
          school_id: link.school_id,
          pupil_id: link.pupil_id,
          purpose,
          value: false,
          parent_id: link.parent_id,
          parent_name: input.parentName,
          method: 'parent_link',
          recorded_at: now,
          recorded_by: actor.label,
        })
        .execute();
    }
    await audit(tx, haven, actor, {
      trustId: link.trust_id,
      schoolId: link.school_id,
      action: 'agreements.parent_withdrew',
      recordType: 'person',
      recordId: link.pupil_id,
      detail: { acceptanceId: withdrawalId ? link.acceptance_id : null, withdrawalId, reason: input.reason, consentsNo, parentId: link.parent_id },
    });
    return { withdrawalId, consentsWithdrawn: consentsNo };
  });
}
