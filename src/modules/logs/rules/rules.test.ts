import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Attribution } from '../attribute/attribute.ts';
import type { HavenCategory, LogEvent } from '../event.ts';
import { isInteresting, RuleEngine } from './rules.ts';

const T = Date.UTC(2026, 10, 23, 9, 0, 0);
const MIN = 60_000;
const amy: Attribution = { personId: 'p-amy', userKey: 'person:p-amy', group: 'year-7' };
const ben: Attribution = { personId: 'p-ben', userKey: 'person:p-ben', group: 'year-9' };
const nobody: Attribution = { personId: null, userKey: 'unknown', group: 'unknown' };

function ev(at: number, action: 'allowed' | 'blocked', host = 'site.example', extra: Partial<LogEvent> = {}): LogEvent {
  return { at, source: 'squid', user: null, clientIp: null, device: null, host, url: null, action, filterCategory: null, reason: null, bytes: null, ...extra };
}
function run(items: [LogEvent, Attribution, HavenCategory][], options = {}) {
  const engine = new RuleEngine(options);
  for (const [e, a, c] of items) engine.push(e, a, c);
  return engine.flush();
}
function blocks(count: number, spacingMs: number, who = amy, start = T): [LogEvent, Attribution, HavenCategory][] {
  return Array.from({ length: count }, (_, i) => [ev(start + i * spacingMs, 'blocked', `b${i % 3}.example`), who, 'games'] as [LogEvent, Attribution, HavenCategory]);
}

test('allowed social media and games raise nothing', () => {
  assert.deepEqual(run([[ev(T, 'allowed', 'facebook.com'), amy, 'social_media'], [ev(T + 1, 'allowed', 'games.example'), amy, 'games'], [ev(T + 2, 'allowed', 'porn.example'), amy, 'pornography']]), []);
});

test('an allowed self-harm visit is a high harmful-content alert that says why', () => {
  const [a, ...rest] = run([[ev(T, 'allowed', 'sh.example'), amy, 'self_harm']]);
  assert.equal(rest.length, 0);
  assert.equal(a?.rule, 'harmful_content');
  assert.equal(a?.priority, 'high');
  assert.equal(a?.category, 'self_harm');
  assert.equal(a?.personId, 'p-amy');
  assert.equal(a?.eventCount, 1);
  assert.equal(a?.events.length, 1);
  assert.equal(a?.why, 'Harmful content rule: person p-amy tried to reach self-harm content (sh.example) once at 2026-11-23 09:00 UTC, all allowed.');
});

test('blocked child abuse, terrorism and extremism attempts are each high', () => {
  const out = run([
    [ev(T, 'blocked'), amy, 'child_abuse'],
    [ev(T, 'blocked'), amy, 'terrorism'],
    [ev(T, 'allowed'), nobody, 'extremism'],
  ]);
  assert.deepEqual(out.map((a) => [a.rule, a.priority, a.category, a.subjectKey]).sort(), [
    ['harmful_content', 'high', 'child_abuse', 'person:p-amy'],
    ['harmful_content', 'high', 'extremism', 'unknown'],
    ['harmful_content', 'high', 'terrorism', 'person:p-amy'],
  ]);
});

test('a proxy or VPN attempt is a medium filter-bypass alert', () => {
  const out = run([[ev(T, 'blocked', 'vpn.example'), amy, 'proxies_vpns']]);
  assert.equal(out.length, 1);
  assert.equal(out[0]?.rule, 'filter_bypass');
  assert.equal(out[0]?.priority, 'medium');
  assert.match(out[0]?.why ?? '', /^Filter bypass rule: person p-amy tried to use a proxy or VPN \(vpn\.example\) once/);
});

test('duplicates within the fold window fold into one; beyond it they are two', () => {
  const folded = run([
    [ev(T, 'allowed', 'sh.example'), amy, 'self_harm'],
    [ev(T + 30 * MIN, 'blocked', 'sh.example'), amy, 'self_harm'],
    [ev(T + 85 * MIN, 'allowed', 'sh2.example'), amy, 'self_harm'],
  ]);
  assert.equal(folded.length, 1);
  assert.equal(folded[0]?.eventCount, 3);
  assert.equal(folded[0]?.firstAt, T);
  assert.equal(folded[0]?.lastAt, T + 85 * MIN);
  assert.match(folded[0]?.why ?? '', /3 times between 2026-11-23 09:00 and 10:25 UTC, 1 blocked, 2 allowed/);
  const apart = run([
    [ev(T, 'allowed'), amy, 'self_harm'],
    [ev(T + 61 * MIN, 'allowed'), amy, 'self_harm'],
  ]);
  assert.equal(apart.length, 2);
  assert.deepEqual(apart.map((a) => a.eventCount), [1, 1]);
});

