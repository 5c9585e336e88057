// UUIDv7 made in the app (time-ordered; PostgreSQL 15 has no uuidv7()). The random bits come from a
// pool refilled 256 ids at a time: asking the OS for 16 bytes per id cost more than the rest of making
// it (a report makes half a dozen ids). Ids made in the same millisecond keep increasing, as uuid's own
// v7 does: a random sequence per millisecond, plus one for each further id.
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const pool = new Uint8Array(16 * 256);
let used = pool.length;
const state = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };

function random16(): Uint8Array {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}

export const newId = (): string => {
  const random = random16();
  const now = Date.now();
  if (now > state.msecs) {
    state.msecs = now;
    state.seq = ((random[6] as number & 0x7f) << 24) | ((random[7] as number) << 16) | ((random[8] as number) << 8) | (random[9] as number);
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs++;
  }
  return v7({ random, msecs: state.msecs, seq: state.seq });
};
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Text PostgreSQL takes as a uuid (any version): checked before comparing it with a uuid column. */
export const isUuid = (text: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
