// The built category table on disk, so a run whose lists have not changed skips reading them (~0.3 s
// of CPU at the start of every ingest). Keyed by every list file's path, size and mtime; best effort:
// a missing, stale or unreadable cache just means building the table again.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { startWorker } from '../ingest/worker-source.ts';
import type { CategoryTable } from './lists.ts';

/** Bump when the table's layout or hashing changes. */
const VERSION = 2;
const FILES = ['usage', 'domains', 'urls'] as const;

/**
 * What the table is built from: each dir's folders and their files' sizes and times. Synchronous (a few
 * hundred stats, milliseconds) so that a build can start on its thread at once, not after the caller's
 * other start-up work lets the event loop run.
 */
export function listsFingerprint(dirs: readonly string[]): string {
  const h = createHash('sha256').update(`v${VERSION}\n`);
  for (const dir of dirs) {
    h.update(`dir ${dir}\n`);
    const entries = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    for (const name of entries.sort()) {
      for (const f of FILES) {
        const s = statSync(join(dir, name, f), { throwIfNoEntry: false });
        h.update(`${name}/${f} ${s ? `${s.size} ${s.mtimeMs}` : '-'}\n`);
      }
    }
  }
  return h.digest('hex').slice(0, 32);
}

/** Header (JSON, length-prefixed) then the table's bytes, read straight into shared memory. */
function readCached(file: string): CategoryTable | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const fileSize = fstatSync(fd).size;
    const len = Buffer.alloc(4);
    if (readSync(fd, len, 0, 4, 0) !== 4 || len.readUInt32LE(0) > fileSize - 4) return null;
    const headerBytes = Buffer.alloc(len.readUInt32LE(0));
    if (readSync(fd, headerBytes, 0, headerBytes.length, 4) !== headerBytes.length) return null;
    const header = JSON.parse(headerBytes.toString('utf8')) as Omit<CategoryTable, 'hosts'> & { capacity: number; size: number; bytes: number };
    if (4 + headerBytes.length + header.bytes !== fileSize || header.bytes !== header.capacity * 9) return null;
    const buffer = new SharedArrayBuffer(header.bytes);
    const view = new Uint8Array(buffer);
    let at = 0;
    while (at < view.length) {
      const n = readSync(fd, view, at, view.length - at, 4 + headerBytes.length + at);
      if (n <= 0) return null;
      at += n;
    }
    return { hosts: { buffer, capacity: header.capacity, size: header.size }, urls: header.urls, stats: header.stats };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

async function writeCached(file: string, t: CategoryTable): Promise<void> {
  const bytes = new Uint8Array(t.hosts.buffer);
  const header = Buffer.from(JSON.stringify({ capacity: t.hosts.capacity, size: t.hosts.size, bytes: bytes.length, urls: t.urls, stats: t.stats }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  // Written aside then renamed: a reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, [len, header, bytes]);
  await rename(tmp, file);
  // Tables of lists since changed are dead weight.
  for (const f of await readdir(dirname(file))) {
    if (f.startsWith('categories-') && f.endsWith('.bin') && f !== basename(file)) await rm(join(dirname(file), f), { force: true });
  }
}

/** The last table this process loaded per (dirs, cacheDir): a server or a many-file run loads it once. */
const loaded = new Map<string, { fingerprint: string; table: Promise<CategoryTable> }>();

/**
 * The table for `dirs`: this process's copy while the lists are unchanged, else from `cacheDir`, else
 * built (and cached). Start it early (before other set-up work) to overlap the load with that work.
 */
export function loadCategoryTable(dirs: readonly string[], cacheDir?: string | null): Promise<CategoryTable> {
  const key = JSON.stringify([dirs, cacheDir ?? null]);
  let fingerprint: string | null = null;
  try {
    fingerprint = listsFingerprint(dirs);
  } catch {
    // a dir we cannot list: the build reports it
  }
  const held = loaded.get(key);
  if (held && fingerprint !== null && held.fingerprint === fingerprint) return held.table;
  const table = loadFresh(dirs, cacheDir ?? null, fingerprint);
  if (fingerprint !== null) {
    const entry = { fingerprint, table };
    loaded.set(key, entry);
    table.catch(() => {
      if (loaded.get(key) === entry) loaded.delete(key);
    });
  }
  return table;
}

/** buildCategoryTable on a worker thread (build-worker.ts), leaving this thread free meanwhile. */
function buildOffThread(dirs: readonly string[]): Promise<CategoryTable> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(new URL('./build-worker.ts', import.meta.url), { dirs });
    worker.once('message', (table: CategoryTable) => {
      resolve(table);
      void worker.terminate();
    });
    worker.once('error', reject);
    // Ignored after a result; otherwise it stopped without one.
    worker.once('exit', (code) => reject(new Error(`The category lists could not be built (thread exit ${code}).`)));
  });
}

/** From the cache, else built (off this thread, starting now) and cached. */
function loadFresh(dirs: readonly string[], cacheDir: string | null, fingerprint: string | null): Promise<CategoryTable> {
  if (!cacheDir || fingerprint === null) return buildOffThread(dirs);
  const file = join(cacheDir, `categories-${fingerprint}.bin`);
  const cached = readCached(file);
  if (cached) return Promise.resolve(cached);
  return buildOffThread(dirs).then(async (table) => {
    await mkdir(cacheDir, { recursive: true })
      .then(() => writeCached(file, table))
      .catch(() => {});
    return table;
  });
}

/** Forget the tables this process holds (the next load reads the disk cache or builds). */
export function forgetLoadedTables(): void {
  loaded.clear();
}
