// Configuration from environment variables with safe defaults: zero configuration runs the demo.
import path from 'node:path';

export type Config = {
  port: number;
  host: string;
  /** External PostgreSQL; when unset Haven starts its own embedded server. */
  databaseUrl: string | undefined;
  dataDir: string;
  production: boolean;
  /** Demo mode: the plain `npm start` on the embedded database. Only then is demo data seeded. */
  demo: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  keyFile: string | undefined;
  /**
   * Folders of URL category lists (UT1 / SquidGuard layout) that classify filtering logs; later folders
   * (a school's own lists) override earlier ones. Empty: logs keep only the filter's own categories.
   */
  categoryLists: string[];
  /** A folder Haven watches for filtering logs (one sub-folder per log source); unset: no watching. */
  logWatchDir: string | undefined;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, not "${env.PORT}"`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  const production = env.NODE_ENV === 'production';
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(env.HAVEN_DATA_DIR ?? 'data'),
    production,
    demo: !production && !databaseUrl,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Haven <haven@localhost>',
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    keyFile: env.HAVEN_KEY_FILE || undefined,
    categoryLists: (env.HAVEN_CATEGORY_LISTS ?? '')
      .split(path.delimiter)
      .filter((d) => d.trim() !== '')
      .map((d) => path.resolve(d)),
    logWatchDir: env.HAVEN_LOG_WATCH_DIR ? path.resolve(env.HAVEN_LOG_WATCH_DIR) : undefined,
  };
}
