// Kysely types for the log ingest tables (migration 0013_log_ingest.ts).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type BigCount = ColumnType<string, number | string, number | string>;
type DefaultedCount = ColumnType<string, number | string | undefined, number | string>;

export type LogSourcesTable = {
  trust_id: string;
  id: string;
  school_id: string;
  name: string;
  format: string;
  options: Json<Record<string, unknown>>;
  watch_path: string | null;
  created_at: Timestamp;
  created_by: string;
};

export type LogIngestRunsTable = {
  trust_id: string;
  id: string;
  school_id: string;
  source_id: string | null;
  origin: 'cli' | 'upload' | 'watch';
  format: string;
  options: Json<Record<string, unknown>>;
  name: string;
  first_line: string | null;
  status: Generated<'running' | 'done' | 'failed'>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  bytes: DefaultedCount;
  lines: DefaultedCount;
  events: DefaultedCount;
  skipped: DefaultedCount;
  malformed: Json<Record<string, number>>;
  alerts_created: Generated<number>;
  alerts_folded: Generated<number>;
  error: string | null;
};

export type LogFileOffsetsTable = {
  trust_id: string;
  source_id: string;
  file_key: string;
  path: string;
  head_hash: string;
  read_to: BigCount;
  updated_at: Timestamp;
};

export type LogHourlyTable = {
  trust_id: string;
  school_id: string;
  hour: Timestamp;
  user_group: string;
  category: string;
  action: 'allowed' | 'blocked';
  run_id: string;
  events: BigCount;
  bytes: BigCount;
};

export type LogEventBlocksTable = {
  trust_id: string;
  id: string;
  school_id: string;
  run_id: string;
  seq: number;
  first_at: Timestamp | null;
  last_at: Timestamp | null;
  lines: number;
  codec: 'zstd';
  data: Buffer;
};

export type LogAddressLeasesTable = {
  trust_id: string;
  id: string;
  school_id: string;
  person_id: string;
  ip: string | null;
  device: string | null;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
  created_at: Timestamp;
};

declare module '../../platform/db/schema.ts' {
  interface Database {
    log_sources: LogSourcesTable;
    log_ingest_runs: LogIngestRunsTable;
    log_file_offsets: LogFileOffsetsTable;
    log_hourly: LogHourlyTable;
    log_event_blocks: LogEventBlocksTable;
    log_address_leases: LogAddressLeasesTable;
  }
}
