// dnsmasq / Pi-hole pihole.log. One event per `query[TYPE] domain from client` line. dnsmasq writes the
// outcome on a later line that names the domain but not the client ("gravity blocked x is 0.0.0.0",
// "forwarded x to …", "cached x is …"), so the parser holds each query until that line:
//  - pending queries are kept per domain, oldest first (keyed by domain, the client travels with the query);
//  - the first outcome line for the domain emits the oldest pending query, blocked or allowed;
//  - a query with no outcome within 60 s (or beyond 10,000 pending) is emitted as allowed on a later
//    query line, and `flush()` returns whatever is still held at the end of a file.
// Lines have no year: `year` (default: this UTC year) and `timezone` (default Europe/London) are options;
// a month going backwards (Dec → Jan) moves to the next year.
import type { LineParser, LogEvent, ParseResult } from '../event.ts';
import { DEFAULT_TIMEZONE, malformed, MONTHS, normHost, ok, SKIP, zonedToUtc, type ParserOptions } from './util.ts';

export const PIHOLE_REASONS = ['bad time', 'no host'] as const;

export type PiholeParser = LineParser & {
  /** Queries still waiting for their outcome line, as allowed events; clears them. */
  flush(): LogEvent[];
};

const HOLD_MS = 60_000;
const MAX_PENDING = 10_000;

/** Outcome prefixes that mean Pi-hole refused the name (FTL v5 "blacklisted", v6 "denied", older list paths). */
const BLOCK_PREFIXES = [
  'gravity blocked ',
  'exactly blacklisted ',
  'regex blacklisted ',
  'exactly denied ',
  'regex denied ',
  'special domain ',
  '/etc/pihole/gravity.list ',
  '/etc/pihole/black.list ',
  '/etc/pihole/regex.list ',
];
const ALLOW_PREFIXES = ['forwarded ', 'cached ', 'cached-stale ', 'reply ', 'config ', '/etc/hosts ', 'DHCP ', '/etc/pihole/local.list ', '/etc/pihole/custom.list '];

export function piholeParser(options: ParserOptions = {}): PiholeParser {
  const tz = options.timezone ?? DEFAULT_TIMEZONE;
  let year = options.year ?? new Date().getUTCFullYear();
  let lastMonth = 0;
  const pending = new Map<string, LogEvent[]>();
  let pendingCount = 0;

  function take(domain: string): LogEvent | undefined {
    const q = pending.get(domain);
    if (!q) return undefined;
    const e = q.shift();
    if (q.length === 0) pending.delete(domain);
    if (e) pendingCount--;
    return e;
  }

  function oldestExpired(now: number): LogEvent | undefined {
    // Map keeps insertion order, so the first domain holds (nearly) the oldest query.
    const first = pending.entries().next();
    if (first.done) return undefined;
    const [domain, q] = first.value;
    const e = q[0]!;
    if (now - e.at < HOLD_MS && pendingCount <= MAX_PENDING) return undefined;
    return take(domain);
  }

  const parse = ((line: string): ParseResult => {
    if (line.trim() === '') return SKIP;
    // "Mon dd hh:mm:ss [host] dnsmasq[pid]: message"
    const mon = MONTHS[line.slice(0, 3)];
    const day = Number(line.slice(4, 6).trim());
    const hh = Number(line.slice(7, 9)), mm = Number(line.slice(10, 12)), ss = Number(line.slice(13, 15));
    if (!mon || line.charCodeAt(9) !== 58 || line.charCodeAt(12) !== 58) return malformed('bad time');
    const colon = line.indexOf(']: ', 15);
    if (colon === -1 || !line.includes('dnsmasq', 15)) return SKIP;
    if (line.lastIndexOf('dnsmasq-dhcp', colon) !== -1) return SKIP; // DHCP lease lines
    if (lastMonth === 12 && mon === 1) year++;
    lastMonth = mon;
    const at = zonedToUtc(year, mon, day, hh, mm, ss, 0, tz);
    if (Number.isNaN(at)) return malformed('bad time');
    let msg = line.slice(colon + 3);
    // log-queries=extra prefixes "serial client/port "
    const extra = /^\d+ \S+\/\d+ /.exec(msg);
    if (extra) msg = msg.slice(extra[0].length);

    if (msg.startsWith('query[')) {
      const close = msg.indexOf('] ');
      const from = msg.lastIndexOf(' from ');
      if (close === -1 || from === -1 || from < close) return malformed('no host');
      const host = normHost(msg.slice(close + 2, from));
      if (!host) return malformed('no host');
      const event: LogEvent = {
        at,
        source: 'pihole',
        user: null,
        clientIp: msg.slice(from + 6).trim() || null,
        device: null,
        host,
        url: null,
        action: 'allowed',
        filterCategory: null,
        reason: null,
        bytes: null,
      };
      const q = pending.get(host);
      if (q) q.push(event);
      else pending.set(host, [event]);
      pendingCount++;
      const expired = oldestExpired(at);
      return expired ? ok(expired) : SKIP;
    }

    for (const p of BLOCK_PREFIXES) {
      if (msg.startsWith(p)) {
        const rest = msg.slice(p.length);
        const domain = normHost(rest.slice(0, rest.indexOf(' ') === -1 ? rest.length : rest.indexOf(' ')));
        const e = take(domain);
        if (!e) return SKIP;
        e.action = 'blocked';
        e.reason = p.trim();
        return ok(e);
      }
    }
    for (const p of ALLOW_PREFIXES) {
      if (msg.startsWith(p)) {
        const rest = msg.slice(p.length);
        const sp = rest.indexOf(' ');
        const e = take(normHost(sp === -1 ? rest : rest.slice(0, sp)));
        return e ? ok(e) : SKIP;
      }
    }
    return SKIP;
  }) as PiholeParser;

  parse.flush = () => {
    const out: LogEvent[] = [];
    for (const q of pending.values()) out.push(...q);
    pending.clear();
    pendingCount = 0;
    return out.sort((a, b) => a.at - b.at);
  };
  return parse;
}
