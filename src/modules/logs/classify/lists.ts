// Loads category lists in the UT1 / SquidGuard layout (one folder per category holding `domains`,
// sometimes `urls`, and `usage`) into a compact host table (table.ts) the ingest workers share, and
// classifies events against it. Matching walks the host's label suffixes hashing as it goes, so cost
// depends on the host's length, not the lists' size.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HavenCategory, LogEvent } from '../event.ts';
import { categoryOfCode, codeOf, mapCategoryName, mapFilterCategory, NO_CODE, OTHER_CODE } from './mapping.ts';
import { ownString } from './strings.ts';
import { CODE_BITS, FLAG_URLS, H1_SEED, H2_SEED, HostTable, hashString, PRESENT, type SharedHostTable, step1, step2 } from './table.ts';

export type Classifier = {
  /** Haven's category for the event: the more severe of the lists' and the filter's own; 'other' when neither says. */
  classify(event: LogEvent): HavenCategory;
  /** The lists' category for a bare host (and optional path), without the filter's view. */
  classifyHost(host: string, path?: string | null): HavenCategory;
  /** What was loaded, for logs and the bench. */
  readonly stats: { domains: number; urlHosts: number; folders: number; categories: Record<string, HavenCategory> };
};

export type LoadOptions = {
  /** Host cache entries per generation (two generations are kept). */
  cacheSize?: number;
};

/** Reads a text file line by line without holding it whole (some lists run to millions of lines). */
export async function forEachLine(file: string, onLine: (line: string) => void): Promise<void> {
  let carry = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = carry + (chunk as string);
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      onLine(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    carry = text.slice(start);
  }
  if (carry !== '') onLine(carry);
}

/** A list line → its entry, or null for comments and blanks. Lower-cased, leading '.'/'*.' and trailing '.' dropped. */
export function cleanEntry(line: string): string | null {
  let s = line.trim();
  if (s === '' || s.charCodeAt(0) === 35 /* # */) return null;
  const space = s.search(/\s/);
  if (space !== -1) s = s.slice(0, space);
  s = s.toLowerCase();
  if (s.startsWith('*.')) s = s.slice(2);
  while (s.startsWith('.')) s = s.slice(1);
  if (s.startsWith('http://')) s = s.slice(7);
  else if (s.startsWith('https://')) s = s.slice(8);
  if (s.endsWith('.')) s = s.slice(0, -1);
  return s === '' ? null : s;
}

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

export async function exists(p: string): Promise<boolean> {
  return isFile(p);
}

/**
 * `usage` names 'black' and/or 'white' (then free words). Only a list that is white and never black allows
 * (UT1 'child'); arjel says both — a list that may block is classified by its name.
 */
function usageOf(folder: string): 'black' | 'white' | null {
  const file = join(folder, 'usage');
  if (!isFile(file)) return null;
  const words = new Set(readFileSync(file, 'utf8').split('\n').map((l) => l.trim().toLowerCase()));
  return words.has('black') ? 'black' : words.has('white') ? 'white' : null;
}

export function isIpLiteral(host: string): boolean {
  const last = host.charCodeAt(host.length - 1);
  return host.includes(':') || (last >= 48 && last <= 57 && /^\d{1,3}(\.\d{1,3}){3}$/.test(host));
}

/** A category folder and the Haven code its entries get. */
type Folder = { name: string; path: string; code: number };

export async function foldersOf(dir: string): Promise<Folder[]> {
  return listFolders(dir);
}

/** The category folders of a lists dir, in name order, with their codes. */
function listFolders(dir: string): Folder[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const out: Folder[] = [];
  for (const ent of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!ent.isDirectory()) continue;
    const path = join(dir, ent.name);
    const usage = usageOf(path);
    // A white list allows, whatever its name (UT1 'child' is sites FOR children): 'other'.
    out.push({ name: ent.name, path, code: usage === 'white' ? OTHER_CODE : codeOf(mapCategoryName(ent.name) ?? 'other') });
  }
  return out;
}

/**
 * The loaded lists as plain data a worker thread can take: the host table (shared memory, not copied)
 * and the few `urls` rules (per host, its path prefixes and codes).
 */
export type CategoryTable = {
  hosts: SharedHostTable;
  /**
   * JSON of [host, rules][], where rules is "path prefix\tcode\n…" (entries hold no whitespace): one
   * string clones to a worker far faster than 40k small arrays, and parses ~11k strings, not 100k values.
   */
  urls: string;
  stats: Classifier['stats'];
};

