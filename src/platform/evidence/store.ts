// SQL of the evidence store; every query is keyed by trust_id.
import type { Executor } from '../db/index.ts';
import './tables.ts';
import type { Sealed } from './crypto.ts';

export type BlobMeta = { sha256: string; size: number; mime: string };

export async function findBlobMeta(db: Executor, trustId: string, sha256: string): Promise<BlobMeta | undefined> {
  return db
    .selectFrom('evidence_blobs')
    .select(['sha256', 'size', 'mime'])
    .where('trust_id', '=', trustId)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
}

/** Inserts once per (trust, hash): a concurrent upload of the same file keeps the first copy. */
export async function insertBlob(
  tx: Executor,
  row: BlobMeta & { trustId: string; sealed: Sealed; at: Date },
): Promise<void> {
  await tx
    .insertInto('evidence_blobs')
    .values({
      trust_id: row.trustId,
      sha256: row.sha256,
      size: row.size,
      mime: row.mime,
      key_id: row.sealed.keyId,
      iv: row.sealed.iv,
      auth_tag: row.sealed.authTag,
      ciphertext: row.sealed.ciphertext,
      created_at: row.at,
    })
    .onConflict((oc) => oc.columns(['trust_id', 'sha256']).doNothing())
    .execute();
}

export async function findSealed(db: Executor, trustId: string, sha256: string): Promise<Sealed | undefined> {
  const row = await db
    .selectFrom('evidence_blobs')
    .select(['key_id', 'iv', 'auth_tag', 'ciphertext'])
    .where('trust_id', '=', trustId)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return row && { keyId: row.key_id, iv: row.iv, authTag: row.auth_tag, ciphertext: row.ciphertext };
}
