// Classification speed with the real UT1 lists: `npx node src/modules/logs/classify/classify.bench.ts [dir]`.
// Prints load time, memory, and lookups/s for a log-like mix (hosts repeat, as in real logs) and for
// all-distinct hosts (every lookup misses the cache).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent } from '../event.ts';
import { loadCategoryLists } from './lists.ts';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] ?? fileURLToPath(new URL('../../../../../shared/data/categories', import.meta.url));
const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;

const t0 = performance.now();
const classifier = await loadCategoryLists(dir);
const loadMs = performance.now() - t0;
globalThis.gc?.();
console.log(`loaded ${classifier.stats.domains} domains, ${classifier.stats.urlHosts} url hosts from ${classifier.stats.folders} folders in ${loadMs.toFixed(0)} ms; heap ${mb(process.memoryUsage().heapUsed)}, rss ${mb(process.memoryUsage().rss)}`);

// Sample real listed hosts (some with www./subdomains) and unlisted ones.
const listed: string[] = [];
for (const cat of ['games', 'gambling', 'social_networks', 'redirector', 'vpn', 'drogue', 'shopping', 'press']) {
  const lines = readFileSync(join(dir, cat, 'domains'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  for (let i = 0; i < lines.length; i += Math.max(1, Math.floor(lines.length / 500))) listed.push(lines[i]!);
}
const unlisted = Array.from({ length: 3000 }, (_, i) => `cdn${i % 50}.service${i}.example-school-host.co.uk`);
const pool = [...listed.map((h, i) => (i % 3 === 0 ? `www.${h}` : h)), ...unlisted];

function event(host: string, i: number): LogEvent {
  return { at: i, source: 'squid', user: null, clientIp: null, device: null, host, url: `http://${host}/path/${i % 7}`, action: 'allowed', filterCategory: null, reason: null, bytes: 100 };
}

// Log-like: a skewed pick from the pool (a few hosts carry most traffic).
const N = 2_000_000;
const mix: LogEvent[] = [];
for (let i = 0; i < 200_000; i++) {
  const r = Math.random();
  mix.push(event(pool[Math.floor(r * r * r * pool.length)]!, i));
}
const distinct: LogEvent[] = Array.from({ length: 200_000 }, (_, i) => event(`h${i}.${pool[i % pool.length]!}`, i));

function run(label: string, events: LogEvent[], total: number) {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < total; i++) sink += classifier.classify(events[i % events.length]!).length;
  const s = (performance.now() - start) / 1000;
  console.log(`${label}: ${Math.round(total / s).toLocaleString('en-GB')} lookups/s (${total.toLocaleString('en-GB')} in ${s.toFixed(2)} s) [${sink % 10}]`);
}
run('warm-up', mix, 200_000);
run('log-like mix (hosts repeat)', mix, N);
run('distinct hosts (cache misses)', distinct, 400_000);

// As a parser yields them: every host a fresh string cut from its line, so each lookup hashes it anew.
const lines = mix.map((e) => `1763888400.000 120 10.0.0.1 TCP_MISS/200 512 GET http://${e.host}/p - HIER_DIRECT/1.2.3.4 text/html`);
{
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const line = lines[i % lines.length]!;
    const from = line.indexOf('://') + 3;
    const host = line.slice(from, line.indexOf('/', from));
    sink += classifier.classify({ ...mix[0]!, host, url: null }).length;
  }
  const s = (performance.now() - start) / 1000;
  console.log(`log-like mix, fresh host strings: ${Math.round(N / s).toLocaleString('en-GB')} lookups/s [${sink % 10}]`);
}
console.log(`rss after: ${mb(process.memoryUsage().rss)}`);

// The whole pure per-event chain a worker runs: attribute → classify → aggregate → pre-filter, and the
// main thread's rule engine over the interesting few.
const { makeAttributor } = await import('../attribute/attribute.ts');
const { Aggregator } = await import('../aggregate/aggregate.ts');
const { RuleEngine, isInteresting } = await import('../rules/rules.ts');
const people = Array.from({ length: 1200 }, (_, i) => ({ personId: `p${i}`, group: i < 150 ? 'staff' : `year-${7 + (i % 7)}`, usernames: [`SCHOOL\\user${i}`] }));
const attribute = makeAttributor({ people, leases: people.map((p, i) => ({ personId: p.personId, ip: `10.0.${i >> 8}.${i & 255}`, from: 0, to: null })) });
const chainEvents = mix.map((e, i) => ({
  ...e,
  at: Date.UTC(2026, 10, 23, 8) + i * 20,
  user: i % 4 === 0 ? '-' : `user${i % 1300}@school.org`,
  clientIp: `10.0.${(i % 1200) >> 8}.${i % 256}`,
  action: (i % 11 === 0 ? 'blocked' : 'allowed') as LogEvent['action'],
}));
const agg = new Aggregator('school-1');
const engine = new RuleEngine();
let interesting = 0;
const chainStart = performance.now();
for (let i = 0; i < N; i++) {
  const e = chainEvents[i % chainEvents.length]!;
  const who = attribute(e);
  const cat = classifier.classify(e);
  agg.add(e, who.group, cat);
  if (isInteresting(e, cat)) {
    interesting++;
    engine.push(e, who, cat);
  }
}
const chainS = (performance.now() - chainStart) / 1000;
const alerts = engine.flush().length;
console.log(`pure chain (attribute+classify+aggregate+rules): ${Math.round(N / chainS).toLocaleString('en-GB')} events/s on one core; ${interesting.toLocaleString('en-GB')} interesting, ${alerts} alert candidates, ${agg.size} aggregate cells`);
console.log(`rss end: ${mb(process.memoryUsage().rss)}`);
