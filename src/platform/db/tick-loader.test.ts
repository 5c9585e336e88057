import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TickLoader } from './tick-loader.ts';

test('lookups made in the same turn of the event loop are read by one load; later ones by a new load', async () => {
  const loads: string[][] = [];
  const loader = new TickLoader<string, number>(async (keys) => {
    loads.push(keys);
    return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
  });
  const together = await Promise.all([loader.get('a'), loader.get('bb'), loader.get('a'), loader.get('missing')]);
  assert.deepEqual(together, [1, 2, 1, undefined]);
  assert.deepEqual(loads, [['a', 'bb', 'missing']], 'one load, each key once');
  assert.equal(await loader.get('ccc'), 3);
  assert.deepEqual(loads[1], ['ccc'], 'nothing is cached: a later lookup reads again');
  assert.equal(await loader.get('a'), 1);
  assert.equal(loads.length, 3);
});

test('a failed load fails every lookup it carried, and the next lookup loads afresh', async () => {
  let fail = true;
  const loader = new TickLoader<string, string>(async (keys) => {
    if (fail) throw new Error('database unreachable');
    return new Map(keys.map((k) => [k, k.toUpperCase()]));
  });
  const results = await Promise.allSettled([loader.get('x'), loader.get('y')]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  fail = false;
  assert.equal(await loader.get('x'), 'X');
});
