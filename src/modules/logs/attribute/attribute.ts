// Who was behind a log line. The filter's own user field wins when it names a known person; otherwise
// the IP or device lease covering the event's time; otherwise nobody (the line still counts, as
// 'unknown'). Pure: the directory comes in as plain lists.
import { ownString, ownStringOrNull } from '../classify/strings.ts';
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
const UNKNOWN: Attribution = Object.freeze({ personId: null, userKey: 'unknown', group: UNKNOWN_GROUP });
/** Entries per cache of raw strings. */
const CACHE_LIMIT = 50_000;

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
  const stranger = (userKey: string): Attribution => Object.freeze({ personId: null, userKey, group: UNKNOWN_GROUP });

  // Logs repeat a few hundred user names, IPs and devices millions of times: each raw string is worked
  // out once (bounded: cleared when full). Only lease lookups depend on the time, so they stay per event.
  type UserAnswer = { person: Attribution | null; stranger: Attribution | null };
  const NOBODY: UserAnswer = { person: null, stranger: null };
  const users = new Map<string, UserAnswer>();
  const userAnswer = (raw: string): UserAnswer => {
    let a = users.get(raw);
    if (a === undefined) {
      const name = normaliseUser(raw);
      if (name === null) a = NOBODY;
      else {
        const p = byUser.get(name);
        a = { person: p ? known(p) : null, stranger: stranger(ownString(`user:${name}`)) };
      }
      if (users.size >= CACHE_LIMIT) users.clear();
      users.set(ownString(raw), a);
    }
    return a;
  };
  const devices = new Map<string, { key: string | null; stranger: Attribution }>();
  const device = (raw: string) => {
    let d = devices.get(raw);
    if (d === undefined) {
      d = { key: ownStringOrNull(normaliseDevice(raw)), stranger: stranger(ownString(`device:${raw.toLowerCase()}`)) };
      if (devices.size >= CACHE_LIMIT) devices.clear();
      devices.set(ownString(raw), d);
    }
    return d;
  };
  const ips = new Map<string, Attribution>();
  const ipStranger = (ip: string): Attribution => {
    let a = ips.get(ip);
    if (a === undefined) {
      a = stranger(ownString(`ip:${ip}`));
      if (ips.size >= CACHE_LIMIT) ips.clear();
      ips.set(ownString(ip), a);
    }
    return a;
  };
  const hasDeviceLeases = byDevice.size > 0;
  const hasIpLeases = byIp.size > 0;

  return (event) => {
    const user = event.user === null ? NOBODY : userAnswer(event.user);
    if (user.person !== null) return user.person;
    const dev = event.device ? device(event.device) : null;
    if (hasDeviceLeases && dev !== null) {
      const p = holder(byDevice, dev.key, event.at);
      if (p) return known(p);
    }
    if (hasIpLeases && event.clientIp !== null) {
      const p = holder(byIp, event.clientIp, event.at);
      if (p) return known(p);
    }
    if (user.stranger !== null) return user.stranger;
    if (event.clientIp) return ipStranger(event.clientIp);
    if (dev !== null) return dev.stranger;
    return UNKNOWN;
  };
}
