// Kysely types for the annual review table (migration 0009_filter_checks_annual_review.ts).
import type { ColumnType } from 'kysely';
import type { Evidence } from './evidence.ts';
import type { Item, Participant, RiskProfile, StandardEntry, StandardKey } from './model.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DateOnly = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;

export type AnnualReviewsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  period_start: DateOnly;
  period_end: DateOnly;
  participants: Json<Participant[]>;
  risk_profile: Json<RiskProfile>;
  standards: Json<Record<StandardKey, StandardEntry>>;
  items: Json<Item[]>;
  evidence: Json<Evidence> | null;
  status: ColumnType<'draft' | 'signed_off', 'draft' | 'signed_off' | undefined, 'draft' | 'signed_off'>;
  created_by: string;
  created_at: Timestamp;
  updated_by: string;
  updated_at: Timestamp;
  signed_off_by: string | null;
  signed_off_at: Timestamp | null;
  sign_off_note: string | null;
};

declare module '../../platform/db/schema.ts' {
  interface Database {
    annual_reviews: AnnualReviewsTable;
  }
}
