// A Haven for one command-line run: configuration from the environment, a connection that reuses the
// embedded server of a Haven already running on this data folder, the real clock, and the mailer loaded
// on first use — most commands send no mail, and nodemailer costs ~20 MB and ~40 modules at start.
import { createRequire } from 'node:module';
import { systemClock } from './clock.ts';
import { type Config, loadConfig } from './config.ts';
import type { Haven } from './context.ts';
import { connectTool } from './db/connect.ts';
import type { Db } from './db/index.ts';
import type { Mailer } from './mail/mailer.ts';

const require = createRequire(import.meta.url);

function mailerOnFirstUse(db: Db, config: Config): Mailer {
  let real: Mailer | undefined;
  const mailer = () => {
    // Synchronous (require of an ES module) because `rows` is.
    const { createMailer } = require('./mail/mailer.ts') as typeof import('./mail/mailer.ts');
    real ??= createMailer(db, systemClock, { smtpUrl: config.smtpUrl, from: config.mailFrom });
    return real;
  };
  return {
    send: (mail) => mailer().send(mail),
    rows: (mails) => mailer().rows(mails),
    deliver: (rows) => mailer().deliver(rows),
    retryUndelivered: () => mailer().retryUndelivered(),
  };
}

export async function withHaven<T>(fn: (haven: Haven) => Promise<T>, config: Config = loadConfig(process.env)): Promise<T> {
  const conn = await connectTool(config, (line) => process.stderr.write(`${line}\n`));
  try {
    return await fn({ db: conn.db, clock: systemClock, config, mail: mailerOnFirstUse(conn.db, config) });
  } finally {
    await conn.close();
  }
}
