// Test harness: each test file gets its own database cloned from the migrated template, a Haven
// with a controllable clock, and an app to call with inject(). Real PostgreSQL, never a mock.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { TestClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import type { Haven } from '../context.ts';
import { databaseUrlFor } from '../db/embedded.ts';
import { createDb, type Db } from '../db/index.ts';
import { buildApp } from '../http/app.ts';
import { createMailer } from '../mail/mailer.ts';

export function serverUrl(): string {
  const url = process.env.HAVEN_TEST_SERVER_URL;
  if (!url) throw new Error('Run tests with `npm test` (node --test with the global setup in package.json).');
  return url;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh migrated database for one test file; drop() removes it. */
export async function testDatabase(): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  const name = `haven_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE haven_template`));
  const url = databaseUrlFor(serverUrl(), name);
  const db = createDb(url, 5);
  return {
    url,
    db,
    async drop() {
      await db.destroy();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export type TestHaven = Haven & { clock: TestClock; app: FastifyInstance; url: string; close(): Promise<void> };

export async function testHaven(env: Record<string, string> = {}): Promise<TestHaven> {
  const database = await testDatabase();
  const clock = new TestClock();
  const config = { ...loadConfig({ NODE_ENV: 'test', ...env }), databaseUrl: database.url, demo: false };
  const haven: Haven = {
    db: database.db,
    clock,
    config,
    keys: { sessionSecret: randomBytes(32), evidenceKey: randomBytes(32) },
    mail: createMailer(database.db, clock, { smtpUrl: config.smtpUrl, from: config.mailFrom }),
  };
  const app = await buildApp(haven);
  await app.ready();
  return {
    ...haven,
    clock,
    app,
    url: database.url,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
