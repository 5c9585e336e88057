// Blocky's CSV query log (queryLog.type: csv / csv-client): Go encoding/csv with a tab separator:
//   time(2006-01-02 15:04:05, local)  clientIP  clientNames("; ")  durationMs  responseReason
//   questionName  answer  responseCode  responseType  questionType  blockyInstance
// responseType BLOCKED marks a block; the reason reads "BLOCKED (group)" and the group is the category.
import { parse as parseCsv } from 'csv-parse/sync';
import type { LineParser, ParseResult } from '../event.ts';
import { DEFAULT_TIMEZONE, malformed, normHost, ok, orNull, parseLocalYmd, SKIP, type ParserOptions } from './util.ts';

export const BLOCKY_REASONS = ['too few fields', 'bad time', 'no host'] as const;

export function blockyParser(options: ParserOptions = {}): LineParser {
  const tz = options.timezone ?? DEFAULT_TIMEZONE;
  return (line: string): ParseResult => {
    if (line.trim() === '') return SKIP;
    // quoting is rare (only fields holding tabs or quotes), so split plainly unless a quote appears
    let f: string[];
    if (line.includes('"')) {
      try {
        f = (parseCsv(line, { delimiter: '\t', relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? [];
      } catch {
        return malformed('too few fields');
      }
    } else f = line.split('\t');
    if (f.length < 9) return malformed('too few fields');
    const at = parseLocalYmd(f[0]!, tz);
    if (Number.isNaN(at)) return malformed('bad time');
    const host = normHost(f[5]!);
    if (!host) return malformed('no host');
    const blocked = f[8] === 'BLOCKED';
    const reason = orNull(f[4]);
    const group = blocked && reason ? /\(([^)]*)\)/.exec(reason)?.[1] ?? null : null;
    return ok({
      at,
      source: 'blocky',
      user: null,
      clientIp: orNull(f[1]),
      device: orNull(f[2]?.split('; ')[0]),
      host,
      url: null,
      action: blocked ? 'blocked' : 'allowed',
      filterCategory: group,
      reason: blocked ? reason : null,
      bytes: null,
    });
  };
}
