// Kysely types for the alerts tables (migration 0011_log_alerts.ts).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<Record<string, unknown>, string | undefined, string>;

export type LogAlertsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  rule: string;
  priority: string;
  status: Generated<string>;
  raised_at: Timestamp;
  subject_key: string;
  person_id: string | null;
  category: string | null;
  why: string;
  first_at: Timestamp;
  last_at: Timestamp;
  event_count: number;
  concern_id: string | null;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
  acknowledged_note: string | null;
  dismissed_by: string | null;
  dismissed_at: Timestamp | null;
  dismissed_reason: string | null;
  false_positive: Generated<boolean>;
  source_run_id: string | null;
  updated_at: Timestamp;
};

export type LogAlertEventsTable = {
  trust_id: string;
  alert_id: string;
  seq: number;
  at: Timestamp;
  source: string;
  user_name: string | null;
  client_ip: string | null;
  device: string | null;
  host: string;
  url: string | null;
  action: string;
  filter_category: string | null;
  reason: string | null;
  severity: number | null;
  trigger: string | null;
  capture_ref: string | null;
};

export type LogAlertHistoryTable = {
  trust_id: string;
  alert_id: string;
  id: string;
  at: Timestamp;
  by_person_id: string | null;
  by_label: string;
  kind: string;
  status_from: string | null;
  status_to: string;
  note: string | null;
  data: Json;
};

declare module '../../platform/db/schema.ts' {
  interface Database {
    log_alerts: LogAlertsTable;
    log_alert_events: LogAlertEventsTable;
    log_alert_history: LogAlertHistoryTable;
  }
}
