// FortiGate (FortiOS) web filter log lines: key=value pairs, values optionally double-quoted, perhaps
// behind a syslog prefix. Only type=utm subtype=webfilter lines are events; others are skipped.
// Time: eventtime (s, ms, µs or ns by magnitude) when present, else date+time with tz ("+0100") or
// the timezone option. bytes = rcvdbyte (what came back to the client); url = scheme://hostname + url.
import type { LineParser, ParseResult } from '../event.ts';
import { DEFAULT_TIMEZONE, epochAuto, intOrNull, malformed, normHost, ok, orNull, parseLocalYmd, SKIP, type ParserOptions } from './util.ts';

export const FORTIGATE_REASONS = ['not key=value', 'bad time', 'no host'] as const;

/** key=value / key="quoted value" pairs of a line; a linear scan (a regex backtracks badly on junk). */
export function keyValues(line: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = line.indexOf('=');
  while (i !== -1) {
    let k = i;
    while (k > 0 && isKeyChar(line.charCodeAt(k - 1))) k--;
    let end: number;
    let value: string;
    if (line.charCodeAt(i + 1) === 34 /* " */) {
      let j = i + 2;
      while (j < line.length && line.charCodeAt(j) !== 34) j += line.charCodeAt(j) === 92 /* \ */ ? 2 : 1;
      value = line.slice(i + 2, Math.min(j, line.length)).replace(/\\"/g, '"');
      end = j + 1;
    } else {
      const sp = line.indexOf(' ', i + 1);
      end = sp === -1 ? line.length : sp;
      value = line.slice(i + 1, end);
    }
    if (k < i) out.set(line.slice(k, i), value);
    i = line.indexOf('=', Math.max(end, i + 1));
  }
  return out;
}

function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

const BLOCKING = new Set(['blocked', 'block', 'deny', 'denied']);

export function fortigateParser(options: ParserOptions = {}): LineParser {
  const tz = options.timezone ?? DEFAULT_TIMEZONE;
  return (line: string): ParseResult => {
    if (line.trim() === '') return SKIP;
    const kv = keyValues(line);
    if (kv.size < 3) return malformed('not key=value');
    if (kv.get('type') !== 'utm' || kv.get('subtype') !== 'webfilter') return SKIP;
    let at = NaN;
    const et = kv.get('eventtime');
    if (et && /^\d+$/.test(et)) at = epochAuto(Number(et));
    if (Number.isNaN(at) && kv.has('date') && kv.has('time')) {
      const wall = parseLocalYmd(`${kv.get('date')} ${kv.get('time')}`, 'UTC');
      const tzm = /^([+-])(\d\d):?(\d\d)$/.exec(kv.get('tz') ?? '');
      at = tzm
        ? wall - (tzm[1] === '-' ? -1 : 1) * (Number(tzm[2]) * 60 + Number(tzm[3])) * 60_000
        : parseLocalYmd(`${kv.get('date')} ${kv.get('time')}`, tz);
    }
    if (Number.isNaN(at)) return malformed('bad time');
    const host = normHost(kv.get('hostname') ?? '');
    if (!host) return malformed('no host');
    const path = kv.get('url') ?? null;
    const scheme = /https/i.test(kv.get('service') ?? '') ? 'https' : 'http';
    const blocked = BLOCKING.has((kv.get('action') ?? '').toLowerCase());
    return ok({
      at,
      source: 'fortigate',
      user: orNull(kv.get('user')) ?? orNull(kv.get('unauthuser')),
      clientIp: orNull(kv.get('srcip')),
      device: orNull(kv.get('srcname')), // devname is the firewall itself, not the client
      host,
      url: path === null ? null : path.startsWith('/') ? `${scheme}://${host}${path}` : path,
      action: blocked ? 'blocked' : 'allowed',
      filterCategory: orNull(kv.get('catdesc')),
      reason: blocked ? (orNull(kv.get('msg')) ?? orNull(kv.get('eventtype'))) : null,
      bytes: intOrNull(kv.get('rcvdbyte')),
    });
  };
}