/** A growing table whose entries keep the most severe code (the smallest) they were given. */
class TableBuilder {
  t: HostTable;
  constructor(capacity: number, shared = false) {
    this.t = new HostTable(capacity, shared);
  }
  keepMostSevere(h1: number, h2: number, code: number) {
    if (this.t.needsGrow) this.t = this.t.resized(this.t.size * 2, this.t.buffer instanceof SharedArrayBuffer);
    this.t.keepSmallerCode(h1, h2, PRESENT | code);
  }
  set(h1: number, h2: number, value: number) {
    if (this.t.needsGrow) this.t = this.t.resized(this.t.size * 2, this.t.buffer instanceof SharedArrayBuffer);
    this.t.set(h1, h2, value);
  }
}

const isSpace = (b: number) => b === 32 || (b >= 9 && b <= 13);
const lower = (b: number) => (b >= 65 && b <= 90 ? b + 32 : b);

/**
 * Hashes every entry of a `domains` file straight from its bytes, with cleanEntry's rules, without
 * making a string per line (the lists run to hundreds of thousands of lines). A line with non-ASCII
 * bytes goes through cleanEntry as text, so both ways agree.
 */
export function hashDomainLines(bytes: Uint8Array, onEntry: (h1: number, h2: number) => void): void {
  const n = bytes.length;
  const decoder = new TextDecoder();
  let i = 0;
  while (i < n) {
    // One pass over the line finds the entry (its first word) and any non-ASCII byte.
    const lineStart = i;
    let b = 0;
    while (i < n && (b = bytes[i] as number) !== 10 && isSpace(b)) i++;
    let s = i;
    let high = 0;
    while (i < n && (b = bytes[i] as number) !== 10 && !isSpace(b)) {
      high |= b;
      i++;
    }
    let e = i;
    while (i < n && (b = bytes[i] as number) !== 10) {
      high |= b;
      i++;
    }
    const lineEnd = i;
    i++; // past the newline
    if (high >= 0x80) {
      const entry = cleanEntry(decoder.decode(bytes.subarray(lineStart, lineEnd)));
      if (entry !== null) {
        const [h1, h2] = hashString(entry);
        onEntry(h1, h2);
      }
      continue;
    }
    if (s === e || bytes[s] === 35 /* # */) continue;
    if (bytes[s] === 42 /* * */ && bytes[s + 1] === 46 && e - s >= 2) s += 2;
    while (s < e && bytes[s] === 46) s++;
    if (startsWithLower(bytes, s, e, HTTP)) s += HTTP.length;
    else if (startsWithLower(bytes, s, e, HTTPS)) s += HTTPS.length;
    if (e > s && bytes[e - 1] === 46) e--;
    if (e <= s) continue;
    let h1 = H1_SEED;
    let h2 = H2_SEED;
    for (let j = e - 1; j >= s; j--) {
      const ch = lower(bytes[j] as number);
      h1 = step1(h1, ch);
      h2 = step2(h2, ch);
    }
    onEntry(h1, h2);
  }
}

