// Scheduled monitoring reviews: each school's schedule (kinds, cadence, reviewer roles) and the
// reviews Haven creates when a period ends. A signed-off review is read-only at the database too.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE monitoring_review_schedules (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      school_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,39}$'),
      label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
      cadence text NOT NULL CHECK (cadence IN ('weekly','monthly','annual')),
      reviewer_roles text[] NOT NULL CHECK (cardinality(reviewer_roles) > 0),
      overdue_after_days integer NOT NULL CHECK (overdue_after_days BETWEEN 1 AND 365),
      position integer NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, school_id, kind),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id)
    );

    CREATE TABLE monitoring_reviews (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      kind text NOT NULL,
      label text NOT NULL,
      cadence text NOT NULL CHECK (cadence IN ('weekly','monthly','annual')),
      reviewer_roles text[] NOT NULL CHECK (cardinality(reviewer_roles) > 0),
      period_start date NOT NULL,
      period_end date NOT NULL CHECK (period_end >= period_start),
      due_at timestamptz NOT NULL,
      overdue_after_days integer NOT NULL CHECK (overdue_after_days BETWEEN 1 AND 365),
      status text NOT NULL DEFAULT 'due' CHECK (status IN ('due','signed_off')),
      figures jsonb NOT NULL,
      figures_at timestamptz NOT NULL,
      signed_off_at timestamptz,
      signed_off_by uuid,
      notes text,
      actions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(actions) = 'array'),
      reminded_at timestamptz,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, signed_off_by) REFERENCES people(trust_id, id),
      -- one review per school, kind and period: a job that runs twice never makes two
      CONSTRAINT monitoring_review_once_per_period UNIQUE (trust_id, school_id, kind, period_start),
      CONSTRAINT monitoring_review_signed_off_facts CHECK (
        (status = 'signed_off') = (signed_off_at IS NOT NULL AND signed_off_by IS NOT NULL AND notes IS NOT NULL))
    );
    CREATE INDEX monitoring_reviews_school ON monitoring_reviews (trust_id, school_id, period_end DESC);
    CREATE INDEX monitoring_reviews_open ON monitoring_reviews (due_at) WHERE status = 'due';

    -- Signed off means frozen: no update or delete, whatever the code path.
    CREATE TRIGGER monitoring_reviews_frozen BEFORE UPDATE OR DELETE ON monitoring_reviews
      FOR EACH ROW WHEN (OLD.status = 'signed_off')
      EXECUTE FUNCTION haven_refuse_change('a signed-off review is read-only');
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
