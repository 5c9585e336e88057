// One ingest run end to end: the pipeline's results are persisted at checkpoints (hourly counts, raw
// blocks, totals and a watched file's offset in one transaction each), the breach rules run over the
// events the workers picked out, and their candidates become alerts in the triage queue.
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { audit } from '../../../platform/audit/service.ts';
import type { ActorRef, Haven } from '../../../platform/context.ts';
import { clientTransaction } from '../../../platform/db/index.ts';
import { newId } from '../../../platform/ids.ts';
import { raiseAlerts } from '../../alerts/service.ts';
import { Aggregator } from '../aggregate/aggregate.ts';
import { loadCategoryTable } from '../classify/table-cache.ts';
import type { FormatId, FormatOptions } from '../parsers/index.ts';
import { type AlertCandidate, type RuleOptions, RuleEngine } from '../rules/rules.ts';
import { ruleOptionsFor } from '../settings.ts';
import * as store from '../store.ts';
import { runPipeline } from './pipeline.ts';
import type { ChunkResult } from './protocol.ts';

/** Results between checkpoints (about 32 MiB of log): bounds what a crash makes the next run re-read. */
const CHECKPOINT_EVERY = 32;

/** An ingest that stopped: the run (marked failed) and what stopped it. */
export class IngestFailed extends Error {
  readonly runId: string;
  constructor(runId: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.runId = runId;
  }
}

export type FileOffset = { sourceId: string; fileKey: string; path: string; headHash: string; startAt: number };

export type IngestRequest = {
  trustId: string;
  schoolId: string;
  format: FormatId;
  options?: FormatOptions | undefined;
  name: string;
  origin: 'cli' | 'upload' | 'watch';
  sourceId?: string | null | undefined;
  source: AsyncIterable<Uint8Array>;
  /** A watched file read from `startAt`: each checkpoint records how far it got. */
  offset?: FileOffset | undefined;
  categoryDirs?: readonly string[] | undefined;
  rules?: Partial<RuleOptions> | undefined;
  workers?: number | undefined;
  /** Workers started ahead (startIngestWorkers) while the caller set up; the run ends them. */
  started?: readonly Worker[] | undefined;
  /** Smaller chunks and checkpoints than the defaults (tests of what a failure part-way leaves). */
  chunkBytes?: number | undefined;
  checkpointEvery?: number | undefined;
  onProgress?: ((bytes: number) => void) | undefined;
};

export type IngestSummary = {
  runId: string;
  school: string;
  format: FormatId;
  name: string;
  bytes: number;
  lines: number;
  events: number;
  skipped: number;
  malformed: { total: number; byReason: Record<string, number>; samples: { reason: string; line: string }[] };
  alerts: { created: number; folded: number };
  seconds: number;
  linesPerSecond: number;
  /** The process's peak resident memory so far (worker threads included), for sizing a server. */
  peakRssMiB: number;
};

