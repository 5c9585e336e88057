// Shapes of the logs API (src/modules/logs/routes.ts).

export type Format = { id: string; label: string; reasons: string[] };

export type GenericMapping = {
  kind: 'csv' | 'json';
  fields: Partial<Record<string, string | number>>;
  timeFormat: string;
  delimiter?: string;
  timezone?: string;
};

export type Source = {
  id: string;
  name: string;
  format: string;
  formatLabel: string;
  options: { mapping?: GenericMapping; timezone?: string };
  watchPath: string | null;
  createdAt: string;
};

export type SourceList = { sources: Source[]; formats: Format[] };

export type IngestSummary = {
  runId: string;
  school: string;
  format: string;
  name: string;
  bytes: number;
  lines: number;
  events: number;
  skipped: number;
  malformed: { total: number; byReason: Record<string, number>; samples: { reason: string; line: string }[] };
  alerts: { created: number; folded: number };
  seconds: number;
  linesPerSecond: number;
  peakRssMiB: number;
};

export type Run = {
  id: string;
  sourceId: string | null;
  sourceName: string | null;
  origin: 'cli' | 'upload' | 'watch';
  format: string;
  name: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  bytes: number;
  lines: number;
  events: number;
  skipped: number;
  malformed: { total: number; byReason: Record<string, number> };
  alerts: { created: number; folded: number };
  error: string | null;
};

type Pair = { blocked: number; allowed: number };
export type LogSummary = {
  from: string;
  to: string;
  totals: Pair;
  byCategory: ({ category: string; label: string } & Pair)[];
  byGroup: ({ group: string } & Pair)[];
  byDay: ({ date: string } & Pair)[];
  topBlocked: ({ category: string; label: string } & Pair)[];
};

/** The fields a generic export can map, with what each means. */
export const GENERIC_FIELDS: { field: string; label: string }[] = [
  { field: 'time', label: 'Time (required)' },
  { field: 'host', label: 'Host or domain' },
  { field: 'url', label: 'URL' },
  { field: 'user', label: 'User' },
  { field: 'clientIp', label: 'Client IP address' },
  { field: 'device', label: 'Device name' },
  { field: 'action', label: 'Action (allowed or blocked)' },
  { field: 'category', label: "The filter's category" },
  { field: 'reason', label: 'Reason or rule' },
  { field: 'bytes', label: 'Bytes' },
  { field: 'severity', label: 'Severity (monitoring captures)' },
  { field: 'trigger', label: 'Trigger text (monitoring captures)' },
  { field: 'captureRef', label: 'Screenshot reference' },
];

export const TIME_FORMATS = [
  { value: 'iso', label: 'ISO 8601 (2026-11-23T09:00:00Z)' },
  { value: 'dd/MM/yyyy HH:mm:ss', label: 'UK (23/11/2026 09:00:00)' },
  { value: 'yyyy-MM-dd HH:mm:ss', label: '2026-11-23 09:00:00' },
  { value: 'epoch_s', label: 'Seconds since 1970' },
  { value: 'epoch_ms', label: 'Milliseconds since 1970' },
];

export const MANAGE_ROLES = ['network_manager', 'online_safety_lead', 'headteacher', 'trust_admin'];

export const bytesLabel = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KB` : `${n} bytes`);
