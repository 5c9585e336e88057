// Foundation schema: tenancy, directory, roles, accounts, sessions, tokens, audit, mail.
// Citus-ready: every tenant table carries trust_id in its primary key and in every foreign key
// between tenant tables. Accounts are global (one login may serve several trusts, e.g. an IT provider).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE trusts (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      is_standalone boolean NOT NULL DEFAULT false,
      is_demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE schools (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      urn text,
      phase text NOT NULL DEFAULT 'primary',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, name)
    );

    CREATE TABLE accounts (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      display_name text NOT NULL,
      password_hash text,
      must_change_password boolean NOT NULL DEFAULT false,
      totp_secret text,
      totp_enabled_at timestamptz,
      failed_attempts integer NOT NULL DEFAULT 0,
      locked_at timestamptz,
      locked_until timestamptz,
      disabled_at timestamptz,
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));

    CREATE TABLE people (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid,
      kind text NOT NULL CHECK (kind IN ('staff','pupil','parent','governor','volunteer','community','it_provider')),
      given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
      family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
      preferred_name text,
      email text,
      phone text,
      job_title text,
      organisation text,
      account_id uuid REFERENCES accounts(id),
      upn text CHECK (upn IS NULL OR upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'),
      staff_code text,
      mis_id text,
      date_of_birth date,
      year_group text,
      registration_group text,
      key_stage text,
      send_flag boolean NOT NULL DEFAULT false,
      send_status text,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','leaver')),
      left_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      CHECK (kind <> 'pupil' OR school_id IS NOT NULL)
    );
    CREATE UNIQUE INDEX people_upn_key ON people (trust_id, upn) WHERE upn IS NOT NULL;
    CREATE UNIQUE INDEX people_staff_code_key ON people (trust_id, school_id, staff_code) WHERE staff_code IS NOT NULL;
    CREATE UNIQUE INDEX people_account_key ON people (trust_id, account_id) WHERE account_id IS NOT NULL;
    -- Every request finds the signed-in account's people across trusts by account alone.
    CREATE INDEX people_account ON people (account_id) WHERE account_id IS NOT NULL;
    CREATE INDEX people_school_kind ON people (trust_id, school_id, kind, family_name);
    CREATE INDEX people_search ON people (trust_id, lower(family_name), lower(given_name));

    CREATE TABLE pupil_parents (
      trust_id uuid NOT NULL,
      pupil_id uuid NOT NULL,
      parent_id uuid NOT NULL,
      relationship text NOT NULL DEFAULT 'parent',
      parental_responsibility boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (trust_id, pupil_id, parent_id),
      FOREIGN KEY (trust_id, pupil_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, parent_id) REFERENCES people(trust_id, id)
    );

    CREATE TABLE role_assignments (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      person_id uuid NOT NULL,
      school_id uuid,
      role text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );
    CREATE UNIQUE INDEX role_assignments_live_key
      ON role_assignments (trust_id, person_id, coalesce(school_id, '00000000-0000-0000-0000-000000000000'::uuid), role)
      WHERE ended_at IS NULL;

    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts(id),
      csrf_token text NOT NULL,
      mfa_passed boolean NOT NULL DEFAULT false,
      trust_id uuid,
      school_id uuid,
      ip text,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_account ON sessions (account_id);

    CREATE TABLE password_reset_tokens (
      token_hash text PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );

    CREATE TABLE api_tokens (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      account_id uuid NOT NULL REFERENCES accounts(id),
      name text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      scopes text[] NOT NULL,
      school_id uuid,
      created_by uuid REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      last_used_at timestamptz,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );

    -- Audit: append-only and hash-chained per trust. Platform events (no trust) use the nil UUID.
    -- An event is written in the transaction of the change it records, unchained; the chainer then
    -- links committed events in order (chain_pos, prev_hash, hash), so writers never queue on one lock.
    CREATE TABLE audit_events (
      trust_id uuid NOT NULL,
      seq bigserial NOT NULL,
      id uuid NOT NULL,
      at timestamptz NOT NULL,
      actor_account_id uuid,
      actor_label text NOT NULL,
      action text NOT NULL,
      record_type text NOT NULL,
      record_id text,
      school_id uuid,
      ip text,
      user_agent text,
      detail jsonb NOT NULL DEFAULT '{}'::jsonb,
      chain_pos bigint,
      prev_hash text,
      hash text,
      PRIMARY KEY (trust_id, seq),
      UNIQUE (trust_id, chain_pos),
      CHECK ((chain_pos IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL))
    );
    CREATE INDEX audit_events_record ON audit_events (trust_id, record_type, record_id);
    CREATE INDEX audit_events_at ON audit_events (trust_id, at DESC);
    CREATE INDEX audit_events_unchained ON audit_events (trust_id, seq) WHERE hash IS NULL;

    CREATE TABLE audit_heads (
      trust_id uuid PRIMARY KEY,
      seq bigint NOT NULL,
      hash text NOT NULL
    );

    -- The only change ever allowed: linking an unchained event once, leaving every recorded field as it was.
    CREATE FUNCTION haven_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
         AND (NEW.trust_id, NEW.seq, NEW.id, NEW.at, NEW.actor_account_id, NEW.actor_label, NEW.action,
              NEW.record_type, NEW.record_id, NEW.school_id, NEW.ip, NEW.user_agent, NEW.detail)
             IS NOT DISTINCT FROM
             (OLD.trust_id, OLD.seq, OLD.id, OLD.at, OLD.actor_account_id, OLD.actor_label, OLD.action,
              OLD.record_type, OLD.record_id, OLD.school_id, OLD.ip, OLD.user_agent, OLD.detail) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER audit_events_append_only
      BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION haven_audit_is_append_only();
    CREATE TRIGGER audit_events_no_truncate
      BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION haven_audit_is_append_only();

    CREATE TABLE mail_outbox (
      id uuid PRIMARY KEY,
      trust_id uuid,
      to_address text NOT NULL,
      subject text NOT NULL,
      text_body text NOT NULL,
      html_body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      transport text NOT NULL,
      error text
    );
    CREATE INDEX mail_outbox_created ON mail_outbox (created_at DESC);

    CREATE TABLE settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
