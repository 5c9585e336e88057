// A school's log settings: how long raw lines and hourly counts are kept, and the burst rule (N blocked
// requests by one person in M minutes). Stored as settings rows; defaults apply until a school sets them.
import { audit } from '../../platform/audit/service.ts';
import type { Principal } from '../../platform/auth/policy.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type FieldProblem, unprocessable } from '../../platform/errors.ts';
import { schoolFor } from './access.ts';
import { DEFAULT_RULE_OPTIONS, type RuleOptions } from './rules/rules.ts';
import * as store from './store.ts';

export type LogSettings = { rawDays: number; aggregateDays: number; burstCount: number; burstMinutes: number };

export const LOG_SETTING_DEFAULTS: LogSettings = { rawDays: 90, aggregateDays: 1095, burstCount: DEFAULT_RULE_OPTIONS.burstCount, burstMinutes: DEFAULT_RULE_OPTIONS.burstMinutes };

const KEYS: Record<keyof LogSettings, string> = { rawDays: 'raw_days', aggregateDays: 'aggregate_days', burstCount: 'burst_count', burstMinutes: 'burst_minutes' };
const keyOf = (schoolId: string, k: keyof LogSettings) => `school:${schoolId}:logs.${KEYS[k]}`;

/** What is wrong with new settings, each with the field to fix; empty when they may be saved. */
export function settingsProblems(s: LogSettings): FieldProblem[] {
  const out: FieldProblem[] = [];
  const whole = (k: keyof LogSettings, min: number, max: number, what: string) => {
    if (!Number.isInteger(s[k]) || s[k] < min || s[k] > max) out.push({ field: k, message: `${what} must be a whole number from ${min} to ${max}.` });
  };
  whole('rawDays', 7, 730, 'Days to keep raw log lines');
  whole('aggregateDays', 30, 3650, 'Days to keep hourly counts');
  whole('burstCount', 2, 1000, 'Blocked requests that make a burst');
  whole('burstMinutes', 1, 240, 'Minutes of a burst');
  if (out.length === 0 && s.aggregateDays < s.rawDays) out.push({ field: 'aggregateDays', message: 'Keep hourly counts at least as long as the raw lines they come from.' });
  return out;
}

export async function readLogSettings(db: Executor, schoolId: string): Promise<LogSettings> {
  const names = Object.keys(KEYS) as (keyof LogSettings)[];
  const stored = await store.numberSettings(db, names.map((k) => keyOf(schoolId, k)));
  return Object.fromEntries(names.map((k) => [k, stored.get(keyOf(schoolId, k)) ?? LOG_SETTING_DEFAULTS[k]])) as LogSettings;
}

/** The burst rule for a school's runs. */
export async function ruleOptionsFor(db: Executor, schoolId: string): Promise<Partial<RuleOptions>> {
  const s = await readLogSettings(db, schoolId);
  return { burstCount: s.burstCount, burstMinutes: s.burstMinutes };
}

export async function getLogSettings(haven: Haven, p: Principal, schoolId: string) {
  await schoolFor(haven, p, schoolId, 'logs.view');
  return readLogSettings(haven.db, schoolId);
}

export async function saveLogSettings(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, next: LogSettings) {
  await schoolFor(haven, p, schoolId, 'logs.manage');
  const problems = settingsProblems(next);
  if (problems.length > 0) throw unprocessable(problems.map((x) => x.message).join(' '), problems);
  const before = await readLogSettings(haven.db, schoolId);
  await haven.db.transaction().execute(async (tx) => {
    for (const k of Object.keys(KEYS) as (keyof LogSettings)[]) await store.setSetting(tx, keyOf(schoolId, k), next[k], haven.clock.now());
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'logs.settings', recordType: 'school', recordId: schoolId, detail: { before, after: next } });
  });
  return next;
}
