import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import { buildTrust } from '../testing/factories.ts';
import { type TestHaven, testHaven } from '../testing/harness.ts';
import { EvidenceIntegrityError, evidenceKeyId } from './crypto.ts';
import { EVIDENCE_MIME, MAX_EVIDENCE_BYTES, sniffMime } from './model.ts';
import { getEvidence, putEvidence } from './service.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR screenshot of a chat')]);
const put = (trustId: string, bytes: Buffer, fileName = 'evidence.bin', mime = 'application/octet-stream') =>
  h.db.transaction().execute((tx) => putEvidence(tx, h, { trustId, bytes, fileName, mime }));
const get = (trustId: string, sha256: string) => getEvidence(h.db, h, { trustId, sha256 });
const status = (n: number) => (e: unknown) => e instanceof AppError && e.status === n;

/** A minimal stored (uncompressed) zip, enough for the office sniffing to read its directory. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

test('a file round-trips, and the database holds ciphertext, not the file', async () => {
  const trust = await buildTrust(h.db);
  const bytes = Buffer.concat([PNG, randomBytes(4096)]);
  const ref = await put(trust.id, bytes, 'chat.png', 'image/png');
  assert.equal(ref.mime, 'image/png');
  assert.equal(ref.size, bytes.length);
  assert.match(ref.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(await get(trust.id, ref.sha256), bytes);
  assert.deepEqual(await get(trust.id, ref.sha256.toUpperCase()), bytes);

  const row = await h.db.selectFrom('evidence_blobs').selectAll().where('trust_id', '=', trust.id).executeTakeFirstOrThrow();
  assert.equal(row.size, bytes.length);
  assert.equal(row.iv.length, 12);
  assert.equal(row.auth_tag.length, 16);
  assert.equal(row.key_id, evidenceKeyId(h.keys!.evidenceKey));
  assert.equal(row.ciphertext.length, bytes.length);
  assert.notDeepEqual(row.ciphertext, bytes);
  assert.equal(row.ciphertext.indexOf(Buffer.from('screenshot of a chat')), -1);
});

test('the same bytes are stored once per trust, each with their own encryption', async () => {
  const a = await buildTrust(h.db);
  const b = await buildTrust(h.db);
  const text = Buffer.from('https://example.test/bad-page\nvisited 10:14 on PC 7\n');
  const first = await put(a.id, text, 'urls.txt', 'text/plain');
  const again = await put(a.id, text, 'copy of urls.txt', 'image/png');
  assert.deepEqual(again, first);
  assert.equal(first.mime, 'text/plain');
  await put(b.id, text, 'urls.txt');
  const rows = await h.db.selectFrom('evidence_blobs').select(['trust_id', 'iv']).where('sha256', '=', first.sha256).execute();
  assert.equal(rows.filter((r) => r.trust_id === a.id).length, 1);
  assert.equal(rows.filter((r) => r.trust_id === b.id).length, 1);
  assert.notDeepEqual(rows[0]!.iv, rows[1]!.iv);
});

test('evidence written in a transaction that rolls back is not kept', async () => {
  const trust = await buildTrust(h.db);
  await assert.rejects(
    h.db.transaction().execute(async (tx) => {
      await putEvidence(tx, h, { trustId: trust.id, bytes: PNG, fileName: 'a.png', mime: 'image/png' });
      throw new Error('caller failed');
    }),
    /caller failed/,
  );
  const count = await h.db.selectFrom('evidence_blobs').select((eb) => eb.fn.countAll().as('n')).where('trust_id', '=', trust.id).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 0);
});

test('another trust cannot read a file by its hash', async () => {
  const a = await buildTrust(h.db);
  const b = await buildTrust(h.db);
  const ref = await put(a.id, PNG);
  await assert.rejects(get(b.id, ref.sha256), status(404));
  await assert.rejects(get(a.id, 'not-a-hash'), status(400));
});

test('altered ciphertext, IV or tag fails the integrity check', async () => {
  const trust = await buildTrust(h.db);
  for (const column of ['ciphertext', 'iv', 'auth_tag'] as const) {
    const ref = await put(trust.id, Buffer.concat([PNG, Buffer.from(column)]));
    await sql`UPDATE evidence_blobs SET ${sql.ref(column)} = set_byte(${sql.ref(column)}, 0, get_byte(${sql.ref(column)}, 0) # 1)
               WHERE trust_id = ${trust.id} AND sha256 = ${ref.sha256}`.execute(h.db);
    await assert.rejects(get(trust.id, ref.sha256), (e) => e instanceof EvidenceIntegrityError && /integrity check/.test(e.message));
  }
});

test('a row copied to another trust or another address does not decrypt', async () => {
  const a = await buildTrust(h.db);
  const b = await buildTrust(h.db);
  const ref = await put(a.id, PNG);
  await sql`INSERT INTO evidence_blobs (trust_id, sha256, size, mime, key_id, iv, auth_tag, ciphertext)
            SELECT ${b.id}, sha256, size, mime, key_id, iv, auth_tag, ciphertext FROM evidence_blobs
             WHERE trust_id = ${a.id} AND sha256 = ${ref.sha256}`.execute(h.db);
  await assert.rejects(get(b.id, ref.sha256), EvidenceIntegrityError);
  const other = 'a'.repeat(64);
  await sql`INSERT INTO evidence_blobs (trust_id, sha256, size, mime, key_id, iv, auth_tag, ciphertext)
            SELECT trust_id, ${other}, size, mime, key_id, iv, auth_tag, ciphertext FROM evidence_blobs
             WHERE trust_id = ${a.id} AND sha256 = ${ref.sha256}`.execute(h.db);
  await assert.rejects(get(a.id, other), EvidenceIntegrityError);
  assert.deepEqual(await get(a.id, ref.sha256), PNG);
});

test('a different evidence key is named, not silently mis-decrypted; no key at all is refused', async () => {
  const trust = await buildTrust(h.db);
  const ref = await put(trust.id, PNG);
  const otherKey = { ...h, keys: { sessionSecret: randomBytes(32), evidenceKey: randomBytes(32) } };
  await assert.rejects(getEvidence(h.db, otherKey, { trustId: trust.id, sha256: ref.sha256 }), /encrypted with evidence key v1:[0-9a-f]{16}/);
  const noKeys = { ...h, keys: undefined };
  await assert.rejects(getEvidence(h.db, noKeys, { trustId: trust.id, sha256: ref.sha256 }), /needs the evidence key/);
  await assert.rejects(
    h.db.transaction().execute((tx) => putEvidence(tx, noKeys, { trustId: trust.id, bytes: PNG, fileName: 'a.png', mime: 'image/png' })),
    /needs the evidence key/,
  );
});

test('files over 20 MB are refused with 413 naming the limit; empty files with 400', async () => {
  const trust = await buildTrust(h.db);
  const big = Buffer.alloc(MAX_EVIDENCE_BYTES + 1, 0x41);
  await assert.rejects(put(trust.id, big), (e) => status(413)(e) && /at most 20 MB/.test((e as Error).message));
  await assert.rejects(put(trust.id, Buffer.alloc(0)), status(400));
  const exact = Buffer.concat([PNG, Buffer.alloc(MAX_EVIDENCE_BYTES - PNG.length)]);
  const ref = await put(trust.id, exact);
  assert.equal(ref.size, MAX_EVIDENCE_BYTES);
});

test('the type comes from the bytes: the client mime and name are ignored', async () => {
  const trust = await buildTrust(h.db);
  const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64), randomBytes(64)]);
  await assert.rejects(put(trust.id, exe, 'holiday.png', 'image/png'), (e) => status(415)(e) && /PNG, JPEG.*PDF, plain text/.test((e as Error).message));
  const plainZip = zip({ 'notes.txt': 'hello' });
  await assert.rejects(put(trust.id, plainZip, 'report.docx', EVIDENCE_MIME.docx), status(415));
  const ref = await put(trust.id, Buffer.from('%PDF-1.7\n%binary\n'), 'scan.jpg', 'image/jpeg');
  assert.equal(ref.mime, 'application/pdf');
});

test('sniffing recognises each accepted kind and refuses the rest', () => {
  const ftyp = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(`ftyp${brand}\0\0\0\0mif1heic`)]);
  const cases: [Buffer, string | null][] = [
    [PNG, 'image/png'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]), 'image/jpeg'],
    [Buffer.from('GIF89a\x01\x00', 'latin1'), 'image/gif'],
    [Buffer.from('GIF87a\x01\x00', 'latin1'), 'image/gif'],
    [Buffer.concat([Buffer.from('RIFF'), Buffer.from([1, 2, 3, 4]), Buffer.from('WEBPVP8 ')]), 'image/webp'],
    [Buffer.from('%PDF-1.4\n'), 'application/pdf'],
    [ftyp('heic'), 'image/heic'],
    [ftyp('mif1'), 'image/heif'],
    [ftyp('avif'), null],
    [Buffer.from('Café 10:15 — “message” sent\r\n\tthen deleted\n'), 'text/plain'],
    [Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]), 'text/plain'],
    [zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' }), EVIDENCE_MIME.docx],
    [zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' }), EVIDENCE_MIME.xlsx],
    [zip({ '[Content_Types].xml': '<Types/>', 'ppt/presentation.xml': '<p/>' }), null],
    [zip({ 'word/document.xml': '<w:document/>' }), null],
    [Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), null],
    [Buffer.from('text with a NUL\0inside'), null],
    [Buffer.from([0xc3, 0x28, 0x41]), null],
    [Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), null],
  ];
  for (const [bytes, mime] of cases) assert.equal(sniffMime(bytes), mime, `${bytes.subarray(0, 12).toString('latin1')} → ${mime}`);
});
