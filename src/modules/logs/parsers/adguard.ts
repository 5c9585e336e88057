// AdGuard Home querylog.json: one JSON object per line. Result.Reason is AdGuard's filtering reason:
// 3 block list, 4 safe browsing, 5 parental control, 6 invalid, 8 blocked service are blocks;
// 0/1/2 not filtered, 7 safe search and 9–11 rewrites answer the query (allowed).
import type { LineParser, ParseResult } from '../event.ts';
import { DEFAULT_TIMEZONE, malformed, normHost, ok, parseIso, SKIP } from './util.ts';

export const ADGUARD_REASONS = ['bad json', 'bad time', 'no host'] as const;

const BLOCK_REASONS: Record<number, string> = {
  3: 'FilteredBlackList',
  4: 'FilteredSafeBrowsing',
  5: 'FilteredParental',
  6: 'FilteredInvalid',
  8: 'FilteredBlockedService',
};

type Rule = { Text?: string; FilterListID?: number };
type Entry = {
  IP?: string;
  T?: string;
  QH?: string;
  CP?: string;
  ID?: string;
  Result?: { IsFiltered?: boolean; Reason?: number; Rule?: string; Rules?: Rule[]; ServiceName?: string };
};

export const parseAdguard: LineParser = (line: string): ParseResult => {
  const text = line.trim();
  if (text === '') return SKIP;
  let e: Entry;
  try {
    e = JSON.parse(text) as Entry;
  } catch {
    return malformed('bad json');
  }
  if (typeof e !== 'object' || e === null) return malformed('bad json');
  const at = typeof e.T === 'string' ? parseIso(e.T, DEFAULT_TIMEZONE) : NaN;
  if (Number.isNaN(at)) return malformed('bad time');
  const host = typeof e.QH === 'string' ? normHost(e.QH) : '';
  if (!host) return malformed('no host');
  const r = e.Result ?? {};
  const code = typeof r.Reason === 'number' ? r.Reason : 0;
  const blocked = r.IsFiltered === true && code in BLOCK_REASONS;
  // older logs carry Rule, newer ones Rules[].Text
  const rule = r.Rule ?? r.Rules?.map((x) => x.Text).filter(Boolean).join(' ') ?? null;
  const category = code === 8 ? (r.ServiceName ?? 'blocked service') : code === 4 ? 'safe browsing' : code === 5 ? 'parental' : null;
  return ok({
    at,
    source: 'adguard',
    user: null,
    clientIp: e.IP || null,
    device: e.ID || null,
    host,
    url: null,
    action: blocked ? 'blocked' : 'allowed',
    filterCategory: category,
    reason: blocked ? rule || BLOCK_REASONS[code]! : null,
    bytes: null,
  });
};
