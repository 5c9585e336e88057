// Filtering and monitoring logs: the sources a school reads, each ingest run, where a watched file was
// read up to, hourly counts, the raw lines (compressed blocks, kept for the raw window) and who held an
// IP address or device when (for attributing lines to people).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE log_sources (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      format text NOT NULL,
      options jsonb NOT NULL DEFAULT '{}',
      watch_path text,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, school_id, name),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );

    CREATE TABLE log_ingest_runs (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      source_id uuid,
      origin text NOT NULL CHECK (origin IN ('cli','upload','watch')),
      format text NOT NULL,
      options jsonb NOT NULL DEFAULT '{}',
      name text NOT NULL,
      first_line text,
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running','done','failed')),
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      bytes bigint NOT NULL DEFAULT 0,
      lines bigint NOT NULL DEFAULT 0,
      events bigint NOT NULL DEFAULT 0,
      skipped bigint NOT NULL DEFAULT 0,
      malformed jsonb NOT NULL DEFAULT '{}',
      alerts_created integer NOT NULL DEFAULT 0,
      alerts_folded integer NOT NULL DEFAULT 0,
      error text,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, source_id) REFERENCES log_sources(trust_id, id)
    );
    CREATE INDEX log_ingest_runs_school ON log_ingest_runs (trust_id, school_id, started_at DESC);

    CREATE TABLE log_file_offsets (
      trust_id uuid NOT NULL,
      source_id uuid NOT NULL,
      file_key text NOT NULL,
      path text NOT NULL,
      head_hash text NOT NULL,
      read_to bigint NOT NULL CHECK (read_to >= 0),
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, source_id, file_key),
      FOREIGN KEY (trust_id, source_id) REFERENCES log_sources(trust_id, id)
    );

    CREATE TABLE log_hourly (
      trust_id uuid NOT NULL,
      school_id uuid NOT NULL,
      hour timestamptz NOT NULL,
      user_group text NOT NULL,
      category text NOT NULL,
      action text NOT NULL CHECK (action IN ('allowed','blocked')),
      -- Counts are kept per run, so a run that fails part-way can take its counts back with it.
      run_id uuid NOT NULL,
      events bigint NOT NULL CHECK (events >= 0),
      bytes bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (trust_id, school_id, hour, user_group, category, action, run_id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, run_id) REFERENCES log_ingest_runs(trust_id, id)
    );
    CREATE INDEX log_hourly_run ON log_hourly (trust_id, run_id);

    CREATE TABLE log_event_blocks (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      run_id uuid NOT NULL,
      seq integer NOT NULL,
      first_at timestamptz,
      last_at timestamptz,
      lines integer NOT NULL,
      codec text NOT NULL CHECK (codec IN ('zstd')),
      data bytea NOT NULL,
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, run_id, seq),
      FOREIGN KEY (trust_id, run_id) REFERENCES log_ingest_runs(trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );
    -- Already compressed: stored as is, not compressed again by TOAST.
    ALTER TABLE log_event_blocks ALTER COLUMN data SET STORAGE EXTERNAL;
    CREATE INDEX log_event_blocks_time ON log_event_blocks (trust_id, school_id, last_at);

    CREATE TABLE log_address_leases (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      person_id uuid NOT NULL,
      ip inet,
      device text,
      valid_from timestamptz NOT NULL,
      valid_to timestamptz,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      CHECK (ip IS NOT NULL OR device IS NOT NULL),
      CHECK (valid_to IS NULL OR valid_to > valid_from),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id)
    );
    CREATE INDEX log_address_leases_school ON log_address_leases (trust_id, school_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE log_address_leases, log_event_blocks, log_hourly, log_file_offsets, log_ingest_runs, log_sources`.execute(db);
}
