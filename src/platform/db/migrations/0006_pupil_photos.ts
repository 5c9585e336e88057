// Pupil photos for the "who must not appear" list (the bytes live encrypted in evidence_blobs; this
// row says which file is the pupil's current photo), and parents' withdrawal links: long-lived,
// single-use tokens bound to one pupil and parent (and, once accepted, to that acceptance).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE pupil_photos (
      trust_id uuid NOT NULL,
      person_id uuid NOT NULL,
      sha256 text NOT NULL,
      uploaded_by text NOT NULL,
      uploaded_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, person_id),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, sha256) REFERENCES evidence_blobs(trust_id, sha256)
    );

    -- acceptance_id is null while the parent has not yet accepted through parent_link_id; it is
    -- filled in when they do, so the link in the first email can withdraw that acceptance later.
    CREATE TABLE agreement_withdraw_links (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      token_hash text NOT NULL UNIQUE,
      school_id uuid NOT NULL,
      pupil_id uuid NOT NULL,
      parent_id uuid NOT NULL,
      parent_link_id uuid,
      acceptance_id uuid,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, pupil_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, parent_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, parent_link_id) REFERENCES agreement_parent_links(trust_id, id),
      FOREIGN KEY (trust_id, acceptance_id) REFERENCES agreement_acceptances(trust_id, id)
    );
    CREATE INDEX agreement_withdraw_links_parent_link ON agreement_withdraw_links (trust_id, parent_link_id);
    CREATE INDEX agreement_withdraw_links_acceptance ON agreement_withdraw_links (trust_id, acceptance_id);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
