// Outgoing mail. Every message is written to the outbox (so administrators can see what was sent);
// with SMTP_URL set it is also delivered over SMTP. Two ways to send:
// - `send`: write the outbox row and deliver now (for mail that is itself the action: a reset link).
// - `rows` + `deliver`: the caller writes the rows inside the transaction that caused the mail (so a
//   committed change always has its mail), then delivers them after commit. A delivery that fails is
//   retried by `retryUndelivered` (the housekeeping job) up to MAX_ATTEMPTS times.
import nodemailer from 'nodemailer';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../ids.ts';

export type OutgoingMail = {
  trustId: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * Secrets in the message (reset tokens). Once SMTP has delivered it, the outbox copy shows them
   * as [redacted]; without SMTP the outbox is the only delivery, so they stay.
   */
  redact?: string[];
};

/** An outbox row to insert in the caller's transaction. */
export type OutboxRow = {
  id: string;
  trust_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** ISO text: the rows go into a batch statement as JSON, and JSON.stringify is several times slower for a Date. */
  created_at: string;
  sent_at: null;
  transport: 'smtp' | 'outbox';
  error: null;
};

export type Mailer = {
  send(mail: OutgoingMail): Promise<{ id: string; delivered: boolean; error?: string }>;
  rows(mails: readonly OutgoingMail[]): OutboxRow[];
  /** Delivers rows the caller has committed (no-op without SMTP); failures stay in the outbox for a retry. */
  deliver(rows: readonly OutboxRow[]): Promise<void>;
  retryUndelivered(): Promise<{ delivered: number; failed: number }>;
};

export const MAX_ATTEMPTS = 5;
/** A row younger than this may still be in its first delivery; the retry leaves it alone. */
const RETRY_AFTER_MS = 2 * 60_000;

const redacted = (body: string, secrets: readonly string[]): string =>
  secrets.filter((s) => s.length > 0).reduce((text, s) => text.split(s).join('[redacted]'), body);

export function createMailer(db: Db, clock: Clock, opts: { smtpUrl: string | undefined; from: string }): Mailer {
  const transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;

  async function smtp(to: string, subject: string, text: string, html: string | null): Promise<string | undefined> {
    if (!transport) return 'no SMTP server is configured';
    try {
      await transport.sendMail({ from: opts.from, to, subject, text, ...(html ? { html } : {}) });
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  async function record(id: string, error: string | undefined) {
    await db
      .updateTable('mail_outbox')
      .set((eb) => ({ sent_at: error ? null : clock.now(), error: error ?? null, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  const rows = (mails: readonly OutgoingMail[]): OutboxRow[] => {
    const now = clock.now().toISOString();
    return mails.map((m) => ({
      id: newId(),
      trust_id: m.trustId,
      to_address: m.to,
      subject: m.subject,
      text_body: m.text,
      html_body: m.html ?? null,
      created_at: now,
      sent_at: null,
      transport: transport ? 'smtp' : 'outbox',
      error: null,
    }));
  };

  return {
    rows,
    async send(mail) {
      const id = newId();
      const error = transport ? await smtp(mail.to, mail.subject, mail.text, mail.html ?? null) : undefined;
      const delivered = Boolean(transport) && !error;
      const secrets = delivered ? (mail.redact ?? []) : [];
      await db
        .insertInto('mail_outbox')
        .values({
          id,
          trust_id: mail.trustId,
          to_address: mail.to,
          subject: mail.subject,
          text_body: redacted(mail.text, secrets),
          html_body: mail.html ? redacted(mail.html, secrets) : null,
          created_at: clock.now(),
          sent_at: delivered ? clock.now() : null,
          transport: transport ? 'smtp' : 'outbox',
          error: error ?? null,
          attempts: transport ? 1 : 0,
        })
        .execute();
      return { id, delivered, ...(error ? { error } : {}) };
    },
    async deliver(committed) {
      if (!transport) return;
      await Promise.all(committed.map(async (r) => record(r.id, await smtp(r.to_address, r.subject, r.text_body, r.html_body))));
    },
    async retryUndelivered() {
      if (!transport) return { delivered: 0, failed: 0 };
      const waiting = await db
        .selectFrom('mail_outbox')
        .select(['id', 'to_address', 'subject', 'text_body', 'html_body'])
        .where('transport', '=', 'smtp')
        .where('sent_at', 'is', null)
        .where('attempts', '<', MAX_ATTEMPTS)
        .where('created_at', '<', new Date(clock.now().getTime() - RETRY_AFTER_MS))
        .orderBy('created_at')
        .limit(200)
        .execute();
      let failed = 0;
      for (const r of waiting) {
        const error = await smtp(r.to_address, r.subject, r.text_body, r.html_body);
        if (error) failed++;
        await record(r.id, error);
      }
      return { delivered: waiting.length - failed, failed };
    },
  };
}
