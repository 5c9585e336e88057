// Kysely types for the agreements and consents tables (migration 0005_agreements.ts).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DateOnly = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, T | string, T | string>;

export type AgreementsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  audience: string;
  title: string;
  draft_title: string | null;
  draft_text: string | null;
  draft_updated_at: Timestamp | null;
  created_at: Timestamp;
};

export type AgreementVersionsTable = {
  trust_id: string;
  id: string;
  agreement_id: string;
  number: number;
  title: string;
  text: string;
  published_at: Timestamp;
  published_by: string;
};

export type CampaignsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  version_id: string;
  title: string;
  due_on: DateOnly;
  groups: Json<unknown[]>;
  reminder_days: number;
  created_at: Timestamp;
  created_by: string;
  last_reminded_at: Timestamp | null;
};

export type AcceptancesTable = {
  trust_id: string;
  id: string;
  school_id: string;
  version_id: string;
  person_id: string;
  campaign_id: string | null;
  method: string;
  accepted_at: Timestamp;
  parent_id: string | null;
  signed_name: string | null;
  discussed_on: ColumnType<string | null, string | null | undefined, string | null>;
  evidence_sha256: string | null;
  recorded_by_account_id: string | null;
  recorded_by: string;
};

export type WithdrawalsTable = {
  trust_id: string;
  id: string;
  acceptance_id: string;
  reason: string;
  withdrawn_at: Timestamp;
  recorded_by_account_id: string | null;
  recorded_by: string;
};

export type ParentLinksTable = {
  trust_id: string;
  id: string;
  token_hash: string;
  school_id: string;
  version_id: string;
  campaign_id: string | null;
  pupil_id: string;
  parent_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
};

export type KiosksTable = {
  trust_id: string;
  id: string;
  token_hash: string;
  school_id: string;
  campaign_id: string;
  registration_group: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  opened_by_account_id: string | null;
  opened_by: string;
};

export type ConsentRecordsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  pupil_id: string;
  purpose: string;
  value: boolean;
  parent_id: string | null;
  parent_name: string | null;
  method: string;
  recorded_at: Timestamp;
  recorded_by_account_id: string | null;
  recorded_by: string;
};

export type InductionTicksTable = {
  trust_id: string;
  person_id: string;
  item: string;
  done_at: Timestamp;
  note: string | null;
  recorded_by: string;
};

// Migration 0006_pupil_photos.ts.
export type PupilPhotosTable = {
  trust_id: string;
  person_id: string;
  sha256: string;
  uploaded_by: string;
  uploaded_at: Timestamp;
};

export type WithdrawLinksTable = {
  trust_id: string;
  id: string;
  token_hash: string;
  school_id: string;
  pupil_id: string;
  parent_id: string;
  parent_link_id: string | null;
  acceptance_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
};

declare module '../../platform/db/schema.ts' {
  interface Database {
    agreements: AgreementsTable;
    agreement_versions: AgreementVersionsTable;
    agreement_campaigns: CampaignsTable;
    agreement_acceptances: AcceptancesTable;
    agreement_withdrawals: WithdrawalsTable;
    agreement_parent_links: ParentLinksTable;
    agreement_kiosks: KiosksTable;
    consent_records: ConsentRecordsTable;
    induction_ticks: InductionTicksTable;
    pupil_photos: PupilPhotosTable;
    agreement_withdraw_links: WithdrawLinksTable;
  }
}
