// Outgoing mail. Every message is written to the outbox (so administrators can see what was sent);
// with SMTP_URL set it is also delivered over SMTP. Send after the transaction that caused it commits.
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

export type Mailer = { send(mail: OutgoingMail): Promise<{ id: string; delivered: boolean; error?: string }> };

const redacted = (body: string, secrets: readonly string[]): string =>
  secrets.filter((s) => s.length > 0).reduce((text, s) => text.split(s).join('[redacted]'), body);

export function createMailer(db: Db, clock: Clock, opts: { smtpUrl: string | undefined; from: string }): Mailer {
  const transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
  return {
    async send(mail) {
      const id = newId();
      let error: string | undefined;
      if (transport) {
        try {
          await transport.sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
        }
      }
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
        })
        .execute();
      return { id, delivered, ...(error ? { error } : {}) };
    },
  };
}
