// `haven serve` (and `npm start`): database, keys, demo data in demo mode, jobs, then the web app.
// Ctrl-C or SIGTERM closes everything in order so the embedded database stops cleanly.
import { seedDemo } from '../demo/seed.ts';
import { DEMO_DOMAIN, DEMO_PASSPHRASE, DEMO_TOTP_SECRET, DEMO_TRUST } from '../demo/data.ts';
import { systemClock } from './clock.ts';
import { startChainer } from './audit/chainer.ts';
import { loadConfig } from './config.ts';
import type { Haven } from './context.ts';
import { connect } from './db/connect.ts';
import { buildApp } from './http/app.ts';
import { startJobs } from './jobs/jobs.ts';
import { loadKeys } from './keys.ts';
import { createMailer } from './mail/mailer.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);

export async function serveCommand(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now();
  const config = loadConfig(env);
  // Secrets before anything else: a production start without them must not touch the database.
  const keys = loadKeys(config, env);
  log(config.databaseUrl ? 'Using the PostgreSQL in DATABASE_URL.' : `Starting Haven's own PostgreSQL (data in ${config.dataDir})…`);
  const conn = await connect(config, log);
  const haven: Haven = {
    db: conn.db,
    clock: systemClock,
    config,
    keys,
    mail: createMailer(conn.db, systemClock, { smtpUrl: config.smtpUrl, from: config.mailFrom }),
  };

  let closing: Promise<void> | null = null;
  const jobs = await startJobs(haven, { connectionString: conn.url });
  const chainer = startChainer(conn.db, log);
  const app = await buildApp(haven, { logger: env.HAVEN_LOG === 'debug' });
  const close = () => {
    closing ??= (async () => {
      log('Stopping Haven…');
      await app.close().catch(() => {});
      await jobs.stop().catch(() => {});
      await chainer.stop();
      await conn.close().catch(() => {});
    })();
    return closing;
  };
  process.once('SIGINT', () => void close().then(() => process.exit(0)));
  process.once('SIGTERM', () => void close().then(() => process.exit(0)));

  try {
    if (config.demo) {
      const demo = await seedDemo(haven);
      if (demo.created) log(`Loaded the demo trust: ${demo.schools} schools, ${demo.pupils} pupils, ${demo.parents} parents, ${demo.staff} staff.`);
    } else {
      const trusts = await conn.db.selectFrom('trusts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      if (Number(trusts.n) === 0) log('No trust yet. Create it with: npx haven setup --help');
    }
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const where = `http://${config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log('');
  log(`Haven is running at ${where}  (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (config.demo) {
    log(`Demo mode: ${DEMO_TRUST}, invented people only. Sign in as, for example:`);
    log(`  dsl.alderbrook@${DEMO_DOMAIN}   (designated safeguarding lead)`);
    log(`  admin@${DEMO_DOMAIN}            (trust administrator)`);
    log(`  teacher.alderbrook@${DEMO_DOMAIN}`);
    log(`Passphrase for every demo account: ${DEMO_PASSPHRASE}`);
    log(`Two-factor code: add the secret ${DEMO_TOTP_SECRET} to an authenticator app. README.md lists every login.`);
  }
  log('Press Ctrl-C to stop.');
  return new Promise<number>(() => {}); // runs until a signal
}
