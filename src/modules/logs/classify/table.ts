// An open-addressing hash table from host names to a one-byte entry, keyed by two 32-bit hashes of the
// name (64 bits: a false match is ~1e-14 per lookup with the real lists) instead of the strings
// themselves. It lives in one SharedArrayBuffer, so the ingest workers read one copy built once by the
// main thread, and it costs ~10 bytes a slot instead of a Map's ~100 bytes an entry.
//
// Both hashes fold characters right to left, so one pass over a host yields the hash of every suffix
// ('b.c', 'a.b.c') on the way: suffix matching costs one pass plus one probe per label.

/** Entry byte: 0 is an empty slot; otherwise PRESENT | flags | code. */
export const PRESENT = 0x40;
export const FLAG_URLS = 0x20;
export const CODE_BITS = 0x1f;

export const H1_SEED = 0x811c9dc5 | 0;
export const H2_SEED = 0;
/** One step of the first hash (FNV-1a style). */
export const step1 = (h: number, ch: number): number => Math.imul(h ^ ch, 0x01000193);
/** One step of the second hash (a different multiplier and mixing, so the two are independent). */
export const step2 = (h: number, ch: number): number => {
  const x = (Math.imul(h, 0x5bd1e995) + ch + 0x9e37) | 0;
  return x ^ (x >>> 15);
};

export function hashString(s: string): [number, number] {
  let h1 = H1_SEED;
  let h2 = H2_SEED;
  for (let i = s.length - 1; i >= 0; i--) {
    const ch = s.charCodeAt(i);
    h1 = step1(h1, ch);
    h2 = step2(h2, ch);
  }
  return [h1, h2];
}

/** What crosses to a worker: the buffer is shared, not copied. */
export type SharedHostTable = { buffer: SharedArrayBuffer | ArrayBuffer; capacity: number; size: number };

export class HostTable {
  readonly capacity: number;
  private readonly mask: number;
  /** h1, h2 per slot. */
  private readonly keys: Int32Array;
  private readonly vals: Uint8Array;
  private count = 0;
  readonly buffer: SharedArrayBuffer | ArrayBuffer;

  /** `capacity` is rounded up to a power of two; keep it at least twice the entries. */
  constructor(capacity: number, shared = false, from?: SharedHostTable) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    if (from) {
      cap = from.capacity;
      this.buffer = from.buffer;
      this.count = from.size;
    } else this.buffer = shared ? new SharedArrayBuffer(cap * 9) : new ArrayBuffer(cap * 9);
    this.capacity = cap;
    this.mask = cap - 1;
    this.keys = new Int32Array(this.buffer, 0, cap * 2);
    this.vals = new Uint8Array(this.buffer, cap * 8, cap);
  }

  static fromShared(s: SharedHostTable): HostTable {
    return new HostTable(s.capacity, false, s);
  }

  get size(): number {
    return this.count;
  }

  share(): SharedHostTable {
    return { buffer: this.buffer, capacity: this.capacity, size: this.count };
  }

  private slot(h1: number, h2: number): number {
    let m = Math.imul(h1 ^ (h2 >>> 7), 0x85ebca6b);
    m ^= m >>> 13;
    m = Math.imul(m ^ h2, 0xc2b2ae35);
    m ^= m >>> 16;
    let i = m & this.mask;
    const keys = this.keys;
    const vals = this.vals;
    while (vals[i] !== 0 && (keys[2 * i] !== h1 || keys[2 * i + 1] !== h2)) i = (i + 1) & this.mask;
    return i;
  }

  /** The entry byte, or 0 when absent. */
  get(h1: number, h2: number): number {
    return this.vals[this.slot(h1, h2)] as number;
  }

  /** Sets the entry byte (non-zero). The caller keeps the load under one half (see `needsGrow`). */
  set(h1: number, h2: number, value: number): void {
    const i = this.slot(h1, h2);
    if (this.vals[i] === 0) {
      this.count++;
      this.keys[2 * i] = h1;
      this.keys[2 * i + 1] = h2;
    }
    this.vals[i] = value;
  }

  /** Sets the entry byte unless one with a smaller code (more severe) is there: one probe, not two. */
  keepSmallerCode(h1: number, h2: number, value: number): void {
    const i = this.slot(h1, h2);
    const prev = this.vals[i] as number;
    if (prev === 0) {
      this.count++;
      this.keys[2 * i] = h1;
      this.keys[2 * i + 1] = h2;
    } else if ((value & CODE_BITS) >= (prev & CODE_BITS)) return;
    this.vals[i] = value;
  }

  get needsGrow(): boolean {
    return this.count * 2 >= this.capacity;
  }

  /** Calls `fn` for every entry. */
  forEach(fn: (h1: number, h2: number, value: number) => void): void {
    for (let i = 0; i < this.capacity; i++) {
      const v = this.vals[i] as number;
      if (v !== 0) fn(this.keys[2 * i] as number, this.keys[2 * i + 1] as number, v);
    }
  }

  /** A copy with room for `entries` at most half full. */
  resized(entries: number, shared = false): HostTable {
    const next = new HostTable(Math.max(16, entries * 2), shared);
    this.forEach((a, b, v) => next.set(a, b, v));
    return next;
  }
}
