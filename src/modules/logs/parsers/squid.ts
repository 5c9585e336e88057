// Squid native access.log:  %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt [extra…]
// Hot path of the ingest benchmark: one left-to-right scan (indexOf for token ends, charCodeAt for
// numbers and the host), no regex, no split, and
// the only allocations are the event and its substrings.
import type { LineParser, LogEvent, ParseResult } from '../event.ts';
import { SKIP } from './util.ts';

export const SQUID_REASONS = ['too few fields', 'bad time', 'bad bytes', 'no host'] as const;

const TOO_FEW: ParseResult = { kind: 'malformed', reason: 'too few fields' };
const BAD_TIME: ParseResult = { kind: 'malformed', reason: 'bad time' };
const BAD_BYTES: ParseResult = { kind: 'malformed', reason: 'bad bytes' };
const NO_HOST: ParseResult = { kind: 'malformed', reason: 'no host' };

const SP = 32;

/** End of the token starting at i: the next space (the native format is space-separated), or n. */
function tokenEnd(text: string, i: number, n: number): number {
  const sp = text.indexOf(' ', i);
  return sp === -1 || sp > n ? n : sp;
}

/**
 * A native-format parser; `source` lets e2guardian's Squid-style format (3) reuse it. `parseRange` reads
 * a line in place inside a larger text (the ingest worker's decoded piece of log): no string per line,
 * and the scan runs over flat text rather than through a substring.
 */
export function squidNativeParser(source = 'squid'): LineParser & { parseRange(text: string, start: number, end: number): ParseResult } {
  const parseRange = (line: string, start: number, n: number): ParseResult => {
    let i = start;
    while (i < n && line.charCodeAt(i) === SP) i++;
    if (i === n || (i === n - 1 && line.charCodeAt(i) === 13)) return SKIP; // blank, or a lone CR of a CRLF file

    // 1. time: seconds[.millis]
    let sec = 0;
    let digits = 0;
    let c = line.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      sec = sec * 10 + (c - 48);
      digits++;
      c = line.charCodeAt(++i);
    }
    let ms = 0;
    if (c === 46 /* . */) {
      let scale = 100;
      c = line.charCodeAt(++i);
      while (c >= 48 && c <= 57) {
        ms += (c - 48) * scale;
        scale /= 10;
        c = line.charCodeAt(++i);
      }
      ms = Math.floor(ms);
    }
    if (digits === 0 || digits > 11 || (i < n && c !== SP)) return BAD_TIME;

    // 2. elapsed (space-padded), skipped
    while (line.charCodeAt(i) === SP) i++;
    i = tokenEnd(line, i, n);
    // 3. client address
    while (line.charCodeAt(i) === SP) i++;
    const ipStart = i;
    i = tokenEnd(line, i, n);
    const ipEnd = i;
    // 4. result code / status
    while (line.charCodeAt(i) === SP) i++;
    const codeStart = i;
    i = tokenEnd(line, i, n);
    const codeEnd = i;
    // 5. bytes
    while (line.charCodeAt(i) === SP) i++;
    const bytesStart = i;
    let bytes = 0;
    c = line.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      bytes = bytes * 10 + (c - 48);
      c = line.charCodeAt(++i);
    }
    const bytesEnd = i;
    i = tokenEnd(line, i, n);
    // 6. method, skipped
    while (line.charCodeAt(i) === SP) i++;
    i = tokenEnd(line, i, n);
    // 7. URL
    while (line.charCodeAt(i) === SP) i++;
    const urlStart = i;
    i = tokenEnd(line, i, n);
    const urlEnd = i;
    // 8. user
    while (line.charCodeAt(i) === SP) i++;
    const userStart = i;
    i = tokenEnd(line, i, n);
    const userEnd = i;
    // 9. hierarchy/peer, 10. mime type: must be present for a complete line
    while (line.charCodeAt(i) === SP) i++;
    i = tokenEnd(line, i, n);
    while (line.charCodeAt(i) === SP) i++;
    if (i >= n || urlStart === urlEnd || userStart === userEnd) return TOO_FEW;
    const afterBytes = line.charCodeAt(bytesEnd);
    if (bytesStart === bytesEnd || afterBytes !== SP) return BAD_BYTES;

    // Squid logs connections that never sent a request as "error:transaction-end-before-headers",
    // "error:invalid-request"…: not web requests, so not events and not malformed either.
    if (line.startsWith('error:', urlStart)) return SKIP;

    // host: after "scheme://" (within the first 16 characters) and any user info, up to port, path,
    // query or fragment. The scheme is looked for by hand: indexOf would search the rest of the line.
    let hs = urlStart;
    for (let j = urlStart; j < urlEnd && j - urlStart < 16; j++) {
      if (line.charCodeAt(j) === 58 /* : */ && line.charCodeAt(j + 1) === 47 && line.charCodeAt(j + 2) === 47) {
        hs = j + 3;
        break;
      }
    }
    let he = urlEnd;
    for (let j = hs; j < urlEnd; j++) {
      const h = line.charCodeAt(j);
      if (h === 47 || h === 63 || h === 35) {
        he = j;
        break;
      }
      if (h === 64 /* @ */) hs = j + 1; // user info
    }
    let upper = false;
    let portAt = -1;
    if (line.charCodeAt(hs) === 91 /* [ */) {
      // [IPv6]:port
      hs++;
      const close = line.indexOf(']', hs);
      if (close !== -1 && close < he) portAt = close;
    } else {
      for (let j = hs; j < he; j++) {
        const h = line.charCodeAt(j);
        if (h === 58 /* : */) {
          portAt = j;
          break;
        }
        if (h >= 65 && h <= 90) upper = true;
      }
    }
    if (portAt !== -1) he = portAt;
    while (he > hs && line.charCodeAt(he - 1) === 46 /* . */) he--;
    if (he <= hs) return NO_HOST;
    const host = upper ? line.substring(hs, he).toLowerCase() : line.substring(hs, he);

    // blocked when the result code is *_DENIED (TCP_DENIED, TCP_DENIED_REPLY, UDP_DENIED)
    const us = line.indexOf('_', codeStart);
    const denied = us !== -1 && us < codeEnd && line.startsWith('DENIED', us + 1);
    // TCP_DENIED/407 is the proxy's authentication challenge, answered by the browser's retry: not a block.
    if (denied && line.startsWith('407', codeEnd - 3)) return SKIP;

    const noUser = userEnd - userStart === 1 && line.charCodeAt(userStart) === 45; /* - */
    const event: LogEvent = {
      at: sec * 1000 + ms,
      source,
      user: noUser ? null : line.substring(userStart, userEnd),
      clientIp: ipEnd > ipStart ? line.substring(ipStart, ipEnd) : null,
      device: null,
      host,
      url: line.substring(urlStart, urlEnd),
      action: denied ? 'blocked' : 'allowed',
      filterCategory: null,
      reason: denied ? line.substring(codeStart, codeEnd) : null,
      bytes,
    };
    return { kind: 'event', event };
  };
  const parse = (line: string): ParseResult => parseRange(line, 0, line.length);
  return Object.assign(parse, { parseRange });
}

export const parseSquidNative: LineParser = squidNativeParser('squid');
