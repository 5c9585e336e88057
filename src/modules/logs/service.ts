// Logs use cases other than the ingest engine: a school's log sources, uploads by the IT provider,
// runs, figures from the hourly counts, the audited raw-event search, address leases and retention.
// Figures and runs are for 'logs.view'; sources, uploads and leases for 'logs.manage'. Every change
// and every read of raw events writes an audit event in the same transaction.
import { parse as parseCsv } from 'csv-parse/sync';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { createGunzip, zstdDecompressSync } from 'node:zlib';
import { audit } from '../../platform/audit/service.ts';
import type { Principal } from '../../platform/auth/policy.ts';
import { type ActorRef, type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import { AppError, badRequest, conflict, notFound, unprocessable, type FieldProblem } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { londonDate, londonTime } from '../../platform/time.ts';
import { categoryLabel } from '../alerts/model.ts';
import { schoolFor } from './access.ts';
import type { LogEvent } from './event.ts';
import { IngestFailed, type IngestSummary, ingest } from './ingest/ingest.ts';
import { mappingProblems, type GenericMapping } from './parsers/generic.ts';
import { FORMAT_IDS, type FormatId, type FormatOptions, FORMATS, formatById } from './parsers/index.ts';
import { parseIso, parseLocalDmy } from './parsers/util.ts';
import { readLogSettings } from './settings.ts';
import * as store from './store.ts';

export { schoolFor };

export const EVENTS_MAX_WINDOW_DAYS = 7;
export const EVENTS_DEFAULT_LIMIT = 200;
export const EVENTS_MAX_LIMIT = 1000;
/** Raw blocks (~1 MiB of log each) one search may decompress: bounds the work of a broad query. */
export const EVENTS_MAX_BLOCKS = 400;
export const SUMMARY_MAX_DAYS = 400;
const DAY = 86_400_000;


// ------------------------------------------------------------------------------------------------
// Formats and sources
// ------------------------------------------------------------------------------------------------

export function formats() {
  return FORMATS.map((f) => ({ id: f.id, label: f.label, reasons: [...f.reasons] }));
}

/** The options a format may run with, or a 422 that says what to fix. */
export function checkFormat(format: string, options: FormatOptions = {}): { format: FormatId; options: FormatOptions } {
  const f = formatById(format);
  if (!f) {
    throw unprocessable(`Choose a log format: one of ${FORMAT_IDS.join(', ')}.`, [{ field: 'format', message: `"${format.slice(0, 40)}" is not a format Haven reads` }]);
  }
  if (f.id === 'generic') {
    const mapping = options.mapping as GenericMapping | undefined;
    if (!mapping || typeof mapping !== 'object' || !mapping.fields || typeof mapping.fields !== 'object') {
      throw unprocessable('The generic format needs a column mapping: which column holds the time, and the host or URL (and the user, action, category… if the export has them).', [
        { field: 'options.mapping', message: 'required for the generic format' },
      ]);
    }
    const problems = mappingProblems(mapping);
    if (problems.length > 0) {
      throw unprocessable(`Fix the column mapping: ${problems.join('; ')}.`, problems.map((m) => ({ field: 'options.mapping', message: m })));
    }
  } else if (options.mapping !== undefined) {
    throw unprocessable(`A column mapping is only for the generic format, not ${f.id}.`, [{ field: 'options.mapping', message: 'only for the generic format' }]);
  }
  return { format: f.id, options };
}

type SourceRow = NonNullable<Awaited<ReturnType<typeof store.sourceById>>>;
const sourceOf = (s: SourceRow) => ({
  id: s.id,
  schoolId: s.school_id,
  name: s.name,
  format: s.format,
  formatLabel: formatById(s.format)?.label ?? s.format,
  options: s.options as FormatOptions,
  watchPath: s.watch_path,
  createdAt: s.created_at.toISOString(),
});

export type SourceInput = { name: string; format: string; options?: FormatOptions | undefined; watchPath?: string | null | undefined };

export async function listSources(haven: Haven, p: Principal, schoolId: string) {
  await schoolFor(haven, p, schoolId, 'logs.view');
  return { sources: (await store.sourcesOf(haven.db, p.trustId, schoolId)).map(sourceOf), formats: formats() };
}

async function uniqueName(haven: Haven, p: Principal, schoolId: string, name: string, except?: string) {
  const same = await store.sourceByName(haven.db, p.trustId, schoolId, name);
  if (same && same.id !== except) throw conflict(`This school already has a log source called "${name}". Choose another name.`);
}

export async function createSource(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: SourceInput) {
  await schoolFor(haven, p, schoolId, 'logs.manage');
  const checked = checkFormat(input.format, input.options ?? {});
  await uniqueName(haven, p, schoolId, input.name);
  const id = newId();
  return haven.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('log_sources')
      .values({
        trust_id: p.trustId,
        id,
        school_id: schoolId,
        name: input.name,
        format: checked.format,
        options: JSON.stringify(checked.options),
        watch_path: input.watchPath ?? null,
        created_at: haven.clock.now(),
        created_by: actor.label,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'logs.source_create', recordType: 'log_source', recordId: id, detail: { name: input.name, format: checked.format } });
    return sourceOf(row);
  });
}

