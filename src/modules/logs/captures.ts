// Monitoring-product captures (Smoothwall Monitor, Senso, Impero…) pushed to Haven by an authenticated
// webhook: each capture (who, which device, when, severity, the trigger text, a screenshot reference)
// becomes an event, is attributed to a person from the directory, and goes through the same breach
// rules as log lines, so it lands in the triage queue by its severity, folded with its duplicates.
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { raiseAlerts } from '../alerts/service.ts';
import { makeAttributor } from './attribute/attribute.ts';
import { mapFilterCategory } from './classify/mapping.ts';
import type { LogEvent } from './event.ts';
import { hostOf } from './parsers/util.ts';
import { RuleEngine } from './rules/rules.ts';
import * as store from './store.ts';

export type Capture = {
  at: Date;
  product: string;
  user?: string | undefined;
  device?: string | undefined;
  clientIp?: string | undefined;
  /** 1 low … 4 critical. */
  severity: number;
  trigger: string;
  captureRef?: string | undefined;
  url?: string | undefined;
  category?: string | undefined;
};

/** Severity words the products use, to Haven's 1–4. */
export const SEVERITY_WORDS: Record<string, number> = { low: 1, info: 1, medium: 2, moderate: 2, high: 3, severe: 4, critical: 4, urgent: 4 };

export function captureEvent(c: Capture): LogEvent {
  return {
    at: c.at.getTime(),
    source: c.product,
    user: c.user?.trim() || null,
    clientIp: c.clientIp ?? null,
    device: c.device?.trim() || null,
    host: c.url ? hostOf(c.url) : '',
    url: c.url ?? null,
    action: 'allowed',
    filterCategory: c.category ?? null,
    reason: null,
    bytes: null,
    severity: c.severity,
    trigger: c.trigger,
    captureRef: c.captureRef ?? null,
  };
}

export async function receiveCaptures(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, captures: readonly Capture[]) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school) throw notFound('That school');
  if (!can(p, 'logs.manage', { trustId: p.trustId, schoolId })) throw forbidden('Only the IT provider or the online safety lead can send monitoring captures for this school.');
  const attribute = makeAttributor(await store.attributionDirectory(haven.db, p.trustId, schoolId));
  const engine = new RuleEngine();
  for (const c of [...captures].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const event = captureEvent(c);
    engine.push(event, attribute(event), mapFilterCategory(c.category ?? '') ?? 'other');
  }
  const result = await raiseAlerts(haven, p.trustId, schoolId, engine.flush());
  await haven.db.transaction().execute((tx) =>
    audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId,
      action: 'logs.captures_received',
      recordType: 'school',
      recordId: schoolId,
      detail: { captures: captures.length, products: [...new Set(captures.map((c) => c.product))], ...result },
    }),
  );
  return { received: captures.length, alerts: result };
}
