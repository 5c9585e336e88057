// node --test global setup: one PostgreSQL server for the whole run, and a migrated template
// database from which every test file clones its own database in milliseconds.
// HAVEN_TEST_DATABASE_URL (a server URL with a superuser) points the tests at an external server,
// such as Debian's PostgreSQL in CI; otherwise an embedded server is started for the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseUrlFor, type EmbeddedServer, startEmbeddedPostgres } from '../db/embedded.ts';
import { createDb, migrate } from '../db/index.ts';

let server: EmbeddedServer | null = null;
let dir: string | null = null;

export async function globalSetup() {
  let serverUrl = process.env.HAVEN_TEST_DATABASE_URL;
  if (!serverUrl) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-test-pg-'));
    server = await startEmbeddedPostgres({ dataDir: dir });
    serverUrl = server.url;
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS haven_template');
  await admin.query('CREATE DATABASE haven_template');
  await admin.end();
  const db = createDb(databaseUrlFor(serverUrl, 'haven_template'), 2);
  await migrate(db);
  await db.destroy();
  process.env.HAVEN_TEST_SERVER_URL = serverUrl;
}

export async function globalTeardown() {
  if (server) await server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
