// Filter checks: a record of one test of the school's filter. Pure rules. A check is a fact and is
// never edited (a correction is a new check naming the one it corrects); every category that was
// not blocked raises a task for the IT provider that stays open until someone records it fixed.
import type { Role } from '../../platform/auth/roles.ts';

/** The UK Safer Internet Centre's areas of harmful content, offered to every school to test. */
export const STARTER_CATEGORIES = [
  'Child sexual abuse content',
  'Terrorism',
  'Discrimination',
  'Drugs and substance abuse',
  'Extremism',
  'Gambling',
  'Malware and hacking',
  'Pornography',
  'Piracy and copyright theft',
  'Self-harm and suicide',
  'Violence',
] as const;

export const METHODS = ['online_service', 'own_list'] as const;
export type Method = (typeof METHODS)[number];
export const METHOD_LABELS: Record<Method, string> = {
  online_service: 'Online filter-test service',
  own_list: "The school's own list of test addresses",
};
export const OUTCOMES = ['blocked', 'not_blocked'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_LABELS: Record<Outcome, string> = { blocked: 'Blocked as expected', not_blocked: 'Not blocked' };

export type UserGroup = { group: 'pupils'; yearGroups: string[] } | { group: 'staff' };
export const describeGroup = (g: UserGroup) => (g.group === 'staff' ? 'Staff' : `Pupils in year ${g.yearGroups.join(', ')}`);

/** Who records the fix of a failed category. */
export const FIX_ROLES: readonly Role[] = ['network_manager'];

export type ResultInput = { category: string; outcome: Outcome; url?: string | undefined; note?: string | undefined };
export type NewCheck = {
  checkedOn: string;
  device: string;
  userGroup: UserGroup;
  method: Method;
  serviceName?: string | undefined;
  results: ResultInput[];
  followUp?: string | undefined;
};
export type Problem = { field: string; message: string };

/** What is wrong with a new check, each with the field to fix; empty when it may be saved. */
export function checkNewCheck(c: NewCheck, today: string): Problem[] {
  const problems: Problem[] = [];
  if (c.checkedOn > today) problems.push({ field: 'checkedOn', message: 'The check date cannot be in the future.' });
  if (c.device.trim() === '') problems.push({ field: 'device', message: 'Say which device the check was run on.' });
  if (c.userGroup.group === 'pupils' && c.userGroup.yearGroups.length === 0) problems.push({ field: 'userGroup.yearGroups', message: 'Name at least one year group.' });
  if (c.results.length === 0) problems.push({ field: 'results', message: 'Record the result of at least one category.' });
  const seen = new Set<string>();
  c.results.forEach((r, i) => {
    const key = r.category.trim().toLowerCase();
    if (key === '') problems.push({ field: `results.${i}.category`, message: 'Every result needs its category.' });
    else if (seen.has(key)) problems.push({ field: `results.${i}.category`, message: `${r.category.trim()} is recorded twice; keep one result per category.` });
    seen.add(key);
    if (r.outcome === 'not_blocked' && !r.url?.trim()) {
      problems.push({ field: `results.${i}.url`, message: `Give the address that was not blocked for ${r.category.trim() || 'this category'}, so the IT provider can fix it.` });
    }
  });
  return problems;
}

/** The results that raise a task for the IT provider. */
export const failures = <T extends { outcome: string }>(results: readonly T[]): T[] => results.filter((r) => r.outcome === 'not_blocked');

export type TaskFacts = { raisedAt: Date; fixedAt: Date | null };
export type FixInput = { fixedBy: string; fixedAt: Date; how: string; retest?: { outcome: Outcome; url?: string | undefined } | undefined };
export type Refusal = { ok: false; status: 403 | 409 | 422; reason: string; field?: string };

/** Whether someone holding these roles may record this fix now. */
export function checkFix(t: TaskFacts, roles: readonly Role[], fix: FixInput, now: Date): { ok: true } | Refusal {
  if (!roles.some((r) => FIX_ROLES.includes(r))) return { ok: false, status: 403, reason: 'Only the network manager / IT provider records a failed category as fixed.' };
  if (t.fixedAt) return { ok: false, status: 409, reason: 'This task was already recorded fixed. If the filter fails again, record a new check.' };
  if (fix.fixedAt.getTime() > now.getTime()) return { ok: false, status: 422, field: 'fixedAt', reason: 'The time of the fix cannot be in the future.' };
  // Times are entered to the minute, so the minute the task was raised counts as after it.
  if (fix.fixedAt.getTime() < Math.floor(t.raisedAt.getTime() / 60_000) * 60_000) return { ok: false, status: 422, field: 'fixedAt', reason: 'The fix cannot be before the check that found the problem was recorded.' };
  if (fix.retest?.outcome === 'not_blocked') {
    return { ok: false, status: 422, field: 'retest.outcome', reason: 'The re-test was still not blocked, so the task stays open. Record the fix once a re-test is blocked.' };
  }
  return { ok: true };
}
