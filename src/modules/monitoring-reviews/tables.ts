// Kysely types for the monitoring review tables (migration 0010_monitoring_reviews.ts).
import type { ColumnType, Generated } from 'kysely';
import type { Action, Figures } from './model.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DateOnly = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;

export type MonitoringReviewSchedulesTable = {
  trust_id: string;
  school_id: string;
  kind: string;
  label: string;
  cadence: string;
  reviewer_roles: string[];
  overdue_after_days: number;
  position: number;
  updated_at: Timestamp;
};

export type MonitoringReviewsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  kind: string;
  label: string;
  cadence: string;
  reviewer_roles: string[];
  period_start: DateOnly;
  period_end: DateOnly;
  due_at: Timestamp;
  overdue_after_days: number;
  status: Generated<string>;
  figures: Json<Figures>;
  figures_at: Timestamp;
  signed_off_at: Timestamp | null;
  signed_off_by: string | null;
  notes: string | null;
  actions: ColumnType<Action[], string | undefined, string>;
  reminded_at: Timestamp | null;
  created_at: Timestamp;
};

declare module '../../platform/db/schema.ts' {
  interface Database {
    monitoring_review_schedules: MonitoringReviewSchedulesTable;
    monitoring_reviews: MonitoringReviewsTable;
  }
}
