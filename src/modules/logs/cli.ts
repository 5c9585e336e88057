// `haven ingest --school S --format F FILE…`: reads filtering or monitoring logs (plain or gzip, `-` for
// standard input), one run per file, with a progress bar on a terminal and a JSON summary at the end.
import fs from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Worker } from 'node:worker_threads';
import { options, UsageError } from '../../cli.ts';
import { loadConfig } from '../../platform/config.ts';
import { type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import { findSchool } from '../directory/find-school.ts';
import { loadCategoryTable } from './classify/table-cache.ts';
import { readFileReusing } from './ingest/file-source.ts';
import type { IngestSummary } from './ingest/ingest.ts';
import { startIngestWorkers, workerCount } from './ingest/pipeline.ts';
import { FORMAT_IDS, type FormatId, type FormatOptions, formatById, type GenericMapping } from './parsers/index.ts';

const USAGE =
  'haven ingest --school SCHOOL --format FORMAT [--mapping FILE] [--e2guardian-format 1-6] [--timezone ZONE] [--year YYYY] [--categories DIR]… [--workers N] FILE… (- for standard input)';

/** A file's bytes, gunzipped when it starts with the gzip magic number. */
export function openLog(file: string): { source: AsyncIterable<Uint8Array>; size: number | null } {
  if (file === '-') return { source: process.stdin, size: null };
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const magic = Buffer.alloc(2);
  fs.readSync(fd, magic, 0, 2, 0);
  const size = fs.fstatSync(fd).size;
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    return { source: fs.createReadStream('', { fd, highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 })), size: null };
  }
  fs.closeSync(fd);
  return { source: readFileReusing(file), size };
}

function readMapping(file: string): GenericMapping {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as GenericMapping;
  } catch (err) {
    throw new UsageError(`--mapping ${file}: ${err instanceof Error ? err.message : String(err)}. Give a JSON mapping like {"kind":"csv","fields":{"time":"Date","host":"Domain"},"timeFormat":"iso"}.`);
  }
}

function progressBar(name: string, size: number | null) {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (bytes: number) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    const mb = (bytes / 1048576).toFixed(0);
    if (size) {
      const share = Math.min(1, bytes / size);
      const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
      process.stderr.write(`\r${name} [${bar}] ${(share * 100).toFixed(0)}% ${mb} MiB`);
    } else process.stderr.write(`\r${name} ${mb} MiB`);
  };
}

export async function ingestCommand(args: string[]): Promise<number> {
  const { values, positionals } = options(
    args,
    {
      school: { type: 'string' },
      format: { type: 'string' },
      mapping: { type: 'string' },
      'e2guardian-format': { type: 'string' },
      timezone: { type: 'string' },
      year: { type: 'string' },
      categories: { type: 'string', multiple: true },
      workers: { type: 'string' },
    },
    USAGE,
  );
  if (typeof values.school !== 'string' || values.school === '') throw new UsageError(`Say which school with --school (its id, URN or name).\nUsage: ${USAGE}`);
  const format = formatById(values.format ?? '');
  if (!format) throw new UsageError(`Say which log format with --format: one of ${FORMAT_IDS.join(', ')}.\nUsage: ${USAGE}`);
  if (positionals.length === 0) throw new UsageError(`Give at least one log file (or - for standard input).\nUsage: ${USAGE}`);
  const opts: FormatOptions = {};
  if (values.mapping) opts.mapping = readMapping(values.mapping);
  if (format.id === 'generic' && !opts.mapping) throw new UsageError('The generic format needs --mapping FILE (which column holds the time, the host or URL, the user…).');
  if (values['e2guardian-format']) {
    const n = Number(values['e2guardian-format']);
    if (![1, 2, 3, 4, 5, 6].includes(n)) throw new UsageError('--e2guardian-format must be 1 to 6 (the logfileformat in e2guardian.conf).');
    opts.e2guardianFormat = n as FormatOptions['e2guardianFormat'];
  }
  if (values.timezone) opts.timezone = values.timezone;
  if (values.year) {
    const y = Number(values.year);
    if (!Number.isInteger(y) || y < 2000 || y > 2100) throw new UsageError('--year must be a year like 2026 (for logs whose lines carry no year).');
    opts.year = y;
  }
  const workers = values.workers ? Number(values.workers) : undefined;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 8)) throw new UsageError('--workers must be 1 to 8.');
  try {
    format.parserFor(undefined, opts);
  } catch (err) {
    if (format.id === 'generic') throw new UsageError(`--mapping: ${err instanceof Error ? err.message : String(err)}`);
  }

  // The category lists load first (from the cache in the data folder, or built on a thread of their own),
  // overlapping the rest of start-up; the run picks the table up. The workers start once connected: by
  // then they can load their code without slowing that build.
  const config = loadConfig(process.env);
  const categoryDirs = values.categories?.map((d) => path.resolve(d)) ?? config.categoryLists;
  loadCategoryTable(categoryDirs, path.join(config.dataDir, 'cache')).catch(() => {});
  let started: Worker[] | undefined;
  try {
    const [{ withHaven }, { ingest }] = await Promise.all([import('../../platform/cli-haven.ts'), import('./ingest/ingest.ts')]);
    return await withHaven(async (haven) => {
      started = startIngestWorkers(workerCount(format.id as FormatId, workers));
      const school = await findSchool(haven, values.school as string);
      const runs: IngestSummary[] = [];
      for (const file of positionals) {
        const { source, size } = openLog(file);
        const name = file === '-' ? 'standard input' : path.basename(file);
        const progress = progressBar(name, size);
        const summary = await ingest(haven, SYSTEM_ACTOR, {
          trustId: school.trust_id,
          schoolId: school.id,
          format: format.id as FormatId,
          options: opts,
          name,
          origin: 'cli',
          source,
          categoryDirs,
          workers,
          started,
          onProgress: progress,
        });
        started = undefined; // the run ended them; a next file starts its own
        if (progress) process.stderr.write('\n');
        runs.push(summary);
      }
      process.stdout.write(`${JSON.stringify(runs.length === 1 ? runs[0] : { runs }, null, 2)}\n`);
      return 0;
    }, config);
  } finally {
    // Not handed to a run (no such school, an unreadable file): end them, or they keep the process alive.
    await Promise.all((started ?? []).map((w) => w.terminate()));
  }
}
