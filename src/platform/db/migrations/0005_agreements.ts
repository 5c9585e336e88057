// Agreements and consents: per-school agreement templates with immutable published versions,
// campaigns (membership is computed from the directory, never copied), acceptances and withdrawals
// (append-only), single-use parent links and class kiosks (only token hashes stored), per-purpose
// photo/name consents (append-only history) and manual induction ticks. trust_id leads every key.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE agreements (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      audience text NOT NULL CHECK (audience IN ('staff','pupil_upper','pupil_early','parent','community','mobile_device','remote_learning')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      draft_title text,
      draft_text text,
      draft_updated_at timestamptz,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, school_id, audience),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      CHECK ((draft_title IS NULL) = (draft_text IS NULL))
    );

    -- Every row is a published version: what people accepted must read exactly as they saw it.
    CREATE TABLE agreement_versions (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      agreement_id uuid NOT NULL,
      number integer NOT NULL CHECK (number >= 1),
      title text NOT NULL,
      text text NOT NULL,
      published_at timestamptz NOT NULL,
      published_by text NOT NULL,
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, agreement_id, number),
      FOREIGN KEY (trust_id, agreement_id) REFERENCES agreements(trust_id, id)
    );
    CREATE TRIGGER agreement_versions_immutable BEFORE UPDATE OR DELETE ON agreement_versions
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change('add a new record instead');
    CREATE TRIGGER agreement_versions_no_truncate BEFORE TRUNCATE ON agreement_versions
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change('add a new record instead');

    CREATE TABLE agreement_campaigns (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      version_id uuid NOT NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      due_on date NOT NULL,
      groups jsonb NOT NULL,
      reminder_days integer NOT NULL CHECK (reminder_days BETWEEN 1 AND 60),
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      last_reminded_at timestamptz,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, version_id) REFERENCES agreement_versions(trust_id, id)
    );
    CREATE INDEX agreement_campaigns_school ON agreement_campaigns (trust_id, school_id, due_on DESC);

    -- person_id is whose agreement it is (for parents' agreements: the pupil, signed by parent_id).
    CREATE TABLE agreement_acceptances (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      version_id uuid NOT NULL,
      person_id uuid NOT NULL,
      campaign_id uuid,
      method text NOT NULL CHECK (method IN ('in_app','parent_link','kiosk','teacher_recorded','paper')),
      accepted_at timestamptz NOT NULL,
      parent_id uuid,
      signed_name text,
      discussed_on date,
      evidence_sha256 text CHECK (evidence_sha256 IS NULL OR evidence_sha256 ~ '^[0-9a-f]{64}$'),
      recorded_by_account_id uuid REFERENCES accounts(id),
      recorded_by text NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, version_id) REFERENCES agreement_versions(trust_id, id),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, parent_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, campaign_id) REFERENCES agreement_campaigns(trust_id, id)
    );
    CREATE INDEX agreement_acceptances_version ON agreement_acceptances (trust_id, version_id, person_id, accepted_at);
    CREATE INDEX agreement_acceptances_person ON agreement_acceptances (trust_id, person_id);
    CREATE TRIGGER agreement_acceptances_append_only BEFORE UPDATE OR DELETE ON agreement_acceptances
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change('add a new record instead');
    CREATE TRIGGER agreement_acceptances_no_truncate BEFORE TRUNCATE ON agreement_acceptances
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change('add a new record instead');

    CREATE TABLE agreement_withdrawals (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      acceptance_id uuid NOT NULL,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
      withdrawn_at timestamptz NOT NULL,
      recorded_by_account_id uuid REFERENCES accounts(id),
      recorded_by text NOT NULL,
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, acceptance_id),
      FOREIGN KEY (trust_id, acceptance_id) REFERENCES agreement_acceptances(trust_id, id)
    );
    CREATE TRIGGER agreement_withdrawals_append_only BEFORE UPDATE OR DELETE ON agreement_withdrawals
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change('add a new record instead');
    CREATE TRIGGER agreement_withdrawals_no_truncate BEFORE TRUNCATE ON agreement_withdrawals
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change('add a new record instead');

    -- Token hashes are unique across trusts: a public link is looked up before its trust is known.
    CREATE TABLE agreement_parent_links (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      school_id uuid NOT NULL,
      version_id uuid NOT NULL,
      campaign_id uuid,
      pupil_id uuid NOT NULL,
      parent_id uuid NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, version_id) REFERENCES agreement_versions(trust_id, id),
      FOREIGN KEY (trust_id, campaign_id) REFERENCES agreement_campaigns(trust_id, id),
      FOREIGN KEY (trust_id, pupil_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, parent_id) REFERENCES people(trust_id, id)
    );

    CREATE TABLE agreement_kiosks (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      school_id uuid NOT NULL,
      campaign_id uuid NOT NULL,
      registration_group text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      opened_by_account_id uuid REFERENCES accounts(id),
      opened_by text NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, campaign_id) REFERENCES agreement_campaigns(trust_id, id)
    );

    CREATE TABLE consent_records (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      pupil_id uuid NOT NULL,
      purpose text NOT NULL,
      value boolean NOT NULL,
      parent_id uuid,
      parent_name text,
      method text NOT NULL CHECK (method IN ('paper','in_app','parent_link')),
      recorded_at timestamptz NOT NULL,
      recorded_by_account_id uuid REFERENCES accounts(id),
      recorded_by text NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, pupil_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, parent_id) REFERENCES people(trust_id, id)
    );
    CREATE INDEX consent_records_pupil ON consent_records (trust_id, pupil_id, purpose, recorded_at DESC, id DESC);
    CREATE TRIGGER consent_records_append_only BEFORE UPDATE OR DELETE ON consent_records
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change('add a new record instead');
    CREATE TRIGGER consent_records_no_truncate BEFORE TRUNCATE ON consent_records
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change('add a new record instead');

    CREATE TABLE induction_ticks (
      trust_id uuid NOT NULL,
      person_id uuid NOT NULL,
      item text NOT NULL CHECK (item IN ('policyRead','trainingRecorded')),
      done_at timestamptz NOT NULL,
      note text,
      recorded_by text NOT NULL,
      PRIMARY KEY (trust_id, person_id, item),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id)
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