export async function ingest(haven: Haven, actor: ActorRef, req: IngestRequest): Promise<IngestSummary> {
  const started = performance.now();
  // The category lists load (or come from the cache in the data folder) while the run is set up.
  const categoryDirs = req.categoryDirs ?? haven.config.categoryLists;
  const cacheDir = path.join(haven.config.dataDir, 'cache');
  loadCategoryTable(categoryDirs, cacheDir).catch(() => {});
  const [school, directory, ruleOptions] = await Promise.all([
    store.schoolById(haven.db, req.trustId, req.schoolId),
    store.attributionDirectory(haven.db, req.trustId, req.schoolId),
    // The school's burst rule unless the caller gives one.
    req.rules ?? ruleOptionsFor(haven.db, req.schoolId),
  ]);
  if (!school) throw new Error('That school is not in this trust.');
  const runId = newId();
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('log_ingest_runs')
      .values({
        trust_id: req.trustId,
        id: runId,
        school_id: req.schoolId,
        source_id: req.sourceId ?? null,
        origin: req.origin,
        format: req.format,
        options: JSON.stringify(req.options ?? {}),
        name: req.name.slice(0, 500),
        first_line: null,
        started_at: haven.clock.now(),
        finished_at: null,
        malformed: '{}',
        error: null,
      })
      .execute();
    await audit(tx, haven, actor, {
      trustId: req.trustId,
      schoolId: req.schoolId,
      action: 'logs.ingest_start',
      recordType: 'log_ingest_run',
      recordId: runId,
      detail: { format: req.format, name: req.name, origin: req.origin },
    });
  });

  const totals: store.RunTotals = { bytes: 0, lines: 0, events: 0, skipped: 0, malformed: {} };
  const samples: { reason: string; line: string }[] = [];
  const alerts = { created: 0, folded: 0 };
  const engine = new RuleEngine(ruleOptions);
  const hourly = new Aggregator(req.schoolId);
  let blocks: store.Block[] = [];
  let sinceCheckpoint = 0;
  let readTo = req.offset?.startAt ?? 0;

  const raise = async (candidates: AlertCandidate[]) => {
    if (candidates.length === 0) return;
    const r = await raiseAlerts(haven, req.trustId, req.schoolId, candidates, runId);
    alerts.created += r.created;
    alerts.folded += r.folded;
  };
  /** What has come in since the last checkpoint, taken now: the next results may arrive while it is written. */
  const takeCheckpoint = (): store.Checkpoint => {
    const c: store.Checkpoint = {
      trustId: req.trustId,
      schoolId: req.schoolId,
      runId,
      totals: { ...totals, malformed: { ...totals.malformed } },
      hourly: hourly.drain().rows,
      blocks,
      offset: req.offset ? { sourceId: req.offset.sourceId, fileKey: req.offset.fileKey, path: req.offset.path, headHash: req.offset.headHash, readTo } : undefined,
    };
    blocks = [];
    sinceCheckpoint = 0;
    return c;
  };
  const write = (c: store.Checkpoint) => clientTransaction(haven.db, (client) => store.writeCheckpoint(client, haven.db, c, haven.clock.now()));
  // One checkpoint is written while the workers go on: waiting for it would leave them idle.
  let persisting: Promise<void> = Promise.resolve();

  const onResult = async (r: ChunkResult) => {
    totals.bytes += r.bytes;
    totals.lines += r.lines;
    totals.events += r.events;
    totals.skipped += r.skipped;
    readTo += r.bytes;
    for (const [reason, n] of Object.entries(r.malformed)) totals.malformed[reason] = (totals.malformed[reason] ?? 0) + n;
    for (const s of r.samples) if (samples.length < 10) samples.push(s);
    hourly.merge(r.aggregates);
    for (const i of r.interesting) engine.push(i.event, i.who, i.category);
    if (r.block) blocks.push({ id: newId(), seq: r.seq, firstAt: r.firstAt, lastAt: r.lastAt, lines: r.lines, data: r.block });
    req.onProgress?.(totals.bytes);
    if (++sinceCheckpoint >= (req.checkpointEvery ?? CHECKPOINT_EVERY)) {
      await persisting; // the one before: backpressure when the database falls behind
      const c = takeCheckpoint();
      const closed = engine.drainClosed();
      persisting = write(c).then(() => raise(closed));
      persisting.catch(() => {}); // awaited at the next checkpoint or the end
    }
  };

  try {
    await runPipeline({
      schoolId: req.schoolId,
      format: req.format,
      options: req.options ?? {},
      categoryDirs,
      cacheDir,
      directory,
      source: req.source,
      workers: req.workers,
      started: req.started,
      chunkBytes: req.chunkBytes,
      onFirstLine: async (line) => {
        await haven.db.updateTable('log_ingest_runs').set({ first_line: line.slice(0, 4000) }).where('trust_id', '=', req.trustId).where('id', '=', runId).execute();
      },
      onResult,
    });
    await persisting;
    // The last counts and the last alerts touch different tables: written side by side.
    const last = takeCheckpoint();
    const settled = await Promise.allSettled([write(last), raise(engine.flush())]);
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
  } catch (err) {
    await persisting.catch(() => {}); // settled before anything is taken back
    const message = err instanceof Error ? err.message : String(err);
    // A file given whole (upload, command line) is all or nothing: what was counted goes again. A watched
    // file keeps what it committed, because its offset moved with it and the next pass resumes there.
    const takeBack = req.origin !== 'watch';
    await haven.db.transaction().execute(async (tx) => {
      if (takeBack) await store.takeBackRun(tx, req.trustId, runId);
      await tx
        .updateTable('log_ingest_runs')
        .set({ status: 'failed', error: `${message.slice(0, 1800)}${takeBack ? ' (nothing from this run is kept)' : ''}`, finished_at: haven.clock.now() })
        .where('trust_id', '=', req.trustId)
        .where('id', '=', runId)
        .execute();
      await audit(tx, haven, actor, { trustId: req.trustId, schoolId: req.schoolId, action: 'logs.ingest_failed', recordType: 'log_ingest_run', recordId: runId, detail: { error: message.slice(0, 500), takenBack: takeBack } });
    });
    throw new IngestFailed(runId, err);
  }

  const malformedTotal = Object.values(totals.malformed).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - started) / 1000;
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('log_ingest_runs')
      .set({ status: 'done', finished_at: haven.clock.now(), alerts_created: alerts.created, alerts_folded: alerts.folded })
      .where('trust_id', '=', req.trustId)
      .where('id', '=', runId)
      .execute();
    await audit(tx, haven, actor, {
      trustId: req.trustId,
      schoolId: req.schoolId,
      action: 'logs.ingest_done',
      recordType: 'log_ingest_run',
      recordId: runId,
      detail: { lines: totals.lines, events: totals.events, malformed: malformedTotal, alerts },
    });
  });
  return {
    runId,
    school: school.name,
    format: req.format,
    name: req.name,
    bytes: totals.bytes,
    lines: totals.lines,
    events: totals.events,
    skipped: totals.skipped,
    malformed: { total: malformedTotal, byReason: totals.malformed, samples },
    alerts,
    seconds: Math.round(seconds * 1000) / 1000,
    linesPerSecond: Math.round(totals.lines / Math.max(seconds, 0.001)),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
