// Concerns and incidents: the report, who is involved, the response (owner, path, referral,
// investigation, actions), an append-only timeline, drafts, evidence links, shares and each
// school's sanctions matrix. trust_id leads every key, as everywhere.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE concern_counters (
      trust_id uuid NOT NULL,
      school_id uuid NOT NULL,
      last_number integer NOT NULL,
      PRIMARY KEY (trust_id, school_id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );

    CREATE TABLE concerns (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      reference text NOT NULL,
      reporter_person_id uuid NOT NULL,
      created_at timestamptz NOT NULL,
      occurred_at timestamptz NOT NULL,
      what_happened text NOT NULL CHECK (length(what_happened) BETWEEN 1 AND 20000),
      location text,
      device text,
      urls text[] NOT NULL DEFAULT '{}',
      told_dsl_in_person boolean NOT NULL,
      may_be_indecent_images boolean NOT NULL DEFAULT false,
      area text NOT NULL CHECK (area IN ('content','contact','conduct','commerce')),
      type text NOT NULL,
      urgent boolean NOT NULL,
      status text NOT NULL DEFAULT 'new' CHECK (status IN ('new','triage','investigating','actions','closed')),
      path text CHECK (path IN ('illegal','investigation')),
      outcome text CHECK (outcome IN ('substantiated','not_substantiated','referred','duplicate','no_further_action')),
      owner_person_id uuid,
      routing text NOT NULL CHECK (routing IN ('ordinary','about_staff','about_headteacher')),
      repeated boolean NOT NULL DEFAULT false,
      viewing_stopped_at timestamptz,
      device_isolated_at timestamptz,
      referral_agency text CHECK (referral_agency IN ('police','ceop','mash','lado')),
      referral_reference text,
      referred_at timestamptz,
      findings text,
      judgement text CHECK (judgement IN ('substantiated','not_substantiated')),
      deviation_reason text,
      feedback text,
      lessons_learned text,
      last_activity_at timestamptz NOT NULL,
      reminded_at timestamptz,
      closed_at timestamptz,
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, school_id, reference),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, reporter_person_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, owner_person_id) REFERENCES people(trust_id, id)
    );
    CREATE INDEX concerns_queue ON concerns (trust_id, school_id, status, urgent DESC, created_at);
    CREATE INDEX concerns_reporter ON concerns (trust_id, reporter_person_id, created_at DESC);
    CREATE INDEX concerns_stale ON concerns (status, last_activity_at) WHERE status <> 'closed';

    -- What the reporter submitted is a record: it can never be changed afterwards, and no case is deleted.
    CREATE FUNCTION haven_concern_report_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'concerns are never deleted' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.trust_id IS DISTINCT FROM OLD.trust_id OR NEW.school_id IS DISTINCT FROM OLD.school_id
         OR NEW.reference IS DISTINCT FROM OLD.reference OR NEW.reporter_person_id IS DISTINCT FROM OLD.reporter_person_id
         OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.occurred_at IS DISTINCT FROM OLD.occurred_at
         OR NEW.what_happened IS DISTINCT FROM OLD.what_happened OR NEW.location IS DISTINCT FROM OLD.location
         OR NEW.device IS DISTINCT FROM OLD.device OR NEW.urls IS DISTINCT FROM OLD.urls
         OR NEW.told_dsl_in_person IS DISTINCT FROM OLD.told_dsl_in_person
         OR NEW.may_be_indecent_images IS DISTINCT FROM OLD.may_be_indecent_images THEN
        RAISE EXCEPTION 'the submitted report of a concern cannot be changed; add a note or a correction'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER concerns_report_fixed BEFORE UPDATE OR DELETE ON concerns
      FOR EACH ROW EXECUTE FUNCTION haven_concern_report_is_fixed();

    CREATE TABLE concern_people (
      trust_id uuid NOT NULL,
      concern_id uuid NOT NULL,
      id uuid NOT NULL,
      person_id uuid,
      kind text NOT NULL,
      unknown boolean NOT NULL DEFAULT false,
      description text,
      PRIMARY KEY (trust_id, concern_id, id),
      FOREIGN KEY (trust_id, concern_id) REFERENCES concerns(trust_id, id),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id),
      CHECK (unknown OR person_id IS NOT NULL)
    );
    CREATE INDEX concern_people_person ON concern_people (trust_id, person_id);

    CREATE TABLE concern_timeline (
      trust_id uuid NOT NULL,
      concern_id uuid NOT NULL,
      id uuid NOT NULL,
      at timestamptz NOT NULL,
      by_person_id uuid,
      by_label text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('status','owner','type','urgency','note','action','evidence','follow_up','correction','referral','sharing')),
      text text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      corrects_id uuid,
      PRIMARY KEY (trust_id, concern_id, id),
      FOREIGN KEY (trust_id, concern_id) REFERENCES concerns(trust_id, id),
      FOREIGN KEY (trust_id, concern_id, corrects_id) REFERENCES concern_timeline(trust_id, concern_id, id)
    );
    CREATE INDEX concern_timeline_at ON concern_timeline (trust_id, concern_id, at);

    -- Shared by every append-only table from here on: refuses UPDATE/DELETE (row triggers) and
    -- TRUNCATE (statement triggers). An optional trigger argument says what to do instead.
    CREATE FUNCTION haven_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_NARGS > 0 THEN
        RAISE EXCEPTION '% is append-only: % is not allowed (%)', TG_TABLE_NAME, TG_OP, TG_ARGV[0]
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER concern_timeline_append_only BEFORE UPDATE OR DELETE ON concern_timeline
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change('add a correction instead');
    CREATE TRIGGER concern_timeline_no_truncate BEFORE TRUNCATE ON concern_timeline
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change('add a correction instead');

    CREATE TABLE concern_drafts (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      account_id uuid NOT NULL REFERENCES accounts(id),
      form jsonb NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );
    CREATE INDEX concern_drafts_owner ON concern_drafts (trust_id, school_id, account_id);

    CREATE TABLE concern_evidence (
      trust_id uuid NOT NULL,
      concern_id uuid NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      file_name text NOT NULL,
      mime text NOT NULL,
      size integer NOT NULL,
      added_by uuid,
      added_by_label text NOT NULL,
      added_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, concern_id, sha256),
      FOREIGN KEY (trust_id, concern_id) REFERENCES concerns(trust_id, id),
      FOREIGN KEY (trust_id, added_by) REFERENCES people(trust_id, id)
    );

    CREATE TABLE concern_attendees (
      trust_id uuid NOT NULL,
      concern_id uuid NOT NULL,
      person_id uuid NOT NULL,
      role text NOT NULL,
      senior boolean NOT NULL,
      recorded_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, concern_id, person_id),
      FOREIGN KEY (trust_id, concern_id) REFERENCES concerns(trust_id, id),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id)
    );

    CREATE TABLE concern_actions (
      trust_id uuid NOT NULL,
      concern_id uuid NOT NULL,
      id uuid NOT NULL,
      action text NOT NULL,
      note text,
      done_by uuid,
      done_by_label text NOT NULL,
      done_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, concern_id, id),
      FOREIGN KEY (trust_id, concern_id) REFERENCES concerns(trust_id, id),
      FOREIGN KEY (trust_id, done_by) REFERENCES people(trust_id, id)
    );

    CREATE TABLE concern_shares (
      trust_id uuid NOT NULL,
      concern_id uuid NOT NULL,
      person_id uuid NOT NULL,
      shared_by uuid,
      shared_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, concern_id, person_id),
      FOREIGN KEY (trust_id, concern_id) REFERENCES concerns(trust_id, id),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id)
    );
    CREATE INDEX concern_shares_person ON concern_shares (trust_id, person_id);

    CREATE TABLE sanctions_matrix (
      trust_id uuid NOT NULL,
      school_id uuid NOT NULL,
      subject text NOT NULL CHECK (subject IN ('pupil','staff')),
      type text NOT NULL,
      actions text[] NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, school_id, subject, type),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
