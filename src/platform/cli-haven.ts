// A Haven for one command-line run: configuration from the environment, a connection that reuses the
// embedded server of a Haven already running on this data folder, the real clock and mailer.
import { systemClock } from './clock.ts';
import { loadConfig } from './config.ts';
import type { Haven } from './context.ts';
import { connectTool } from './db/connect.ts';
import { createMailer } from './mail/mailer.ts';

export async function withHaven<T>(fn: (haven: Haven) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const conn = await connectTool(config, (line) => process.stderr.write(`${line}\n`));
  try {
    return await fn({ db: conn.db, clock: systemClock, config, mail: createMailer(conn.db, systemClock, { smtpUrl: config.smtpUrl, from: config.mailFrom }) });
  } finally {
    await conn.close();
  }
}
