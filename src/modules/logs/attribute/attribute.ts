// Who was behind a log line. The filter's own user field wins when it names a known person; otherwise
// the IP or device lease covering the event's time; otherwise nobody (the line still counts, as
// 'unknown'). Pure: the directory comes in as plain lists.
import type { LogEvent } from '../event.ts';

/** A person the logs may name, with the aggregation group they count under ('staff', 'year-7', …). */
export type DirectoryPerson = { personId: string; group: string; usernames?: readonly string[] };
/** Who held an IP address or device name over [from, to) epoch ms; to null = still holds it. */
export type AddressLease = { personId: string; ip?: string | null; device?: string | null; from: number; to: number | null };
export type AttributionDirectory = {
  people: readonly DirectoryPerson[];
  /** Extra usernames per person, when they come from a separate source. */
  usernames?: readonly { personId: string; usernames: readonly string[] }[];
  leases?: readonly AddressLease[];
};

export type Attribution = {
  personId: string | null;
  /** Stable key for the subject of rules: person:…, user:…, ip:…, device:… or 'unknown'. */
  userKey: string;
  /** The aggregation user group; 'unknown' when no person is found. */
  group: string;
};
export type Attributor = (event: LogEvent) => Attribution;

export const UNKNOWN_GROUP = 'unknown';

/**
 * 'DOMAIN\\User', 'user@school.org', ' USER ', 'user%40school.org' → 'user'. Null for nothing, '-',
 * or a machine account ('PC01$'), which names a device, not a person.
 */
export function normaliseUser(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let u = raw.trim();
  if (u.includes('%')) {
    try {
      u = decodeURIComponent(u);
    } catch {
      // not URL-encoded after all
    }
  }
  u = u.replace(/^["']+|["']+$/g, '').trim().toLowerCase();
  const slash = Math.max(u.lastIndexOf('\\'), u.lastIndexOf('/'));
  if (slash !== -1) u = u.slice(slash + 1);
  const at = u.indexOf('@');
  if (at !== -1) u = u.slice(0, at);
  u = u.trim();
  if (u === '' || u === '-' || u.endsWith('$')) return null;
  return u;
}

export function normaliseDevice(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const d = raw.trim().toLowerCase().replace(/\$$/, '');
  const dot = d.indexOf('.');
  const short = dot === -1 ? d : d.slice(0, dot); // PC01.school.local → pc01
  return short === '' || short === '-' ? null : short;
}

type Lease = { personId: string; from: number; to: number };

function addLease(index: Map<string, Lease[]>, key: string, l: AddressLease) {
  const lease = { personId: l.personId, from: l.from, to: l.to ?? Number.POSITIVE_INFINITY };
  const list = index.get(key);
  if (list) list.push(lease);
  else index.set(key, [lease]);
}

/** The person holding `key` at `at`: the latest-starting lease that covers it. */
function holder(index: Map<string, Lease[]>, key: string | null, at: number): string | null {
  if (key === null) return null;
  const list = index.get(key);
  if (!list) return null;
  let lo = 0;
  let hi = list.length - 1;
  let idx = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.from <= at) {
      idx = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Leases rarely overlap; look back a few in case a long one still covers.
  for (let i = idx, steps = 0; i >= 0 && steps < 16; i--, steps++) {
    const l = list[i]!;
    if (at < l.to) return l.personId;
  }
  return null;
}

export function makeAttributor(directory: AttributionDirectory): Attributor {
  const groupOf = new Map<string, string>();
  const byUser = new Map<string, string>();
  const addName = (personId: string, name: string) => {
    const n = normaliseUser(name);
    // A name shared by two people attributes to neither (a wrong person is worse than none).
    if (n === null) return;
    const prev = byUser.get(n);
    if (prev === undefined) byUser.set(n, personId);
    else if (prev !== personId) byUser.set(n, '');
  };
  for (const p of directory.people) {
    groupOf.set(p.personId, p.group);
    for (const n of p.usernames ?? []) addName(p.personId, n);
  }
  for (const u of directory.usernames ?? []) for (const n of u.usernames) addName(u.personId, n);

  const byIp = new Map<string, Lease[]>();
  const byDevice = new Map<string, Lease[]>();
  for (const l of directory.leases ?? []) {
    if (l.ip) addLease(byIp, l.ip.trim(), l);
    const d = normaliseDevice(l.device);
    if (d) addLease(byDevice, d, l);
  }
  for (const list of [...byIp.values(), ...byDevice.values()]) list.sort((a, b) => a.from - b.from);

  // Raw user text → normalised name; logs repeat a few hundred names millions of times.
  const userCache = new Map<string, string | null>();
  const norm = (raw: string): string | null => {
    let n = userCache.get(raw);
    if (n === undefined) {
      n = normaliseUser(raw);
      if (userCache.size > 50_000) userCache.clear();
      userCache.set(raw, n);
    }
    return n;
  };

  // One frozen answer per person: no allocation on the hot path.
  const answers = new Map<string, Attribution>();
  const known = (personId: string): Attribution => {
    let a = answers.get(personId);
    if (!a) {
      a = Object.freeze({ personId, userKey: `person:${personId}`, group: groupOf.get(personId) ?? UNKNOWN_GROUP });
      answers.set(personId, a);
    }
    return a;
  };

  const strangers = new Map<string, Attribution>();

  return (event) => {
    const name = event.user === null ? null : norm(event.user);
    if (name !== null) {
      const p = byUser.get(name);
      if (p) return known(p);
    }
    const byDev = holder(byDevice, event.device === null ? null : normaliseDevice(event.device), event.at);
    if (byDev) return known(byDev);
    const byAddr = holder(byIp, event.clientIp, event.at);
    if (byAddr) return known(byAddr);
    const userKey =
      name !== null ? `user:${name}` : event.clientIp ? `ip:${event.clientIp}` : event.device ? `device:${event.device.toLowerCase()}` : 'unknown';
    let a = strangers.get(userKey);
    if (!a) {
      a = Object.freeze({ personId: null, userKey, group: UNKNOWN_GROUP });
      if (strangers.size > 50_000) strangers.clear();
      strangers.set(userKey, a);
    }
    return a;
  };
}
