// Links new audit events into their trusts' chains a moment after they commit. Several app processes
// may run it at once: the chain head's row lock keeps one linker per trust at a time.
import type { Executor } from '../db/index.ts';
import { chainAll } from './store.ts';

export function startChainer(db: Executor, log: (line: string) => void, everyMs = 250): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = chainAll(db).catch((err: unknown) => log(`audit chainer: ${err instanceof Error ? err.message : String(err)}`));
  };
  const timer = setInterval(() => {
    if (!stopped) void running.then(tick);
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await chainAll(db).catch(() => {}); // link what the last requests wrote before the pool closes
    },
  };
}