async function sourceToManage(haven: Haven, p: Principal, sourceId: string) {
  const source = await store.sourceById(haven.db, p.trustId, sourceId);
  if (!source) throw notFound('That log source');
  try {
    await schoolFor(haven, p, source.school_id, 'logs.manage');
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw notFound('That log source');
    throw err;
  }
  return source;
}

export async function updateSource(haven: Haven, p: Principal, actor: ActorRef, sourceId: string, change: Partial<SourceInput>) {
  const source = await sourceToManage(haven, p, sourceId);
  const format = change.format ?? source.format;
  const options = change.options ?? (change.format && change.format !== source.format ? {} : (source.options as FormatOptions));
  const checked = checkFormat(format, options);
  const name = change.name ?? source.name;
  if (change.name !== undefined) await uniqueName(haven, p, source.school_id, name, source.id);
  return haven.db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('log_sources')
      .set({ name, format: checked.format, options: JSON.stringify(checked.options), watch_path: change.watchPath === undefined ? source.watch_path : change.watchPath })
      .where('trust_id', '=', p.trustId)
      .where('id', '=', sourceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: source.school_id,
      action: 'logs.source_update',
      recordType: 'log_source',
      recordId: sourceId,
      detail: { changed: Object.keys(change), name, format: checked.format },
    });
    return sourceOf(row);
  });
}

export async function deleteSource(haven: Haven, p: Principal, actor: ActorRef, sourceId: string) {
  const source = await sourceToManage(haven, p, sourceId);
  const runs = await store.runCountOfSource(haven.db, p.trustId, sourceId);
  if (runs > 0) {
    throw conflict(`"${source.name}" has ${runs} ingest run${runs === 1 ? '' : 's'} and stays as their record. Rename it or stop using it instead of deleting it.`);
  }
  await haven.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('log_file_offsets').where('trust_id', '=', p.trustId).where('source_id', '=', sourceId).execute();
    await tx.deleteFrom('log_sources').where('trust_id', '=', p.trustId).where('id', '=', sourceId).execute();
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: source.school_id, action: 'logs.source_delete', recordType: 'log_source', recordId: sourceId, detail: { name: source.name } });
  });
}

// ------------------------------------------------------------------------------------------------
// Upload
// ------------------------------------------------------------------------------------------------

/** What an upload runs as: a saved source's format and options, or a format named in the form. */
export async function uploadPlan(haven: Haven, p: Principal, schoolId: string, form: { format?: string | undefined; sourceId?: string | undefined }) {
  if (form.sourceId) {
    const source = await store.sourceById(haven.db, p.trustId, form.sourceId);
    if (!source || source.school_id !== schoolId) {
      throw unprocessable('That log source is not one of this school\'s. Send the id of a source listed at /log-sources, or a "format" instead.', [{ field: 'sourceId', message: 'not a source of this school' }]);
    }
    return { sourceId: source.id, ...checkFormat(source.format, source.options as FormatOptions) };
  }
  if (!form.format) {
    throw badRequest(`Say how to read the file: send a field "format" (one of ${FORMAT_IDS.join(', ')}) or "sourceId" before the field "file".`, [
      { field: 'format', message: 'required (or sourceId)' },
    ]);
  }
  if (form.format === 'generic') {
    throw unprocessable('An export with mapped columns needs a saved source: add a log source with the generic format and its mapping, then upload with its "sourceId".', [
      { field: 'format', message: 'generic needs a saved source' },
    ]);
  }
  return { sourceId: null, ...checkFormat(form.format, {}) };
}

