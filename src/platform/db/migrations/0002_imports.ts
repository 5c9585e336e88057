// MIS imports: the uploaded CSV, its column mapping and the last preview summary, kept so the
// mapping step and the commit work on exactly what was uploaded, and so the trust can see what ran.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE imports (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('pupils','staff')),
      status text NOT NULL DEFAULT 'preview' CHECK (status IN ('preview','committed','failed')),
      file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
      csv text NOT NULL,
      mapping jsonb NOT NULL DEFAULT '{}'::jsonb,
      summary jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_by uuid REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      committed_at timestamptz,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );
    CREATE INDEX imports_school_created ON imports (trust_id, school_id, created_at DESC);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