test('different people, rules or categories never fold together', () => {
  const out = run([
    [ev(T, 'allowed'), amy, 'self_harm'],
    [ev(T + MIN, 'allowed'), ben, 'self_harm'],
    [ev(T + 2 * MIN, 'allowed'), amy, 'terrorism'],
    [ev(T + 3 * MIN, 'allowed'), amy, 'proxies_vpns'],
  ]);
  assert.equal(out.length, 4);
});

test('19 blocks in 5 minutes are no burst; 20 are one', () => {
  assert.deepEqual(run(blocks(19, 10_000)), []);
  const out = run(blocks(20, 10_000));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.rule, 'blocked_burst');
  assert.equal(out[0]?.priority, 'medium');
  assert.equal(out[0]?.category, null);
  assert.equal(out[0]?.eventCount, 20);
  assert.equal(out[0]?.events.length, 20);
  assert.match(out[0]?.why ?? '', /^Blocked burst rule: person p-amy had at least 20 requests blocked within 5 minutes, 20 in the burst between 2026-11-23 09:00 and 09:03 UTC/);
});

test('20 blocks spread over more than 5 minutes are no burst', () => {
  assert.deepEqual(run(blocks(20, 16_000)), [], '20 blocks over 5m04s');
  assert.equal(run(blocks(20, 15_000)).length, 1, '20 blocks over exactly 4m45s');
});

test('a long burst folds into one alert counting every block in it', () => {
  const out = run(blocks(45, 5_000));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.eventCount, 45);
  assert.equal(out[0]?.events.length, 45);
  const capped = run(blocks(80, 1_000));
  assert.equal(capped[0]?.eventCount, 80);
  assert.equal(capped[0]?.events.length, 50, 'events capped at 50');
});

test('burst threshold and window are configurable', () => {
  assert.equal(run(blocks(5, 60_000), { burstCount: 5, burstMinutes: 4 }).length, 1);
  assert.equal(run(blocks(5, 61_000), { burstCount: 5, burstMinutes: 4 }).length, 0);
});

test("bursts are per person: two people's blocks do not add up", () => {
  const mixed = [...blocks(10, 10_000, amy), ...blocks(10, 10_000, ben)].sort((a, b) => a[0].at - b[0].at);
  assert.deepEqual(run(mixed), []);
});

test('unidentified traffic is never a burst (it is many people)', () => {
  assert.deepEqual(run(blocks(30, 1_000, nobody)), []);
});

test('events slightly out of order still make the burst and fold', () => {
  const items = blocks(20, 10_000);
  const shuffled = [...items.slice(10), ...items.slice(0, 10)];
  const out = run(shuffled);
  assert.equal(out.length, 1);
  assert.equal(out[0]?.eventCount, 20);
  assert.deepEqual(out[0]?.events.map((e) => e.at), items.map(([e]) => e.at), 'events reported oldest first');
  const late = run([
    [ev(T + 40 * MIN, 'allowed'), amy, 'self_harm'],
    [ev(T, 'allowed'), amy, 'self_harm'],
  ]);
  assert.equal(late.length, 1);
  assert.equal(late[0]?.firstAt, T);
});

test('monitoring captures alert by severity, harmful categories lift them to high', () => {
  const cap = (at: number, severity: number) => ev(at, 'allowed', '', { source: 'monitor', severity, trigger: 'kill myself', captureRef: 'shot-1' });
  const out = run([
    [cap(T, 4), amy, 'other'],
    [cap(T, 3), ben, 'other'],
    [cap(T, 2), { ...amy, userKey: 'person:p-x', personId: 'p-x' }, 'other'],
    [cap(T, 1), { ...amy, userKey: 'person:p-y', personId: 'p-y' }, 'other'],
    [cap(T, 1), { ...amy, userKey: 'person:p-z', personId: 'p-z' }, 'self_harm'],
  ]);
  assert.deepEqual(out.map((a) => [a.subjectKey, a.rule, a.priority]).sort(), [
    ['person:p-amy', 'monitoring_capture', 'high'],
    ['person:p-ben', 'monitoring_capture', 'high'],
    ['person:p-x', 'monitoring_capture', 'medium'],
    ['person:p-y', 'monitoring_capture', 'low'],
    ['person:p-z', 'monitoring_capture', 'high'],
  ]);
  const folded = run([[cap(T, 1), amy, 'other'], [cap(T + MIN, 3), amy, 'other']]);
  assert.equal(folded.length, 1);
  assert.equal(folded[0]?.priority, 'high', 'a folded capture takes the highest severity');
  assert.match(folded[0]?.why ?? '', /^Monitoring capture rule: the monitoring product captured person p-amy 2 times .* highest severity 3 of 4/);
});

