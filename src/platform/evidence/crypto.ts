// AES-256-GCM for evidence at rest. The additional data binds each ciphertext to its trust and its
// address, so a row copied to another trust or relabelled with another hash fails to decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type Sealed = { keyId: string; iv: Buffer; authTag: Buffer; ciphertext: Buffer };

export class EvidenceIntegrityError extends Error {}

/** A short, non-secret fingerprint of the key: stored per blob so a rotation knows what to re-encrypt. */
export function evidenceKeyId(key: Buffer): string {
  return `v1:${createHash('sha256').update('haven-evidence-key-id\0').update(key).digest('hex').slice(0, 16)}`;
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const aad = (trustId: string, sha256: string) => Buffer.from(`haven-evidence:v1:${trustId}:${sha256}`, 'utf8');

export function seal(key: Buffer, trustId: string, sha256: string, plaintext: Buffer): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(trustId, sha256));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { keyId: evidenceKeyId(key), iv, authTag: cipher.getAuthTag(), ciphertext };
}

/** Decrypts and checks the plaintext still hashes to its address; any mismatch is an integrity error. */
export function open(key: Buffer, trustId: string, sha256: string, sealed: Sealed): Buffer {
  if (sealed.keyId !== evidenceKeyId(key)) {
    throw new EvidenceIntegrityError(
      `Evidence ${sha256} was encrypted with evidence key ${sealed.keyId}, but this Haven runs with ${evidenceKeyId(key)}. Start Haven with the key that was in use when the file was stored.`,
    );
  }
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(trustId, sha256));
    decipher.setAuthTag(sealed.authTag);
    plaintext = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new EvidenceIntegrityError(`Evidence ${sha256} failed its integrity check: the stored file has been altered or moved.`);
  }
  if (sha256Hex(plaintext) !== sha256) {
    throw new EvidenceIntegrityError(`Evidence ${sha256} decrypted to different contents than its address says.`);
  }
  return plaintext;
}
