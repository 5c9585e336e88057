// `haven setup`: the first run of a real deployment (refused in demo mode, where the demo trust lives).
import { options } from '../../cli.ts';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { connectTool } from '../db/connect.ts';
import { createMailer } from '../mail/mailer.ts';
import { setupTrust } from './service.ts';

const USAGE = 'haven setup --trust NAME --school NAME [--school NAME…] --admin-email EMAIL --admin-name NAME';

export async function setupCommand(args: string[]): Promise<number> {
  const { values } = options(
    args,
    {
      trust: { type: 'string' },
      school: { type: 'string', multiple: true },
      'admin-email': { type: 'string' },
      'admin-name': { type: 'string' },
    },
    USAGE,
  );
  const config = loadConfig();
  if (config.demo) {
    process.stderr.write(
      'haven setup is for a real deployment: set NODE_ENV=production (and DATABASE_URL for your own PostgreSQL). The plain `npm start` runs the demo trust.\n',
    );
    return 1;
  }
  const conn = await connectTool(config, (l) => process.stdout.write(`${l}\n`));
  try {
    const haven = { db: conn.db, clock: systemClock, config, mail: createMailer(conn.db, systemClock, { smtpUrl: config.smtpUrl, from: config.mailFrom }) };
    const result = await setupTrust(haven, {
      trust: String(values.trust ?? ''),
      schools: (values.school as string[] | undefined) ?? [],
      adminEmail: String(values['admin-email'] ?? ''),
      adminName: String(values['admin-name'] ?? ''),
    });
    process.stdout.write(
      [
        `Created the trust with ${result.schoolIds.length} school(s) and its first administrator.`,
        `Sign in as ${values['admin-email']} with this one-time passphrase (shown once, not stored):`,
        `  ${result.temporaryPassphrase}`,
        'You will choose your own passphrase and set up two-factor sign-in straight away.',
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await conn.close();
  }
}
