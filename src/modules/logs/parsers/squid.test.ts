import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSquidNative, squidNativeParser } from './squid.ts';
import { parseSquidCombined, parseSquidCommon } from './squid-common.ts';
import { ev, fixtureLines, run } from './testing.ts';

test('squid native: the Squid FAQ sample line', () => {
  const { events } = run(parseSquidNative, fixtureLines('squid-native-doc.log'));
  assert.deepEqual(events, [
    ev({
      at: 979992041366, source: 'squid', clientIp: '192.168.1.160', host: 'example.com',
      url: 'http://example.com/home2.html', action: 'allowed', bytes: 216,
    }),
  ]);
});

test('squid native: users, CONNECT, denials, ports, IPv6 and case', () => {
  const { events, skipped } = run(parseSquidNative, fixtureLines('squid-native.log'));
  assert.equal(skipped, 1, 'TCP_DENIED/407 is the auth challenge, not a block');
  assert.deepEqual(events, [
    ev({ at: 979992041366, source: 'squid', clientIp: '192.168.1.160', host: 'example.com', url: 'http://example.com/home2.html', action: 'allowed', bytes: 216 }),
    ev({ at: 1700000000123, source: 'squid', clientIp: '10.20.1.15', host: 'www.bbc.co.uk', url: 'http://www.BBC.co.uk/news/education?', action: 'allowed', bytes: 5120 }),
    ev({
      at: 1700000001004, source: 'squid', user: 'alice@school.example', clientIp: '10.20.1.16', host: 'bad.example.org',
      url: 'http://bad.example.org:8080/path/page.php', action: 'blocked', reason: 'TCP_DENIED/403', bytes: 3964,
    }),
    ev({ at: 1700000002500, source: 'squid', user: 'SCHOOL\\jbloggs', clientIp: '10.20.1.17', host: 'www.youtube.com', url: 'www.youtube.com:443', action: 'allowed', bytes: 4521 }),
    ev({ at: 1700000004077, source: 'squid', clientIp: 'fe80::1', host: '2001:db8::5', url: 'http://user:pw@[2001:db8::5]:8080/x', action: 'allowed', bytes: 812 }),
  ]);
});

test('squid native: malformed lines get a reason from the fixed set and never throw', () => {
  const cases: [string, string][] = [
    ['garbage here', 'bad time'],
    ['979992041.366 502 192.168.1.160 TCP_MISS/200 216 GET', 'too few fields'],
    ['97999x041.366 502 192.168.1.160 TCP_MISS/200 216 GET http://a.example/ - NONE/- text/html', 'bad time'],
    ['979992041.366 502 192.168.1.160 TCP_MISS/200 2x6 GET http://a.example/ - NONE/- text/html', 'bad bytes'],
    ['979992041.366 502 192.168.1.160 TCP_MISS/200 216 GET http:/// - NONE/- text/html', 'no host'],
  ];
  for (const [line, reason] of cases) assert.deepEqual(parseSquidNative(line), { kind: 'malformed', reason }, line);
  assert.deepEqual(parseSquidNative(''), { kind: 'skip' });
  assert.deepEqual(parseSquidNative('1700000000.000      0 10.20.1.9 NONE_NONE/000 0 - error:transaction-end-before-headers - HIER_NONE/- -'), { kind: 'skip' });
  assert.equal(squidNativeParser('e2guardian')('1700000000.000 1 10.0.0.1 TCP_MISS/200 1 GET http://a.example/ - NONE/- -').kind, 'event');
});

