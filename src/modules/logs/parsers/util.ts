// Small helpers shared by the parsers: host extraction, local wall-clock → UTC, tolerant number reads.
import type { LogEvent, ParseResult } from '../event.ts';

export type ParserOptions = {
  /** Year for syslog-style stamps that carry none (pihole). Defaults to the current UTC year. */
  year?: number;
  /** IANA zone for logs written in local time without an offset. Defaults to Europe/London. */
  timezone?: string;
};

export const DEFAULT_TIMEZONE = 'Europe/London';

export const SKIP: ParseResult = { kind: 'skip' };

export function malformed(reason: string): ParseResult {
  return { kind: 'malformed', reason };
}

export function ok(event: LogEvent): ParseResult {
  return { kind: 'event', event };
}

/** '-' and '' mean "absent" in most proxy logs. */
export function orNull(v: string | undefined | null): string | null {
  if (v === undefined || v === null) return null;
  const t = v.trim();
  return t === '' || t === '-' ? null : t;
}

export function intOrNull(v: string | undefined | null): number | null {
  if (v === undefined || v === null || v === '' || v === '-') return null;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

/**
 * The host of a URL, a CONNECT target (host:443) or a bare host name: lower-case, no port,
 * no user info, no trailing dot, IPv6 without brackets. '' when there is none.
 */
export function hostOf(url: string): string {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme !== -1 && scheme < 16) start = scheme + 3;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  const at = url.lastIndexOf('@', end - 1);
  if (at >= start) start = at + 1;
  let host: string;
  if (url.charCodeAt(start) === 91 /* [ */) {
    const close = url.indexOf(']', start);
    host = close === -1 || close > end ? url.slice(start + 1, end) : url.slice(start + 1, close);
  } else {
    const colon = url.indexOf(':', start);
    host = url.slice(start, colon !== -1 && colon < end ? colon : end);
  }
  return normHost(host);
}

export function normHost(host: string): string {
  let h = host.trim();
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h.toLowerCase();
}

export const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of tz from UTC at the instant utcMs, in ms; cached per zone and quarter hour (offsets change on those). */
function offsetAt(tz: string, utcMs: number): number {
  const key = tz + '|' + Math.floor(utcMs / 900_000);
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const parts = formatter(tz).formatToParts(new Date(Math.floor(utcMs / 900_000) * 900_000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const off = asUtc - Math.floor(utcMs / 900_000) * 900_000;
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, off);
  return off;
}

/** A wall-clock time in zone tz → epoch ms UTC, or NaN when a part is out of range. */
export function zonedToUtc(
  y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, tz: string,
): number {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60)) {
    return NaN;
  }
  if (!(y >= 1970 && y <= 2200) || !(ms >= 0 && ms < 1000)) return NaN;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (tz === 'UTC' || tz === 'Etc/UTC') return wall;
  const off1 = offsetAt(tz, wall);
  const t = wall - off1;
  const off2 = offsetAt(tz, t);
  return off2 === off1 ? t : wall - off2;
}

/**
 * "YYYY-MM-DD HH:MM:SS[.fff]" or "YYYY.M.D H:MM:SS" style local stamps (any single non-digit
 * separators) → epoch ms; NaN when not that shape.
 */
export function parseLocalYmd(text: string, tz: string): number {
  const n = numbersIn(text);
  if (n.length < 6 || n[0]! < 1000) return NaN;
  const frac = n.length > 6 ? fracMs(text) : 0;
  return zonedToUtc(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!, frac, tz);
}

/** "dd/MM/yyyy HH:mm:ss" (UK order) in zone tz. */
export function parseLocalDmy(text: string, tz: string): number {
  const n = numbersIn(text);
  if (n.length < 5 || n[2]! < 1000) return NaN;
  return zonedToUtc(n[2]!, n[1]!, n[0]!, n[3]!, n[4]!, n[5] ?? 0, 0, tz);
}

function numbersIn(text: string): number[] {
  const out: number[] = [];
  let cur = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) cur = (cur < 0 ? 0 : cur * 10) + (c - 48);
    else {
      if (cur >= 0) out.push(cur);
      cur = -1;
      if (out.length >= 7) break;
    }
  }
  if (cur >= 0) out.push(cur);
  return out;
}

function fracMs(text: string): number {
  const m = /\d:\d\d[.,](\d+)/.exec(text);
  if (!m) return 0;
  return Math.floor(Number('0.' + m[1]) * 1000);
}

/** ISO 8601 with an offset or Z; without one the wall clock is read in tz. */
export function parseIso(text: string, tz: string): number {
  const t = text.trim();
  if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d([.,]\d+)?)?)?/.test(t)) return NaN;
  if (/(Z|[+-]\d\d:?\d\d)$/i.test(t)) {
    // Date.parse keeps only ms; nanosecond fractions (AdGuard, Go) are fine.
    const v = Date.parse(t.replace(' ', 'T').replace(/([.,]\d{3})\d+/, '$1'));
    return Number.isFinite(v) ? v : NaN;
  }
  return parseLocalYmd(t, tz);
}

/** Epoch seconds / ms / µs / ns decided by magnitude (FortiGate eventtime, generic exports). */
export function epochAuto(v: number): number {
  if (!Number.isFinite(v) || v <= 0) return NaN;
  if (v < 1e11) return Math.round(v * 1000);
  if (v < 1e14) return Math.round(v);
  if (v < 1e17) return Math.round(v / 1000);
  return Math.round(v / 1e6);
}
