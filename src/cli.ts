// The `haven` command line. Each command lives with the capability it belongs to and is loaded
// only when asked for, so `haven audit verify` does not start a web server.
import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

export type CommandContext = { args: string[] };
type Command = { summary: string; usage: string; run(args: string[]): Promise<number> };

const commands: Record<string, Command> = {
  serve: {
    summary: 'Start Haven (embedded database unless DATABASE_URL is set)',
    usage: 'haven serve',
    run: async () => (await import('./platform/serve.ts')).serveCommand(),
  },
  migrate: {
    summary: 'Bring the database schema up to date',
    usage: 'haven migrate',
    run: async () => (await import('./platform/db/cli.ts')).migrateCommand(),
  },
  'seed-demo': {
    summary: 'Load the demo trust (demo mode only)',
    usage: 'haven seed-demo',
    run: async (a) => (await import('./demo/cli.ts')).seedDemoCommand(a),
  },
  setup: {
    summary: 'First run on a real deployment: create the trust, its schools and the first administrator',
    usage: 'haven setup --trust NAME --school NAME [--school NAME…] --admin-email EMAIL --admin-name NAME',
    run: async (a) => (await import('./platform/setup/cli.ts')).setupCommand(a),
  },
  import: {
    summary: 'Import pupils or staff from an MIS CSV export',
    usage: 'haven import pupils|staff FILE --school SCHOOL [--dry-run] [--mapping FILE]',
    run: async (a) => (await import('./modules/directory/cli.ts')).importCommand(a),
  },
  user: {
    summary: 'Manage sign-in accounts',
    usage: 'haven user create --email EMAIL --name NAME --trust TRUST [--school SCHOOL] --role ROLE [--role ROLE…]',
    run: async (a) => (await import('./platform/auth/cli.ts')).userCommand(a),
  },
  token: {
    summary: 'Make an API token for scripts',
    usage: 'haven token create --email EMAIL --name NAME --scope SCOPE [--scope …] [--days N] [--school SCHOOL] [--trust TRUST]',
    run: async (a) => (await import('./platform/auth/cli.ts')).tokenCommand(a),
  },
  audit: {
    summary: 'Check the audit trail for tampering',
    usage: 'haven audit verify',
    run: async (a) => (await import('./platform/audit/cli.ts')).auditCommand(a),
  },
  backup: {
    summary: 'Write a backup of the whole database to FILE',
    usage: 'haven backup FILE',
    run: async (a) => (await import('./platform/db/cli.ts')).backupCommand(a),
  },
  ingest: {
    summary: 'Read filtering or monitoring logs into a school (files, gzip or standard input)',
    usage: 'haven ingest --school SCHOOL --format FORMAT FILE…',
    run: async (a) => (await import('./modules/logs/cli.ts')).ingestCommand(a),
  },
  restore: {
    summary: 'Restore a backup FILE into an empty database',
    usage: 'haven restore FILE',
    run: async (a) => (await import('./platform/db/cli.ts')).restoreCommand(a),
  },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    'Usage: haven COMMAND [options]',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `haven COMMAND --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`haven: unknown command "${name}".\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    process.stderr.write(`haven ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** Parses options strictly; an unknown option is a usage error that names it. */
export function options<T extends ParseArgsOptionsConfig>(args: string[], spec: T, usage: string) {
  try {
    return parseArgs({ args, options: spec, allowPositionals: true as const, strict: true as const });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\nUsage: ${usage}`);
  }
}

export class UsageError extends Error {}

/**
 * Node's on-disk cache of stripped TypeScript and compiled code: a command starts in about half the
 * time, and needs no TypeScript stripper (~17 MB a thread) once its modules are cached. It lives in the
 * user's own cache folder (mode 700), never in a shared temp folder where another account could plant
 * code. Set in the environment too, which is where worker threads look for it.
 */
function enableCompileCache(): void {
  const dir = process.env.NODE_COMPILE_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'haven', 'compile');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return; // no cache folder (read-only home): start without the cache
  }
  if (module.enableCompileCache(dir).status !== module.constants.compileCacheStatus.FAILED) process.env.NODE_COMPILE_CACHE = dir;
}

if (import.meta.main) {
  enableCompileCache();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
