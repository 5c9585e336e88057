// Where the database is: DATABASE_URL when given, otherwise Haven's own embedded server.
import type { Config } from '../config.ts';
import { databaseUrlFor, type EmbeddedServer, runningServerUrl, startEmbeddedPostgres } from './embedded.ts';
import { createDb, type Db, ensureDatabase, migrate } from './index.ts';
import { acquireDataDirLock } from './lock.ts';

export type Connection = { db: Db; url: string; embedded: EmbeddedServer | null; close(): Promise<void> };

export async function connect(config: Config, log: (line: string) => void = () => {}): Promise<Connection> {
  if (config.databaseUrl) {
    const db = createDb(config.databaseUrl, 20);
    await migrate(db);
    return { db, url: config.databaseUrl, embedded: null, close: () => db.destroy() };
  }
  const release = acquireDataDirLock(config.dataDir);
  try {
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
    await ensureDatabase(embedded.url, 'haven');
    const url = databaseUrlFor(embedded.url, 'haven');
    const db = createDb(url, 20);
    await migrate(db);
    return {
      db,
      url,
      embedded,
      async close() {
        await db.destroy();
        await embedded.stop();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * For command-line tools (backup, import, audit verify…): use DATABASE_URL, or the embedded server of
 * a Haven already running on this data folder, or start the embedded server for the tool's run.
 */
export async function connectTool(config: Config, log: (line: string) => void = () => {}): Promise<Connection> {
  if (!config.databaseUrl) {
    const running = runningServerUrl(config.dataDir);
    if (running) {
      const url = databaseUrlFor(running, 'haven');
      const db = createDb(url, 5);
      return { db, url, embedded: null, close: () => db.destroy() };
    }
  }
  return connect(config, log);
}
