// Counts per school, user group, Haven category, action and UTC hour. Each worker keeps one
// Aggregator; snapshots are plain arrays (structured-clone safe for postMessage) and merge by adding.
import { HAVEN_CATEGORIES, type HavenCategory, type LogAction, type LogEvent } from '../event.ts';

const HOUR = 3_600_000;

export type AggregateRow = {
  schoolId: string;
  group: string;
  category: HavenCategory;
  action: LogAction;
  /** Start of the UTC hour, epoch ms. */
  hourStart: number;
  count: number;
  bytes: number;
};
/** Rows in no particular order; the same key appears at most once. */
export type AggregateSnapshot = { rows: AggregateRow[] };

export function hourStart(at: number): number {
  return at - (((at % HOUR) + HOUR) % HOUR);
}

const CATEGORY_INDEX = new Map<string, number>(HAVEN_CATEGORIES.map((c, i) => [c, i]));
const SLOTS_PER_GROUP = HAVEN_CATEGORIES.length * 2; // × action

/** One hour of one school: counts and bytes in flat arrays indexed by (group, category, action). */
type HourCells = { counts: Float64Array; bytes: Float64Array };

/** One school's cells. Group names get small ids, so the hot path builds no strings. */
class SchoolCells {
  readonly groups: string[] = [];
  readonly groupIds = new Map<string, number>();
  readonly hours = new Map<number, HourCells>();
  private capacity = 16;
  private lastHour = Number.NaN;
  private last: HourCells | undefined;

  add(group: string, category: string, action: string, hour: number, count: number, bytes: number) {
    let g = this.groupIds.get(group);
    if (g === undefined) g = this.newGroup(group);
    let cells = this.last;
    if (hour !== this.lastHour || cells === undefined) {
      cells = this.hours.get(hour);
      if (!cells) {
        const size = this.capacity * SLOTS_PER_GROUP;
        cells = { counts: new Float64Array(size), bytes: new Float64Array(size) };
        this.hours.set(hour, cells);
      }
      this.lastHour = hour;
      this.last = cells;
    }
    const i = g * SLOTS_PER_GROUP + (CATEGORY_INDEX.get(category) ?? HAVEN_CATEGORIES.length - 1) * 2 + (action === 'blocked' ? 1 : 0);
    cells.counts[i]! += count;
    cells.bytes[i]! += bytes;
  }

  private newGroup(group: string): number {
    const g = this.groups.length;
    this.groups.push(group);
    this.groupIds.set(group, g);
    if (g >= this.capacity) {
      // Rare: more groups than room; widen every hour's arrays.
      this.capacity *= 2;
      const size = this.capacity * SLOTS_PER_GROUP;
      for (const cells of this.hours.values()) {
        const counts = new Float64Array(size);
        counts.set(cells.counts);
        const bytes = new Float64Array(size);
        bytes.set(cells.bytes);
        cells.counts = counts;
        cells.bytes = bytes;
      }
    }
    return g;
  }

  get size(): number {
    let n = 0;
    for (const cells of this.hours.values()) for (const c of cells.counts) if (c !== 0) n++;
    return n;
  }

  rows(schoolId: string, out: AggregateRow[]) {
    for (const [hour, cells] of this.hours) {
      for (let i = 0; i < cells.counts.length; i++) {
        const count = cells.counts[i]!;
        if (count === 0) continue;
        const rest = i % SLOTS_PER_GROUP;
        out.push({
          schoolId,
          group: this.groups[Math.floor(i / SLOTS_PER_GROUP)]!,
          category: HAVEN_CATEGORIES[rest >> 1]!,
          action: rest & 1 ? 'blocked' : 'allowed',
          hourStart: hour,
          count,
          bytes: cells.bytes[i]!,
        });
      }
    }
  }
}

export class Aggregator {
  readonly schoolId: string;
  private readonly schools = new Map<string, SchoolCells>();
  private current: SchoolCells;

  constructor(schoolId: string) {
    this.schoolId = schoolId;
    this.current = new SchoolCells();
    this.schools.set(schoolId, this.current);
  }

  /** Count one event for the aggregator's school. */
  add(event: LogEvent, group: string, category: HavenCategory): void {
    this.current.add(group, category, event.action, hourStart(event.at), 1, event.bytes ?? 0);
  }

  /** Add another aggregator's snapshot (any school) into this one. */
  merge(snapshot: AggregateSnapshot): this {
    for (const r of snapshot.rows) {
      let cells = this.schools.get(r.schoolId);
      if (!cells) {
        cells = new SchoolCells();
        this.schools.set(r.schoolId, cells);
      }
      cells.add(r.group, r.category, r.action, r.hourStart, r.count, r.bytes);
    }
    return this;
  }

  /** Non-empty cells. */
  get size(): number {
    let n = 0;
    for (const s of this.schools.values()) n += s.size;
    return n;
  }

  snapshot(): AggregateSnapshot {
    const rows: AggregateRow[] = [];
    for (const [schoolId, cells] of this.schools) cells.rows(schoolId, rows);
    return { rows };
  }

  /** Snapshot, then start empty (a worker hands over its counts per chunk). */
  drain(): AggregateSnapshot {
    const snap = this.snapshot();
    this.schools.clear();
    this.current = new SchoolCells();
    this.schools.set(this.schoolId, this.current);
    return snap;
  }
}

/** Merge snapshots into one, adding counts of equal keys. */
export function mergeSnapshots(...snapshots: AggregateSnapshot[]): AggregateSnapshot {
  const first = snapshots[0]?.rows[0]?.schoolId ?? '';
  const agg = new Aggregator(first);
  for (const s of snapshots) agg.merge(s);
  return agg.snapshot();
}
