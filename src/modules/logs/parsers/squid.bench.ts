// Micro-benchmark of the squid native parser alone (not a test):
//   npx node src/modules/logs/parsers/squid.bench.ts [lines]
// Generates realistic lines in memory, parses them a few times, prints the best lines/s.
import { parseSquidNative } from './squid.ts';

const count = Number(process.argv[2] ?? 500_000);
const hosts = [
  'www.bbc.co.uk', 'classroom.google.com', 'www.youtube.com', 'en.wikipedia.org', 'login.microsoftonline.com',
  'cdn.jsdelivr.net', 'www.tiktok.com', 'static.xx.fbcdn.net', 'www.bet365.com', 'proxyfree.example.net',
];
const paths = ['/', '/news/education-12345678', '/watch?v=dQw4w9WgXcQ', '/wiki/Photosynthesis', '/static/app.js?v=3'];
const codes = ['TCP_MISS/200', 'TCP_HIT/200', 'TCP_TUNNEL/200', 'TCP_DENIED/403', 'TCP_MEM_HIT/304'];
const lines: string[] = new Array(count);
let t = 1_700_000_000;
for (let i = 0; i < count; i++) {
  const host = hosts[i % hosts.length]!;
  const code = codes[(i * 7) % codes.length]!;
  const connect = code === 'TCP_TUNNEL/200';
  const url = connect ? `${host}:443` : `http://${host}${paths[(i * 3) % paths.length]}`;
  const user = i % 4 === 0 ? '-' : `pupil${i % 900}@school.example`;
  if (i % 50 === 0) t++;
  lines[i] = `${t}.${String(i % 1000).padStart(3, '0')} ${String(50 + (i % 3000)).padStart(6)} 10.20.${(i >> 8) & 255}.${i & 255} ${code} ${1000 + (i % 40000)} ${connect ? 'CONNECT' : 'GET'} ${url} ${user} HIER_DIRECT/151.101.0.81 ${connect ? '-' : 'text/html'}`;
}

// Wall-clock and on-CPU rates: on a shared machine the CPU figure is the parser's own speed.
let best = 0;
let bestCpu = 0;
let sink = 0;
for (let round = 0; round < 7; round++) {
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const r = parseSquidNative(lines[i]!);
    if (r.kind === 'event') sink += r.event.host.length;
  }
  const cpu = process.cpuUsage(cpu0);
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  best = Math.max(best, count / secs);
  bestCpu = Math.max(bestCpu, count / ((cpu.user + cpu.system) / 1e6));
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
console.log(
  `squid native parse: ${fmt(best)} lines/s wall, ${fmt(bestCpu)} lines/CPU-s ` +
    `(best of 7 × ${count.toLocaleString('en-GB')} lines; checksum ${sink})`,
);
