// Kysely types for the filtering change-control tables (migration 0007_filtering_changes.ts).
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

declare module '../../platform/db/schema.ts' {
  interface Database {
    filter_change_requests: FilterChangeRequestsTable;
    filter_change_log: FilterChangeLogTable;
  }
}
