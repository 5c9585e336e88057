import assert from 'node:assert/strict';
import { test } from 'node:test';
import { londonDate, londonDateTime, londonTime } from './time.ts';

test('UTC instants are shown in UK time, with summer time', () => {
  const summer = new Date('2026-09-01T07:30:00Z');
  assert.equal(londonTime(summer), '08:30');
  assert.equal(londonDate(summer), '2026-09-01');
  const winter = new Date('2026-12-31T23:30:00Z');
  assert.equal(londonDateTime(winter), '31/12/2026 23:30');
  assert.equal(londonDate(new Date('2026-06-30T23:30:00Z')), '2026-07-01');
});
