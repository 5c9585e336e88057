// Housekeeping: sessions past their idle or absolute limit and reset links that are used or
// expired are deleted, so the tables hold only credentials that still work.
import { audit } from '../audit/service.ts';
import { SESSION_ABSOLUTE, SESSION_IDLE } from '../auth/model.ts';
import { type Haven, SYSTEM_ACTOR } from '../context.ts';

export type HousekeepingResult = { sessions: number; resetTokens: number };

export async function housekeeping(haven: Pick<Haven, 'db' | 'clock'>): Promise<HousekeepingResult> {
  const now = haven.clock.now();
  const idleBefore = new Date(now.getTime() - SESSION_IDLE);
  const createdBefore = new Date(now.getTime() - SESSION_ABSOLUTE);
  return haven.db.transaction().execute(async (tx) => {
    const sessions = await tx
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('last_seen_at', '<', idleBefore), eb('created_at', '<', createdBefore), eb('expires_at', '<=', now)]))
      .executeTakeFirst();
    const tokens = await tx
      .deleteFrom('password_reset_tokens')
      .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', now)]))
      .executeTakeFirst();
    const result = { sessions: Number(sessions.numDeletedRows), resetTokens: Number(tokens.numDeletedRows) };
    // Only real clean-ups are recorded: a quiet pass every 15 minutes would bury the trail.
    if (result.sessions > 0 || result.resetTokens > 0) {
      await audit(tx, haven, SYSTEM_ACTOR, { trustId: null, action: 'system.housekeeping', recordType: 'system', detail: result });
    }
    return result;
  });
}
