// Filtering and monitoring alerts: what a breach rule raised, the events behind it (capped), and an
// append-only history of every status change so who/when/why is never lost. trust_id leads every key.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE log_alerts (
      trust_id uuid NOT NULL REFERENCES trusts(id),
      id uuid NOT NULL,
      school_id uuid NOT NULL,
      rule text NOT NULL CHECK (rule IN ('harmful_content','filter_bypass','blocked_burst','monitoring_capture','filter_check_failed')),
      priority text NOT NULL CHECK (priority IN ('high','medium','low')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','acknowledged','dismissed','concern')),
      raised_at timestamptz NOT NULL,
      subject_key text NOT NULL CHECK (length(subject_key) BETWEEN 1 AND 500),
      person_id uuid,
      category text,
      why text NOT NULL CHECK (length(why) BETWEEN 1 AND 5000),
      first_at timestamptz NOT NULL,
      last_at timestamptz NOT NULL,
      event_count integer NOT NULL CHECK (event_count >= 1),
      concern_id uuid,
      acknowledged_by uuid,
      acknowledged_at timestamptz,
      acknowledged_note text,
      dismissed_by uuid,
      dismissed_at timestamptz,
      dismissed_reason text,
      false_positive boolean NOT NULL DEFAULT false,
      source_run_id uuid,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (trust_id, id),
      FOREIGN KEY (trust_id, school_id) REFERENCES schools(trust_id, id),
      FOREIGN KEY (trust_id, person_id) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, concern_id) REFERENCES concerns(trust_id, id),
      FOREIGN KEY (trust_id, acknowledged_by) REFERENCES people(trust_id, id),
      FOREIGN KEY (trust_id, dismissed_by) REFERENCES people(trust_id, id),
      CHECK (last_at >= first_at),
      -- A status is a fact: each one carries who and when (and why, for a dismissal).
      CHECK (status <> 'concern' OR concern_id IS NOT NULL),
      CHECK (status <> 'dismissed' OR (dismissed_at IS NOT NULL AND length(dismissed_reason) > 0)),
      CHECK (status <> 'acknowledged' OR acknowledged_at IS NOT NULL),
      CHECK (NOT false_positive OR status = 'dismissed')
    );
    CREATE INDEX log_alerts_queue ON log_alerts (trust_id, school_id, status, priority, first_at);
    CREATE INDEX log_alerts_fold ON log_alerts (trust_id, school_id, subject_key, last_at) WHERE status = 'open';
    CREATE INDEX log_alerts_person ON log_alerts (trust_id, person_id) WHERE person_id IS NOT NULL;
    CREATE INDEX log_alerts_false_positive ON log_alerts (trust_id, school_id, rule) WHERE false_positive;

    CREATE TABLE log_alert_events (
      trust_id uuid NOT NULL,
      alert_id uuid NOT NULL,
      seq integer NOT NULL,
      at timestamptz NOT NULL,
      source text NOT NULL,
      user_name text,
      client_ip text,
      device text,
      host text NOT NULL,
      url text,
      action text NOT NULL CHECK (action IN ('allowed','blocked')),
      filter_category text,
      reason text,
      severity smallint,
      trigger text,
      capture_ref text,
      PRIMARY KEY (trust_id, alert_id, seq),
      FOREIGN KEY (trust_id, alert_id) REFERENCES log_alerts(trust_id, id)
    );
    CREATE TRIGGER log_alert_events_append_only BEFORE UPDATE OR DELETE ON log_alert_events
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
    CREATE TRIGGER log_alert_events_no_truncate BEFORE TRUNCATE ON log_alert_events
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change();

    CREATE TABLE log_alert_history (
      trust_id uuid NOT NULL,
      alert_id uuid NOT NULL,
      id uuid NOT NULL,
      at timestamptz NOT NULL,
      by_person_id uuid,
      by_label text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('raised','folded','notified','acknowledged','dismissed','concern_opened','concern_joined')),
      status_from text,
      status_to text NOT NULL,
      note text,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      PRIMARY KEY (trust_id, alert_id, id),
      FOREIGN KEY (trust_id, alert_id) REFERENCES log_alerts(trust_id, id),
      FOREIGN KEY (trust_id, by_person_id) REFERENCES people(trust_id, id)
    );
    CREATE INDEX log_alert_history_at ON log_alert_history (trust_id, alert_id, at);
    CREATE TRIGGER log_alert_history_append_only BEFORE UPDATE OR DELETE ON log_alert_history
      FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
    CREATE TRIGGER log_alert_history_no_truncate BEFORE TRUNCATE ON log_alert_history
      FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse_change();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Haven migrations are forward-only; restore a backup to go back.');
}
