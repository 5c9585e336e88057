// e2guardian access.log, `logfileformat` 1–6 (field order from e2guardian 5.3's log writer):
//   1 DansGuardian, space-separated: when who from where what how size weight cat group code mime clienthost groupname [ua params …]
//   2 the same fields as CSV, every field quoted
//   3 Squid native style: utime duration client TCP_MISS|TCP_DENIED/code size how where who DEFAULT_PARENT/… mime (no reason/category)
//   4 the DansGuardian fields tab-delimited
//   5 Protex, tab-delimited: utime server who from clienthost where how code size mime ua - duration - msgno what weight cat groupname group
//   6 Protex with the server field blank
// `when` is local time "YYYY.M.D H:MM:SS" (optionally followed by the epoch stamp); `what` carries
// "*DENIED* reason" for blocks, "*EXCEPTION* …" for allow-list hits, "*SCANNED* …" etc.
import { parse as parseCsv } from 'csv-parse/sync';
import type { LineParser, LogEvent, ParseResult } from '../event.ts';
import { squidNativeParser } from './squid.ts';
import { DEFAULT_TIMEZONE, hostOf, intOrNull, malformed, ok, orNull, parseLocalYmd, SKIP, type ParserOptions } from './util.ts';

export type E2Format = 1 | 2 | 3 | 4 | 5 | 6;
export type E2Options = ParserOptions & { format?: E2Format };
/** e2guardian events also carry the filter group name (see report: proposed LogEvent field). */
export type E2Event = LogEvent & { filterGroup: string | null };

export const E2GUARDIAN_REASONS = ['too few fields', 'bad time', 'no host', 'bad csv'] as const;

const METHODS = new Set(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'PROPFIND']);
const EPOCH = /^\d{9,11}\.\d{1,3}$/;

/** Which logfileformat a line looks like. */
export function detectE2Format(line: string): E2Format {
  if (line.startsWith('"')) return 2;
  if (line.includes('\t')) {
    const fields = line.split('\t');
    if (EPOCH.test(fields[0] ?? '')) return fields[1] === '' ? 6 : 5;
    return 4;
  }
  if (/^\d{9,11}\.\d{3}\s/.test(line)) return 3;
  return 1;
}

/** The "*DENIED* " / "*EXCEPTION* " stamps of `what`, and the text after them. */
function splitWhat(what: string): { blocked: boolean; text: string | null } {
  let rest = what.trim();
  let blocked = false;
  while (rest.startsWith('*')) {
    const close = rest.indexOf('*', 1);
    if (close === -1) break;
    const stamp = rest.slice(1, close);
    if (stamp.startsWith('DENIED') || stamp.startsWith('INFECTED')) blocked = true;
    rest = rest.slice(close + 1).trimStart();
  }
  return { blocked, text: orNull(rest) }; // a blank `what` is logged as '-'
}

type Fields = {
  at: number;
  who: string;
  from: string;
  clienthost: string;
  where: string;
  what: string;
  size: string;
  cat: string;
  group: string;
};

function toEvent(f: Fields): ParseResult {
  if (Number.isNaN(f.at)) return malformed('bad time');
  const host = hostOf(f.where);
  if (!host) return malformed('no host');
  const { blocked, text } = splitWhat(f.what);
  // without reverse lookups e2guardian writes the client IP as its "host name": only a name is a device
  const clienthost = orNull(f.clienthost);
  const device = clienthost && clienthost !== f.from && !/^[\d.]+$|:/.test(clienthost) ? clienthost : null;
  const event: E2Event = {
    at: f.at,
    source: 'e2guardian',
    user: orNull(f.who),
    clientIp: orNull(f.from),
    device,
    host,
    url: f.where,
    action: blocked ? 'blocked' : 'allowed',
    filterCategory: orNull(f.cat),
    reason: text,
    bytes: intOrNull(f.size),
    filterGroup: orNull(f.group),
  };
  return ok(event);
}

