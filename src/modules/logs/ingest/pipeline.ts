// The ingest pipeline's engine room: cuts a byte stream into chunks at line ends, hands them to worker
// threads (both cores), and gives their results back in input order. It holds at most a few chunks at
// a time, so memory stays flat whatever the file's size. No database here: the caller persists results.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AttributionDirectory } from '../attribute/attribute.ts';
import { buildCategoryTable } from '../classify/lists.ts';
import type { FormatId, FormatOptions } from '../parsers/index.ts';
import type { ChunkResult, FromWorker, ToWorker, WorkerInit } from './protocol.ts';

export const CHUNK_BYTES = 1 << 20;
/** Formats whose parser carries state from line to line (a DNS query waits for its answer): one worker. */
const SEQUENTIAL: ReadonlySet<FormatId> = new Set(['pihole']);

export type PipelineInput = {
  schoolId: string;
  format: FormatId;
  options: FormatOptions;
  categoryDirs: readonly string[];
  directory: AttributionDirectory;
  source: AsyncIterable<Uint8Array>;
  /** Called once per chunk, in input order; the pipeline waits for it (backpressure for persistence). */
  onResult(result: ChunkResult): Promise<void> | void;
  /** Told the file's first line before any result (a run records it to re-read its raw blocks later). */
  onFirstLine?(line: string): Promise<void> | void;
  workers?: number;
  chunkBytes?: number;
};

const newline = 10;

/** Yields chunks of about `size` bytes that end at a line end (the last one may not). */
export async function* lineChunks(source: AsyncIterable<Uint8Array>, size = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let held = 0;
  for await (const piece of source) {
    parts.push(piece);
    held += piece.byteLength;
    if (held < size) continue;
    const all = concat(parts, held);
    const cut = all.lastIndexOf(newline);
    if (cut === -1) {
      parts = [all]; // one very long line: keep reading
      continue;
    }
    // The consumer may transfer the chunk's buffer to a worker: copy the remainder out first.
    const rest = copyOf(all.subarray(cut + 1));
    parts = rest.byteLength > 0 ? [rest] : [];
    held = rest.byteLength;
    yield all.subarray(0, cut + 1);
  }
  if (held > 0) yield concat(parts, held);
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A copy in fresh memory (a Node Buffer's own slice() is a view, not a copy). */
const copyOf = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

function firstLineOf(chunk: Uint8Array): string {
  const end = chunk.indexOf(newline);
  const text = new TextDecoder().decode(end === -1 ? chunk.subarray(0, 64 * 1024) : chunk.subarray(0, Math.min(end, 64 * 1024)));
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

type Slot = { worker: Worker; busy: number };

export async function runPipeline(input: PipelineInput): Promise<void> {
  const chunks = lineChunks(input.source, input.chunkBytes ?? CHUNK_BYTES);
  const first = await chunks.next();
  if (first.done) return;
  const firstLine = firstLineOf(first.value);
  await input.onFirstLine?.(firstLine);

  // The lists load here once, while the workers start, and reach them as one shared table.
  const table = buildCategoryTable(input.categoryDirs);
  table.catch(() => {}); // awaited below; a failure surfaces there
  const count = SEQUENTIAL.has(input.format) ? 1 : Math.max(1, Math.min(input.workers ?? os.availableParallelism(), 8));
  const init: WorkerInit = {
    schoolId: input.schoolId,
    format: input.format,
    options: input.options,
    firstLine,
    directory: input.directory,
  };
  const pending = new Map<number, ChunkResult>();
  let nextToDeliver = 0;
  let failure: Error | null = null;
  // A worker's message may land while the main thread is busy persisting: count changes so a wait
  // that starts after one returns at once instead of missing it.
  let changes = 0;
  let seen = 0;
  let wake: (() => void) | null = null;
  const poke = () => {
    changes++;
    const w = wake;
    wake = null;
    w?.();
  };

  const slots: Slot[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: init });
    const slot: Slot = { worker, busy: 0 };
    slots.push(slot);
    ready.push(
      new Promise<void>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'ready') return resolve();
          if (m.type === 'error') failure ??= new Error(m.message);
          else {
            slot.busy--;
            pending.set(m.seq, m);
          }
          poke();
        });
      }),
    );
    worker.on('error', (err) => {
      failure ??= err;
      poke();
    });
  }

  const waitForChange = async () => {
    if (changes === seen) await new Promise<void>((resolve) => (wake = resolve));
    seen = changes;
  };
  /** Delivers finished results in input order. */
  const deliver = async () => {
    for (let r = pending.get(nextToDeliver); r; r = pending.get(nextToDeliver)) {
      pending.delete(nextToDeliver);
      nextToDeliver++;
      await input.onResult(r);
    }
  };
  const check = () => {
    if (failure) throw failure;
  };

  for (const r of ready) r.catch(() => {}); // awaited below, after the table
  try {
    const categories: ToWorker = { type: 'categories', table: await table };
    for (const slot of slots) slot.worker.postMessage(categories);
    await Promise.all(ready);
    let seq = 0;
    const dispatch = async (data: Uint8Array, slotIndex: number) => {
      const slot = slots[slotIndex] as Slot;
      // Two chunks in flight per worker keeps it busy while the main thread reads and persists.
      while (slot.busy >= 2) {
        check();
        await deliver();
        if (slot.busy >= 2) await waitForChange();
      }
      slot.busy++;
      // Transfer a copy: the stream's buffers may share memory with pieces not yet read (~50 µs a chunk).
      const copy = copyOf(data);
      slot.worker.postMessage({ type: 'chunk', seq: seq++, data: copy } satisfies ToWorker, [copy.buffer as ArrayBuffer]);
      await deliver();
    };
    await dispatch(first.value, 0);
    for await (const chunk of chunks) {
      check();
      await dispatch(chunk, seq % count);
    }
    // End: each worker flushes what its parser holds (results come after its last chunk's).
    for (const slot of slots) {
      slot.busy++;
      slot.worker.postMessage({ type: 'end', seq: seq++ } satisfies ToWorker);
    }
    while (nextToDeliver < seq) {
      check();
      await deliver();
      if (nextToDeliver < seq) await waitForChange();
    }
    check();
  } finally {
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
