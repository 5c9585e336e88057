// The ingest pipeline's engine room: cuts a byte stream into chunks at line ends, hands them to worker
// threads (both cores), and gives their results back in input order. It holds at most a few chunks at
// a time, so memory stays flat whatever the file's size. No database here: the caller persists results.
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { AttributionDirectory } from '../attribute/attribute.ts';
import { loadCategoryTable } from '../classify/table-cache.ts';
import type { FormatId, FormatOptions } from '../parsers/index.ts';
import type { ChunkResult, FromWorker, ToWorker, WorkerInit } from './protocol.ts';
import { startWorker } from './worker-source.ts';

export const CHUNK_BYTES = 1 << 20;
/** Chunks queued per worker. */
const IN_FLIGHT = 4;
/**
 * A worker keeps ~15 MB live (caches, the chunk in hand). Without a cap V8 lets each one's heap grow to
 * 50-60 MB of garbage before collecting, depending on timing; with it, the heap stays ~22 MB.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 96 };
/** Formats whose parser carries state from line to line (a DNS query waits for its answer): one worker. */
const SEQUENTIAL: ReadonlySet<FormatId> = new Set(['pihole']);

export type PipelineInput = {
  schoolId: string;
  format: FormatId;
  options: FormatOptions;
  categoryDirs: readonly string[];
  /** Where the built category table is kept between runs (e.g. under the data dir); none: build each run. */
  cacheDir?: string | null | undefined;
  directory: AttributionDirectory;
  source: AsyncIterable<Uint8Array>;
  /** Called once per chunk, in input order; the pipeline waits for it (backpressure for persistence). */
  onResult(result: ChunkResult): Promise<void> | void;
  /** Told the file's first line before any result (a run records it to re-read its raw blocks later). */
  onFirstLine?(line: string): Promise<void> | void;
  workers?: number;
  /** Workers started ahead (startIngestWorkers), used instead of starting them here; the run ends them. */
  started?: readonly Worker[] | undefined;
  chunkBytes?: number;
};

const newline = 10;

/**
 * Reusable chunk memory. Each chunk's buffer is transferred to a worker and transferred back with its
 * result, so a run cycles a handful of buffers instead of allocating (and leaving to the garbage
 * collector) one or two a megabyte.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  private readonly size: number;
  constructor(size: number) {
    this.size = size;
  }
  take(atLeast: number): ArrayBuffer {
    const b = this.free.pop();
    return b !== undefined && b.byteLength >= atLeast ? b : new ArrayBuffer(Math.max(atLeast, this.size));
  }
  give(b: ArrayBuffer): void {
    if (this.free.length < 8 && b.byteLength >= this.size) this.free.push(b);
  }
}

/**
 * Yields chunks of about `size` bytes that end at a line end (the last one may not). Each chunk owns its
 * buffer (from `pool`, nothing else in it is used later): the consumer may transfer it.
 */
export async function* lineChunks(source: AsyncIterable<Uint8Array>, size = CHUNK_BYTES, pool = new BufferPool(size + (size >> 2))): AsyncGenerator<Uint8Array> {
  let buf = new Uint8Array(pool.take(size));
  let held = 0;
  for await (const piece of source) {
    if (held + piece.byteLength > buf.byteLength) {
      const bigger = new Uint8Array(pool.take(held + piece.byteLength));
      bigger.set(buf.subarray(0, held));
      buf = bigger;
    }
    buf.set(piece, held);
    held += piece.byteLength;
    if (held < size) continue;
    const cut = buf.subarray(0, held).lastIndexOf(newline);
    if (cut === -1) continue; // one very long line: keep reading
    const rest = held - (cut + 1);
    const next = new Uint8Array(pool.take(Math.max(size, rest)));
    next.set(buf.subarray(cut + 1, held));
    const out = buf.subarray(0, cut + 1);
    buf = next;
    held = rest;
    yield out;
  }
  if (held > 0) yield buf.subarray(0, held);
}

function firstLineOf(chunk: Uint8Array): string {
  const end = chunk.indexOf(newline);
  const text = new TextDecoder().decode(end === -1 ? chunk.subarray(0, 64 * 1024) : chunk.subarray(0, Math.min(end, 64 * 1024)));
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

type Slot = { worker: Worker; busy: number };

/** How many workers a run of `format` uses. */
export function workerCount(format: FormatId, requested?: number): number {
  return SEQUENTIAL.has(format) ? 1 : Math.max(1, Math.min(requested ?? os.availableParallelism(), 8));
}

/**
 * Starts ingest workers before the run is known: they load their code (~0.1 s) while the caller opens
 * the database and the file, and wait for the run's start message.
 */
export function startIngestWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => startWorker(new URL('./worker.ts', import.meta.url), null, { resourceLimits: WORKER_LIMITS }));
}

export async function runPipeline(input: PipelineInput): Promise<void> {
  const workers = input.started ?? startIngestWorkers(workerCount(input.format, input.workers));
  try {
    await feed(input, workers);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Cuts the source into chunks for the workers and delivers their results in input order. */
async function feed(input: PipelineInput, workers: readonly Worker[]): Promise<void> {
  // The lists load once, first, overlapping the first read and the workers' start; they reach the
  // workers as one shared table.
  const table = loadCategoryTable(input.categoryDirs, input.cacheDir);
  table.catch(() => {}); // awaited below; a failure surfaces there
  const chunkBytes = input.chunkBytes ?? CHUNK_BYTES;
  const pool = new BufferPool(chunkBytes + (chunkBytes >> 2));
  const chunks = lineChunks(input.source, chunkBytes, pool);

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
  for (const worker of workers) {
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
            if (m.spare) pool.give(m.spare);
            delete m.spare;
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
  for (const r of ready) r.catch(() => {}); // awaited below

  const first = await chunks.next();
  if (first.done) return;
  const firstLine = firstLineOf(first.value);
  const init: WorkerInit = {
    schoolId: input.schoolId,
    format: input.format,
    options: input.options,
    firstLine,
    directory: input.directory,
  };
  const start: ToWorker = { type: 'start', init, table: await table };
  for (const slot of slots) slot.worker.postMessage(start);
  await input.onFirstLine?.(firstLine);
  const count = slots.length;

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

  await Promise.all(ready);
  let seq = 0;
  const dispatch = async (data: Uint8Array, slotIndex: number) => {
    const slot = slots[slotIndex] as Slot;
    // Enough chunks queued per worker to keep it busy through a checkpoint's database writes.
    while (slot.busy >= IN_FLIGHT) {
      check();
      await deliver();
      if (slot.busy >= IN_FLIGHT) await waitForChange();
    }
    slot.busy++;
    // The chunk owns its buffer (lineChunks): transfer it, no copy. It comes back with the result.
    slot.worker.postMessage({ type: 'chunk', seq: seq++, data } satisfies ToWorker, [data.buffer as ArrayBuffer]);
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
}
