// The induction checklist for each member of staff, worked out rather than stored: the staff
// agreement from acceptances, the account from people.account_id; only "policy read" and
// "training recorded" are ticked by hand. Listed: new starters (last 90 days) and anyone incomplete.
import { audit } from '../../platform/audit/service.ts';
import type { Principal } from '../../platform/auth/policy.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { londonDate } from '../../platform/time.ts';
import { type InductionItems, type InductionTickItem, inductionComplete, onInductionList, stateOf } from './model.ts';
import { requireCan } from './service.ts';
import * as store from './store.ts';

export async function inductionList(haven: Haven, p: Principal, schoolId: string) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school) throw notFound('That school');
  requireCan(p, 'induction.manage', schoolId);
  const staff = await store.candidates(haven.db, p.trustId, schoolId, ['staff', 'volunteer']);
  const ids = staff.map((s) => s.id);
  const staffAgreement = (await store.agreementsOf(haven.db, p.trustId, schoolId)).find((a) => a.audience === 'staff');
  const [current] = staffAgreement ? await store.latestVersions(haven.db, p.trustId, [staffAgreement.id]) : [];
  const facts = current ? await store.acceptanceFacts(haven.db, p.trustId, [current.id], ids) : [];
  const ticks = ids.length ? await haven.db.selectFrom('induction_ticks').selectAll().where('trust_id', '=', p.trustId).where('person_id', 'in', ids).execute() : [];
  const now = haven.clock.now();
  const rows = staff.flatMap((s) => {
    const items: InductionItems = {
      policyRead: ticks.some((t) => t.person_id === s.id && t.item === 'policyRead'),
      agreementAccepted: stateOf(facts.filter((f) => f.personId === s.id)).state === 'accepted',
      trainingRecorded: ticks.some((t) => t.person_id === s.id && t.item === 'trainingRecorded'),
      accountIssued: s.accountId !== null,
    };
    const complete = inductionComplete(items);
    // people has no start date column: the day the person was added to the directory stands in.
    if (!onInductionList({ startedAt: s.createdAt, complete }, now)) return [];
    return [{ personId: s.id, name: s.name, kind: s.kind, startedOn: londonDate(s.createdAt), items, complete }];
  });
  // Incomplete first, newest starters first: the headteacher's question is "who still needs what".
  rows.sort((a, b) => Number(a.complete) - Number(b.complete) || b.startedOn.localeCompare(a.startedOn) || a.name.localeCompare(b.name));
  return { staffAgreementVersionId: current?.id ?? null, staff: rows };
}

export async function tickInduction(haven: Haven, p: Principal, actor: ActorRef, personId: string, item: InductionTickItem, input: { done: boolean; note?: string | undefined }) {
  const person = await store.personById(haven.db, p.trustId, personId);
  if (!person || (person.kind !== 'staff' && person.kind !== 'volunteer') || !person.school_id) throw notFound('That member of staff');
  requireCan(p, 'induction.manage', person.school_id);
  await haven.db.transaction().execute(async (tx) => {
    if (input.done) {
      await tx
        .insertInto('induction_ticks')
        .values({ trust_id: p.trustId, person_id: personId, item, done_at: haven.clock.now(), note: input.note ?? null, recorded_by: actor.label })
        .onConflict((oc) => oc.columns(['trust_id', 'person_id', 'item']).doUpdateSet({ done_at: haven.clock.now(), note: input.note ?? null, recorded_by: actor.label }))
        .execute();
    } else {
      await tx.deleteFrom('induction_ticks').where('trust_id', '=', p.trustId).where('person_id', '=', personId).where('item', '=', item).execute();
    }
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: person.school_id,
      action: input.done ? 'induction.ticked' : 'induction.unticked',
      recordType: 'person',
      recordId: personId,
      detail: { item, note: input.note ?? null },
    });
  });
}