test('squid common: time zone offsets, ident/user, squid tag decides blocked', () => {
  const { events } = run(parseSquidCommon, fixtureLines('squid-common.log'));
  assert.deepEqual(events, [
    ev({ at: Date.UTC(2000, 9, 10, 20, 55, 36), source: 'squid-common', clientIp: '192.168.1.160', host: 'example.com', url: 'http://example.com/home2.html', action: 'allowed', bytes: 2326 }),
    ev({
      at: Date.UTC(2026, 10, 23, 9, 15, 2), source: 'squid-common', user: 'alice', clientIp: '10.20.1.16', host: 'casino.example.com',
      url: 'http://casino.example.com/play', action: 'blocked', reason: 'TCP_DENIED/403', bytes: 3964,
    }),
    ev({ at: Date.UTC(2026, 10, 23, 9, 15, 3), source: 'squid-common', clientIp: '10.20.1.17', host: 'www.youtube.com', url: 'www.youtube.com:443', action: 'allowed', bytes: 4521 }),
  ]);
  // without the squid tag a 403 is taken as the proxy's block
  const bare = parseSquidCommon('10.0.0.5 - - [23/Nov/2026:09:15:02 +0000] "GET http://x.example/ HTTP/1.1" 403 10');
  assert.equal(bare.kind === 'event' && bare.event.action, 'blocked');
});

test('squid combined: referer and user agent are read past; BST offset', () => {
  const { events } = run(parseSquidCombined, fixtureLines('squid-combined.log'));
  assert.deepEqual(events, [
    ev({
      at: Date.UTC(2026, 6, 1, 13, 5, 9), source: 'squid-combined', user: 'SCHOOL\\jbloggs', clientIp: '10.20.1.15', host: 'www.bbc.co.uk',
      url: 'http://www.BBC.co.uk/bitesize', action: 'allowed', bytes: 18234,
    }),
    ev({
      at: Date.UTC(2026, 6, 1, 13, 5, 10), source: 'squid-combined', clientIp: '10.20.1.16', host: 'proxyfree.example.net',
      url: 'http://proxyfree.example.net/', action: 'blocked', reason: 'TCP_DENIED/403', bytes: 3964,
    }),
  ]);
});

test('squid common/combined: malformed reasons', () => {
  assert.deepEqual(parseSquidCommon('not a log line'), { kind: 'malformed', reason: 'too few fields' });
  assert.deepEqual(parseSquidCommon('1.2.3.4 - - [32/Foo/2000:13:55:36 -0700] "GET http://a.example/ HTTP/1.0" 200 1'), { kind: 'malformed', reason: 'bad time' });
  assert.deepEqual(parseSquidCommon('1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET" 200 1'), { kind: 'malformed', reason: 'bad request' });
  assert.deepEqual(parseSquidCommon('1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1'), { kind: 'malformed', reason: 'no host' });
});

// Written by the real Squid 5 (Debian) on loopback with three access_log lines (squid, common, combined):
// a page, a mixed-case host (Squid lower-cases it and strips the query), an ACL deny, a CONNECT, a 404.
test('squid real output: native, common and combined agree', () => {
  const expected = [
    ['www.school-test.example', 'http://www.school-test.example:8391/index.html', 'allowed', 311, null],
    ['www.mixed-case.example', 'http://www.mixed-case.example:8391/news/today.html?', 'allowed', 296, null],
    ['casino.school-test.example', 'http://casino.school-test.example:8391/play', 'blocked', 3454, 'TCP_DENIED/403'],
    ['www.school-test.example', 'www.school-test.example:8391', 'allowed', 399, null],
    ['www.school-test.example', 'http://www.school-test.example:8391/missing', 'allowed', 603, null],
  ];
  const native = run(parseSquidNative, fixtureLines('squid-real-native.log')).events;
  assert.deepEqual(native.map((e) => e.at), [1795442505874, 1795442505911, 1795442505927, 1795442505943, 1795442505970]);
  for (const [parser, file] of [[parseSquidNative, 'native'], [parseSquidCommon, 'common'], [parseSquidCombined, 'combined']] as const) {
    const events = run(parser, fixtureLines(`squid-real-${file}.log`)).events;
    assert.deepEqual(events.map((e) => [e.host, e.url, e.action, e.bytes, e.reason]), expected, file);
    assert.ok(events.every((e) => e.clientIp === '127.0.0.1' && e.user === null));
    // common/combined carry whole seconds only
    if (file !== 'native') assert.ok(events.every((e) => e.at === Date.UTC(2026, 10, 23, 14, 1, 45)));
  }
});
