import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedBatcher } from './batcher.ts';

const tick = () => new Promise((r) => setImmediate(r));

test('a lone item runs at once; items arriving while a batch runs go together into the next batch', async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const b = new KeyedBatcher<number, string>(async (items) => {
    batches.push(items);
    await new Promise<void>((r) => (release = r));
    return items.map((i) => `done ${i}`);
  });
  const first = b.submit('s', 1);
  await tick();
  assert.deepEqual(batches, [[1]], 'the first item did not wait for company');
  const rest = [b.submit('s', 2), b.submit('s', 3), b.submit('s', 4)];
  await tick();
  assert.equal(batches.length, 1, 'nothing else runs for the key while a batch is in flight');
  release();
  assert.equal(await first, 'done 1');
  await tick();
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
  release();
  assert.deepEqual(await Promise.all(rest), ['done 2', 'done 3', 'done 4']);
});

test('different keys run side by side and never share a batch', async () => {
  const batches: string[][] = [];
  const b = new KeyedBatcher<string, string>(async (items) => {
    batches.push(items);
    await tick();
    return items;
  });
  assert.deepEqual(await Promise.all([b.submit('a', 'a1'), b.submit('b', 'b1'), b.submit('a', 'a2'), b.submit('b', 'b2')]), ['a1', 'b1', 'a2', 'b2']);
  for (const batch of batches) assert.equal(new Set(batch.map((x) => x[0])).size, 1, `batch ${batch} mixes keys`);
  assert.deepEqual(batches.slice(0, 2), [['a1'], ['b1']]);
});

test('a failed batch is retried item by item, so only the bad item fails', async () => {
  const calls: number[][] = [];
  let gate: () => void = () => {};
  const b = new KeyedBatcher<number, number>(async (items) => {
    calls.push(items);
    if (items.length === 1 && items[0] === 0) await new Promise<void>((r) => (gate = r));
    if (items.includes(13)) throw new Error('unlucky');
    return items.map((i) => i * 2);
  });
  const head = b.submit('k', 0);
  await tick();
  const results = [b.submit('k', 12), b.submit('k', 13), b.submit('k', 14)].map((p) => p.then((v) => ({ v }), (e: Error) => ({ e: e.message })));
  gate();
  assert.equal(await head, 0);
  assert.deepEqual(await Promise.all(results), [{ v: 24 }, { e: 'unlucky' }, { v: 28 }]);
  assert.deepEqual(calls, [[0], [12, 13, 14], [12], [13], [14]]);
});

test('a batch never holds more than the limit', async () => {
  const sizes: number[] = [];
  let gate: () => void = () => {};
  const b = new KeyedBatcher<number, number>(async (items) => {
    sizes.push(items.length);
    if (sizes.length === 1) await new Promise<void>((r) => (gate = r));
    return items;
  }, { maxBatch: 3 });
  const all = [b.submit('k', 0)];
  await tick();
  for (let i = 1; i <= 7; i++) all.push(b.submit('k', i));
  gate();
  assert.deepEqual(await Promise.all(all), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(sizes, [1, 3, 3, 1]);
});

test('with two in flight, a second batch starts while the first runs, and no more than two run', async () => {
  let running = 0;
  let most = 0;
  const gates: (() => void)[] = [];
  const b = new KeyedBatcher<number, number>(
    async (items) => {
      most = Math.max(most, ++running);
      await new Promise<void>((r) => gates.push(r));
      running--;
      return items;
    },
    { inFlight: 2 },
  );
  const all = [b.submit('k', 1), b.submit('k', 2), b.submit('k', 3), b.submit('k', 4)];
  await tick();
  assert.equal(gates.length, 2, 'two batches started at once');
  while (gates.length > 0) {
    gates.shift()?.();
    await tick();
  }
  assert.deepEqual(await Promise.all(all), [1, 2, 3, 4]);
  assert.equal(most, 2);
});
