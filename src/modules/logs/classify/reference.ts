// The plain Map-based list matcher the host table replaced, kept as the reference the tests hold the
// table to (same answers for every entry of the real lists). Slow and big: not for the ingest path.
import { join } from 'node:path';
import type { HavenCategory } from '../event.ts';
import { cleanEntry, exists, foldersOf, forEachLine, isIpLiteral } from './lists.ts';
import { categoryOfCode, NO_CODE, OTHER_CODE } from './mapping.ts';

export type ReferenceLists = {
  domains: Map<string, number>;
  urls: Map<string, { path: string; code: number }[]>;
  classifyHost(host: string, path?: string | null): HavenCategory;
};

export async function loadReferenceLists(dirs: readonly string[]): Promise<ReferenceLists> {
  const domains = new Map<string, number>();
  const urls = new Map<string, { path: string; code: number }[]>();
  for (let d = 0; d < dirs.length; d++) {
    const local = d === 0 ? domains : new Map<string, number>();
    const localUrls = d === 0 ? urls : new Map<string, { path: string; code: number }[]>();
    const keep = (host: string, code: number) => {
      const prev = local.get(host);
      if (prev === undefined || code < prev) local.set(host, code);
    };
    for (const { path, code } of await foldersOf(dirs[d]!)) {
      if (code === OTHER_CODE && d === 0) continue;
      if (await exists(join(path, 'domains')))
        await forEachLine(join(path, 'domains'), (line) => {
          const host = cleanEntry(line);
          if (host !== null) keep(host, code);
        });
      if (await exists(join(path, 'urls')))
        await forEachLine(join(path, 'urls'), (line) => {
          const entry = cleanEntry(line);
          if (entry === null) return;
          const slash = entry.indexOf('/');
          if (slash <= 0) return keep(entry, code);
          const host = entry.slice(0, slash);
          localUrls.set(host, [...(localUrls.get(host) ?? []), { path: entry.slice(slash + 1), code }]);
        });
    }
    if (d === 0) continue;
    for (const [host, code] of local) if (code !== OTHER_CODE || domains.has(host)) domains.set(host, code);
    for (const [host, rules] of localUrls) urls.set(host, rules);
  }

  const hostCode = (host: string): { code: number; hasUrls: boolean } => {
    if (isIpLiteral(host)) return { code: domains.get(host) ?? NO_CODE, hasUrls: urls.has(host) };
    let code = NO_CODE;
    let hasUrls = false;
    // Shortest suffix first, so the most specific listing decides.
    const labels = host.split('.');
    for (let i = labels.length - 2; i >= 0; i--) {
      const suffix = labels.slice(i).join('.');
      const c = domains.get(suffix);
      if (c !== undefined) code = c;
      if (urls.has(suffix)) hasUrls = true;
    }
    return { code, hasUrls };
  };
  const urlCode = (host: string, path: string): number => {
    let best = NO_CODE;
    const lower = path.toLowerCase();
    const suffixes = isIpLiteral(host) ? [host] : host.split('.').map((_, i, all) => all.slice(i).join('.')).filter((s) => s.includes('.'));
    for (const s of suffixes) for (const r of urls.get(s) ?? []) if (r.code < best && lower.startsWith(r.path)) best = r.code;
    return best;
  };
  return {
    domains,
    urls,
    classifyHost(host, path = null) {
      const h = host.toLowerCase();
      if (h === '') return 'other';
      const { code: c, hasUrls } = hostCode(h);
      let code = c;
      if (hasUrls && path) code = Math.min(code, urlCode(h, path.replace(/^\//, '')));
      return code >= NO_CODE ? 'other' : categoryOfCode(code);
    },
  };
}
