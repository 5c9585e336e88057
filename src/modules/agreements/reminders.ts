// The daily reminder pass: for each campaign whose schedule says today, mail the people still
// outstanding. Staff and community users get a reminder to accept in Haven; for parents'
// agreements each parent gets a fresh single-use link. Pupils' agreements are done in class, so
// they are not mailed. Membership is recomputed here, so new starters are reminded too.
import { audit } from '../../platform/audit/service.ts';
import { type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import { londonDate } from '../../platform/time.ts';
import { reminderDue } from './model.ts';
import { campaignMembers, issueParentLinks, type Mail } from './service.ts';
import * as store from './store.ts';

type CampaignReminderResult = { campaigns: number; mails: number };

export async function remindCampaigns(haven: Haven): Promise<CampaignReminderResult> {
  const now = haven.clock.now();
  const open = await haven.db.selectFrom('agreement_campaigns').selectAll().where('due_on', '>=', londonDate(now)).orderBy('trust_id').orderBy('id').execute();
  let campaigns = 0;
  let mailed = 0;
  for (const c of open) {
    if (!reminderDue({ createdAt: c.created_at, dueOn: c.due_on, reminderDays: c.reminder_days, lastRemindedAt: c.last_reminded_at }, now)) continue;
    const version = await store.versionById(haven.db, c.trust_id, c.version_id);
    const school = await store.schoolById(haven.db, c.trust_id, c.school_id);
    if (!version || !school) continue;
    const mails = await haven.db.transaction().execute(async (tx) => {
      // Claim the campaign for today first, so two workers never mail twice.
      const claimed = await tx
        .updateTable('agreement_campaigns')
        .set({ last_reminded_at: now })
        .where('trust_id', '=', c.trust_id)
        .where('id', '=', c.id)
        .where((eb) => (c.last_reminded_at ? eb('last_reminded_at', '=', c.last_reminded_at) : eb('last_reminded_at', 'is', null)))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return [];
      const outstanding = (await campaignMembers(tx, c.trust_id, c)).filter((m) => m.state === 'outstanding');
      let out: Mail[] = [];
      if (version.audience === 'parent') {
        out = await issueParentLinks(tx, haven, c.trust_id, c, version, school.name, outstanding);
      } else {
        out = outstanding
          .filter((m) => m.kind !== 'pupil' && m.email)
          .map((m) => ({
            trustId: c.trust_id,
            to: m.email as string,
            subject: `Reminder: please accept the ${version.title} by ${c.due_on}`,
            text: [
              `Dear ${m.name},`,
              '',
              `${school.name} asks everyone in your group to read and accept the ${version.title} (version ${version.number}) by ${c.due_on}. We have not yet received yours.`,
              '',
              `Sign in to Haven to read and accept it: ${haven.config.publicUrl}/my-agreements`,
            ].join('\n'),
          }));
      }
      await audit(tx, haven, SYSTEM_ACTOR, {
        trustId: c.trust_id,
        schoolId: c.school_id,
        action: 'agreements.reminders_sent',
        recordType: 'agreement_campaign',
        recordId: c.id,
        detail: { outstanding: outstanding.length, mails: out.length },
      });
      return out;
    });
    campaigns += 1;
    for (const m of mails) await haven.mail.send(m);
    mailed += mails.length;
  }
  return { campaigns, mails: mailed };
}
