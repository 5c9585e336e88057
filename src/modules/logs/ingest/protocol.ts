// Messages between the ingest pipeline (main thread) and its workers. Plain data only: they cross
// threads by structured clone, and the chunk bytes by transfer (no copy).
import type { AggregateSnapshot } from '../aggregate/aggregate.ts';
import type { Attribution, AttributionDirectory } from '../attribute/attribute.ts';
import type { CategoryTable } from '../classify/lists.ts';
import type { HavenCategory, LogEvent } from '../event.ts';
import type { FormatId, FormatOptions } from '../parsers/index.ts';

export type WorkerInit = {
  schoolId: string;
  format: FormatId;
  options: FormatOptions;
  /** The file's first line: a header (generic CSV) or the line a format is detected from (e2guardian). */
  firstLine: string;
  directory: AttributionDirectory;
};

/**
 * What a run is, sent once a worker has started (workers start before the file and the database are
 * open). The category lists are built once by the main thread; the host table's memory is shared.
 */
export type StartMessage = { type: 'start'; init: WorkerInit; table: CategoryTable };
export type ChunkMessage = { type: 'chunk'; seq: number; data: Uint8Array };
export type EndMessage = { type: 'end'; seq: number };
export type ToWorker = StartMessage | ChunkMessage | EndMessage;

/** An event the breach rules must see, with who and what the worker decided it was. */
export type Interesting = { event: LogEvent; who: Attribution; category: HavenCategory };

export type ChunkResult = {
  type: 'result';
  seq: number;
  bytes: number;
  lines: number;
  events: number;
  skipped: number;
  malformed: Record<string, number>;
  /** First malformed lines (a few), so a summary can show what was wrong. */
  samples: { reason: string; line: string }[];
  aggregates: AggregateSnapshot;
  /** Sorted by time. */
  interesting: Interesting[];
  firstAt: number | null;
  lastAt: number | null;
  /** The chunk's original lines, zstd-compressed: the raw events kept for the raw window. */
  block: Uint8Array | null;
};

export type WorkerFailure = { type: 'error'; message: string };
/** A result on its way back, with the chunk's buffer returned for reuse (the pipeline takes it off). */
export type ResultMessage = ChunkResult & { spare?: ArrayBuffer | undefined };
export type FromWorker = ResultMessage | WorkerFailure | { type: 'ready' };
