// pg-boss on Haven's own database (schema `pgboss`): queues and schedules live in the same
// PostgreSQL as everything else, so several app processes share them and a restart loses nothing.
import { PgBoss } from 'pg-boss';
import type { Haven } from '../context.ts';
import { JOBS, type JobDefinition } from './registry.ts';

export type Jobs = { boss: PgBoss; stop(): Promise<void> };

export type JobsOptions = {
  jobs?: readonly JobDefinition[];
  /** pg-boss keeps a small pool of its own (its multi-statement queries need a plain pg pool). */
  connectionString: string;
  log?: (line: string) => void;
};

export async function startJobs(haven: Haven, opts: JobsOptions): Promise<Jobs> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const boss = new PgBoss({ connectionString: opts.connectionString, schema: 'pgboss', max: 4, application_name: 'haven-jobs' });
  // An unhandled 'error' event would end the process; a failed poll is retried on the next one.
  boss.on('error', (err: unknown) => log(`jobs: ${err instanceof Error ? err.message : String(err)}`));
  await boss.start();
  try {
    for (const job of opts.jobs ?? JOBS) {
      await boss.createQueue(job.name);
      await boss.work(job.name, { pollingIntervalSeconds: job.pollingIntervalSeconds ?? 2 }, async (batch) => {
        for (const item of batch) await job.run(haven, item.data);
      });
      if (job.schedule) await boss.schedule(job.name, job.schedule, null, { tz: 'UTC' });
    }
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw err;
  }
  return {
    boss,
    // Running jobs get up to 10 s to finish; pg-boss retries any it had to abandon.
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}
