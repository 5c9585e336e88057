// Generates a Squid native access.log shaped like a school's day: the field layout of the real-format
// samples in src/modules/logs/parsers/fixtures/squid-native.log, a few hundred pupils' and staff's
// devices, mostly ordinary sites, some social media and games, a few blocked requests, and rare hits
// on proxy/VPN, gambling or harmful lists. Deterministic (seeded), written as a stream.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CATEGORY_LISTS = path.resolve(root, '../shared/data/categories');

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sampleDomains(category: string, n: number, random: () => number): string[] {
  const file = path.join(CATEGORY_LISTS, category, 'domains');
  if (!fs.existsSync(file)) return [];
  const all = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#') && !/^\d/.test(l));
  return Array.from({ length: Math.min(n, all.length) }, () => all[Math.floor(random() * all.length)] as string);
}

const ORDINARY = [
  'www.bbc.co.uk', 'www.google.com', 'docs.google.com', 'classroom.google.com', 'www.wikipedia.org', 'en.wikipedia.org',
  'login.microsoftonline.com', 'outlook.office365.com', 'teams.microsoft.com', 'www.oaknationalacademy.com', 'www.ttrockstars.com',
  'www.purplemash.com', 'www.bbc.co.uk', 'fonts.gstatic.com', 'ajax.googleapis.com', 'www.gov.uk', 'www.nationalgeographic.com',
  'www.scratch.mit.edu', 'cdn.jsdelivr.net', 'www.youtube.com', 'i.ytimg.com', 'update.microsoft.com', 'www.mathsisfun.com',
];

export async function generateSquidLog(file: string, lines: number, seed = 20261123): Promise<number> {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const social = sampleDomains('social_networks', 200, random);
  const games = sampleDomains('games', 400, random);
  const vpn = sampleDomains('vpn', 100, random);
  const gambling = sampleDomains('gambling', 100, random);
  const harmful = sampleDomains('agressif', 50, random);
  const users = Array.from({ length: 400 }, (_, i) => (i < 40 ? `SCHOOL\\staff${i}` : `pupil${i}`));
  const paths = ['/', '/index.html', '/news/education', '/search?q=volcanoes', '/assets/app.js', '/images/logo.png', '/api/v1/items', '/watch?v=abc123'];
  const types = ['text/html', 'application/javascript', 'image/png', 'application/json', '-'];
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  let t = 1_763_970_000; // a Monday morning, epoch seconds
  let buf = '';
  let bytes = 0;
  for (let i = 0; i < lines; i++) {
    t += random() * 0.02;
    const r = random();
    const host = r < 0.8 ? pick(ORDINARY) : r < 0.9 ? pick(social.length ? social : ORDINARY) : r < 0.99 ? pick(games.length ? games : ORDINARY) : r < 0.992 ? pick(vpn.length ? vpn : ORDINARY) : r < 0.9999 ? pick(gambling.length ? gambling : ORDINARY) : pick(harmful.length ? harmful : ORDINARY);
    const blocked = r >= 0.99 || (r >= 0.9 && random() < 0.1);
    const ip = `10.20.${Math.floor(random() * 8)}.${10 + Math.floor(random() * 240)}`;
    const user = random() < 0.7 ? pick(users) : '-';
    const connect = random() < 0.55;
    const status = blocked ? 'TCP_DENIED/403' : connect ? 'TCP_TUNNEL/200' : pick(['TCP_MISS/200', 'TCP_MISS/200', 'TCP_HIT/200', 'TCP_IMS_HIT/304']);
    const size = blocked ? 3964 : Math.floor(200 + random() * 60000);
    const elapsed = Math.floor(random() * 900);
    const url = connect ? `${host}:443` : `http://${host}${pick(paths)}`;
    const hier = blocked ? 'HIER_NONE/-' : `HIER_DIRECT/93.184.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`;
    buf += `${t.toFixed(3)} ${String(elapsed).padStart(6)} ${ip} ${status} ${size} ${connect ? 'CONNECT' : 'GET'} ${url} ${user} ${hier} ${connect ? '-' : pick(types)}\n`;
    if (buf.length > 1 << 20) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  bytes += Buffer.byteLength(buf);
  out.write(buf);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}

if (import.meta.main) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/lib/squid-log.ts FILE [LINES]');
  const bytes = await generateSquidLog(file, Number(n ?? 2_000_000));
  process.stdout.write(`${file}: ${(bytes / 1048576).toFixed(1)} MiB\n`);
}
