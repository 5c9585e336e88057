// Filtering change control: requests and their append-only change-control log. The two-person rule
// is repeated here as CHECK constraints so that no code path (or hand-written SQL) can skip it.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE filter_change_requests (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('block','unblock')),
      targets jsonb NOT NULL CHECK (jsonb_typeof(targets) = 'array' AND jsonb_array_length(targets) > 0),
      user_group text NOT NULL CHECK (user_group IN ('pupils','staff','class')),
      year_groups text[] NOT NULL DEFAULT '{}',
      class_name text,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
      ends_at timestamptz,
      state text NOT NULL DEFAULT 'requested'
        CHECK (state IN ('requested','approved_by_head','agreed_by_second','applied','reverted','refused','expired')),
      requested_by uuid NOT NULL,
      requested_at timestamptz NOT NULL,
      head_decided_by uuid,
      head_decided_at timestamptz,
      head_reason text,
      second_decided_by uuid,
      second_decided_at timestamptz,
      second_reason text,
      applied_by uuid,
      applied_at timestamptz,
      ticket_reference text,
      revert_due_at timestamptz,
      reverted_by uuid,
      reverted_at timestamptz,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, requested_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, head_decided_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, second_decided_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, applied_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, reverted_by) REFERENCES people(trust_id, id),
      CONSTRAINT filter_change_not_own_request CHECK (head_decided_by <> requested_by AND second_decided_by <> requested_by),
      CONSTRAINT filter_change_two_people CHECK (second_decided_by <> head_decided_by),
      CONSTRAINT filter_change_temporary_unblock CHECK (ends_at IS NULL OR kind = 'unblock'),
      CONSTRAINT filter_change_applied_after_both CHECK (
        applied_at IS NULL OR (head_decided_by IS NOT NULL AND second_decided_by IS NOT NULL
          AND state IN ('applied','reverted') AND applied_by IS NOT NULL)),
      CONSTRAINT filter_change_state_facts CHECK (
        (state <> 'approved_by_head' OR head_decided_by IS NOT NULL)
        AND (state NOT IN ('agreed_by_second','applied','reverted') OR (head_decided_by IS NOT NULL AND second_decided_by IS NOT NULL))
        AND (state NOT IN ('applied','reverted') OR applied_at IS NOT NULL)
        AND (state <> 'reverted' OR (reverted_at IS NOT NULL AND ends_at IS NOT NULL)))
    );
    CREATE INDEX filter_change_requests_school ON filter_change_requests (trust_id, school_id, requested_at DESC);
    CREATE INDEX filter_change_requests_due ON filter_change_requests (ends_at) WHERE state = 'applied' AND revert_due_at IS NULL;

    CREATE TABLE filter_change_log (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      change_id uuid NOT NULL,
      at timestamptz NOT NULL,
      by_person_id uuid,
      by_label text NOT NULL,
      step text NOT NULL CHECK (step IN ('requested','approved','refused','agreed','applied','revert_due','reverted','expired')),
      state text NOT NULL,
      what text NOT NULL,
      reason text,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, change_id) REFERENCES filter_change_requests(trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, by_person_id) REFERENCES people(trust_id, id)
    );
    CREATE INDEX filter_change_log_school ON filter_change_log (trust_id, school_id, at);
    CREATE INDEX filter_change_log_change ON filter_change_log (trust_id, change_id, at);

    CREATE TRIGGER filter_change_log_append_only BEFORE UPDATE OR DELETE ON filter_change_log
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
    CREATE TRIGGER filter_change_log_no_truncate BEFORE TRUNCATE ON filter_change_log
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
