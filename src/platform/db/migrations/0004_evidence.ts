// Evidence files: encrypted at rest, addressed by the SHA-256 of their plaintext, one copy per trust.
// Kept in PostgreSQL (bytea) so transactions, backup and restore cover evidence like any other record.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE evidence_blobs (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size integer NOT NULL CHECK (size BETWEEN 1 AND 20971520),
      mime text NOT NULL CHECK (length(mime) BETWEEN 1 AND 200),
      key_id text NOT NULL,
      iv bytea NOT NULL CHECK (length(iv) = 12),
      auth_tag bytea NOT NULL CHECK (length(auth_tag) = 16),
      ciphertext bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (trust_id, sha256)
    );
    -- Ciphertext does not compress; skip TOAST compression attempts.
    ALTER TABLE evidence_blobs ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
