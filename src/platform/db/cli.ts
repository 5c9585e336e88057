// `haven migrate`, `haven backup FILE`, `haven restore FILE`.
import fs from 'node:fs';
import path from 'node:path';
import { options, UsageError } from '../../cli.ts';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { RestoreError, restoreBackup, writeBackup } from './backup.ts';
import { connect, connectTool } from './connect.ts';
import { migrate } from './index.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);

export async function migrateCommand(): Promise<number> {
  const conn = await connectTool(loadConfig(), log);
  try {
    const applied = await migrate(conn.db);
    log(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
    return 0;
  } finally {
    await conn.close();
  }
}

function fileArg(args: string[], usage: string): string {
  const { positionals } = options(args, {}, usage);
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`Give exactly one FILE.\nUsage: ${usage}`);
  return path.resolve(positionals[0]);
}

export async function backupCommand(args: string[]): Promise<number> {
  const file = fileArg(args, 'haven backup FILE');
  if (fs.existsSync(file)) throw new UsageError(`${file} already exists; choose a new file name so no backup is overwritten.`);
  const conn = await connectTool(loadConfig(), log);
  const partial = `${file}.partial`;
  try {
    // Written aside and renamed at the end: a FILE that exists is always a whole backup.
    const result = await writeBackup(conn.url, fs.createWriteStream(partial, { mode: 0o600 }), systemClock.now());
    fs.renameSync(partial, file);
    const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
    log(`Backup written to ${file}: ${Object.keys(result.tables).length} tables, ${rows} rows, ${fs.statSync(file).size} bytes.`);
    return 0;
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    await conn.close();
  }
}

export async function restoreCommand(args: string[]): Promise<number> {
  const file = fileArg(args, 'haven restore FILE');
  if (!fs.existsSync(file)) throw new UsageError(`There is no file ${file}.`);
  const conn = await connect(loadConfig(), log);
  try {
    const result = await restoreBackup(conn.url, fs.createReadStream(file));
    const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
    log(`Restored ${rows} rows into ${Object.keys(result.tables).length} tables from ${file}.`);
    return 0;
  } catch (err) {
    if (err instanceof RestoreError) {
      process.stderr.write(`haven restore: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await conn.close();
  }
}
