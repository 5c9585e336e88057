// Mail about concerns: the new-concern alert and the reminder for cases left untouched. Recipients
// come from the routing rules; every recipient is re-checked with accessOf, so the subject of an
// allegation is never mailed about it. Pupil names appear only when the school opted in.
import { audit } from '../../platform/audit/service.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import { DAY } from '../../platform/clock.ts';
import type { OutgoingMail } from '../../platform/mail/mailer.ts';
import {
  accessOf,
  type CaseAudience,
  type ConcernType,
  newConcernSubject,
  notifiedRoles,
  REMINDER_AFTER_DAYS_DEFAULT,
  type Routing,
  STATUS_LABELS,
  type Status,
  TYPE_LABELS,
} from './model.ts';
import * as store from './store.ts';

export const namesInMailKey = (schoolId: string) => `school:${schoolId}:concerns.names_in_mail`;
const reminderDaysKey = (schoolId: string) => `school:${schoolId}:concerns.reminder_days`;

type Holders = Awaited<ReturnType<typeof store.roleHolders>>;

/** Addresses of the holders of some roles who may respond to the case (never a subject). */
export async function recipients(haven: Haven, audience: CaseAudience, roles: readonly Role[]): Promise<string[]> {
  return respondersAmong(await store.roleHolders(haven.db, audience.trustId, audience.schoolId, roles), audience);
}

function respondersAmong(holders: Holders, audience: CaseAudience): string[] {
  const out = new Set<string>();
  for (const h of holders) {
    const grants = (h.grants ?? []).map((x) => ({ role: x.role as Role, schoolId: x.school_id }));
    if (accessOf({ trustId: audience.trustId, personId: h.person_id, grants }, audience) !== 'respond') continue;
    const address = h.account_email ?? h.person_email;
    if (address) out.add(address.toLowerCase());
  }
  return [...out].sort();
}

export type NewConcernMail = {
  trustId: string;
  schoolId: string;
  schoolName: string;
  concernId: string;
  reference: string;
  type: ConcernType;
  urgent: boolean;
  toldDslInPerson: boolean;
  routing: Routing;
  audience: CaseAudience;
  pupilNames: string[];
};

/**
 * The new-concern mails for some cases of one school (one per recipient per case), to be written with
 * the cases themselves. The role holders and the school's names setting are read once for them all.
 */
export async function newConcernMails(haven: Haven, trustId: string, schoolId: string, cases: readonly NewConcernMail[]): Promise<OutgoingMail[][]> {
  const roleSets = [...new Set(cases.map((m) => notifiedRoles(m.routing).join(',')))];
  const [holders, namesSetting] = await Promise.all([
    Promise.all(roleSets.map((roles) => store.roleHolders(haven.db, trustId, schoolId, roles.split(',')))),
    store.setting(haven.db, namesInMailKey(schoolId)),
  ]);
  const holdersOf = new Map(roleSets.map((roles, i) => [roles, holders[i] as Holders]));
  return cases.map((m) => {
    const to = respondersAmong(holdersOf.get(notifiedRoles(m.routing).join(',')) ?? [], m.audience);
    return newConcernMail(haven, m, to, namesSetting === true);
  });
}

function newConcernMail(haven: Haven, m: NewConcernMail, to: readonly string[], names: boolean): OutgoingMail[] {
  const lines = [
    `A new online safety concern was reported at ${m.schoolName}.`,
    '',
    `Reference: ${m.reference}`,
    `Type: ${TYPE_LABELS[m.type]}`,
    `Urgent: ${m.urgent ? 'yes' : 'no'}`,
    `Reporter told the DSL in person: ${m.toldDslInPerson ? 'yes' : 'no'}`,
    ...(m.routing === 'ordinary' ? [] : ['This concern is about a member of staff: it is routed to you alone. Do not discuss it with the person concerned.']),
    ...(names && m.pupilNames.length > 0 ? [`Pupils: ${m.pupilNames.join(', ')}`] : []),
    '',
    `Open it in Haven: ${haven.config.publicUrl}/concerns/${m.concernId}`,
  ];
  const subject = newConcernSubject(m.reference, m.urgent, m.type);
  const text = lines.join('\n');
  return to.map((address) => ({ trustId: m.trustId, to: address, subject, text }));
}

export type ReminderResult = { reminded: number; mails: number };

/**
 * Mails the routed people about open cases nobody has touched for N days (per-school setting,
 * default 5). Each case is reminded once per quiet spell: touching it starts a new one.
 */
export async function remindStaleConcerns(haven: Haven): Promise<ReminderResult> {
  const now = haven.clock.now();
  const minDays = 1;
  const candidates = await store.staleConcerns(haven.db, new Date(now.getTime() - minDays * DAY));
  let reminded = 0;
  let mails = 0;
  const daysBySchool = new Map<string, number>();
  for (const row of candidates) {
    let days = daysBySchool.get(row.school_id);
    if (days === undefined) {
      const v = await store.setting(haven.db, reminderDaysKey(row.school_id));
      days = typeof v === 'number' && v >= 1 ? v : REMINDER_AFTER_DAYS_DEFAULT;
      daysBySchool.set(row.school_id, days);
    }
    const since = new Date(now.getTime() - days * DAY);
    if (row.last_activity_at >= since) continue;
    if (row.reminded_at && row.reminded_at >= row.last_activity_at && row.reminded_at >= since) continue;
    const involved = await store.involvedOf(haven.db, row.trust_id, [row.id]);
    const audience: CaseAudience = {
      trustId: row.trust_id,
      schoolId: row.school_id,
      reporterPersonId: row.reporter_person_id,
      staffSubjectIds: involved.filter((i) => i.kind === 'staff' && i.person_id).map((i) => i.person_id as string),
      aboutHeadteacher: row.routing === 'about_headteacher',
      sharedWith: [],
    };
    const to = await recipients(haven, audience, notifiedRoles(row.routing as Routing));
    const quiet = Math.floor((now.getTime() - row.last_activity_at.getTime()) / DAY);
    const subject = `${row.urgent ? 'URGENT: ' : ''}Reminder: concern ${row.reference} has had no activity for ${quiet} days`;
    const text = [
      `Concern ${row.reference} (${TYPE_LABELS[row.type as ConcernType] ?? row.type}) is still open: ${STATUS_LABELS[row.status as Status] ?? row.status}.`,
      `Nothing has been recorded on it for ${quiet} days.`,
      '',
      `Open it in Haven: ${haven.config.publicUrl}/concerns/${row.id}`,
    ].join('\n');
    await Promise.all(to.map((address) => haven.mail.send({ trustId: row.trust_id, to: address, subject, text })));
    mails += to.length;
    await haven.db.transaction().execute(async (tx) => {
      await tx.updateTable('concerns').set({ reminded_at: now }).where('trust_id', '=', row.trust_id).where('id', '=', row.id).execute();
      await audit(tx, haven, SYSTEM_ACTOR, {
        trustId: row.trust_id,
        schoolId: row.school_id,
        action: 'concern.reminder',
        recordType: 'concern',
        recordId: row.id,
        detail: { recipients: to.length, quietDays: quiet },
      });
    });
    reminded++;
  }
  return { reminded, mails };
}
