import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenericMapping } from './generic.ts';
import { FORMAT_IDS, FORMATS, formatById, type FormatId, type FormatOptions } from './index.ts';
import { fixtureLines, run } from './testing.ts';

test('the registry lists every format once, with labels and malformed reasons', () => {
  assert.deepEqual(FORMAT_IDS, ['squid', 'squid-common', 'squid-combined', 'e2guardian', 'pihole', 'adguard', 'blocky', 'umbrella', 'fortigate', 'generic']);
  for (const f of FORMATS) {
    assert.ok(f.label.length > 3);
    assert.ok(f.reasons.length > 0);
  }
  assert.equal(formatById('nope'), undefined);
  assert.throws(() => formatById('generic')!.parserFor('a,b'), /needs a column mapping/);
  assert.throws(() => formatById('generic')!.parserFor('a,b', { mapping: { kind: 'csv', timeFormat: 'iso', fields: {} } }), /map a column to time/);
});

const generic: GenericMapping = {
  kind: 'csv', timeFormat: 'dd/MM/yyyy HH:mm:ss',
  fields: { time: 'Date', user: 'Username', clientIp: 'Client IP', host: 'Hostname', url: 'URL', action: 'Action', category: 'Category' },
};

// per format: fixture, options, lines that are events (the rest are skips such as headers and DNS replies)
const SAMPLES: [FormatId, string, FormatOptions, number][] = [
  ['squid', 'squid-native.log', {}, 5],
  ['squid-common', 'squid-common.log', {}, 3],
  ['squid-combined', 'squid-combined.log', {}, 2],
  ['e2guardian', 'e2guardian-1.log', {}, 4],
  ['e2guardian', 'e2guardian-2.log', {}, 4],
  ['e2guardian', 'e2guardian-3.log', {}, 2],
  ['e2guardian', 'e2guardian-4.log', {}, 4],
  ['e2guardian', 'e2guardian-5.log', {}, 2],
  ['e2guardian', 'e2guardian-6.log', {}, 2],
  ['pihole', 'pihole-extra.log', { year: 2026 }, 4], // 3 paired + 1 unanswered, emitted later or flushed,
  ['adguard', 'adguardhome-querylog.json', {}, 3],
  ['blocky', 'blocky-query.log', {}, 3],
  ['umbrella', 'umbrella-dns.csv', {}, 4],
  ['fortigate', 'fortigate-webfilter.log', {}, 4],
  ['generic', 'generic-smoothwall.csv', { mapping: generic }, 2],
];

/** Deterministic junk: random printable text, truncated real lines, binary noise. */
function garbage(seed: number, real: string): string {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  switch (seed % 4) {
    case 0:
      return Array.from({ length: 5 + Math.floor(rnd() * 60) }, () => String.fromCharCode(32 + Math.floor(rnd() * 95))).join('');
    case 1:
      return real.slice(0, Math.floor(real.length * rnd() * 0.3) + 1);
    case 2:
      return Array.from({ length: 20 }, () => String.fromCharCode(Math.floor(rnd() * 0xffff))).join('');
    default:
      return real.replace(/[0-9]/g, 'x').slice(0, 30);
  }
}

for (const [id, file, options, eventsPerCopy] of SAMPLES) {
  test(`${id} (${file}): a 1% garbage mix parses every real line and counts the junk by reason`, () => {
    const real = fixtureLines(file);
    const lines: string[] = [];
    const header = id === 'generic' ? real[0]! : undefined;
    const body = header ? real.slice(1) : real;
    if (header) lines.push(header);
    let junk = 0;
    const copies = Math.ceil(1000 / body.length);
    for (let c = 0; c < copies; c++) {
      for (const l of body) {
        lines.push(l);
        if (lines.length % 100 === 0) lines.push(garbage(lines.length + junk++, l));
      }
    }
    const format = formatById(id)!;
    const parser = format.parserFor(lines[0], options);
    const { events, malformed } = run(parser, lines);
    const flushed = parser.flush?.() ?? [];
    assert.equal(events.length + flushed.length >= copies * eventsPerCopy, true, `${events.length} events`);
    assert.equal(events.length + flushed.length <= copies * eventsPerCopy + junk, true);
    const counted = Object.values(malformed).reduce((a, b) => a + b, 0);
    assert.ok(counted <= junk, `${counted} malformed of ${junk} junk lines`);
    for (const reason of Object.keys(malformed)) assert.ok(format.reasons.includes(reason), `${id}: unlisted reason ${reason}`);
  });
}

test('no parser throws on hostile input', () => {
  const nasty = ['', ' ', '\t\t\t', '"', '{', '[]', 'null', '"a","b"', 'a=b c=d', '\u0000\uffff', 'x'.repeat(100_000), '1.5 '.repeat(40), '\t'.repeat(30)];
  for (const f of FORMATS) {
    const p = f.parserFor(undefined, { mapping: generic, year: 2026 });
    for (const line of nasty) {
      const r = p(line);
      assert.ok(['event', 'skip', 'malformed'].includes(r.kind), `${f.id}: ${JSON.stringify(line).slice(0, 30)}`);
    }
  }
});
