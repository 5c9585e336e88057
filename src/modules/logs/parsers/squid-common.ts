// Squid's `common` and `combined` logformats (Apache-style):
//   common   %>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st %Ss:%Sh
//   combined %>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st "%{Referer}>h" "%{User-Agent}>h" %Ss:%Sh
// The trailing %Ss:%Sh is optional (plain Apache-style lines lack it).
import type { LineParser, ParseResult } from '../event.ts';
import { hostOf, malformed, MONTHS, ok, orNull, SKIP } from './util.ts';

export const SQUID_COMMON_REASONS = ['too few fields', 'bad time', 'bad request', 'no host'] as const;

const LINE =
  /^(\S+)\s+(\S+)\s+(\S+)\s+\[([^\]]+)\]\s+"([^"]*)"\s+(\d{3}|-)\s+(\d+|-)(?:\s+"((?:[^"\\]|\\.)*)"\s+"((?:[^"\\]|\\.)*)")?(?:\s+(\S+))?\s*$/;

/** [10/Oct/2000:13:55:36 -0700] → epoch ms, NaN when not that shape. */
export function parseClfTime(s: string): number {
  const m = /^(\d{1,2})\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?\s*([+-])(\d\d):?(\d\d)$/.exec(s.trim());
  if (!m) return NaN;
  const mo = MONTHS[m[2]!];
  if (!mo) return NaN;
  const wall = Date.UTC(+m[3]!, mo - 1, +m[1]!, +m[4]!, +m[5]!, +m[6]!, m[7] ? +m[7].padEnd(3, '0') : 0);
  const off = (+m[9]! * 60 + +m[10]!) * 60_000 * (m[8] === '-' ? -1 : 1);
  if (+m[1]! > 31 || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 60) return NaN;
  return wall - off;
}

function makeParser(source: 'squid-common' | 'squid-combined'): LineParser {
  return (line: string): ParseResult => {
    if (line.trim() === '') return SKIP;
    const m = LINE.exec(line);
    if (!m) return malformed(line.includes('[') && line.includes('"') ? 'bad request' : 'too few fields');
    const at = parseClfTime(m[4]!);
    if (Number.isNaN(at)) return malformed('bad time');
    const req = m[5]!.split(' ');
    if (req.length < 2) return malformed('bad request');
    const url = req[1]!;
    const host = hostOf(url);
    if (!host) return malformed('no host');
    const status = m[6]!;
    const tag = m[10] ?? null;
    // With the squid tag, TCP_DENIED decides; without it, a 403 is the best sign of a proxy block.
    const blocked = tag ? /_DENIED/.test(tag) && status !== '407' : status === '403';
    if (tag && /_DENIED/.test(tag) && status === '407') return SKIP; // auth challenge, retried by the browser
    return ok({
      at,
      source,
      user: orNull(m[3]) ?? orNull(m[2]),
      clientIp: orNull(m[1]),
      device: null,
      host,
      url,
      action: blocked ? 'blocked' : 'allowed',
      filterCategory: null,
      reason: blocked ? (tag ? `${tag.split(':')[0]}/${status}` : `HTTP ${status}`) : null,
      bytes: m[7] === '-' ? null : Number(m[7]),
    });
  };
}

export const parseSquidCommon: LineParser = makeParser('squid-common');
export const parseSquidCombined: LineParser = makeParser('squid-combined');
