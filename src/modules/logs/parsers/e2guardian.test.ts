import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectE2Format, e2guardianParser, type E2Event } from './e2guardian.ts';
import { ev, fixtureLines, run } from './testing.ts';

// The same four requests written in the DansGuardian layouts (1 space, 2 CSV, 4 tab).
const dgExpected: E2Event[] = [
  {
    ...ev({
      at: Date.UTC(2026, 10, 23, 9, 15, 2), source: 'e2guardian', user: 'alice', clientIp: '10.20.1.16', device: 'pc-lab1-07',
      host: 'casino.example.com', url: 'http://casino.example.com/play', action: 'blocked', filterCategory: 'Gambling',
      reason: 'Blocked site: casino.example.com', bytes: 0,
    }),
    filterGroup: 'Pupils',
  },
  {
    // local time in July is BST: 14:05 London is 13:05 UTC
    ...ev({
      at: Date.UTC(2026, 6, 1, 13, 5, 9), source: 'e2guardian', clientIp: '10.20.1.17', host: 'www.bbc.co.uk',
      url: 'https://www.bbc.co.uk:443', action: 'allowed', reason: 'Site match: bbc.co.uk', bytes: 0,
    }),
    filterGroup: 'Staff',
  },
  {
    ...ev({
      at: Date.UTC(2026, 10, 23, 9, 15, 4), source: 'e2guardian', user: 'SCHOOL\\bob', clientIp: '10.20.1.18', host: 'en.wikipedia.org',
      url: 'http://en.wikipedia.org/wiki/Photosynthesis', action: 'allowed', bytes: 51234,
    }),
    filterGroup: 'Staff',
  },
  {
    ...ev({
      at: Date.UTC(2026, 10, 23, 9, 15, 5), source: 'e2guardian', user: 'alice', clientIp: '10.20.1.16', device: 'pc-lab1-07',
      host: 'forum.example.net', url: 'http://forum.example.net/thread/42', action: 'blocked', filterCategory: 'Self Harm, Weapons',
      reason: 'Banned phrase found: how to make', bytes: 1234,
    }),
    filterGroup: 'Pupils',
  },
];

for (const n of [1, 2, 4] as const) {
  test(`e2guardian logfileformat ${n}: user, group, category and *DENIED* reason`, () => {
    const lines = fixtureLines(`e2guardian-${n}.log`);
    assert.equal(detectE2Format(lines[0]!), n);
    const { events, malformed } = run(e2guardianParser(lines[0]), lines);
    assert.deepEqual(malformed, {});
    assert.deepEqual(events, dgExpected);
  });
}

test('e2guardian logfileformat 3 (Squid style): TCP_DENIED/403 is the block, blank user tolerated', () => {
  const lines = fixtureLines('e2guardian-3.log');
  assert.equal(detectE2Format(lines[0]!), 3);
  const { events } = run(e2guardianParser(lines[0]), lines);
  assert.deepEqual(events, [
    { ...ev({ at: 1795425302123, source: 'e2guardian', user: 'alice', clientIp: '10.20.1.16', host: 'casino.example.com', url: 'http://casino.example.com/play', action: 'blocked', bytes: 0 }), filterGroup: null },
    { ...ev({ at: 1795425304500, source: 'e2guardian', clientIp: '10.20.1.18', host: 'en.wikipedia.org', url: 'http://en.wikipedia.org/wiki/Photosynthesis', action: 'allowed', bytes: 51234 }), filterGroup: null },
  ]);
});

for (const n of [5, 6] as const) {
  test(`e2guardian logfileformat ${n} (Protex): epoch time, client host, group name`, () => {
    const lines = fixtureLines(`e2guardian-${n}.log`);
    assert.equal(detectE2Format(lines[0]!), n);
    const { events } = run(e2guardianParser(lines[0]), lines);
    assert.deepEqual(events, [
      {
        ...ev({
          at: 1795425302123, source: 'e2guardian', user: 'alice', clientIp: '10.20.1.16', device: 'pc-lab1-07', host: 'casino.example.com',
          url: 'http://casino.example.com/play', action: 'blocked', filterCategory: 'Gambling', reason: 'Blocked site: casino.example.com', bytes: 0,
        }),
        filterGroup: 'Pupils',
      },
      {
        ...ev({
          at: 1795425304500, source: 'e2guardian', user: 'SCHOOL\\bob', clientIp: '10.20.1.18', host: 'en.wikipedia.org',
          url: 'http://en.wikipedia.org/wiki/Photosynthesis', action: 'allowed', bytes: 51234,
        }),
        filterGroup: 'Staff',
      },
    ]);
  });
}

