// Test helpers: read a fixture and run every line through a parser.
import { readFileSync } from 'node:fs';
import type { LineParser, LogEvent, ParseResult } from '../event.ts';

export function fixtureLines(name: string): string[] {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '');
}

export function run(parser: LineParser, lines: string[]): { events: LogEvent[]; malformed: Record<string, number>; skipped: number } {
  const events: LogEvent[] = [];
  const malformed: Record<string, number> = {};
  let skipped = 0;
  for (const l of lines) {
    const r: ParseResult = parser(l);
    if (r.kind === 'event') events.push(r.event);
    else if (r.kind === 'malformed') malformed[r.reason] = (malformed[r.reason] ?? 0) + 1;
    else skipped++;
  }
  return { events, malformed, skipped };
}

/** A full event with nulls for the fields a format never fills. */
export function ev(e: Partial<LogEvent> & Pick<LogEvent, 'at' | 'source' | 'host' | 'action'>): LogEvent {
  return { user: null, clientIp: null, device: null, url: null, filterCategory: null, reason: null, bytes: null, ...e };
}
