import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAdguard } from './adguard.ts';
import { blockyParser } from './blocky.ts';
import { piholeParser } from './pihole.ts';
import { ev, fixtureLines, run } from './testing.ts';

test('pihole: the documented sample — one event per query, blocked by the gravity line that follows', () => {
  const p = piholeParser({ year: 2026 });
  const { events, malformed } = run(p, fixtureLines('pihole-dnsmasq.log'));
  assert.deepEqual(malformed, {});
  assert.deepEqual(events, [
    ev({ at: Date.UTC(2026, 8, 15, 7, 32, 47), source: 'pihole', clientIp: '192.168.1.169', host: 'mykulprint.lan', action: 'allowed' }),
    ev({ at: Date.UTC(2026, 8, 15, 7, 32, 49), source: 'pihole', clientIp: '192.168.1.169', host: 'mobile.events.data.microsoft.com', action: 'blocked', reason: 'gravity blocked' }),
    ev({ at: Date.UTC(2026, 8, 15, 7, 32, 49), source: 'pihole', clientIp: '192.168.1.169', host: 'mobile.events.data.microsoft.com', action: 'blocked', reason: 'gravity blocked' }),
    // 26 Oct 2026 is after the clocks go back: GMT
    ev({ at: Date.UTC(2026, 9, 26, 10, 1, 1), source: 'pihole', clientIp: '192.168.1.100', host: 'google.com', action: 'allowed' }),
  ]);
  assert.deepEqual(p.flush(), []);
});

test('pihole: interleaved queries pair with their own outcome; unanswered ones come out of flush', () => {
  const p = piholeParser({ year: 2026, timezone: 'UTC' });
  const { events } = run(p, fixtureLines('pihole-extra.log'));
  assert.deepEqual(events, [
    ev({ at: Date.UTC(2026, 6, 1, 14, 5, 9), source: 'pihole', clientIp: '10.20.1.16', host: 'www.bet365.com', action: 'blocked', reason: 'regex blacklisted' }),
    ev({ at: Date.UTC(2026, 6, 1, 14, 5, 9), source: 'pihole', clientIp: '10.20.1.17', host: 'classroom.google.com', action: 'allowed' }),
    ev({ at: Date.UTC(2026, 6, 1, 14, 5, 10), source: 'pihole', clientIp: '10.20.1.18', host: 'www.bbc.co.uk', action: 'allowed' }),
  ]);
  assert.deepEqual(p.flush(), [ev({ at: Date.UTC(2026, 6, 1, 14, 5, 11), source: 'pihole', clientIp: '10.20.1.19', host: 'never.answered.example', action: 'allowed' })]);
});

test('pihole: a query left unanswered for over a minute is emitted by a later query line; year rolls over', () => {
  const p = piholeParser({ year: 2025, timezone: 'UTC' });
  assert.deepEqual(p('Dec 31 23:59:00 dnsmasq[1]: query[A] lost.example from 10.0.0.1'), { kind: 'skip' });
  const r = p('Jan  1 00:00:30 dnsmasq[1]: query[A] next.example from 10.0.0.2');
  assert.deepEqual(r, { kind: 'event', event: ev({ at: Date.UTC(2025, 11, 31, 23, 59), source: 'pihole', clientIp: '10.0.0.1', host: 'lost.example', action: 'allowed' }) });
  assert.equal(p.flush()[0]!.at, Date.UTC(2026, 0, 1, 0, 0, 30));
});

test('pihole: malformed lines', () => {
  const p = piholeParser({ year: 2026 });
  assert.deepEqual(p('garbage'), { kind: 'malformed', reason: 'bad time' });
  assert.deepEqual(p('Sep 15 08:32:47 dnsmasq[2221]: query[A]  from '), { kind: 'malformed', reason: 'no host' });
});

test('adguard: the decoder-test sample and current-format lines', () => {
  const { events } = run(parseAdguard, fixtureLines('adguardhome-querylog.json'));
  assert.deepEqual(events, [
    ev({ at: Date.UTC(2020, 10, 25, 15, 55, 56, 519), source: 'adguard', clientIp: '127.0.0.1', host: 'an.yandex.ru', action: 'blocked', reason: '||an.yandex.' }),
    ev({ at: Date.UTC(2026, 10, 23, 9, 15, 2, 123), source: 'adguard', clientIp: '10.20.1.16', host: 'www.bet365.com', action: 'blocked', filterCategory: 'gambling', reason: '||bet365.com^' }),
    ev({ at: Date.UTC(2026, 6, 1, 13, 5, 9, 500), source: 'adguard', clientIp: '10.20.1.17', host: 'classroom.google.com', action: 'allowed' }),
  ]);
  assert.deepEqual(parseAdguard('{"IP":"1.2.3.4"'), { kind: 'malformed', reason: 'bad json' });
  assert.deepEqual(parseAdguard('{"IP":"1.2.3.4","QH":"a.example"}'), { kind: 'malformed', reason: 'bad time' });
  assert.deepEqual(parseAdguard('{"T":"2026-01-01T00:00:00Z"}'), { kind: 'malformed', reason: 'no host' });
  // safe search (7) rewrites the answer, it does not block
  const ss = parseAdguard('{"T":"2026-01-01T00:00:00Z","QH":"www.google.com","Result":{"IsFiltered":true,"Reason":7}}');
  assert.equal(ss.kind === 'event' && ss.event.action, 'allowed');
});

test('blocky: tab-separated query log, BLOCKED (group) gives the category', () => {
  const { events } = run(blockyParser(), fixtureLines('blocky-query.log'));
  assert.deepEqual(events, [
    ev({ at: Date.UTC(2026, 10, 23, 9, 15, 2), source: 'blocky', clientIp: '10.20.1.16', device: 'pc-lab1-07', host: 'www.bet365.com', action: 'blocked', filterCategory: 'gambling', reason: 'BLOCKED (gambling)' }),
    ev({ at: Date.UTC(2026, 6, 1, 13, 5, 9), source: 'blocky', clientIp: '10.20.1.17', device: 'laptop-17', host: 'classroom.google.com', action: 'allowed' }),
    ev({ at: Date.UTC(2026, 10, 23, 9, 15, 4), source: 'blocky', clientIp: '10.20.1.18', host: 'www.bbc.co.uk', action: 'allowed' }),
  ]);
  const p = blockyParser();
  assert.deepEqual(p('2026-11-23 09:15:02\t10.0.0.1'), { kind: 'malformed', reason: 'too few fields' });
  assert.deepEqual(p('yesterday\t10.0.0.1\t\t0\tCACHED\ta.example\t\tNOERROR\tCACHED\tA\tb'), { kind: 'malformed', reason: 'bad time' });
  assert.deepEqual(p('2026-11-23 09:15:02\t10.0.0.1\t\t0\tCACHED\t\t\tNOERROR\tCACHED\tA\tb'), { kind: 'malformed', reason: 'no host' });
});
