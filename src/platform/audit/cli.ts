// `haven audit verify`: walks every trust's hash chain and reports the first broken link (exit 1).
import { options, UsageError } from '../../cli.ts';
import { loadConfig } from '../config.ts';
import { connectTool } from '../db/connect.ts';
import type { Executor } from '../db/index.ts';
import { verifyChains } from './service.ts';

const USAGE = 'haven audit verify';

/** The report lines and exit code, apart from I/O so it can be tested against a real database. */
export async function verifyReport(db: Executor): Promise<{ lines: string[]; code: number }> {
  const results = await verifyChains(db);
  const names = new Map((await db.selectFrom('trusts').select(['id', 'name']).execute()).map((t) => [t.id, t.name]));
  const lines: string[] = [];
  for (const r of results) {
    const who = names.get(r.trustId) ?? (r.trustId === '00000000-0000-0000-0000-000000000000' ? 'platform events' : r.trustId);
    lines.push(
      r.broken
        ? `BROKEN  ${who}: first broken link at event ${r.broken.pos}: ${r.broken.reason}`
        : `ok      ${who}: ${r.events} events, chain intact`,
    );
  }
  if (results.length === 0) lines.push('No audit events yet.');
  return { lines, code: results.some((r) => r.broken) ? 1 : 0 };
}

export async function auditCommand(args: string[]): Promise<number> {
  const { positionals } = options(args, {}, USAGE);
  if (positionals[0] !== 'verify' || positionals.length !== 1) throw new UsageError(`Usage: ${USAGE}`);
  const conn = await connectTool(loadConfig());
  try {
    const { lines, code } = await verifyReport(conn.db);
    for (const line of lines) process.stdout.write(`${line}\n`);
    return code;
  } finally {
    await conn.close();
  }
}
