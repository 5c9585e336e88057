import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFix, checkNewCheck, failures } from './model.ts';

const raisedAt = new Date('2026-11-23T10:15:40Z');
const now = new Date('2026-11-23T12:00:00Z');
const fix = (at: string, over = {}) => ({ fixedBy: 'Acme IT', fixedAt: new Date(at), how: 'Rule added', ...over });

test('a fix is recorded by the network manager, once, not before the task or in the future, and not while a re-test fails', () => {
  assert.deepEqual(checkFix({ raisedAt, fixedAt: null }, ['network_manager'], fix('2026-11-23T11:00:00Z'), now), { ok: true });
  assert.equal((checkFix({ raisedAt, fixedAt: null }, ['headteacher', 'online_safety_lead'], fix('2026-11-23T11:00:00Z'), now) as { status: number }).status, 403);
  assert.equal((checkFix({ raisedAt, fixedAt: now }, ['network_manager'], fix('2026-11-23T11:00:00Z'), now) as { status: number }).status, 409);
  assert.equal((checkFix({ raisedAt, fixedAt: null }, ['network_manager'], fix('2026-11-23T12:01:00Z'), now) as { field: string }).field, 'fixedAt');
  assert.equal((checkFix({ raisedAt, fixedAt: null }, ['network_manager'], fix('2026-11-23T10:14:59Z'), now) as { field: string }).field, 'fixedAt');
  // Entered to the minute: the minute the task was raised in is allowed.
  assert.deepEqual(checkFix({ raisedAt, fixedAt: null }, ['network_manager'], fix('2026-11-23T10:15:00Z'), now), { ok: true });
  const failing = checkFix({ raisedAt, fixedAt: null }, ['network_manager'], fix('2026-11-23T11:00:00Z', { retest: { outcome: 'not_blocked' } }), now);
  assert.equal((failing as { field: string }).field, 'retest.outcome');
});

test('a new check needs a past date, a device, year groups for pupils, one result per category, and an address for each failure', () => {
  const ok = { checkedOn: '2026-11-23', device: 'PC', userGroup: { group: 'staff' as const }, method: 'own_list' as const, results: [{ category: 'Gambling', outcome: 'blocked' as const }] };
  assert.deepEqual(checkNewCheck(ok, '2026-11-23'), []);
  assert.deepEqual(checkNewCheck({ ...ok, checkedOn: '2026-11-24' }, '2026-11-23').map((p) => p.field), ['checkedOn']);
  assert.deepEqual(checkNewCheck({ ...ok, device: ' ' }, '2026-11-23').map((p) => p.field), ['device']);
  assert.deepEqual(checkNewCheck({ ...ok, userGroup: { group: 'pupils', yearGroups: [] } }, '2026-11-23').map((p) => p.field), ['userGroup.yearGroups']);
  assert.deepEqual(checkNewCheck({ ...ok, results: [] }, '2026-11-23').map((p) => p.field), ['results']);
  assert.deepEqual(checkNewCheck({ ...ok, results: [{ category: 'Gambling', outcome: 'not_blocked', url: ' ' }] }, '2026-11-23').map((p) => p.field), ['results.0.url']);
  assert.deepEqual(failures([{ outcome: 'blocked' }, { outcome: 'not_blocked' }]), [{ outcome: 'not_blocked' }]);
});
