// Mail written in the same transaction as the change that caused it is delivered afterwards; a failed
// delivery is retried a few times rather than given up at once.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE mail_outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;
    CREATE INDEX mail_outbox_undelivered ON mail_outbox (created_at) WHERE transport = 'smtp' AND sent_at IS NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX mail_outbox_undelivered; ALTER TABLE mail_outbox DROP COLUMN attempts;`.execute(db);
}
