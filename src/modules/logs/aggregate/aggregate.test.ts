import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEvent } from '../event.ts';
import { type AggregateRow, Aggregator, hourStart, mergeSnapshots } from './aggregate.ts';

const T = Date.UTC(2026, 10, 23, 9, 0, 0);
const MIN = 60_000;

function ev(at: number, action: 'allowed' | 'blocked', bytes: number | null = 100): LogEvent {
  return { at, source: 'squid', user: null, clientIp: null, device: null, host: 'x.example', url: null, action, filterCategory: null, reason: null, bytes };
}
const sorted = (rows: AggregateRow[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

test('hourStart is the start of the UTC hour', () => {
  assert.equal(hourStart(T + 59 * MIN + 59_999), T);
  assert.equal(hourStart(T + 60 * MIN), T + 60 * MIN);
});

test('events count per group, category, action and hour', () => {
  const a = new Aggregator('s1');
  a.add(ev(T + MIN, 'allowed'), 'year-7', 'games');
  a.add(ev(T + 30 * MIN, 'allowed', null), 'year-7', 'games');
  a.add(ev(T + 30 * MIN, 'blocked'), 'year-7', 'games');
  a.add(ev(T + 61 * MIN, 'allowed'), 'year-7', 'games');
  a.add(ev(T + MIN, 'allowed'), 'staff', 'games');
  a.add(ev(T + MIN, 'allowed'), 'year-7', 'social_media');
  assert.deepEqual(sorted(a.snapshot().rows), sorted([
    { schoolId: 's1', group: 'year-7', category: 'games', action: 'allowed', hourStart: T, count: 2, bytes: 100 },
    { schoolId: 's1', group: 'year-7', category: 'games', action: 'blocked', hourStart: T, count: 1, bytes: 100 },
    { schoolId: 's1', group: 'year-7', category: 'games', action: 'allowed', hourStart: T + 60 * MIN, count: 1, bytes: 100 },
    { schoolId: 's1', group: 'staff', category: 'games', action: 'allowed', hourStart: T, count: 1, bytes: 100 },
    { schoolId: 's1', group: 'year-7', category: 'social_media', action: 'allowed', hourStart: T, count: 1, bytes: 100 },
  ]));
});

test('snapshots survive structured clone and merge by adding', () => {
  const w1 = new Aggregator('s1');
  const w2 = new Aggregator('s1');
  for (let i = 0; i < 5; i++) w1.add(ev(T + i, 'blocked'), 'year-9', 'pornography');
  for (let i = 0; i < 3; i++) w2.add(ev(T + i, 'blocked'), 'year-9', 'pornography');
  w2.add(ev(T, 'allowed'), 'unknown', 'other');
  const merged = mergeSnapshots(structuredClone(w1.snapshot()), structuredClone(w2.drain()));
  assert.deepEqual(sorted(merged.rows), sorted([
    { schoolId: 's1', group: 'year-9', category: 'pornography', action: 'blocked', hourStart: T, count: 8, bytes: 800 },
    { schoolId: 's1', group: 'unknown', category: 'other', action: 'allowed', hourStart: T, count: 1, bytes: 100 },
  ]));
  assert.equal(w2.size, 0, 'drain empties the worker');
  const main = new Aggregator('s1').merge(merged).merge(merged);
  assert.equal(main.snapshot().rows.find((r) => r.category === 'pornography')?.count, 16);
});

test('snapshots of different schools stay apart', () => {
  const a = new Aggregator('s1');
  a.add(ev(T, 'allowed'), 'staff', 'other');
  const b = new Aggregator('s2');
  b.add(ev(T, 'allowed'), 'staff', 'other');
  const rows = mergeSnapshots(a.snapshot(), b.snapshot()).rows;
  assert.deepEqual(rows.map((r) => [r.schoolId, r.count]).sort(), [['s1', 1], ['s2', 1]]);
});

test('many groups and hours keep every count apart', () => {
  const a = new Aggregator('s1');
  for (let g = 0; g < 40; g++) for (let h = 0; h < 3; h++) for (let k = 0; k <= g; k++) a.add(ev(T + h * 60 * MIN, 'blocked', 1), `group-${g}`, 'drugs');
  const rows = a.snapshot().rows;
  assert.equal(rows.length, 120);
  assert.equal(a.size, 120);
  for (const r of rows) assert.equal(r.count, Number(r.group.slice(6)) + 1, r.group);
  assert.equal(rows.reduce((n, r) => n + r.bytes, 0), 3 * (40 * 41) / 2);
});
