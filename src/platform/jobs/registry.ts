// Every background job Haven runs. A capability that needs a queue or a schedule adds its entry
// here (like the route list in http/routes.ts); startJobs() creates the queues, schedules and workers.
import type { Haven } from '../context.ts';
import { remindCampaigns } from '../../modules/agreements/reminders.ts';
import { remindStaleConcerns } from '../../modules/concerns/notify.ts';
import { expireTemporaryChanges } from '../../modules/filtering/service.ts';
import { createDueReviews, remindOverdueReviews } from '../../modules/monitoring-reviews/service.ts';
import { applyRetention } from '../../modules/logs/service.ts';
import { watchAll } from '../../modules/logs/watch.ts';
import { housekeeping } from './housekeeping.ts';

export type JobDefinition = {
  /** Queue name: lower-case words joined by dashes or dots. */
  name: string;
  /** Cron expression in UTC, when the job runs on a schedule. */
  schedule?: string;
  /** Seconds between polls for new jobs (pg-boss default 2). */
  pollingIntervalSeconds?: number;
  run(haven: Haven, data: unknown): Promise<unknown>;
};

export const housekeepingJob: JobDefinition = {
  name: 'housekeeping',
  schedule: '*/15 * * * *',
  run: (haven) => housekeeping(haven),
};

/** Daily at 07:00 UTC: mail the routed people about open concerns nobody has touched for N days. */
export const concernRemindersJob: JobDefinition = {
  name: 'concerns.reminders',
  schedule: '0 7 * * *',
  run: (haven) => remindStaleConcerns(haven),
};

/** Daily at 07:30 UTC: remind people still outstanding on agreement campaigns (on each campaign's schedule). */
export const agreementRemindersJob: JobDefinition = {
  name: 'agreements.reminders',
  schedule: '30 7 * * *',
  run: (haven) => remindCampaigns(haven),
};

/** Hourly: temporary unblocks past their end are marked due for revert and the IT provider is told. */
export const filterRevertsJob: JobDefinition = {
  name: 'filtering.reverts',
  schedule: '5 * * * *',
  run: (haven) => expireTemporaryChanges(haven),
};

/** Hourly: create each school's monitoring reviews whose period has ended (idempotent). */
export const monitoringReviewsJob: JobDefinition = {
  name: 'monitoring.reviews',
  schedule: '10 * * * *',
  run: (haven) => createDueReviews(haven),
};

/** Daily at 07:15 UTC: remind reviewers of overdue monitoring reviews (at most once a day each). */
export const monitoringRemindersJob: JobDefinition = {
  name: 'monitoring.reminders',
  schedule: '15 7 * * *',
  run: (haven) => remindOverdueReviews(haven),
};

/** Every 5 minutes: mail whose SMTP delivery failed is tried again (a few times) rather than lost. */
export const mailRetryJob: JobDefinition = {
  name: 'mail.retry',
  schedule: '*/5 * * * *',
  run: (haven) => haven.mail.retryUndelivered(),
};

/** Every minute: read new lines from the watched log folders (HAVEN_LOG_WATCH_DIR), resuming from saved offsets. */
export const logWatchJob: JobDefinition = {
  name: 'logs.watch',
  schedule: '* * * * *',
  run: async (haven) => (await watchAll(haven)).map((r) => ({ source: r.source, file: r.file, lines: r.summary.lines, malformed: r.summary.malformed.total })),
};

/** Daily at 02:30 UTC: raw log lines past each school's raw window and hourly counts past retention are deleted. */
export const logRetentionJob: JobDefinition = {
  name: 'logs.retention',
  schedule: '30 2 * * *',
  run: (haven) => applyRetention(haven),
};

export const JOBS: readonly JobDefinition[] = [mailRetryJob, logWatchJob, logRetentionJob, housekeepingJob, concernRemindersJob, agreementRemindersJob, filterRevertsJob, monitoringReviewsJob, monitoringRemindersJob];
