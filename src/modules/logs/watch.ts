// Watched folders: each log source with a watch path is polled; every plain file in it is read from
// where the last committed checkpoint left it (keyed by device + inode, so a file renamed by rotation
// keeps its place and a new file starts at 0), up to its last complete line. A file truncated in place
// (copytruncate) or replaced under the same inode is noticed by its size or its first bytes' hash and
// read again from the start. Compressed files are skipped: rotation's .gz copies repeat lines already
// read from the live file. Stateless between runs: a restart resumes from the database.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import { readFileReusing } from './ingest/file-source.ts';
import { type IngestSummary, ingest } from './ingest/ingest.ts';
import type { FormatId, FormatOptions } from './parsers/index.ts';
import * as store from './store.ts';

const HEAD_BYTES = 1024;
const SKIPPED = /\.(gz|bz2|xz|zst|zip)$/i;

export type WatchedFile = { path: string; fileKey: string; size: number; headHash: string };

/** The plain files of a folder, oldest first, with their identity. */
export function filesIn(dir: string): WatchedFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const files: (WatchedFile & { mtime: number })[] = [];
  for (const name of names) {
    if (name.startsWith('.') || SKIPPED.test(name)) continue;
    const full = path.join(dir, name);
    const st = fs.statSync(full, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    files.push({ path: full, fileKey: `${st.dev}:${st.ino}`, size: st.size, headHash: headHash(full), mtime: st.mtimeMs });
  }
  return files.sort((a, b) => a.mtime - b.mtime).map(({ mtime: _m, ...f }) => f);
}

function headHash(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
    return createHash('sha256').update(buf.subarray(0, n)).digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}

/** The byte just after the last newline in [from, size), or `from` when the range holds no complete line. */
export function lastLineEnd(file: string, from: number, size: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const step = 64 * 1024;
    const buf = Buffer.alloc(step);
    for (let end = size; end > from; end -= step) {
      const start = Math.max(from, end - step);
      const n = fs.readSync(fd, buf, 0, end - start, start);
      const i = buf.subarray(0, n).lastIndexOf(10);
      if (i !== -1) return start + i + 1;
    }
    return from;
  } finally {
    fs.closeSync(fd);
  }
}

/** The first line of a file (a CSV header), with its newline. */
function firstLineBytes(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const i = buf.subarray(0, n).indexOf(10);
    return i === -1 ? Buffer.alloc(0) : Buffer.from(buf.subarray(0, i + 1));
  } finally {
    fs.closeSync(fd);
  }
}

export type WatchResult = { source: string; file: string; summary: IngestSummary };

/** One pass over one source's folder; each file with new complete lines becomes one run. */
export async function watchSource(
  haven: Haven,
  source: { trust_id: string; id: string; school_id: string; name: string; format: string; options: Record<string, unknown>; watch_path: string },
): Promise<WatchResult[]> {
  const results: WatchResult[] = [];
  const options = source.options as FormatOptions;
  // A header line matters when reading resumes mid-file (generic CSV exports): it is put in front again.
  const needsHeader = source.format === 'generic' && options.mapping?.kind === 'csv' && options.mapping.header !== false;
  for (const f of filesIn(source.watch_path)) {
    const seen = await store.offsetOf(haven.db, source.trust_id, source.id, f.fileKey);
    let from = seen ? Number(seen.read_to) : 0;
    // Truncated in place, or new content under the same inode: read it again from the start.
    if (seen && (f.size < from || (seen.head_hash !== f.headHash && f.size >= HEAD_BYTES && from >= HEAD_BYTES))) from = 0;
    const to = lastLineEnd(f.path, from, f.size);
    if (to <= from) continue;
    const header = needsHeader && from > 0 ? firstLineBytes(f.path) : Buffer.alloc(0);
    const body = readFileReusing(f.path, from, to);
    const summary = await ingest(haven, SYSTEM_ACTOR, {
      trustId: source.trust_id,
      schoolId: source.school_id,
      format: source.format as FormatId,
      options,
      name: path.basename(f.path),
      origin: 'watch',
      sourceId: source.id,
      source: header.length > 0 ? Readable.from(prepend(header, body)) : body,
      // The header's bytes are counted by the run but were not read from this offset.
      offset: { sourceId: source.id, fileKey: f.fileKey, path: f.path, headHash: f.headHash, startAt: from - header.length },
    });
    results.push({ source: source.name, file: f.path, summary });
  }
  return results;
}

/**
 * A source's folder: its watch path taken under HAVEN_LOG_WATCH_DIR. Whoever edits a source in the
 * browser must not be able to make Haven read other files on the server, so a path that leaves the
 * root (absolute, or with ..) is refused.
 */
export function watchFolder(root: string, watchPath: string): string | null {
  const folder = path.resolve(root, watchPath);
  const rel = path.relative(root, folder);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return folder;
}

async function* prepend(first: Buffer, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  yield* rest;
}

/**
 * One pass over every watched source. A source is read by one process at a time (an advisory lock),
 * so overlapping passes or several Haven processes never read the same lines twice.
 */
export async function watchAll(haven: Haven): Promise<WatchResult[]> {
  const root = haven.config.logWatchDir;
  if (!root) return [];
  const sources = await haven.db.selectFrom('log_sources').selectAll().where('watch_path', 'is not', null).orderBy('created_at').execute();
  const results: WatchResult[] = [];
  for (const s of sources) {
    const folder = watchFolder(root, s.watch_path as string);
    if (!folder) continue;
    const got = await haven.db.connection().execute(async (conn) => {
      const lock = await store.tryLockSource(conn, s.id);
      if (!lock) return [];
      try {
        return await watchSource(haven, { ...s, watch_path: folder });
      } finally {
        await store.unlockSource(conn, s.id);
      }
    });
    results.push(...got);
  }
  return results;
}
