import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEvent } from '../event.ts';
import { makeAttributor, normaliseDevice, normaliseUser } from './attribute.ts';

const H = 3_600_000;
const T = Date.UTC(2026, 10, 23, 9, 0, 0);

function ev(extra: Partial<LogEvent>): LogEvent {
  return { at: T, source: 'squid', user: null, clientIp: null, device: null, host: 'x.example', url: null, action: 'allowed', filterCategory: null, reason: null, bytes: null, ...extra };
}

const attribute = makeAttributor({
  people: [
    { personId: 'p-amy', group: 'year-7', usernames: ['SCHOOL\\ASmith'] },
    { personId: 'p-ben', group: 'year-9' },
    { personId: 'p-cat', group: 'staff', usernames: ['cjones@school.org'] },
    { personId: 'p-dan', group: 'year-9', usernames: ['shared'] },
    { personId: 'p-eve', group: 'year-9', usernames: ['shared'] },
  ],
  usernames: [{ personId: 'p-ben', usernames: ['bbrown'] }],
  leases: [
    { personId: 'p-ben', ip: '10.0.0.5', from: T - H, to: T + H },
    { personId: 'p-amy', ip: '10.0.0.5', from: T + H, to: null },
    { personId: 'p-cat', device: 'STAFF-LAPTOP-3.school.local', from: T - 24 * H, to: null },
  ],
});

test('user names normalise across the forms logs write', () => {
  assert.equal(normaliseUser('SCHOOL\\ASmith'), 'asmith');
  assert.equal(normaliseUser(' asmith@school.org '), 'asmith');
  assert.equal(normaliseUser('asmith%40school.org'), 'asmith');
  assert.equal(normaliseUser('SCHOOL%5Casmith'), 'asmith');
  assert.equal(normaliseUser('"ASMITH"'), 'asmith');
  assert.equal(normaliseUser('-'), null);
  assert.equal(normaliseUser('   '), null);
  assert.equal(normaliseUser(null), null);
  assert.equal(normaliseUser('PC01$'), null, 'a machine account is not a person');
  assert.equal(normaliseDevice('PC01.school.local'), 'pc01');
});

test("the filter's user field wins when it names a known person", () => {
  assert.deepEqual({ ...attribute(ev({ user: 'asmith@school.org', clientIp: '10.0.0.5' })) }, { personId: 'p-amy', userKey: 'person:p-amy', group: 'year-7' });
  assert.equal(attribute(ev({ user: 'school\\bbrown' })).personId, 'p-ben');
  assert.equal(attribute(ev({ user: 'CJONES' })).group, 'staff');
});

test('an unknown or missing user falls back to the IP lease for the time', () => {
  assert.equal(attribute(ev({ user: 'nobody', clientIp: '10.0.0.5' })).personId, 'p-ben');
  assert.equal(attribute(ev({ user: '-', clientIp: '10.0.0.5', at: T + 2 * H })).personId, 'p-amy', 'the address passed to Amy');
  assert.equal(attribute(ev({ clientIp: '10.0.0.5', at: T - 2 * H })).personId, null, 'before any lease');
  assert.equal(attribute(ev({ clientIp: '10.0.0.5', at: T + H })).personId, 'p-amy', 'a lease ends exclusive');
});

test('a device name resolves through its lease', () => {
  assert.equal(attribute(ev({ device: 'staff-laptop-3' })).personId, 'p-cat');
  assert.equal(attribute(ev({ device: 'STAFF-LAPTOP-3$' })).personId, 'p-cat');
});

test('a name shared by two people attributes to neither', () => {
  const a = attribute(ev({ user: 'shared' }));
  assert.equal(a.personId, null);
  assert.equal(a.userKey, 'user:shared');
});

test('nobody found: unknown group, a key for the best identifier we have', () => {
  assert.deepEqual(attribute(ev({ user: 'SCHOOL\\Stranger' })), { personId: null, userKey: 'user:stranger', group: 'unknown' });
  assert.deepEqual(attribute(ev({ clientIp: '10.9.9.9' })), { personId: null, userKey: 'ip:10.9.9.9', group: 'unknown' });
  assert.deepEqual(attribute(ev({ device: 'PC7' })), { personId: null, userKey: 'device:pc7', group: 'unknown' });
  assert.deepEqual(attribute(ev({})), { personId: null, userKey: 'unknown', group: 'unknown' });
});

test('answers cached per raw user, IP or device still follow the leases over time', () => {
  // The same raw strings again and again, as a log repeats them: each event gets its own time's answer.
  for (let round = 0; round < 3; round++) {
    assert.equal(attribute(ev({ user: 'nobody', clientIp: '10.0.0.5', at: T })).personId, 'p-ben');
    assert.equal(attribute(ev({ user: 'nobody', clientIp: '10.0.0.5', at: T + 2 * H })).personId, 'p-amy');
    const before = attribute(ev({ user: 'nobody', clientIp: '10.0.0.5', at: T - 2 * H }));
    assert.deepEqual({ ...before }, { personId: null, userKey: 'user:nobody', group: 'unknown' });
    assert.equal(attribute(ev({ device: 'pc7', clientIp: '10.0.0.5', at: T - 2 * H })).userKey, 'ip:10.0.0.5', 'an IP names a stranger before a device');
    assert.equal(attribute(ev({ device: 'STAFF-LAPTOP-3', at: T - 48 * H })).userKey, 'device:staff-laptop-3', 'before the device lease');
    assert.equal(attribute(ev({ device: 'STAFF-LAPTOP-3', at: T })).personId, 'p-cat');
    assert.equal(attribute(ev({ device: '' })).userKey, 'unknown');
  }
});

test('without leases, a stranger is keyed by user, else IP, else device', () => {
  const bare = makeAttributor({ people: [{ personId: 'p-amy', group: 'year-7', usernames: ['asmith'] }] });
  for (let round = 0; round < 2; round++) {
    assert.equal(bare(ev({ user: 'SCHOOL\\ASmith', clientIp: '10.0.0.1' })).group, 'year-7');
    assert.equal(bare(ev({ user: 'pupil9', clientIp: '10.0.0.1' })).userKey, 'user:pupil9');
    assert.equal(bare(ev({ user: '-', clientIp: '10.0.0.1', device: 'PC1' })).userKey, 'ip:10.0.0.1');
    assert.equal(bare(ev({ user: 'PC1$', device: 'PC1' })).userKey, 'device:pc1');
  }
});
