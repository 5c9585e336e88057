// A pupil's alerts as entries of their chronology (concerns/service.ts `chronology` adds them).
// Kept apart from service.ts so the concerns module can import it without an import cycle.
import { can, type Principal } from '../../platform/auth/policy.ts';
import type { Executor } from '../../platform/db/index.ts';
import { RULE_LABELS, type Rule } from './model.ts';
import { alertsForPupil } from './store.ts';

export type AlertChronologyEntry = { at: Date; concernId: string; reference: string; alertId: string; kind: 'alert'; text: string };

/** Only for those who triage alerts at the pupil's school; everyone else gets none. */
export async function alertChronology(db: Executor, p: Principal, schoolId: string, pupilId: string): Promise<AlertChronologyEntry[]> {
  if (!can(p, 'alerts.triage', { trustId: p.trustId, schoolId })) return [];
  const rows = await alertsForPupil(db, p.trustId, schoolId, pupilId);
  return rows.map((r) => ({
    at: r.first_at,
    concernId: r.concern_id ?? '',
    reference: r.concern_reference ?? '',
    alertId: r.id,
    kind: 'alert',
    text: `Filtering alert (${r.priority}, ${RULE_LABELS[r.rule as Rule] ?? r.rule}): ${r.why} — ${r.event_count} ${r.event_count === 1 ? 'event' : 'events'}`,
  }));
}
