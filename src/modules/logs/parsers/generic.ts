// A mapping the admin saves once per source, for CSV or JSON-lines exports of any other product
// (Smoothwall, Senso, Securly, Lightspeed, Impero…) and monitoring captures.
//   CSV: each field names a column by header name or 0-based index; named columns need a header row,
//        which is the header line given to the factory or else the first line the parser sees.
//   JSON lines: each field is a dotted key path ("client.ip", "rules.0.text").
import { parse as parseCsv } from 'csv-parse/sync';
import type { LineParser, LogEvent, ParseResult } from '../event.ts';
import {
  DEFAULT_TIMEZONE, epochAuto, hostOf, intOrNull, malformed, normHost, ok, orNull, parseIso, parseLocalDmy,
  parseLocalYmd, SKIP,
} from './util.ts';

export const GENERIC_FIELDS = [
  'time', 'user', 'clientIp', 'device', 'host', 'url', 'action', 'category', 'reason', 'bytes', 'severity', 'trigger', 'captureRef',
] as const;
export type GenericField = (typeof GENERIC_FIELDS)[number];

export const TIME_FORMATS = ['iso', 'epoch_s', 'epoch_ms', 'dd/MM/yyyy HH:mm:ss', 'yyyy-MM-dd HH:mm:ss'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

export type GenericMapping = {
  kind: 'csv' | 'json';
  /** CSV: header name or 0-based column index; JSON: dotted key path. `time` is required, and host or url for web logs. */
  fields: Partial<Record<GenericField, string | number>>;
  timeFormat: TimeFormat;
  /** Zone of local times without an offset (default Europe/London). */
  timezone?: string;
  /** CSV separator, default ','. */
  delimiter?: string;
  /** CSV: whether the file starts with a header row (default: true when any field is named by a string). */
  header?: boolean;
  /** Values of the action field that mean blocked, case-insensitive (default blocked, block, denied, deny). */
  blockedValues?: string[];
  /** The event source id (default 'generic'). */
  source?: string;
};

export const GENERIC_REASONS = ['bad csv', 'bad json', 'missing column', 'bad time', 'no host'] as const;

const DEFAULT_BLOCKED = ['blocked', 'block', 'denied', 'deny'];
const SEVERITY_WORDS: Record<string, number> = { low: 1, info: 1, medium: 2, moderate: 2, high: 3, severe: 4, critical: 4, urgent: 4 };

/** What is wrong with a mapping, in words an admin can act on; [] when usable. */
export function mappingProblems(m: GenericMapping): string[] {
  const out: string[] = [];
  if (m.kind !== 'csv' && m.kind !== 'json') out.push("kind must be 'csv' or 'json'");
  if (m.fields.time === undefined) out.push('map a column to time');
  if (!TIME_FORMATS.includes(m.timeFormat)) out.push(`timeFormat must be one of ${TIME_FORMATS.join(', ')}`);
  if (m.fields.host === undefined && m.fields.url === undefined && m.fields.trigger === undefined) {
    out.push('map a column to host or url (or trigger, for monitoring captures)');
  }
  for (const [k, v] of Object.entries(m.fields)) {
    if (!(GENERIC_FIELDS as readonly string[]).includes(k)) out.push(`unknown field ${k}`);
    if (m.kind === 'json' && typeof v !== 'string') out.push(`${k}: JSON fields are key paths`);
    if (typeof v === 'number' && !(Number.isInteger(v) && v >= 0)) out.push(`${k}: a column index is a whole number from 0`);
  }
  if (m.delimiter !== undefined && m.delimiter.length !== 1) out.push('delimiter must be one character');
  return out;
}

export function parseTime(v: unknown, format: TimeFormat, tz: string): number {
  if (v === null || v === undefined || v === '') return NaN;
  switch (format) {
    case 'epoch_s':
      return Number.isFinite(Number(v)) ? Math.round(Number(v) * 1000) : NaN;
    case 'epoch_ms':
      return Number.isFinite(Number(v)) ? Math.round(Number(v)) : NaN;
    case 'dd/MM/yyyy HH:mm:ss':
      return parseLocalDmy(String(v), tz);
    case 'yyyy-MM-dd HH:mm:ss':
      return parseLocalYmd(String(v), tz);
    default:
      return typeof v === 'number' ? epochAuto(v) : parseIso(String(v), tz);
  }
}

function severityOf(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.min(4, Math.max(1, Math.round(n)));
  return SEVERITY_WORDS[String(v).trim().toLowerCase()] ?? null;
}

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return orNull(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

export function genericParser(mapping: GenericMapping, headerLine?: string): LineParser {
  const tz = mapping.timezone ?? DEFAULT_TIMEZONE;
  const source = mapping.source ?? 'generic';
  const blockedValues = new Set((mapping.blockedValues ?? DEFAULT_BLOCKED).map((v) => v.trim().toLowerCase()));
  const delimiter = mapping.delimiter ?? ',';
  const wantsHeader = mapping.header ?? Object.values(mapping.fields).some((v) => typeof v === 'string');
  const webLog = mapping.fields.host !== undefined || mapping.fields.url !== undefined;

  let header: string | null = null;
  let columns: Partial<Record<GenericField, number>> | null = null;

  function useHeader(line: string): void {
    header = line;
    const names = splitCsv(line) ?? [];
    const index = new Map(names.map((n, i) => [n.trim().toLowerCase(), i] as const));
    columns = {};
    for (const [field, ref] of Object.entries(mapping.fields) as [GenericField, string | number][]) {
      const i = typeof ref === 'number' ? ref : index.get(ref.trim().toLowerCase());
      if (i !== undefined) columns[field] = i;
    }
  }

  function splitCsv(line: string): string[] | null {
    try {
      return (parseCsv(line, { delimiter, relax_column_count: true, relax_quotes: true, trim: true }) as string[][])[0] ?? [];
    } catch {
      return null;
    }
  }

  if (mapping.kind === 'csv') {
    if (headerLine !== undefined && wantsHeader) useHeader(headerLine);
    else if (!wantsHeader) {
      columns = {};
      for (const [field, ref] of Object.entries(mapping.fields) as [GenericField, string | number][]) {
        if (typeof ref === 'number') columns[field] = ref;
      }
    }
  }

  function build(get: (f: GenericField) => unknown): ParseResult {
    const time = parseTime(get('time'), mapping.timeFormat, tz);
    if (Number.isNaN(time)) return malformed('bad time');
    const url = str(get('url'));
    const host = normHost(str(get('host')) ?? '') || (url ? hostOf(url) : '');
    const trigger = str(get('trigger'));
    const severity = severityOf(get('severity'));
    // a monitoring capture (keystrokes in an app) may have no host at all
    if (!host && webLog && trigger === null && severity === null) return malformed('no host');
    const action = str(get('action'));
    const event: LogEvent = {
      at: time,
      source,
      user: str(get('user')),
      clientIp: str(get('clientIp')),
      device: str(get('device')),
      host,
      url,
      action: action !== null && blockedValues.has(action.toLowerCase()) ? 'blocked' : 'allowed',
      filterCategory: str(get('category')),
      reason: str(get('reason')),
      bytes: intOrNull(str(get('bytes'))),
    };
    if (mapping.fields.severity !== undefined || mapping.fields.trigger !== undefined || mapping.fields.captureRef !== undefined) {
      event.severity = severity;
      event.trigger = trigger;
      event.captureRef = str(get('captureRef'));
    }
    return ok(event);
  }

  return (line: string): ParseResult => {
    if (line.trim() === '') return SKIP;
    if (mapping.kind === 'json') {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        return malformed('bad json');
      }
      if (obj === null || typeof obj !== 'object') return malformed('bad json');
      return build((f) => {
        const path = mapping.fields[f];
        return typeof path === 'string' ? at(obj, path) : undefined;
      });
    }
    if (wantsHeader && header === null) {
      useHeader(line);
      return SKIP;
    }
    if (line === header) return SKIP;
    const row = splitCsv(line);
    if (row === null) return malformed('bad csv');
    const cols = columns!;
    const t = cols.time;
    if (t === undefined || t >= row.length) return malformed('missing column');
    if (mapping.fields.host !== undefined && cols.host === undefined && cols.url === undefined) return malformed('missing column');
    return build((f) => {
      const i = cols[f];
      return i === undefined ? undefined : row[i];
    });
  };
}
