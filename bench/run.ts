// `npm run bench`: runs every benchmark in bench/ (each .ts file except this one) in its own process,
// one after another so they do not disturb each other's timings, and prints what each prints.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const self = path.basename(fileURLToPath(import.meta.url));
const benches = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== self)
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n== bench/${file} ==\n\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(here, file)], { stdio: 'inherit' });
  const took = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`\nbench/${file} FAILED (${r.status ?? r.signal}) after ${took} s\n`);
  } else {
    process.stdout.write(`\nbench/${file} done in ${took} s\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
