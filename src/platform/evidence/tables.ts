// Kysely types for the evidence store's table (migration 0004_evidence.ts).
import type { ColumnType } from 'kysely';

export type EvidenceBlobsTable = {
  trust_id: string;
  sha256: string;
  size: number;
  mime: string;
  /** Which evidence key encrypted the blob: lets a future rotation find what to re-encrypt. */
  key_id: string;
  iv: Buffer;
  auth_tag: Buffer;
  ciphertext: Buffer;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

declare module '../db/schema.ts' {
  interface Database {
    evidence_blobs: EvidenceBlobsTable;
  }
}
