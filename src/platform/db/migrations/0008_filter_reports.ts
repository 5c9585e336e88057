// Users' reports that a site should be blocked or unblocked, and the online safety lead's decision on
// each. Both are append-only: a decision is a new fact (one per report), never an edit of the report.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE filter_reports (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
      direction text NOT NULL CHECK (direction IN ('block','unblock')),
      why text NOT NULL CHECK (length(why) BETWEEN 1 AND 5000),
      where_seen text CHECK (where_seen IS NULL OR length(where_seen) <= 500),
      reported_by uuid NOT NULL,
      reported_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, reported_by) REFERENCES people(trust_id, id)
    );
    CREATE INDEX filter_reports_school ON filter_reports (trust_id, school_id, reported_at DESC);

    CREATE TABLE filter_report_decisions (
      trust_id uuid NOT NULL,
      id uuid NOT NULL,
      report_id uuid NOT NULL,
      school_id uuid NOT NULL,
      decision text NOT NULL CHECK (decision IN ('change_requested','declined')),
      change_id uuid,
      reason text CHECK (reason IS NULL OR length(reason) <= 5000),
      decided_by uuid NOT NULL,
      decided_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      -- one decision per report: a second one is refused by the database too
      CONSTRAINT filter_report_decided_once UNIQUE (trust_id, report_id),
      FOREIGN KEY (trust_id, report_id) REFERENCES filter_reports(trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, change_id) REFERENCES filter_change_requests(trust_id, id),
      FOREIGN KEY (trust_id, decided_by) REFERENCES people(trust_id, id),
      CONSTRAINT filter_report_decision_facts CHECK (
        (decision = 'change_requested' AND change_id IS NOT NULL)
        OR (decision = 'declined' AND change_id IS NULL AND reason IS NOT NULL AND length(reason) > 0))
    );

    CREATE TRIGGER filter_reports_append_only BEFORE UPDATE OR DELETE ON filter_reports
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change('record a decision instead');
    CREATE TRIGGER filter_reports_no_truncate BEFORE TRUNCATE ON filter_reports
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change();
    CREATE TRIGGER filter_report_decisions_append_only BEFORE UPDATE OR DELETE ON filter_report_decisions
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
    CREATE TRIGGER filter_report_decisions_no_truncate BEFORE TRUNCATE ON filter_report_decisions
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
