// The demo's filtering and monitoring: a morning of Alder Brook's proxy log read through the real
// ingest pipeline (against a tiny invented category list, so no third-party lists ship with Haven),
// which fills the hourly figures and raises a few alerts; a filter check with one failed category;
// and a teacher's temporary unblock waiting for the headteacher.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { recordCheck } from '../modules/filter-checks/service.ts';
import { requestChange } from '../modules/filtering/service.ts';
import { ingest } from '../modules/logs/ingest/ingest.ts';
import { type Haven, SYSTEM_ACTOR } from '../platform/context.ts';
import { newId } from '../platform/ids.ts';
import { londonDate } from '../platform/time.ts';
import type { DemoActor } from './activity.ts';

/** Invented sites in the UT1 layout: one folder per category, a `domains` file, a `usage` file. */
const DEMO_LISTS: Record<string, string[]> = {
  vpn: ['quickhide-proxy.example', 'unblockit-now.example'],
  self_harm: ['dark-feelings-forum.example'],
  gambling: ['spin-and-win.example'],
  games: ['blocky-world.example', 'kart-racer.example'],
  social_networks: ['chatterbox.example'],
};

const ORDINARY = ['www.bbc.co.uk', 'classroom.google.com', 'www.oaknationalacademy.com', 'www.purplemash.com', 'www.ttrockstars.com', 'en.wikipedia.org'];

function writeLists(dir: string): string {
  for (const [name, domains] of Object.entries(DEMO_LISTS)) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'domains'), `${domains.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, name, 'usage'), 'black\n');
  }
  return dir;
}

/** A morning of Squid native lines: ordinary browsing, some games, a proxy, one self-harm forum visit. */
function morningLog(start: number, ips: string[]): string {
  const lines: string[] = [];
  let seed = 7;
  const next = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const line = (at: number, ip: string, host: string, denied: boolean) =>
    `${(at / 1000).toFixed(3)}    140 ${ip} ${denied ? 'TCP_DENIED/403' : 'TCP_TUNNEL/200'} ${denied ? 3964 : 4000 + Math.floor(next() * 40000)} CONNECT ${host}:443 - ${denied ? 'HIER_NONE/-' : 'HIER_DIRECT/192.0.2.80'} -`;
  for (let i = 0; i < 3000; i++) {
    const at = start + i * 4000;
    const user = ips[Math.floor(next() * ips.length)] as string;
    const r = next();
    if (r < 0.9) lines.push(line(at, user, ORDINARY[Math.floor(next() * ORDINARY.length)] as string, false));
    else if (r < 0.98) lines.push(line(at, user, next() < 0.5 ? 'blocky-world.example' : 'kart-racer.example', true));
    else lines.push(line(at, user, 'chatterbox.example', true));
  }
  const proxyUser = ips[1] as string;
  for (let i = 0; i < 22; i++) lines.push(line(start + 2 * 3_600_000 + i * 9000, proxyUser, 'quickhide-proxy.example', true));
  lines.push(line(start + 3 * 3_600_000, ips[2] as string, 'dark-feelings-forum.example', false));
  return `${lines.sort().join('\n')}\n`;
}

export async function seedDemoFiltering(haven: Haven, trustId: string, schoolId: string, as: (localPart: string) => Promise<DemoActor>): Promise<void> {
  // Year 5 and 6 pupils on the laptop trolley: each laptop's address is leased to one pupil for the
  // morning, which is how the log's lines (which name no user) are attributed to them.
  const pupils = await haven.db
    .selectFrom('people')
    .select('id')
    .where('trust_id', '=', trustId)
    .where('school_id', '=', schoolId)
    .where('kind', '=', 'pupil')
    .where('year_group', 'in', ['5', '6'])
    .orderBy('family_name')
    .limit(40)
    .execute();
  const today = londonDate(haven.clock.now());
  const start = Date.parse(`${today}T08:30:00Z`) - 86_400_000; // yesterday morning
  const ips = pupils.map((_, i) => `10.20.1.${10 + i}`);
  if (pupils.length >= 3) {
    await haven.db
      .insertInto('log_address_leases')
      .values(
        pupils.map((p, i) => ({
          trust_id: trustId,
          id: newId(),
          school_id: schoolId,
          person_id: p.id,
          ip: ips[i] as string,
          device: `LAPTOP-${String(i + 1).padStart(2, '0')}`,
          valid_from: new Date(start - 1_800_000),
          valid_to: new Date(start + 5 * 3_600_000),
          created_at: haven.clock.now(),
        })),
      )
      .execute();
    const lists = writeLists(path.join(haven.config.dataDir, 'demo-category-lists'));
    await ingest(haven, SYSTEM_ACTOR, {
      trustId,
      schoolId,
      format: 'squid',
      name: 'access.log (demo)',
      origin: 'upload',
      source: Readable.from([Buffer.from(morningLog(start, ips))]),
      categoryDirs: [lists],
      workers: 1,
    });
  }

  const it = await as('it');
  await recordCheck(haven, it.p, it.actor, schoolId, {
    checkedOn: londonDate(haven.clock.now()),
    device: 'Library laptop L2',
    userGroup: { group: 'pupils', yearGroups: ['5', '6'] },
    method: 'own_list',
    results: [
      { category: 'Pornography', outcome: 'blocked', url: 'https://adult.example/' },
      { category: 'Gambling', outcome: 'not_blocked', url: 'https://spin-and-win.example/', note: 'Home page loaded' },
      { category: 'Self-harm', outcome: 'blocked', url: 'https://dark-feelings-forum.example/' },
    ],
    followUp: 'Brightwire to add the gambling category to the pupil policy.',
  });

  const teacher = await as('teacher.alderbrook');
  await requestChange(haven, teacher.p, teacher.actor, schoolId, {
    kind: 'unblock',
    targets: [{ type: 'site', value: 'kart-racer.example' }],
    userGroup: { group: 'pupils', yearGroups: ['6'] },
    reason: 'Year 6 design-and-technology unit on forces uses the track designer on this site for two lessons.',
    endsAt: new Date(haven.clock.now().getTime() + 14 * 86_400_000),
  });
}
