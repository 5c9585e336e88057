import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkSchedule,
  DEFAULT_SCHEDULE,
  decideSignOff,
  displayStatus,
  dueAtOf,
  isOverdue,
  londonMidnight,
  needsReminder,
  periodContaining,
  periodsToCreate,
} from './model.ts';

test('weeks run Monday to Sunday, months are calendar months, school years start on 1 September', () => {
  assert.deepEqual(periodContaining('weekly', '2026-09-02'), { start: '2026-08-31', end: '2026-09-06' });
  assert.deepEqual(periodContaining('weekly', '2026-09-06'), { start: '2026-08-31', end: '2026-09-06' });
  assert.deepEqual(periodContaining('weekly', '2026-09-07'), { start: '2026-09-07', end: '2026-09-13' });
  assert.deepEqual(periodContaining('monthly', '2027-02-14'), { start: '2027-02-01', end: '2027-02-28' });
  assert.deepEqual(periodContaining('annual', '2026-08-31'), { start: '2025-09-01', end: '2026-08-31' });
  assert.deepEqual(periodContaining('annual', '2026-09-01'), { start: '2026-09-01', end: '2027-08-31' });
});

test('a period ends at London midnight: 23:00 UTC in summer time, 00:00 UTC in winter', () => {
  assert.equal(londonMidnight('2026-09-07').toISOString(), '2026-09-06T23:00:00.000Z');
  assert.equal(londonMidnight('2026-12-07').toISOString(), '2026-12-07T00:00:00.000Z');
  assert.equal(dueAtOf({ start: '2026-08-31', end: '2026-09-06' }).toISOString(), '2026-09-06T23:00:00.000Z');
});

test('periods to create: only the latest the first time, then each ended one since, never the current one', () => {
  const sundayLate = new Date('2026-09-06T22:30:00Z'); // 23:30 Sunday in London
  const mondayEarly = new Date('2026-09-06T23:30:00Z'); // 00:30 Monday in London
  assert.deepEqual(periodsToCreate('weekly', mondayEarly, null), [{ start: '2026-08-31', end: '2026-09-06' }]);
  assert.deepEqual(periodsToCreate('weekly', sundayLate, '2026-08-30'), []);
  assert.deepEqual(periodsToCreate('weekly', mondayEarly, '2026-08-30'), [{ start: '2026-08-31', end: '2026-09-06' }]);
  assert.deepEqual(periodsToCreate('weekly', mondayEarly, '2026-09-06'), []);
  assert.equal(periodsToCreate('weekly', new Date('2026-09-21T12:00:00Z'), '2026-08-30').length, 3, 'missed weeks are caught up');
  assert.deepEqual(periodsToCreate('annual', new Date('2026-09-01T08:00:00Z'), null), [{ start: '2025-09-01', end: '2026-08-31' }]);
});

test('the default schedule is the seeds’ process, and a schedule keeps a yearly review and unique kinds', () => {
  assert.deepEqual(
    DEFAULT_SCHEDULE.map((e) => [e.cadence, e.reviewerRoles.join('|'), e.overdueAfterDays]),
    [
      ['weekly', 'headteacher', 7],
      ['monthly', 'trust_ceo', 14],
      ['annual', 'online_safety_governor|chair_of_governors', 30],
    ],
  );
  assert.deepEqual(checkSchedule(DEFAULT_SCHEDULE), []);
  assert.match(checkSchedule(DEFAULT_SCHEDULE.filter((e) => e.cadence !== 'annual')).map((p) => p.message).join(), /yearly/);
  assert.match(checkSchedule([...DEFAULT_SCHEDULE, DEFAULT_SCHEDULE[0] as never]).map((p) => p.message).join(), /appears twice/);
  assert.equal(checkSchedule([]).length > 0, true);
});

const review = { status: 'due', dueAt: new Date('2026-09-06T23:00:00Z'), overdueAfterDays: 7, reviewerRoles: ['headteacher'], schoolId: 's1' };

test('overdue N days after due, never when signed off; reminders at most once a day', () => {
  assert.equal(isOverdue(review, new Date('2026-09-13T22:59:59Z')), false);
  assert.equal(isOverdue(review, new Date('2026-09-13T23:00:00Z')), true);
  assert.equal(displayStatus({ ...review, status: 'signed_off' }, new Date('2027-01-01')), 'signed_off');
  const now = new Date('2026-09-15T08:00:00Z');
  assert.equal(needsReminder({ ...review, remindedAt: null }, now), true);
  assert.equal(needsReminder({ ...review, remindedAt: new Date(now.getTime() - 23 * 3_600_000) }, now), false);
  assert.equal(needsReminder({ ...review, remindedAt: new Date(now.getTime() - 24 * 3_600_000) }, now), true);
  assert.equal(needsReminder({ ...review, status: 'signed_off', remindedAt: null }, now), false);
});

test('only the named reviewer (at the school or trust-wide) signs off, once, with notes', () => {
  const input = { notes: 'Reviewed SENSO reports', actions: [] };
  const head = { personId: 'p1', grants: [{ role: 'headteacher', schoolId: 's1' }], isToken: false };
  assert.deepEqual(decideSignOff(review, head, input), { ok: true });
  assert.equal(decideSignOff(review, { ...head, grants: [{ role: 'headteacher', schoolId: 's2' }] }, input).ok, false, 'head of another school');
  assert.equal(decideSignOff(review, { ...head, grants: [{ role: 'dsl', schoolId: 's1' }] }, input).ok, false, 'not the reviewer role');
  assert.equal(decideSignOff({ ...review, reviewerRoles: ['trust_ceo'] }, { ...head, grants: [{ role: 'trust_ceo', schoolId: null }] }, input).ok, true);
  assert.equal(decideSignOff(review, { ...head, isToken: true }, input).ok, false, 'tokens never sign off');
  const again = decideSignOff({ ...review, status: 'signed_off' }, head, input);
  assert.equal(again.ok === false && again.status, 409);
  const empty = decideSignOff(review, head, { notes: '  ', actions: [] });
  assert.equal(empty.ok === false && empty.status, 422);
});
