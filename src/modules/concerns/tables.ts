// Kysely types for the concerns tables (migration 0003_concerns.ts).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, T | string | undefined, T | string>;

export type ConcernCountersTable = { trust_id: string; school_id: string; last_number: number };

export type ConcernsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  reference: string;
  reporter_person_id: string;
  created_at: Timestamp;
  occurred_at: Timestamp;
  what_happened: string;
  location: string | null;
  device: string | null;
  urls: string[];
  told_dsl_in_person: boolean;
  may_be_indecent_images: boolean;
  area: string;
  type: string;
  urgent: boolean;
  status: Generated<string>;
  path: string | null;
  outcome: string | null;
  owner_person_id: string | null;
  routing: string;
  repeated: Generated<boolean>;
  viewing_stopped_at: Timestamp | null;
  device_isolated_at: Timestamp | null;
  referral_agency: string | null;
  referral_reference: string | null;
  referred_at: Timestamp | null;
  findings: string | null;
  judgement: string | null;
  deviation_reason: string | null;
  feedback: string | null;
  lessons_learned: string | null;
  last_activity_at: Timestamp;
  reminded_at: Timestamp | null;
  closed_at: Timestamp | null;
};

export type ConcernPeopleTable = {
  trust_id: string;
  concern_id: string;
  id: string;
  person_id: string | null;
  kind: string;
  unknown: boolean;
  description: string | null;
};

export type ConcernTimelineTable = {
  trust_id: string;
  concern_id: string;
  id: string;
  at: Timestamp;
  by_person_id: string | null;
  by_label: string;
  kind: string;
  text: string;
  data: Json;
  corrects_id: string | null;
};

export type ConcernDraftsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  account_id: string;
  form: Json;
  updated_at: Timestamp;
};

export type ConcernEvidenceTable = {
  trust_id: string;
  concern_id: string;
  sha256: string;
  file_name: string;
  mime: string;
  size: number;
  added_by: string | null;
  added_by_label: string;
  added_at: Timestamp;
};

export type ConcernAttendeesTable = {
  trust_id: string;
  concern_id: string;
  person_id: string;
  role: string;
  senior: boolean;
  recorded_at: Timestamp;
};

export type ConcernActionsTable = {
  trust_id: string;
  concern_id: string;
  id: string;
  action: string;
  note: string | null;
  done_by: string | null;
  done_by_label: string;
  done_at: Timestamp;
};

export type ConcernSharesTable = {
  trust_id: string;
  concern_id: string;
  person_id: string;
  shared_by: string | null;
  shared_at: Timestamp;
};

export type SanctionsMatrixTable = {
  trust_id: string;
  school_id: string;
  subject: string;
  type: string;
  actions: string[];
  updated_at: Timestamp;
};

declare module '../../platform/db/schema.ts' {
  interface Database {
    concern_counters: ConcernCountersTable;
    concerns: ConcernsTable;
    concern_people: ConcernPeopleTable;
    concern_timeline: ConcernTimelineTable;
    concern_drafts: ConcernDraftsTable;
    concern_evidence: ConcernEvidenceTable;
    concern_attendees: ConcernAttendeesTable;
    concern_actions: ConcernActionsTable;
    concern_shares: ConcernSharesTable;
    sanctions_matrix: SanctionsMatrixTable;
  }
}
