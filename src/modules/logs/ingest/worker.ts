// One ingest worker thread: parses its chunks of a log, attributes and classifies each event, counts
// it into hourly aggregates, picks out what the breach rules must see, and compresses the chunk's
// original lines as the raw record. Everything here is CPU work; the main thread does all I/O.
import { parentPort } from 'node:worker_threads';
import { constants, zstdCompressSync } from 'node:zlib';
import { Aggregator } from '../aggregate/aggregate.ts';
import { type Attributor, makeAttributor } from '../attribute/attribute.ts';
import { type Classifier, classifierFromTable } from '../classify/lists.ts';
import { ownString, ownStringOrNull } from '../classify/strings.ts';
import type { LogEvent, ParseResult } from '../event.ts';
import { type FileParser, formatById } from '../parsers/index.ts';
import { isInteresting } from '../rules/rules.ts';
import type { ChunkResult, FromWorker, Interesting, ResultMessage, StartMessage, ToWorker } from './protocol.ts';

const MAX_SAMPLES = 5;
/** Bytes decoded to one string: under V8's young-generation object size limit. */
const PIECE = 64 * 1024;
const ZSTD = { params: { [constants.ZSTD_c_compressionLevel]: 1 } };

const port = parentPort;
if (!port) throw new Error('the ingest worker runs only as a worker thread');
const send = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

// Set by the start message, before any chunk.
let schoolId: string;
let parser: FileParser;
/** The parser over a line inside the decoded text, in place when the format can (no string per line). */
let parseLine: (text: string, start: number, end: number) => ParseResult;
let attribute: Attributor;
let classifier: Classifier;
const decoder = new TextDecoder('utf-8');

function start(m: StartMessage) {
  const format = formatById(m.init.format);
  if (!format) throw new Error(`unknown format ${m.init.format}`);
  schoolId = m.init.schoolId;
  parser = format.parserFor(m.init.firstLine, m.init.options);
  const p = parser;
  parseLine = p.parseRange ?? ((text, start, end) => p(text.slice(start, end)));
  attribute = makeAttributor(m.init.directory);
  classifier = classifierFromTable(m.table);
}

/** Bytes that alone fill their ArrayBuffer, so it can be transferred (a small Buffer may sit in a shared pool). */
function ownBuffer(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
}

/** The event with its text in its own memory: it outlives the piece of log it was cut from. */
function keepable(e: LogEvent): LogEvent {
  e.user = ownStringOrNull(e.user);
  e.clientIp = ownStringOrNull(e.clientIp);
  e.device = ownStringOrNull(e.device);
  e.host = ownString(e.host);
  e.url = ownStringOrNull(e.url);
  e.filterCategory = ownStringOrNull(e.filterCategory);
  e.reason = ownStringOrNull(e.reason);
  if (e.trigger) e.trigger = ownString(e.trigger);
  if (e.captureRef) e.captureRef = ownString(e.captureRef);
  return e;
}

function handle(seq: number, data: Uint8Array | null, held: LogEvent[] = []): ChunkResult {
  const agg = new Aggregator(schoolId);
  const malformed: Record<string, number> = {};
  const samples: ChunkResult['samples'] = [];
  const interesting: Interesting[] = [];
  let lines = 0;
  let events = 0;
  let skipped = 0;
  let firstAt = Number.POSITIVE_INFINITY;
  let lastAt = Number.NEGATIVE_INFINITY;

  const take = (event: LogEvent) => {
    events++;
    if (event.at < firstAt) firstAt = event.at;
    if (event.at > lastAt) lastAt = event.at;
    const who = attribute(event);
    const category = classifier.classify(event);
    agg.add(event, who.group, category);
    if (isInteresting(event, category)) interesting.push({ event: keepable(event), who, category });
  };

  const eachLine = (text: string) => {
    let start = 0;
    const n = text.length;
    while (start < n) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = n;
      let stop = end;
      if (stop > start && text.charCodeAt(stop - 1) === 13) stop--; // CRLF
      if (stop > start) {
        lines++;
        const r = parseLine(text, start, stop);
        if (r.kind === 'event') take(r.event);
        else if (r.kind === 'skip') skipped++;
        else {
          malformed[r.reason] = (malformed[r.reason] ?? 0) + 1;
          if (samples.length < MAX_SAMPLES) samples.push({ reason: r.reason, line: text.slice(start, Math.min(stop, start + 300)) });
        }
      }
      start = end + 1;
    }
  };
  if (data) {
    // Decoded a piece at a time, cut at line ends: a small string dies young, while a whole chunk's text
    // would be an off-heap string freed only by a full collection (workers then held ~50 MB of them).
    for (let at = 0; at < data.length; ) {
      let cut = data.length;
      if (at + PIECE < data.length) {
        cut = data.lastIndexOf(10, at + PIECE - 1) + 1;
        if (cut <= at) {
          const nl = data.indexOf(10, at + PIECE);
          cut = nl === -1 ? data.length : nl + 1;
        }
      }
      eachLine(decoder.decode(data.subarray(at, cut)));
      at = cut;
    }
  }
  for (const e of held) take(e);
  interesting.sort((a, b) => a.event.at - b.event.at);
  return {
    type: 'result',
    seq,
    bytes: data?.byteLength ?? 0,
    lines,
    events,
    skipped,
    malformed,
    samples,
    aggregates: agg.snapshot(),
    interesting,
    firstAt: events > 0 ? firstAt : null,
    lastAt: events > 0 ? lastAt : null,
    block: data && data.byteLength > 0 ? ownBuffer(zstdCompressSync(data, ZSTD)) : null,
  };
}

port.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'start') {
      start(m);
      send({ type: 'ready' });
    } else if (m.type === 'chunk') {
      const r: ResultMessage = handle(m.seq, m.data);
      // The chunk's buffer goes back for the next chunk.
      const spare = m.data.buffer as ArrayBuffer;
      r.spare = spare;
      send(r, r.block ? [r.block.buffer as ArrayBuffer, spare] : [spare]);
    } else {
      // End of input: events a stateful parser still holds (a DNS query whose answer never came).
      send(handle(m.seq, null, parser.flush?.() ?? []));
    }
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
