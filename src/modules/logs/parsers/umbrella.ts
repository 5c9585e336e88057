// Cisco Umbrella DNS log CSV (S3 export), every field quoted, time in UTC:
//   Timestamp, Most Granular Identity, Identities, Internal IP, External IP, Action, QueryType,
//   ResponseCode, Domain, Categories[, Most Granular Identity Type, Identity Types, Blocked Categories, …]
// A dashboard export may start with a header row; it is skipped.
import { parse as parseCsv } from 'csv-parse/sync';
import type { LineParser, ParseResult } from '../event.ts';
import { malformed, normHost, ok, orNull, parseLocalYmd, SKIP } from './util.ts';

export const UMBRELLA_REASONS = ['bad csv', 'too few fields', 'bad time', 'no host'] as const;

export const parseUmbrella: LineParser = (line: string): ParseResult => {
  if (line.trim() === '') return SKIP;
  let f: string[];
  try {
    f = (parseCsv(line, { relax_column_count: true }) as string[][])[0] ?? [];
  } catch {
    return malformed('bad csv');
  }
  if (/^timestamp$/i.test(f[0] ?? '')) return SKIP;
  if (f.length < 10) return malformed('too few fields');
  const at = parseLocalYmd(f[0]!, 'UTC');
  if (Number.isNaN(at)) return malformed('bad time');
  const host = normHost(f[8]!);
  if (!host) return malformed('no host');
  const blocked = /^block/i.test(f[5]!.trim());
  // The most granular identity is a person for AD users, a machine for roaming computers, else a network.
  const identity = orNull(f[1]);
  const type = (f[10] ?? '').toLowerCase();
  const isDevice = /computer|device|chromebook|mobile/.test(type);
  const isNetwork = /network|site|proxy|tunnel/.test(type);
  const blockedCats = orNull(f[12]);
  return ok({
    at,
    source: 'umbrella',
    user: isDevice || isNetwork ? null : identity,
    clientIp: orNull(f[3]),
    device: isDevice ? identity : null,
    host,
    url: null,
    action: blocked ? 'blocked' : 'allowed',
    filterCategory: orNull(f[9]),
    reason: blocked ? (blockedCats ?? f[5]!.trim()) : null,
    bytes: null,
  });
};