const HTTP = [...'http://'].map((c) => c.charCodeAt(0));
const HTTPS = [...'https://'].map((c) => c.charCodeAt(0));
function startsWithLower(bytes: Uint8Array, s: number, e: number, prefix: number[]): boolean {
  if (e - s < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (lower(bytes[s + i] as number) !== prefix[i]) return false;
  return true;
}

/**
 * Load every category folder under each dir into a host table. Within a dir a host in several lists
 * takes the most severe category; a later dir (a school's own lists) replaces an earlier one's answer for
 * the hosts it names. Folders whose category is 'other' are skipped for the first dir (unmatched already
 * means 'other'), which keeps the big neutral lists (shopping, jobsearch…) out of memory. Reads the
 * files synchronously: a run builds on a thread of its own (build-worker.ts), where awaiting each of a
 * few hundred small reads only added idle time (and loaded the stream machinery) on the critical path.
 */
export async function buildCategoryTable(dirs: string | readonly string[], { shared = true } = {}): Promise<CategoryTable> {
  const list = typeof dirs === 'string' ? [dirs] : dirs;
  // Room for the real UT1 lists' ~220k hosts without growing.
  const main = new TableBuilder(1 << 19, shared);
  const urls = new Map<string, string>();
  const categories: Record<string, HavenCategory> = {};
  let folders = 0;

  for (let d = 0; d < list.length; d++) {
    // The first dir writes straight into the result (nothing to override yet).
    const local = d === 0 ? main : new TableBuilder(1 << 12);
    const localUrls = d === 0 ? urls : new Map<string, string>();
    const loaded = new Set<string>();
    for (const folder of listFolders(list[d]!)) {
      const { code } = folder;
      categories[folder.name] = categoryOfCode(code);
      if (code === OTHER_CODE && d === 0) continue;
      folders++;
      const domainFile = join(folder.path, 'domains');
      if (isFile(domainFile)) {
        const bytes = readFileSync(domainFile);
        // UT1 ships the same redirector list three times: a file already loaded at this code adds nothing.
        const key = `${code}:${createHash('sha1').update(bytes).digest('hex')}`;
        if (!loaded.has(key)) {
          loaded.add(key);
          hashDomainLines(bytes, (h1, h2) => local.keepMostSevere(h1, h2, code));
        }
      }
      const urlFile = join(folder.path, 'urls');
      if (isFile(urlFile)) {
        const text = readFileSync(urlFile, 'utf8');
        for (let at = 0; at < text.length; ) {
          let nl = text.indexOf('\n', at);
          if (nl === -1) nl = text.length;
          const entry = cleanEntry(text.slice(at, nl));
          at = nl + 1;
          if (entry === null) continue;
          const slash = entry.indexOf('/');
          if (slash <= 0) {
            // A bare host in a urls list is a domain entry.
            const [h1, h2] = hashString(entry);
            local.keepMostSevere(h1, h2, code);
            continue;
          }
          const host = entry.slice(0, slash);
          const rule = `${entry.slice(slash + 1)}\t${code}\n`;
          localUrls.set(host, (localUrls.get(host) ?? '') + rule);
        }
      }
    }
    if (d === 0) continue;
    local.t.forEach((h1, h2, v) => {
      // A later dir's 'other' matters only when it overrides something.
      if ((v & CODE_BITS) === OTHER_CODE && main.t.get(h1, h2) === 0) return;
      main.set(h1, h2, v);
    });
    for (const [host, rules] of localUrls) urls.set(host, rules);
  }
  const domains = main.t.size;
  // Hosts with `urls` rules carry a flag, so only their events look at the path.
  for (const host of urls.keys()) {
    const [h1, h2] = hashString(host);
    const prev = main.t.get(h1, h2);
    main.set(h1, h2, prev === 0 ? PRESENT | FLAG_URLS | NO_CODE : prev | FLAG_URLS);
  }
  const table = main.t.buffer instanceof SharedArrayBuffer === shared ? main.t : main.t.resized(main.t.size, shared);
  return { hosts: table.share(), urls: JSON.stringify([...urls]), stats: { domains, urlHosts: urls.size, folders, categories } };
}

export async function loadCategoryLists(dirs: string | readonly string[], options: LoadOptions = {}): Promise<Classifier> {
  return classifierFromTable(await buildCategoryTable(dirs, { shared: false }), options);
}

/** One host's `urls` rules: the most severe code per path prefix, and the prefixes' lengths (ascending). */
type UrlIndex = { codes: Map<string, number>; lengths: number[] };

/** "path\tcode\n…" (CategoryTable.urls) → the host's index. */
function indexRules(rules: string): UrlIndex {
  const codes = new Map<string, number>();
  for (let at = 0; at < rules.length; ) {
    const tab = rules.indexOf('\t', at);
    const nl = rules.indexOf('\n', tab);
    const path = rules.slice(at, tab);
    const code = Number(rules.slice(tab + 1, nl));
    at = nl + 1;
    const prev = codes.get(path);
    if (prev === undefined || code < prev) codes.set(path, code);
  }
  const lengths = [...new Set([...codes.keys()].map((p) => p.length))].sort((a, b) => a - b);
  return { codes, lengths };
}

/** A classifier over a built table (in a worker: the table the main thread shared). */
export function classifierFromTable(source: CategoryTable, options: LoadOptions = {}): Classifier {
  const table = HostTable.fromShared(source.hosts);
  // Indexed per host on first use: a log meets few of the hosts that have rules.
  const urls = new Map<string, string | UrlIndex>(JSON.parse(source.urls) as [string, string][]);
  const rulesOf = (host: string): UrlIndex | undefined => {
    const r = urls.get(host);
    if (r === undefined || typeof r !== 'string') return r;
    const index = indexRules(r);
    urls.set(host, index);
    return index;
  };
  const cacheSize = options.cacheSize ?? 20_000;
  // Two generations: lookups hit `young`, fall back to `old`; when `young` fills it becomes `old`.
  // Bounded memory, no per-hit bookkeeping.
  let young = new Map<string, number>();
  let old = new Map<string, number>();
  const filterCache = new Map<string, number>();

  function lookupHost(host: string): number {
    let entry = young.get(host);
    if (entry !== undefined) return entry;
    entry = old.get(host);
    if (entry === undefined) entry = resolveHost(host);
    if (young.size >= cacheSize) {
      old = young;
      young = new Map();
    }
    young.set(ownString(host), entry);
    return entry;
  }

  /** The list code of the most specific listed suffix, with FLAG_URLS when any suffix has `urls` rules. */
  function resolveHost(host: string): number {
    if (isIpLiteral(host)) {
      const [h1, h2] = hashString(host);
      const v = table.get(h1, h2);
      return v === 0 ? NO_CODE : v & (CODE_BITS | FLAG_URLS);
    }
    let code = NO_CODE;
    let flag = 0;
    let h1 = H1_SEED;
    let h2 = H2_SEED;
    let dots = 0;
    for (let i = host.length - 1; i >= 0; i--) {
      const ch = host.charCodeAt(i);
      if (ch === 46) dots++;
      h1 = step1(h1, ch);
      h2 = step2(h2, ch);
      // host.slice(i) starts a label and holds a dot (never match a bare TLD).
      if (dots > 0 && (i === 0 || host.charCodeAt(i - 1) === 46)) {
        const v = table.get(h1, h2);
        if (v !== 0) {
          // Longer suffixes come later and overwrite: the most specific listing decides.
          const c = v & CODE_BITS;
          if (c !== NO_CODE) code = c;
          flag |= v & FLAG_URLS;
        }
      }
    }
    return code | flag;
  }

  function urlCode(host: string, path: string): number {
    let best = NO_CODE;
    let suffix = host;
    const lower = path.toLowerCase();
    const ip = isIpLiteral(host);
    for (;;) {
      const rules = rulesOf(suffix);
      if (rules) {
        for (const len of rules.lengths) {
          if (len > lower.length) break;
          const c = rules.codes.get(len === lower.length ? lower : lower.slice(0, len));
          if (c !== undefined && c < best) best = c;
        }
      }
      const dot = suffix.indexOf('.');
      if (dot === -1 || ip) break;
      suffix = suffix.slice(dot + 1);
      if (suffix.indexOf('.') === -1) break;
    }
    return best;
  }

  /** `url` is parsed only for the few hosts that have `urls` rules. */
  function listCode(host: string, url: string | null, isPath: boolean): number {
    if (host === '') return NO_CODE;
    const entry = lookupHost(host);
    let code = entry & CODE_BITS;
    if (entry & FLAG_URLS && url) {
      const u = isPath ? urlCode(host, url) : cachedUrlCode(host, url);
      if (u < code) code = u;
    }
    return code;
  }

  // Busy hosts with `urls` rules (docs.google.com has ~1000) repeat their URLs: work each out once.
  let urlCache = new Map<string, Map<string, number>>();
  let urlCached = 0;
  function cachedUrlCode(host: string, url: string): number {
    let byUrl = urlCache.get(host);
    let code = byUrl?.get(url);
    if (code !== undefined) return code;
    code = urlCode(host, pathAndHostOf(url).path);
    if (++urlCached > cacheSize) {
      urlCache = new Map();
      urlCached = 1;
      byUrl = undefined;
    }
    if (byUrl === undefined) urlCache.set(ownString(host), (byUrl = new Map()));
    byUrl.set(ownString(url), code);
    return code;
  }

  function filterCode(text: string): number {
    let c = filterCache.get(text);
    if (c === undefined) {
      const cat = mapFilterCategory(text);
      c = cat === null ? NO_CODE : codeOf(cat);
      if (filterCache.size > 10_000) filterCache.clear();
      filterCache.set(ownString(text), c);
    }
    return c;
  }

  return {
    stats: source.stats,
    classify(event) {
      let host = event.host;
      if (host === '' && event.url !== null) host = pathAndHostOf(event.url).host;
      let code = listCode(host, event.url, false);
      if (event.filterCategory !== null) {
        const f = filterCode(event.filterCategory);
        if (f < code) code = f;
      }
      return code >= NO_CODE ? 'other' : categoryOfCode(code);
    },
    classifyHost(host, path = null) {
      const code = listCode(host.toLowerCase(), path ? path.replace(/^\//, '') : null, true);
      return code >= NO_CODE ? 'other' : categoryOfCode(code);
    },
  };
}

/** The path (no leading '/') and host of a URL as logs write it: absolute, path-only, or CONNECT host:port. */
export function pathAndHostOf(url: string): { host: string; path: string } {
  const scheme = url.indexOf('://');
  if (scheme !== -1) {
    const slash = url.indexOf('/', scheme + 3);
    const authority = slash === -1 ? url.slice(scheme + 3) : url.slice(scheme + 3, slash);
    return { host: hostOfAuthority(authority), path: slash === -1 ? '' : url.slice(slash + 1) };
  }
  if (url.charCodeAt(0) === 47 /* / */) return { host: '', path: url.slice(1) };
  const slash = url.indexOf('/');
  if (slash === -1) return { host: hostOfAuthority(url), path: '' };
  return { host: hostOfAuthority(url.slice(0, slash)), path: url.slice(slash + 1) };
}

function hostOfAuthority(a: string): string {
  const at = a.lastIndexOf('@');
  let h = at === -1 ? a : a.slice(at + 1);
  if (h.startsWith('[')) {
    const close = h.indexOf(']'); // [IPv6]:port
    return h.slice(1, close === -1 ? undefined : close).toLowerCase();
  }
  const colon = h.lastIndexOf(':');
  if (colon !== -1) h = h.slice(0, colon);
  h = h.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}
