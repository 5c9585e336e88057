// Kysely types for the filtering change-control tables (migrations 0007_filtering_changes.ts, 0008_filter_reports.ts).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type FilterChangeRequestsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  kind: string;
  targets: Json<{ type: 'site' | 'category'; value: string }[]>;
  user_group: string;
  year_groups: string[];
  class_name: string | null;
  reason: string;
  ends_at: Timestamp | null;
  state: Generated<string>;
  requested_by: string;
  requested_at: Timestamp;
  head_decided_by: string | null;
  head_decided_at: Timestamp | null;
  head_reason: string | null;
  second_decided_by: string | null;
  second_decided_at: Timestamp | null;
  second_reason: string | null;
  applied_by: string | null;
  applied_at: Timestamp | null;
  ticket_reference: string | null;
  revert_due_at: Timestamp | null;
  reverted_by: string | null;
  reverted_at: Timestamp | null;
};

export type FilterChangeLogTable = {
  trust_id: string;
  id: string;
  school_id: string;
  change_id: string;
  at: Timestamp;
  by_person_id: string | null;
  by_label: string;
  step: string;
  state: string;
  what: string;
  reason: string | null;
};

export type FilterReportsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  url: string;
  direction: string;
  why: string;
  where_seen: string | null;
  reported_by: string;
  reported_at: Timestamp;
};

export type FilterReportDecisionsTable = {
  trust_id: string;
  id: string;
  report_id: string;
  school_id: string;
  decision: string;
  change_id: string | null;
  reason: string | null;
  decided_by: string;
  decided_at: Timestamp;
};

declare module '../../platform/db/schema.ts' {
  interface Database {
    filter_change_requests: FilterChangeRequestsTable;
    filter_change_log: FilterChangeLogTable;
    filter_reports: FilterReportsTable;
    filter_report_decisions: FilterReportDecisionsTable;
  }
}
