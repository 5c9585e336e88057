import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from './cli.ts';

/** Runs main() capturing what it writes; the commands below fail before touching any database. */
async function run(argv: string[]) {
  const out: string[] = [];
  const write = (chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  };
  const [o, e] = [process.stdout.write, process.stderr.write];
  process.stdout.write = write as typeof process.stdout.write;
  process.stderr.write = write as typeof process.stderr.write;
  try {
    return { code: await main(argv), text: out.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

test('no command prints the list of commands and exits 2', async () => {
  const r = await run([]);
  assert.equal(r.code, 2);
  for (const name of ['serve', 'migrate', 'seed-demo', 'import', 'user', 'token', 'audit', 'backup', 'restore', 'setup']) assert.match(r.text, new RegExp(`\\b${name}\\b`));
});

test('an unknown command or option is a usage error (exit 2) that names it', async () => {
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.text, /unknown command "frobnicate"/);
  const option = await run(['audit', 'verify', '--colour']);
  assert.equal(option.code, 2);
  assert.match(option.text, /--colour/);
  const backup = await run(['backup']);
  assert.equal(backup.code, 2);
  assert.match(backup.text, /Give exactly one FILE/);
});

test('--help shows a command\'s usage and exits 0', async () => {
  const r = await run(['import', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.text, /Usage: haven import pupils\|staff FILE --school SCHOOL/);
});
