import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { BufferPool, lineChunks } from './pipeline.ts';

const collect = async (pieces: Buffer[], size: number, pool?: BufferPool) => {
  const out: Uint8Array[] = [];
  for await (const c of lineChunks(Readable.from(pieces), size, pool)) out.push(new Uint8Array(c)); // copy: buffers are reused
  return out.map((c) => Buffer.from(c).toString());
};

test('a line longer than a chunk stays whole, and so does what follows it', async () => {
  const long = 'x'.repeat(5000);
  const text = `a\n${long}\nb\n${long}${long}\nc\nd`;
  const pieces: Buffer[] = [];
  for (let i = 0; i < text.length; i += 700) pieces.push(Buffer.from(text.slice(i, i + 700)));
  const chunks = await collect(pieces, 1000);
  assert.equal(chunks.join(''), text);
  assert.ok(chunks.slice(0, -1).every((c) => c.endsWith('\n')));
  assert.ok(chunks.some((c) => c.includes(`${long}${long}\n`)));
});

test('returned buffers are reused for later chunks, and every chunk owns its buffer', async () => {
  const pool = new BufferPool(1250);
  const lines = Array.from({ length: 400 }, (_, i) => `line ${i}`);
  const seen = new Set<ArrayBufferLike>();
  const got: string[] = [];
  let reused = 0;
  for await (const c of lineChunks(Readable.from(lines.map((l) => Buffer.from(`${l}\n`))), 1000, pool)) {
    got.push(Buffer.from(c).toString());
    if (seen.has(c.buffer)) reused++;
    seen.add(c.buffer);
    // As a worker does: the chunk's buffer comes back once its result is in.
    pool.give(c.buffer as ArrayBuffer);
  }
  assert.equal(got.join(''), `${lines.join('\n')}\n`);
  assert.ok(reused > 0, 'buffers came round again');
  assert.ok(seen.size <= 3, `${seen.size} buffers for ${got.length} chunks`);
});