/** `when` of the DansGuardian layouts; a trailing epoch stamp (logtimestamp = on) wins over local time. */
function whenToMs(when: string, tz: string): number {
  const parts = when.trim().split(/\s+/);
  const stamp = parts[2];
  if (stamp && EPOCH.test(stamp)) return Math.round(Number(stamp) * 1000);
  return parseLocalYmd(parts.slice(0, 2).join(' '), tz);
}

function fromDgFields(f: string[], tz: string): ParseResult {
  if (f.length < 14) return malformed('too few fields');
  return toEvent({
    at: whenToMs(f[0]!, tz),
    who: f[1]!, from: f[2]!, where: f[3]!, what: f[4]!, size: f[6]!, cat: f[8]!,
    clienthost: f[12]!, group: f[13]!,
  });
}

function parseFormat1(line: string, tz: string): ParseResult {
  // `what` and `cat` may hold spaces: anchor on the method (followed by size and weight), then on
  // the filter group number followed by the 3-digit HTTP code.
  const t = line.split(' ');
  let i = 2;
  let when = `${t[0]} ${t[1]}`;
  if (EPOCH.test(t[2] ?? '')) {
    when += ` ${t[2]}`;
    i = 3;
  }
  if (t.length < i + 12) return malformed('too few fields');
  const who = t[i]!, from = t[i + 1]!, where = t[i + 2]!;
  let m = -1;
  for (let j = i + 3; j + 2 < t.length; j++) {
    if (METHODS.has(t[j]!) && /^\d+$/.test(t[j + 1]!) && /^-?\d+$/.test(t[j + 2]!)) {
      m = j;
      break;
    }
  }
  if (m === -1) return malformed('too few fields');
  let g = -1;
  for (let j = m + 3; j + 1 < t.length; j++) {
    if (/^\d+$/.test(t[j]!) && /^\d{3}$/.test(t[j + 1]!)) {
      g = j;
      break;
    }
  }
  if (g === -1 || g + 4 >= t.length) return malformed('too few fields');
  return toEvent({
    at: whenToMs(when, tz),
    who, from, where,
    what: t.slice(i + 3, m).join(' '),
    size: t[m + 1]!,
    cat: t.slice(m + 3, g).join(' '),
    clienthost: t[g + 3]!,
    group: t[g + 4]!,
  });
}

function parseProtex(line: string): ParseResult {
  const f = line.split('\t');
  if (f.length < 19) return malformed('too few fields');
  if (!EPOCH.test(f[0]!)) return malformed('bad time');
  return toEvent({
    at: Math.round(Number(f[0]) * 1000),
    who: f[2]!, from: f[3]!, clienthost: f[4]!, where: f[5]!, size: f[8]!, what: f[15]!, cat: f[17]!, group: f[18]!,
  });
}

/** A parser for one e2guardian log; the format comes from options or is detected from the first line. */
export function e2guardianParser(firstLine?: string, options: E2Options = {}): LineParser {
  const tz = options.timezone ?? DEFAULT_TIMEZONE;
  const format: E2Format = options.format ?? (firstLine ? detectE2Format(firstLine) : 6);
  const squid = squidNativeParser('e2guardian');
  return (line: string): ParseResult => {
    if (line.trim() === '') return SKIP;
    try {
      switch (format) {
        case 1:
          return parseFormat1(line, tz);
        case 2: {
          let rows: string[][];
          try {
            rows = parseCsv(line, { relax_column_count: true, relax_quotes: true }) as string[][];
          } catch {
            return malformed('bad csv');
          }
          return fromDgFields(rows[0] ?? [], tz);
        }
        case 3: {
          // a blank user leaves two spaces before DEFAULT_PARENT/: give the squid parser its '-'
          const fixed = line.replace(/\s{2,}(DEFAULT_PARENT\/)/, ' - $1');
          const r = squid(fixed);
          if (r.kind === 'malformed' && r.reason === 'bad bytes') return malformed('too few fields');
          if (r.kind === 'event') {
            r.event.reason = null; // the squid tag is all format 3 has; it says nothing of why
            (r.event as E2Event).filterGroup = null;
          }
          return r;
        }
        case 4:
          return fromDgFields(line.split('\t'), tz);
        default:
          return parseProtex(line);
      }
    } catch {
      return malformed('too few fields');
    }
  };
}
