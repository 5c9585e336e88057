import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate, version } from 'uuid';
import { newId } from './ids.ts';

test('ids are valid version-7 UUIDs, all different, and increase even within one millisecond', () => {
  const ids = Array.from({ length: 5000 }, () => newId());
  for (const id of ids.slice(0, 50)) {
    assert.ok(validate(id), id);
    assert.equal(version(id), 7);
  }
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++) assert.ok((ids[i] as string) > (ids[i - 1] as string), `${ids[i]} after ${ids[i - 1]}`);
});

test('the leading 48 bits are the time in milliseconds', () => {
  const before = Date.now();
  const id = newId();
  const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  assert.ok(ms >= before && ms <= Date.now() + 1, `${ms} is not about ${before}`);
});