/** The file's bytes as they arrive, gunzipped when the first two are the gzip magic number. Never all held. */
export function maybeGunzip(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return (async function* () {
    const it = input[Symbol.asyncIterator]();
    let head = Buffer.alloc(0);
    let done = false;
    while (head.length < 2) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      head = Buffer.concat([head, r.value]);
    }
    const rest = async function* () {
      if (head.length > 0) yield head;
      if (done) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    };
    if (head[0] === 0x1f && head[1] === 0x8b) yield* Readable.from(rest(), { objectMode: false }).pipe(createGunzip({ chunkSize: 1 << 20 }));
    else yield* rest();
  })();
}

export async function runUpload(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  schoolId: string,
  plan: Awaited<ReturnType<typeof uploadPlan>>,
  file: { name: string; stream: AsyncIterable<Uint8Array> },
): Promise<IngestSummary> {
  let runId: string | null = null;
  try {
    return await ingest(haven, actor, {
      trustId: p.trustId,
      schoolId,
      format: plan.format,
      options: plan.options,
      name: file.name || 'upload',
      origin: 'upload',
      sourceId: plan.sourceId,
      source: maybeGunzip(file.stream),
      onProgress: () => {},
    });
  } catch (err) {
    // The engine marked the run failed and took back what it had counted and kept.
    runId = err instanceof IngestFailed ? err.runId : null;
    if (err instanceof IngestFailed) err = err.cause;
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'File too large', 'The log is larger than Haven accepts in one upload (4 GB). Split it by day.');
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw unprocessable(`The file starts like gzip but is not a valid gzip file; send it whole, or uncompressed.${runId ? ` (Run ${runId} is marked failed.)` : ''}`, [{ field: 'file', message: 'broken gzip' }]);
    }
    const message = err instanceof Error ? err.message : String(err);
    throw unprocessable(`The log could not be read: ${message.slice(0, 300)}.${runId ? ` Run ${runId} is marked failed.` : ''}`, [{ field: 'file', message: 'unreadable' }]);
  }
}

// ------------------------------------------------------------------------------------------------
// Runs
// ------------------------------------------------------------------------------------------------

type RunRow = NonNullable<Awaited<ReturnType<typeof store.runById>>>;
const runOf = (r: RunRow) => {
  const byReason = r.malformed as Record<string, number>;
  return {
    id: r.id,
    schoolId: r.school_id,
    sourceId: r.source_id,
    sourceName: r.source_name,
    origin: r.origin,
    format: r.format,
    name: r.name,
    status: r.status,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    bytes: Number(r.bytes),
    lines: Number(r.lines),
    events: Number(r.events),
    skipped: Number(r.skipped),
    malformed: { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason },
    alerts: { created: r.alerts_created, folded: r.alerts_folded },
    error: r.error,
  };
};

export async function listRuns(haven: Haven, p: Principal, schoolId: string, limit: number) {
  await schoolFor(haven, p, schoolId, 'logs.view');
  return { runs: (await store.runsOf(haven.db, p.trustId, schoolId, limit)).map(runOf) };
}

export async function getRun(haven: Haven, p: Principal, runId: string) {
  const run = await store.runById(haven.db, p.trustId, runId);
  if (!run) throw notFound('That ingest run');
  try {
    await schoolFor(haven, p, run.school_id, 'logs.view');
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw notFound('That ingest run');
    throw err;
  }
  return runOf(run);
}

// ------------------------------------------------------------------------------------------------
// Figures
// ------------------------------------------------------------------------------------------------

/** Midnight at the start of a UK date, as an instant. */
export function londonMidnight(ymd: string): Date {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const utc = Date.UTC(y, m - 1, d);
  const offsetHours = Number(londonTime(new Date(utc)).slice(0, 2)); // 0 in winter, 1 in summer
  return new Date(utc - offsetHours * 3_600_000);
}

const addDays = (ymd: string, n: number) => new Date(Date.UTC(...(ymd.split('-').map(Number) as [number, number, number]).map((v, i) => (i === 1 ? v - 1 : v)) as [number, number, number]) + n * DAY).toISOString().slice(0, 10);

type Pair = { blocked: number; allowed: number };
function pairs(rows: store.HourlyTotal[]): Map<string, Pair> {
  const out = new Map<string, Pair>();
  for (const r of rows) {
    const p = out.get(r.key) ?? { blocked: 0, allowed: 0 };
    p[r.action] += Number(r.events);
    out.set(r.key, p);
  }
  return out;
}

