// The evidence store: encrypted, content-addressed files kept in PostgreSQL. A storage layer only —
// the calling module checks permission and writes the audit event in the same transaction.
import type { Haven } from '../context.ts';
import type { Executor } from '../db/index.ts';
import { badRequest, notFound } from '../errors.ts';
import { open, seal, sha256Hex } from './crypto.ts';
import { checkEvidence } from './model.ts';
import { findBlobMeta, findSealed, insertBlob } from './store.ts';

export { EvidenceIntegrityError } from './crypto.ts';
export { ALLOWED_KINDS_LABEL, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_LABEL, sniffMime } from './model.ts';

export type EvidenceRef = { sha256: string; size: number; mime: string };

function evidenceKey(haven: Haven): Buffer {
  const key = haven.keys?.evidenceKey;
  if (!key) throw new Error('The evidence store needs the evidence key, but this Haven was started without keys (see src/platform/keys.ts).');
  return key;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Stores a file for a trust and returns its address. The type is sniffed from the bytes (the
 * client's mime and file name are not trusted); the same bytes in one trust are stored once.
 * Throws 400 (empty), 413 (over 20 MB) or 415 (not an accepted kind).
 */
export async function putEvidence(
  tx: Executor,
  haven: Haven,
  input: { trustId: string; bytes: Buffer; fileName: string; mime: string },
): Promise<EvidenceRef> {
  const key = evidenceKey(haven);
  const mime = checkEvidence(input.bytes);
  const sha256 = sha256Hex(input.bytes);
  const existing = await findBlobMeta(tx, input.trustId, sha256);
  if (existing) return { sha256, size: existing.size, mime: existing.mime };
  const sealed = seal(key, input.trustId, sha256, input.bytes);
  await insertBlob(tx, { trustId: input.trustId, sha256, size: input.bytes.length, mime, sealed, at: haven.clock.now() });
  return { sha256, size: input.bytes.length, mime };
}

/** The decrypted file; 404 when this trust holds no such file; EvidenceIntegrityError if it was altered. */
export async function getEvidence(db: Executor, haven: Haven, input: { trustId: string; sha256: string }): Promise<Buffer> {
  const key = evidenceKey(haven);
  const sha256 = input.sha256.toLowerCase();
  if (!SHA256_HEX.test(sha256)) throw badRequest('An evidence address is 64 hexadecimal characters (its SHA-256).');
  const sealed = await findSealed(db, input.trustId, sha256);
  if (!sealed) throw notFound('Evidence file');
  return open(key, input.trustId, sha256, sealed);
}

/** Size and sniffed type of a stored file without decrypting it; undefined when absent. */
export async function evidenceInfo(db: Executor, input: { trustId: string; sha256: string }): Promise<EvidenceRef | undefined> {
  return findBlobMeta(db, input.trustId, input.sha256.toLowerCase());
}
