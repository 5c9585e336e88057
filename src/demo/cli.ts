// `haven seed-demo`: loads the demo trust into the embedded database (refused outside demo mode).
import { systemClock } from '../platform/clock.ts';
import { loadConfig } from '../platform/config.ts';
import { connect } from '../platform/db/connect.ts';
import { createMailer } from '../platform/mail/mailer.ts';
import { options } from '../cli.ts';
import { seedDemo } from './seed.ts';

export async function seedDemoCommand(args: string[]): Promise<number> {
  options(args, {}, 'haven seed-demo');
  const config = loadConfig();
  if (!config.demo) {
    process.stderr.write('haven seed-demo: refused — demo data is only loaded in demo mode (no DATABASE_URL, NODE_ENV not production).\n');
    return 1;
  }
  const conn = await connect(config, (l) => process.stdout.write(`${l}\n`));
  try {
    const mail = createMailer(conn.db, systemClock, { smtpUrl: config.smtpUrl, from: config.mailFrom });
    const summary = await seedDemo({ db: conn.db, clock: systemClock, config, mail });
    process.stdout.write(summary.created ? `Loaded the demo trust: ${JSON.stringify(summary)}\n` : 'The demo trust is already loaded; nothing to do.\n');
    return 0;
  } finally {
    await conn.close();
  }
}