/** Blocked and allowed attempts over UK dates [from, to] (inclusive) by category, user group and day. */
export async function summary(haven: Haven, p: Principal, schoolId: string, q: { from?: string | undefined; to?: string | undefined }) {
  await schoolFor(haven, p, schoolId, 'logs.view');
  const to = q.to ?? londonDate(haven.clock.now());
  const from = q.from ?? addDays(to, -6);
  if (from > to) throw badRequest('from must be on or before to.', [{ field: 'from', message: 'after to' }]);
  if (londonMidnight(to).getTime() - londonMidnight(from).getTime() > SUMMARY_MAX_DAYS * DAY) {
    throw badRequest(`Ask for at most ${SUMMARY_MAX_DAYS} days at a time.`, [{ field: 'from', message: `window over ${SUMMARY_MAX_DAYS} days` }]);
  }
  const start = londonMidnight(from);
  const end = londonMidnight(addDays(to, 1));
  const [cats, groups, days] = await Promise.all(
    (['category', 'group', 'day'] as const).map((by) => store.hourlyTotals(haven.db, p.trustId, schoolId, start, end, by).then(pairs)),
  );
  const byCategory = [...cats!].map(([category, v]) => ({ category, label: categoryLabel(category) ?? category, ...v })).sort((a, b) => b.blocked - a.blocked || b.allowed - a.allowed || a.category.localeCompare(b.category));
  const byGroup = [...groups!].map(([group, v]) => ({ group, ...v })).sort((a, b) => a.group.localeCompare(b.group));
  const byDay: ({ date: string } & Pair)[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) byDay.push({ date: d, ...(days!.get(d) ?? { blocked: 0, allowed: 0 }) });
  const totals = byCategory.reduce((t, c) => ({ blocked: t.blocked + c.blocked, allowed: t.allowed + c.allowed }), { blocked: 0, allowed: 0 });
  return { from, to, totals, byCategory, byGroup, byDay, topBlocked: byCategory.filter((c) => c.blocked > 0).slice(0, 5) };
}

// ------------------------------------------------------------------------------------------------
// Raw event search
// ------------------------------------------------------------------------------------------------

export type EventQuery = { from: Date; to: Date; user?: string | undefined; host?: string | undefined; action?: 'allowed' | 'blocked' | undefined; limit?: number | undefined };

const eventOf = (e: LogEvent, runId: string, format: string) => ({
  at: new Date(e.at).toISOString(),
  user: e.user,
  clientIp: e.clientIp,
  device: e.device,
  host: e.host,
  url: e.url,
  action: e.action,
  filterCategory: e.filterCategory,
  reason: e.reason,
  bytes: e.bytes,
  ...(e.severity !== undefined ? { severity: e.severity ?? null, trigger: e.trigger ?? null, captureRef: e.captureRef ?? null } : {}),
  runId,
  format,
});
type EventOut = ReturnType<typeof eventOf>;