test('drainClosed hands over only candidates whose window has passed', () => {
  const engine = new RuleEngine();
  engine.push(ev(T, 'allowed'), amy, 'self_harm');
  engine.push(ev(T + 10 * MIN, 'allowed'), ben, 'self_harm');
  assert.deepEqual(engine.drainClosed(), []);
  engine.push(ev(T + 70 * MIN, 'blocked'), ben, 'terrorism');
  const closed = engine.drainClosed();
  assert.deepEqual(closed.map((c) => c.subjectKey), ['person:p-amy']);
  assert.deepEqual(engine.flush().map((c) => c.category).sort(), ['self_harm', 'terrorism']);
});

test('idle burst windows are evicted, so memory stays bounded', () => {
  const engine = new RuleEngine();
  for (let i = 0; i < 10_000; i++) engine.push(ev(T + i * 1000, 'blocked'), { personId: null, userKey: `user:u${i}`, group: 'unknown' }, 'games');
  assert.ok(engine.trackedSubjects < 4096 + 700, `tracked ${engine.trackedSubjects} between sweeps`);
  engine.drainClosed(); // sweeps
  assert.equal(engine.trackedSubjects, 601, 'only subjects seen in the last 5 + 5 minutes');
});

test('isInteresting keeps blocked, harmful, bypass and captures only', () => {
  assert.equal(isInteresting(ev(T, 'blocked'), 'other'), true);
  assert.equal(isInteresting(ev(T, 'allowed'), 'self_harm'), true);
  assert.equal(isInteresting(ev(T, 'allowed'), 'proxies_vpns'), true);
  assert.equal(isInteresting(ev(T, 'allowed', '', { severity: 1 }), 'other'), true);
  assert.equal(isInteresting(ev(T, 'allowed'), 'pornography'), false);
  assert.equal(isInteresting(ev(T, 'allowed'), 'social_media'), false);
});

test('a mixed two-hour fixture through the worker pre-filter gives exactly the known alerts', () => {
  const who = (id: string): Attribution => ({ personId: id, userKey: `person:${id}`, group: 'year-8' });
  const all: [LogEvent, Attribution, HavenCategory][] = [];
  const add = (at: number, action: 'allowed' | 'blocked', a: Attribution, c: HavenCategory, host = `${c}.example`) => all.push([ev(at, action, host), a, c]);
  for (let i = 0; i < 100; i++) add(T + i * 60_000, 'allowed', who('amy'), i % 2 ? 'social_media' : 'games');
  for (let i = 0; i < 3; i++) add(T + i * 1000, 'blocked', who('amy'), 'games'); // 3 blocks: no burst
  for (let i = 0; i < 25; i++) add(T + 30 * MIN + i * 7_000, 'blocked', who('ben'), 'pornography'); // one burst of 25
  for (let i = 0; i < 10; i++) add(T + 90 * MIN + i * 1000, 'blocked', who('ben'), 'games'); // 10 later: not a burst
  add(T + 10 * MIN, 'allowed', who('cat'), 'self_harm');
  add(T + 40 * MIN, 'allowed', who('cat'), 'self_harm'); // folds with the first
  add(T + 120 * MIN, 'allowed', who('cat'), 'self_harm'); // 80 min later: a second alert
  for (let i = 0; i < 5; i++) add(T + 50 * MIN + i * 4 * MIN, 'blocked', who('dan'), 'proxies_vpns');
  for (let i = 0; i < 40; i++) add(T + 5 * MIN + i * 1000, 'allowed', who('eve'), 'pornography'); // no rule for allowed porn
  for (let i = 0; i < 30; i++) add(T + 60 * MIN + i * 1000, 'blocked', nobody, 'games'); // unidentified: no burst
  add(T + 61 * MIN, 'blocked', nobody, 'terrorism');

  // Two workers take alternate halves of the hour, pre-filter, sort their chunk; main feeds chunks as they come.
  const interesting = all.filter(([e, , c]) => isInteresting(e, c));
  const chunk = (from: number, to: number) => interesting.filter(([e]) => e.at >= T + from * MIN && e.at < T + to * MIN).sort((a, b) => a[0].at - b[0].at);
  const engine = new RuleEngine();
  const got: ReturnType<RuleEngine['flush']> = [];
  for (const part of [chunk(30, 60), chunk(0, 30), chunk(90, 150), chunk(60, 90)]) {
    for (const [e, a, c] of part) engine.push(e, a, c);
    got.push(...engine.drainClosed());
  }
  got.push(...engine.flush());
  const summary = got.map((a) => `${a.rule} ${a.priority} ${a.subjectKey} ${a.category} ${a.eventCount}`).sort();
  assert.deepEqual(summary, [
    'blocked_burst medium person:ben null 25',
    'filter_bypass medium person:dan proxies_vpns 5',
    'harmful_content high person:cat self_harm 1',
    'harmful_content high person:cat self_harm 2',
    'harmful_content high unknown terrorism 1',
  ]);
  assert.ok(interesting.length < all.length / 2, 'the pre-filter drops the ordinary traffic');
});
