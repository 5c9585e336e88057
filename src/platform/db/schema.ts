// Hand-written table types for Kysely. Keep in step with the migrations.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, T | string | undefined, T | string>;

export type TrustsTable = {
  id: string;
  name: string;
  is_standalone: Generated<boolean>;
  is_demo: Generated<boolean>;
  created_at: DefaultedTimestamp;
};

export type SchoolsTable = {
  trust_id: string;
  id: string;
  name: string;
  urn: string | null;
  phase: Generated<string>;
  created_at: DefaultedTimestamp;
};

export type AccountsTable = {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  must_change_password: Generated<boolean>;
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  failed_attempts: Generated<number>;
  locked_at: Timestamp | null;
  locked_until: Timestamp | null;
  disabled_at: Timestamp | null;
  last_login_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
};

export const PERSON_KINDS = ['staff', 'pupil', 'parent', 'governor', 'volunteer', 'community', 'it_provider'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

export type PeopleTable = {
  trust_id: string;
  id: string;
  school_id: string | null;
  kind: PersonKind;
  given_name: string;
  family_name: string;
  preferred_name: string | null;
  email: string | null;
  phone: string | null;
  job_title: string | null;
  organisation: string | null;
  account_id: string | null;
  upn: string | null;
  staff_code: string | null;
  mis_id: string | null;
  date_of_birth: ColumnType<string | null, string | null | undefined, string | null>;
  year_group: string | null;
  registration_group: string | null;
  key_stage: string | null;
  send_flag: Generated<boolean>;
  send_status: string | null;
  status: Generated<'active' | 'leaver'>;
  left_on: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
};

export type PupilParentsTable = {
  trust_id: string;
  pupil_id: string;
  parent_id: string;
  relationship: Generated<string>;
  parental_responsibility: Generated<boolean>;
  created_at: DefaultedTimestamp;
};

export type RoleAssignmentsTable = {
  trust_id: string;
  id: string;
  person_id: string;
  school_id: string | null;
  role: string;
  created_at: DefaultedTimestamp;
  ended_at: Timestamp | null;
};

export type SessionsTable = {
  id_hash: string;
  account_id: string;
  csrf_token: string;
  mfa_passed: Generated<boolean>;
  trust_id: string | null;
  school_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: DefaultedTimestamp;
  last_seen_at: DefaultedTimestamp;
  expires_at: Timestamp;
};

export type PasswordResetTokensTable = {
  token_hash: string;
  account_id: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
};

export type ApiTokensTable = {
  trust_id: string;
  id: string;
  account_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: string[];
  school_id: string | null;
  created_by: string | null;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
};

export type AuditEventsTable = {
  trust_id: string;
  seq: ColumnType<string, string | number | bigint | undefined, never>;
  id: string;
  at: Timestamp;
  actor_account_id: string | null;
  actor_label: string;
  action: string;
  record_type: string;
  record_id: string | null;
  school_id: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: Json;
  /** Position in the trust's chain, set once by the chainer (null until linked). */
  chain_pos: ColumnType<string | null, never, string | number | bigint>;
  prev_hash: ColumnType<string | null, never, string>;
  hash: ColumnType<string | null, never, string>;
};

export type AuditHeadsTable = {
  trust_id: string;
  seq: ColumnType<string, string | number | bigint, string | number | bigint>;
  hash: string;
};

export type MailOutboxTable = {
  id: string;
  trust_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: DefaultedTimestamp;
  sent_at: Timestamp | null;
  transport: string;
  error: string | null;
  attempts: Generated<number>;
};

export type SettingsTable = {
  key: string;
  value: Json<unknown>;
  updated_at: DefaultedTimestamp;
};

/**
 * The foundation's tables. A capability declares its own tables beside its code by augmenting this
 * interface (`declare module '…/platform/db/schema.ts' { interface Database { … } }`), so modules
 * never edit one shared file.
 */
export interface Database {
  trusts: TrustsTable;
  schools: SchoolsTable;
  accounts: AccountsTable;
  people: PeopleTable;
  pupil_parents: PupilParentsTable;
  role_assignments: RoleAssignmentsTable;
  sessions: SessionsTable;
  password_reset_tokens: PasswordResetTokensTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  mail_outbox: MailOutboxTable;
  settings: SettingsTable;
  imports: ImportsTable;
}

export type Person = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type PersonUpdate = Updateable<PeopleTable>;
export type Account = Selectable<AccountsTable>;
export type School = Selectable<SchoolsTable>;
export type Trust = Selectable<TrustsTable>;

export const IMPORT_KINDS = ['pupils', 'staff'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type ImportStatus = 'preview' | 'committed' | 'failed';

export type ImportsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  kind: ImportKind;
  status: Generated<ImportStatus>;
  file_name: string;
  csv: string;
  mapping: Json<Record<string, string | null>>;
  summary: Json<Record<string, unknown>>;
  created_by: string | null;
  created_at: DefaultedTimestamp;
  committed_at: Timestamp | null;
};
export type Import = Selectable<ImportsTable>;
