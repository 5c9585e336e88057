// Every background job Haven runs. A capability that needs a queue or a schedule adds its entry
// here (like the route list in http/routes.ts); startJobs() creates the queues, schedules and workers.
import type { Haven } from '../context.ts';
import { remindCampaigns } from '../../modules/agreements/reminders.ts';
import { remindStaleConcerns } from '../../modules/concerns/notify.ts';
import { expireTemporaryChanges } from '../../modules/filtering/service.ts';
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

/** Every 5 minutes: mail whose SMTP delivery failed is tried again (a few times) rather than lost. */
export const mailRetryJob: JobDefinition = {
  name: 'mail.retry',
  schedule: '*/5 * * * *',
  run: (haven) => haven.mail.retryUndelivered(),
};

export const JOBS: readonly JobDefinition[] = [mailRetryJob, housekeepingJob, concernRemindersJob, agreementRemindersJob, filterRevertsJob];