test('e2guardian: malformed lines by reason, per format', () => {
  const p1 = e2guardianParser(undefined, { format: 1 });
  assert.deepEqual(p1('2026.11.23 9:15:02 alice'), { kind: 'malformed', reason: 'too few fields' });
  assert.deepEqual(p1('2026.13.45 9:15:02 alice 10.0.0.1 http://a.example/  GET 1 0  1 200 - - Staff     '), { kind: 'malformed', reason: 'bad time' });
  const p2 = e2guardianParser(undefined, { format: 2 });
  assert.deepEqual(p2('"2026.11.23 9:15:02","alice"'), { kind: 'malformed', reason: 'too few fields' });
  assert.deepEqual(p2('"unterminated'), { kind: 'malformed', reason: 'bad csv' });
  const p6 = e2guardianParser(undefined, { format: 6 });
  assert.deepEqual(p6('not\ta\tprotex\tline'), { kind: 'malformed', reason: 'too few fields' });
  const row = fixtureLines('e2guardian-6.log')[0]!.split('\t');
  row[5] = 'http:///';
  assert.deepEqual(p6(row.join('\t')), { kind: 'malformed', reason: 'no host' });
});

// Written by the real e2guardian 5.3.5 (Debian) on loopback, one run per logfileformat: a plain request,
// a site on a local banned list with #listcategory "Gambling", and a site on the exception list.
const realExpected = (at: [number, number, number]) => {
  const base = { source: 'e2guardian', clientIp: '127.0.0.1', filterGroup: 'no_name_group' };
  return [
    { ...ev({ ...base, at: at[0], host: 'www.school-test.example', url: 'http://www.school-test.example:8391/index.html', action: 'allowed', bytes: 19 }), filterGroup: base.filterGroup },
    {
      ...ev({
        ...base, at: at[1], host: 'casino.school-test.example', url: 'http://casino.school-test.example:8391/play', action: 'blocked',
        filterCategory: 'Gambling', reason: 'Blocked site (local): casino.school-test.example', bytes: 0,
      }),
      filterGroup: base.filterGroup,
    },
    {
      ...ev({
        ...base, at: at[2], host: 'www.mixed-case.example', url: 'http://WWW.Mixed-Case.example:8391/news/today.html?q=1', action: 'allowed',
        reason: 'Site match: www.mixed-case.example', bytes: 5,
      }),
      filterGroup: base.filterGroup,
    },
  ];
};

for (const n of [1, 2, 4] as const) {
  test(`e2guardian real output, logfileformat ${n}`, () => {
    const lines = fixtureLines(`e2guardian-real-${n}.log`);
    // local time; 23 November is GMT, so UTC reads the same
    const stamp = { 1: Date.UTC(2026, 10, 23, 14, 2, 11), 2: Date.UTC(2026, 10, 23, 14, 13, 44), 4: Date.UTC(2026, 10, 23, 14, 13, 53) }[n];
    assert.deepEqual(run(e2guardianParser(lines[0]), lines).events, realExpected([stamp, stamp, stamp]));
  });
}

test('e2guardian real output, logfileformat 3: no user, group or reason in this layout', () => {
  const lines = fixtureLines('e2guardian-real-3.log');
  const events = run(e2guardianParser(lines[0]), lines).events;
  assert.deepEqual(
    events.map((e) => [e.at, e.clientIp, e.host, e.action, e.bytes, e.user, e.reason]),
    [
      [1795443187510, '127.0.0.1', 'www.school-test.example', 'allowed', 19, null, null],
      [1795443187524, '127.0.0.1', 'casino.school-test.example', 'blocked', 0, null, null],
      [1795443187560, '127.0.0.1', 'www.mixed-case.example', 'allowed', 5, null, null],
    ],
  );
});

for (const [n, t] of [[5, 1795443203], [6, 1795443242]] as const) {
  test(`e2guardian real output, logfileformat ${n} (Protex)`, () => {
    const lines = fixtureLines(`e2guardian-real-${n}.log`);
    const ms = n === 5 ? [943, 958, 988] : [901, 915, 944];
    const atOf = (k: number) => t * 1000 + ms[k]!;
    assert.deepEqual(run(e2guardianParser(lines[0]), lines).events, realExpected([atOf(0), atOf(1), atOf(2)]));
  });
}