/** Raw events in [from, to] that match, oldest first, re-read from the stored blocks. Audited. */
export async function searchEvents(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, q: EventQuery) {
  await schoolFor(haven, p, schoolId, 'logs.view');
  if (q.to.getTime() < q.from.getTime()) throw badRequest('from must be before to.', [{ field: 'from', message: 'after to' }]);
  if (q.to.getTime() - q.from.getTime() > EVENTS_MAX_WINDOW_DAYS * DAY) {
    throw badRequest(`Search at most ${EVENTS_MAX_WINDOW_DAYS} days of raw events at a time: narrow from and to.`, [{ field: 'to', message: `window over ${EVENTS_MAX_WINDOW_DAYS} days` }]);
  }
  const limit = Math.min(q.limit ?? EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT);
  const user = q.user?.trim().toLowerCase() || null;
  const host = q.host?.trim().toLowerCase().replace(/\.$/, '') || null;
  const from = q.from.getTime();
  const to = q.to.getTime();
  const matches = (e: LogEvent) =>
    e.at >= from &&
    e.at <= to &&
    (!q.action || e.action === q.action) &&
    (!user || (e.user ?? '').toLowerCase().includes(user)) &&
    (!host || e.host === host || e.host.endsWith(`.${host}`));

  const blocks = await store.blocksOverlapping(haven.db, p.trustId, schoolId, q.from, q.to, EVENTS_MAX_BLOCKS + 1);
  const found: EventOut[] = [];
  const times: number[] = [];
  let read = 0;
  let truncated = false;
  for (const b of blocks) {
    // Blocks come by first_at: once `limit` matches are older than this block's first event, none after can displace them.
    if (times.length >= limit) {
      const cut = [...times].sort((a, c) => a - c)[limit - 1]!;
      if (b.first_at && b.first_at.getTime() > cut) break;
    }
    if (read === EVENTS_MAX_BLOCKS) {
      truncated = true;
      break;
    }
    read++;
    const format = formatById(b.format);
    if (!format) continue;
    const parser = format.parserFor(b.first_line ?? undefined, b.options as FormatOptions);
    const text = zstdDecompressSync(b.data).toString('utf8');
    const take = (e: LogEvent) => {
      if (matches(e)) {
        found.push(eventOf(e, b.run_id, b.format));
        times.push(e.at);
      }
    };
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (!line) continue;
      const r = parser(line);
      if (r.kind === 'event') take(r.event);
    }
    for (const e of parser.flush?.() ?? []) take(e);
  }
  found.sort((a, b) => a.at.localeCompare(b.at));
  const events = found.slice(0, limit);
  await haven.db.transaction().execute((tx) =>
    audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId,
      action: 'logs.events_read',
      recordType: 'log_event_blocks',
      recordId: schoolId,
      detail: { from: q.from.toISOString(), to: q.to.toISOString(), user: q.user ?? null, host: q.host ?? null, action: q.action ?? null, returned: events.length, blocksRead: read },
    }),
  );
  return { from: q.from.toISOString(), to: q.to.toISOString(), limit, events, more: found.length > limit || truncated, truncated };
}

// ------------------------------------------------------------------------------------------------
// Address leases
// ------------------------------------------------------------------------------------------------

export const LEASE_COLUMNS = ['ip', 'device', 'person', 'from', 'to'] as const;

/** "2026-11-23T08:30:00Z", "2026-11-23 08:30" (UK time) or "23/11/2026 08:30" (UK time). */
function leaseTime(v: string): number {
  const t = v.trim();
  if (/^\d{4}-\d\d-\d\d$/.test(t)) return londonMidnight(t).getTime();
  if (/^\d{4}-/.test(t)) return parseIso(t.length === 16 ? `${t}:00` : t, 'Europe/London');
  if (/^\d\d?\/\d\d?\/\d{4}$/.test(t)) return parseLocalDmy(`${t} 00:00`, 'Europe/London');
  if (/^\d\d?\/\d\d?\/\d{4} \d\d?:\d\d(:\d\d)?$/.test(t)) return parseLocalDmy(t, 'Europe/London');
  return NaN;
}

type LeaseRow = { ip: string | null; device: string | null; personId: string; from: Date; to: Date | null };

