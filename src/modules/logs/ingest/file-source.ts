// Reads a file (or a byte range of it) through one reused buffer. The ingest pipeline copies each
// piece into its own chunk memory before asking for the next, so a fresh buffer per read would only
// be garbage: a day's log read that way leaves tens of megabytes for the collector to find.
import fs from 'node:fs/promises';

export async function* readFileReusing(file: string, start = 0, end = Number.POSITIVE_INFINITY, pieceBytes = 1 << 20): AsyncGenerator<Uint8Array> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(pieceBytes);
    let at = start;
    while (at < end) {
      const want = Math.min(buf.length, end - at);
      const { bytesRead } = await handle.read(buf, 0, want, at);
      if (bytesRead === 0) break;
      at += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
