// The registry of log formats Haven reads. Each entry makes a fresh parser per file (some parsers keep
// state: pihole holds queries until their outcome line, generic CSV learns its header, e2guardian
// detects its logfileformat) from the file's first line (or header) and options.
import type { LineParser, LogEvent, ParseResult } from '../event.ts';
import { ADGUARD_REASONS, parseAdguard } from './adguard.ts';
import { BLOCKY_REASONS, blockyParser } from './blocky.ts';
import { E2GUARDIAN_REASONS, e2guardianParser, type E2Format } from './e2guardian.ts';
import { FORTIGATE_REASONS, fortigateParser } from './fortigate.ts';
import { GENERIC_REASONS, genericParser, mappingProblems, type GenericMapping } from './generic.ts';
import { PIHOLE_REASONS, piholeParser } from './pihole.ts';
import { SQUID_REASONS, squidNativeParser } from './squid.ts';
import { parseSquidCombined, parseSquidCommon, SQUID_COMMON_REASONS } from './squid-common.ts';
import { UMBRELLA_REASONS, parseUmbrella } from './umbrella.ts';
import type { ParserOptions } from './util.ts';

export type { GenericMapping } from './generic.ts';
export type { E2Format } from './e2guardian.ts';
export type { ParserOptions } from './util.ts';

export type FormatId =
  | 'squid' | 'squid-common' | 'squid-combined' | 'e2guardian' | 'pihole' | 'adguard' | 'blocky' | 'umbrella' | 'fortigate' | 'generic';

export type FormatOptions = ParserOptions & {
  /** e2guardian logfileformat 1–6; detected from the first line when absent. */
  e2guardianFormat?: E2Format;
  /** Required for 'generic'. */
  mapping?: GenericMapping;
};

/**
 * A parser for one file. `flush`, when present, returns events still held at the end of the file (pihole).
 * `parseRange`, when present, parses the line text[start, end) in place, as `parser(text.slice(start, end))`.
 */
export type FileParser = LineParser & { flush?: () => LogEvent[]; parseRange?: (text: string, start: number, end: number) => ParseResult };

export type LogFormat = {
  id: FormatId;
  label: string;
  /** The fixed set of malformed-line reasons this format reports (for summaries). */
  reasons: readonly string[];
  /** Throws only for a missing or unusable generic mapping; lines never throw. */
  parserFor(headerOrFirstLine?: string, options?: FormatOptions): FileParser;
};

export const FORMATS: readonly LogFormat[] = [
  { id: 'squid', label: 'Squid access.log (native)', reasons: SQUID_REASONS, parserFor: () => squidNativeParser('squid') },
  { id: 'squid-common', label: 'Squid access.log (common)', reasons: SQUID_COMMON_REASONS, parserFor: () => parseSquidCommon },
  { id: 'squid-combined', label: 'Squid access.log (combined)', reasons: SQUID_COMMON_REASONS, parserFor: () => parseSquidCombined },
  {
    id: 'e2guardian',
    label: 'e2guardian access.log (logfileformat 1–6)',
    reasons: E2GUARDIAN_REASONS,
    parserFor: (first, o = {}) => e2guardianParser(first, { ...o, format: o.e2guardianFormat }),
  },
  { id: 'pihole', label: 'Pi-hole / dnsmasq pihole.log', reasons: PIHOLE_REASONS, parserFor: (_first, o = {}) => piholeParser(o) },
  { id: 'adguard', label: 'AdGuard Home querylog.json', reasons: ADGUARD_REASONS, parserFor: () => parseAdguard },
  { id: 'blocky', label: 'Blocky query log (CSV, tab-separated)', reasons: BLOCKY_REASONS, parserFor: (_first, o = {}) => blockyParser(o) },
  { id: 'umbrella', label: 'Cisco Umbrella DNS log (CSV)', reasons: UMBRELLA_REASONS, parserFor: () => parseUmbrella },
  { id: 'fortigate', label: 'FortiGate web filter log (key=value)', reasons: FORTIGATE_REASONS, parserFor: (_first, o = {}) => fortigateParser(o) },
  {
    id: 'generic',
    label: 'Other export (CSV or JSON lines, mapped columns)',
    reasons: GENERIC_REASONS,
    parserFor: (first, o = {}) => {
      if (!o.mapping) throw new Error('the generic format needs a column mapping');
      const problems = mappingProblems(o.mapping);
      if (problems.length > 0) throw new Error(`unusable mapping: ${problems.join('; ')}`);
      return genericParser({ timezone: o.timezone, ...o.mapping }, first);
    },
  },
];

export const FORMAT_IDS = FORMATS.map((f) => f.id);

export function formatById(id: string): LogFormat | undefined {
  return FORMATS.find((f) => f.id === id);
}
