// Starts ingest workers on plain JavaScript. A worker that imports .ts files loads Node's own TypeScript
// stripper (a WebAssembly build, ~17 MB and ~0.1 s a thread); the main thread has it loaded already, so
// it strips worker.ts and the modules it imports once, and each worker serves them from memory through
// a module load hook. Falls back to an ordinary worker when this Node lacks the two module APIs.
// With Node's compile cache on (the `haven` command turns it on), workers load their modules from that
// cache instead, and no thread needs the stripper at all once the cache is warm.
import { readFileSync } from 'node:fs';
import module from 'node:module';
import { Worker, type WorkerOptions } from 'node:worker_threads';

type Modules = Record<string, string>;

const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+\.ts)['"]/g;

/** url → JavaScript for `entry` and every relative .ts module it reaches. */
function stripGraph(entry: URL, strip: (code: string) => string): Modules {
  const out: Modules = {};
  const todo = [entry.href];
  while (todo.length > 0) {
    const href = todo.pop() as string;
    if (out[href] !== undefined) continue;
    const js = strip(readFileSync(new URL(href), 'utf8'));
    out[href] = js;
    for (const m of js.matchAll(RELATIVE_IMPORT)) todo.push(new URL(m[1] as string, href).href);
  }
  return out;
}

/** Quietly: the API prints an "experimental" warning once, which a CLI's user need not see. */
function stripQuietly(code: string): string {
  const strip = (module as unknown as { stripTypeScriptTypes: (c: string) => string }).stripTypeScriptTypes;
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('stripTypeScriptTypes')) return;
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return strip(code);
  } finally {
    process.emitWarning = emit;
  }
}

const cache = new Map<string, Modules | null>();

function modulesFor(entry: URL): Modules | null {
  let m = cache.get(entry.href);
  if (m === undefined) {
    const api = module as unknown as { stripTypeScriptTypes?: unknown; registerHooks?: unknown };
    try {
      m = typeof api.stripTypeScriptTypes === 'function' && typeof api.registerHooks === 'function' ? stripGraph(entry, stripQuietly) : null;
    } catch {
      m = null; // a syntax the stripper cannot erase: let the worker load the files itself
    }
    cache.set(entry.href, m);
  }
  return m;
}

// Runs in the worker (CommonJS, eval'd): serve the stripped modules, then import the entry.
const BOOT = `
const { workerData } = require('node:worker_threads');
const { registerHooks } = require('node:module');
const modules = workerData.modules;
registerHooks({
  load(url, context, nextLoad) {
    const source = modules[url];
    return source === undefined ? nextLoad(url, context) : { format: 'module', source, shortCircuit: true };
  },
});
import(workerData.entry);
`;

/** A worker running `entry` (a .ts module) with `workerData` as its data. */
export function startWorker(entry: URL, workerData: unknown, options: Omit<WorkerOptions, 'workerData' | 'eval'> = {}): Worker {
  if (module.getCompileCacheDir() !== undefined && process.env.NODE_COMPILE_CACHE) return new Worker(entry, { ...options, workerData: { data: workerData } });
  const modules = modulesFor(entry);
  if (modules === null) return new Worker(entry, { ...options, workerData: { data: workerData } });
  return new Worker(BOOT, { ...options, eval: true, workerData: { data: workerData, modules, entry: entry.href } });
}
