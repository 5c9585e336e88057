// Filter checks (a record of each test of the filter, with a task for the IT provider per failed
// category) and the annual filtering and monitoring review. Checks and their results are facts:
// append-only. A task changes once, when it is recorded fixed. A review is read-only once signed off.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE filter_check_categories (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, created_by) REFERENCES people(trust_id, id)
    );
    CREATE UNIQUE INDEX filter_check_categories_name ON filter_check_categories (trust_id, school_id, lower(name));

    CREATE TABLE filter_checks (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      checked_on date NOT NULL,
      checked_by uuid NOT NULL,
      device text NOT NULL CHECK (length(device) BETWEEN 1 AND 200),
      user_group text NOT NULL CHECK (user_group IN ('pupils','staff')),
      year_groups text[] NOT NULL DEFAULT '{}',
      method text NOT NULL CHECK (method IN ('online_service','own_list')),
      service_name text,
      follow_up text,
      corrects_id uuid,
      recorded_by uuid NOT NULL,
      recorded_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, checked_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, recorded_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, corrects_id) REFERENCES filter_checks(trust_id, id),
      CONSTRAINT filter_check_pupils_have_years CHECK (user_group <> 'pupils' OR cardinality(year_groups) > 0)
    );
    CREATE INDEX filter_checks_school ON filter_checks (trust_id, school_id, checked_on DESC);

    CREATE TABLE filter_check_results (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      check_id uuid NOT NULL,
      position int NOT NULL,
      category text NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
      outcome text NOT NULL CHECK (outcome IN ('blocked','not_blocked')),
      url text,
      note text,
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, check_id, position),
      FOREIGN KEY (trust_id, check_id) REFERENCES filter_checks(trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );

    CREATE TRIGGER filter_checks_append_only BEFORE UPDATE OR DELETE ON filter_checks
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change('record a correcting check instead');
    CREATE TRIGGER filter_checks_no_truncate BEFORE TRUNCATE ON filter_checks
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change('record a correcting check instead');
    CREATE TRIGGER filter_check_results_append_only BEFORE UPDATE OR DELETE ON filter_check_results
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change('record a correcting check instead');
    CREATE TRIGGER filter_check_results_no_truncate BEFORE TRUNCATE ON filter_check_results
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change('record a correcting check instead');

    CREATE TABLE filter_check_tasks (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      check_id uuid NOT NULL,
      result_id uuid NOT NULL,
      category text NOT NULL,
      url text,
      raised_at timestamptz NOT NULL,
      fixed_by text,
      fixed_at timestamptz,
      how_fixed text,
      retest_outcome text CHECK (retest_outcome IN ('blocked','not_blocked')),
      retest_url text,
      fix_recorded_by uuid,
      fix_recorded_at timestamptz,
      PRIMARY KEY (trust_id, id),
      UNIQUE (trust_id, result_id),
      FOREIGN KEY (trust_id, check_id) REFERENCES filter_checks(trust_id, id),
      FOREIGN KEY (trust_id, result_id) REFERENCES filter_check_results(trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, fix_recorded_by) REFERENCES people(trust_id, id),
      -- A fix is all of who, when, how and who recorded it, or none of them.
      CONSTRAINT filter_check_task_fix_complete CHECK (
        (fixed_at IS NULL AND fixed_by IS NULL AND how_fixed IS NULL AND fix_recorded_by IS NULL AND fix_recorded_at IS NULL AND retest_outcome IS NULL)
        OR (fixed_at IS NOT NULL AND fixed_by IS NOT NULL AND how_fixed IS NOT NULL AND fix_recorded_by IS NOT NULL AND fix_recorded_at IS NOT NULL))
    );
    CREATE INDEX filter_check_tasks_open ON filter_check_tasks (trust_id, school_id, raised_at) WHERE fixed_at IS NULL;

    -- A task is recorded fixed once; after that (and never by deletion) it does not change.
    CREATE FUNCTION haven_filter_task_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' OR OLD.fixed_at IS NOT NULL THEN
        RAISE EXCEPTION 'filter_check_tasks: a task recorded fixed is final (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.trust_id <> OLD.trust_id OR NEW.id <> OLD.id OR NEW.school_id <> OLD.school_id OR NEW.check_id <> OLD.check_id
         OR NEW.result_id <> OLD.result_id OR NEW.category <> OLD.category OR NEW.url IS DISTINCT FROM OLD.url OR NEW.raised_at <> OLD.raised_at THEN
        RAISE EXCEPTION 'filter_check_tasks: only the fix may be recorded' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER filter_check_tasks_guard BEFORE UPDATE OR DELETE ON filter_check_tasks
      FOR EACH ROW EXECUTE FUNCTION haven_filter_task_guard();

    CREATE TABLE annual_reviews (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      period_start date NOT NULL,
      period_end date NOT NULL,
      participants jsonb NOT NULL DEFAULT '[]',
      risk_profile jsonb NOT NULL DEFAULT '{}',
      standards jsonb NOT NULL DEFAULT '{}',
      items jsonb NOT NULL DEFAULT '[]',
      evidence jsonb,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','signed_off')),
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL,
      updated_by uuid NOT NULL,
      updated_at timestamptz NOT NULL,
      signed_off_by uuid,
      signed_off_at timestamptz,
      sign_off_note text,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, created_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, updated_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, signed_off_by) REFERENCES people(trust_id, id),
      CONSTRAINT annual_review_period CHECK (period_end >= period_start),
      CONSTRAINT annual_review_signed_facts CHECK (
        (status = 'draft' AND signed_off_by IS NULL AND signed_off_at IS NULL AND evidence IS NULL)
        OR (status = 'signed_off' AND signed_off_by IS NOT NULL AND signed_off_at IS NOT NULL AND evidence IS NOT NULL))
    );
    CREATE INDEX annual_reviews_school ON annual_reviews (trust_id, school_id, period_end DESC);

    -- Signed off means read-only: no update, no delete, whoever asks.
    CREATE FUNCTION haven_annual_review_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status = 'signed_off' THEN
        RAISE EXCEPTION 'annual_reviews: a signed-off review is read-only (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER annual_reviews_read_only_when_signed BEFORE UPDATE OR DELETE ON annual_reviews
      FOR EACH ROW EXECUTE FUNCTION haven_annual_review_guard();
    CREATE TRIGGER annual_reviews_no_truncate BEFORE TRUNCATE ON annual_reviews
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change('signed-off reviews are kept');
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
