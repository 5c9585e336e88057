// Kysely types for the filter-check tables (migration 0009_filter_checks_annual_review.ts).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DateOnly = ColumnType<string, string, string>;

export type FilterCheckCategoriesTable = {
  trust_id: string;
  id: string;
  school_id: string;
  name: string;
  created_by: string;
  created_at: Timestamp;
};

export type FilterChecksTable = {
  trust_id: string;
  id: string;
  school_id: string;
  checked_on: DateOnly;
  checked_by: string;
  device: string;
  user_group: string;
  year_groups: string[];
  method: string;
  service_name: string | null;
  follow_up: string | null;
  corrects_id: string | null;
  recorded_by: string;
  recorded_at: Timestamp;
};

export type FilterCheckResultsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  check_id: string;
  position: number;
  category: string;
  outcome: string;
  url: string | null;
  note: string | null;
};

export type FilterCheckTasksTable = {
  trust_id: string;
  id: string;
  school_id: string;
  check_id: string;
  result_id: string;
  category: string;
  url: string | null;
  raised_at: Timestamp;
  fixed_by: string | null;
  fixed_at: Timestamp | null;
  how_fixed: string | null;
  retest_outcome: string | null;
  retest_url: string | null;
  fix_recorded_by: string | null;
  fix_recorded_at: Timestamp | null;
};

declare module '../../platform/db/schema.ts' {
  interface Database {
    filter_check_categories: FilterCheckCategoriesTable;
    filter_checks: FilterChecksTable;
    filter_check_results: FilterCheckResultsTable;
    filter_check_tasks: FilterCheckTasksTable;
  }
}