/** Every row checked; any problem refuses the whole file with the row, the column and the fix. */
export async function uploadLeases(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, csvText: string) {
  await schoolFor(haven, p, schoolId, 'logs.manage');
  let records: Record<string, string>[];
  try {
    records = parseCsv(csvText.replace(/^\uFEFF/, ''), { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (err) {
    throw unprocessable(`The CSV could not be read: ${err instanceof Error ? err.message : String(err)}. Save it as CSV with a header row: ${LEASE_COLUMNS.join(', ')}.`, [{ field: 'file', message: 'not CSV' }]);
  }
  if (records.length === 0) throw unprocessable(`The file has no rows. Give a header row (${LEASE_COLUMNS.join(', ')}) and one row per lease.`, [{ field: 'file', message: 'empty' }]);
  const header = Object.keys(records[0]!);
  const missing = ['person', 'from'].filter((c) => !header.includes(c)).concat(header.includes('ip') || header.includes('device') ? [] : ['ip or device']);
  if (missing.length > 0) {
    throw unprocessable(`The header row needs the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (columns: ${LEASE_COLUMNS.join(', ')}).`, missing.map((m) => ({ field: m, message: 'missing column' })));
  }
  const people = await store.leasePeople(haven.db, p.trustId, schoolId);
  const byKey = new Map<string, string>();
  for (const person of people) {
    for (const k of [person.email, person.upn, person.staff_code]) if (k) byKey.set(k.trim().toLowerCase(), person.id);
  }
  const problems: FieldProblem[] = [];
  const rows: LeaseRow[] = [];
  records.forEach((r, i) => {
    const n = i + 2; // the header is row 1
    const bad = (field: string, message: string) => problems.push({ field: `row ${n}: ${field}`, message });
    const ip = r.ip?.trim() || null;
    const device = r.device?.trim() || null;
    if (!ip && !device) bad('ip', 'give an IP address or a device name');
    if (ip && !isIP(ip)) bad('ip', `"${ip.slice(0, 60)}" is not an IP address (like 10.0.4.17)`);
    if (device && device.length > 200) bad('device', 'keep the device name under 200 characters');
    const who = r.person?.trim() ?? '';
    const personId = byKey.get(who.toLowerCase());
    if (!who) bad('person', 'give the person\'s e-mail, UPN or staff code');
    else if (!personId) bad('person', `no active person of this school has the e-mail, UPN or staff code "${who.slice(0, 100)}"`);
    const from = leaseTime(r.from ?? '');
    if (Number.isNaN(from)) bad('from', 'write a date and time like 2026-11-23 08:30 or 23/11/2026 08:30 (UK time), or ISO 8601');
    const toText = r.to?.trim() ?? '';
    const to = toText ? leaseTime(toText) : null;
    if (to !== null && Number.isNaN(to)) bad('to', 'write a date and time like 2026-11-23 15:30 or 23/11/2026 15:30 (UK time), or leave it empty for "still holds it"');
    else if (to !== null && !Number.isNaN(from) && to <= from) bad('to', 'must be after from');
    if (personId && !Number.isNaN(from) && (to === null || !Number.isNaN(to))) rows.push({ ip, device, personId, from: new Date(from), to: to === null ? null : new Date(to) });
  });
  if (problems.length > 0) {
    throw unprocessable(`Nothing was saved: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the file. Fix the rows listed and upload it again.`, problems.slice(0, 200));
  }
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      await tx
        .insertInto('log_address_leases')
        .values(rows.slice(i, i + 1000).map((r) => ({ trust_id: p.trustId, id: newId(), school_id: schoolId, person_id: r.personId, ip: r.ip, device: r.device, valid_from: r.from, valid_to: r.to, created_at: now })))
        .execute();
    }
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'logs.leases_upload', recordType: 'log_address_leases', recordId: schoolId, detail: { rows: rows.length } });
  });
  return { saved: rows.length };
}

export async function listLeases(haven: Haven, p: Principal, schoolId: string, limit: number) {
  await schoolFor(haven, p, schoolId, 'logs.manage');
  const rows = await store.leasesOf(haven.db, p.trustId, schoolId, limit);
  return {
    leases: rows.map((l) => ({
      id: l.id,
      ip: l.ip,
      device: l.device,
      from: l.valid_from.toISOString(),
      to: l.valid_to?.toISOString() ?? null,
      person: { id: l.person_id, name: `${l.preferred_name ?? l.given_name} ${l.family_name}` },
    })),
  };
}

// ------------------------------------------------------------------------------------------------
// Retention
// ------------------------------------------------------------------------------------------------

/** Deletes raw blocks past each school's raw window and hourly counts past its aggregate retention. */
export async function applyRetention(haven: Haven): Promise<{ schools: number; blocks: number; hourly: number }> {
  const now = haven.clock.now().getTime();
  const totals = { schools: 0, blocks: 0, hourly: 0 };
  for (const s of await store.allSchools(haven.db)) {
    const { rawDays, aggregateDays } = await readLogSettings(haven.db, s.id);
    await haven.db.transaction().execute(async (tx) => {
      const blocks = await store.deleteBlocksBefore(tx, s.trust_id, s.id, new Date(now - rawDays * DAY));
      const hourly = await store.deleteHourlyBefore(tx, s.trust_id, s.id, new Date(now - aggregateDays * DAY));
      if (blocks + hourly === 0) return;
      totals.schools++;
      totals.blocks += blocks;
      totals.hourly += hourly;
      await audit(tx, haven, SYSTEM_ACTOR, {
        trustId: s.trust_id,
        schoolId: s.id,
        action: 'logs.retention',
        recordType: 'log_event_blocks',
        recordId: s.id,
        detail: { rawBlocksDeleted: blocks, hourlyRowsDeleted: hourly, rawDays, aggregateDays },
      });
    });
  }
  return totals;
}
