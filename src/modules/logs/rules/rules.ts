// Breach rules: which events become alert candidates, at what priority, and how repeats fold into one.
// A streaming engine with bounded memory: the main thread runs it over the few "interesting" events the
// workers pick out (blocked, harmful, bypass, captures), each worker's chunk sorted by time; chunks of
// two workers interleave, so the engine tolerates events up to `latenessMinutes` out of order.
import type { Attribution } from '../attribute/attribute.ts';
import type { HavenCategory, LogEvent } from '../event.ts';

export type RuleName = 'harmful_content' | 'filter_bypass' | 'blocked_burst' | 'monitoring_capture';
export type Priority = 'high' | 'medium' | 'low';

export type AlertCandidate = {
  rule: RuleName;
  priority: Priority;
  /** Who it is about: the attribution's userKey (person:…, user:…, ip:…, device:…, unknown). */
  subjectKey: string;
  personId: string | null;
  category: HavenCategory | null;
  /** One plain-English sentence naming the rule and the facts. */
  why: string;
  firstAt: number;
  lastAt: number;
  eventCount: number;
  /** The events behind it, oldest first, capped at `maxEvents` (the first ones seen). */
  events: LogEvent[];
};

export type RuleOptions = {
  /** Blocked requests by one subject within burstMinutes that make a burst. */
  burstCount: number;
  burstMinutes: number;
  /** Same rule + subject + category within this many minutes of the last one folds into one candidate. */
  foldMinutes: number;
  maxEvents: number;
  /** How far out of order events may arrive; open candidates and burst windows are kept this much longer. */
  latenessMinutes: number;
};
export const DEFAULT_RULE_OPTIONS: RuleOptions = { burstCount: 20, burstMinutes: 5, foldMinutes: 60, maxEvents: 50, latenessMinutes: 5 };

/** Any attempt at these, allowed or blocked, is a high alert. */
export const HARMFUL_CATEGORIES: ReadonlySet<HavenCategory> = new Set<HavenCategory>(['child_abuse', 'terrorism', 'extremism', 'self_harm']);
export const BYPASS_CATEGORIES: ReadonlySet<HavenCategory> = new Set<HavenCategory>(['proxies_vpns']);

const SEVERITY_PRIORITY: Record<number, Priority> = { 4: 'high', 3: 'high', 2: 'medium', 1: 'low' };
const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, low: 2 };
const MIN = 60_000;

/** Whether a worker must pass the event to the rule engine; everything else only counts in aggregates. */
export function isInteresting(event: LogEvent, category: HavenCategory): boolean {
  return event.action === 'blocked' || HARMFUL_CATEGORIES.has(category) || BYPASS_CATEGORIES.has(category) || (event.severity ?? 0) > 0;
}

const CATEGORY_WORDS: Record<HavenCategory, string> = {
  child_abuse: 'child sexual abuse content',
  terrorism: 'terrorist content',
  discrimination: 'discriminatory content',
  drugs: 'drugs content',
  extremism: 'extremist content',
  gambling: 'gambling sites',
  malware_hacking: 'malware or hacking sites',
  pornography: 'pornography',
  piracy: 'piracy sites',
  self_harm: 'self-harm content',
  violence: 'violent content',
  social_media: 'social media',
  games: 'games sites',
  proxies_vpns: 'a proxy or VPN',
  other: 'uncategorised content',
};

type Open = {
  rule: RuleName;
  priority: Priority;
  subjectKey: string;
  personId: string | null;
  category: HavenCategory | null;
  firstAt: number;
  lastAt: number;
  eventCount: number;
  blocked: number;
  events: LogEvent[];
  hosts: Set<string>;
  maxSeverity: number;
};

/** One subject's most recent blocked events, sorted by time; `counted` marks those already in a burst alert. */
type BurstWindow = { events: LogEvent[]; counted: boolean[]; newest: number };

export class RuleEngine {
  private readonly o: RuleOptions;
  private readonly open = new Map<string, Open[]>();
  private readonly bursts = new Map<string, BurstWindow>();
  private closed: Open[] = [];
  private watermark = Number.NEGATIVE_INFINITY;
  private pushes = 0;

  constructor(options: Partial<RuleOptions> = {}) {
    this.o = { ...DEFAULT_RULE_OPTIONS, ...options };
    if (this.o.burstCount < 1 || this.o.burstMinutes <= 0 || this.o.foldMinutes < 0 || this.o.maxEvents < 1) throw new RangeError('rule options out of range');
  }

  push(event: LogEvent, who: Attribution, category: HavenCategory): void {
    if (event.at > this.watermark) this.watermark = event.at;
    const severity = event.severity ?? 0;
    if (severity > 0) {
      // A capture is its own alert; a harmful category lifts it to high whatever the product's severity.
      const p = HARMFUL_CATEGORIES.has(category) ? 'high' : (SEVERITY_PRIORITY[Math.min(4, Math.round(severity))] ?? 'low');
      this.fold('monitoring_capture', p, who, category, event, [event]);
    } else if (HARMFUL_CATEGORIES.has(category)) {
      this.fold('harmful_content', 'high', who, category, event, [event]);
    } else if (BYPASS_CATEGORIES.has(category)) {
      this.fold('filter_bypass', 'medium', who, category, event, [event]);
    }
    if (event.action === 'blocked' && who.userKey !== 'unknown') this.burst(event, who);
    if (++this.pushes % 4096 === 0) this.sweep();
  }

  /** Candidates whose fold window has passed (safe to persist now); they leave the engine. */
  drainClosed(): AlertCandidate[] {
    this.sweep();
    const out = this.closed.map((c) => this.finish(c));
    this.closed = [];
    return out;
  }

  /** End of stream: every candidate, closed or still open, oldest first; the engine forgets them. */
  flush(): AlertCandidate[] {
    for (const list of this.open.values()) this.closed.push(...list);
    this.open.clear();
    const out = this.closed.map((c) => this.finish(c)).sort((a, b) => a.firstAt - b.firstAt);
    this.closed = [];
    return out;
  }

  /** Subjects with a live burst window, for memory checks. */
  get trackedSubjects(): number {
    return this.bursts.size;
  }

  private fold(rule: RuleName, priority: Priority, who: Attribution, category: HavenCategory | null, at: LogEvent, events: LogEvent[]) {
    const key = `${rule}\u0001${who.userKey}\u0001${category ?? ''}`;
    const span = this.o.foldMinutes * MIN;
    let list = this.open.get(key);
    let c = list?.find((x) => at.at <= x.lastAt + span && at.at >= x.firstAt - span);
    if (!c) {
      c = { rule, priority, subjectKey: who.userKey, personId: who.personId, category, firstAt: at.at, lastAt: at.at, eventCount: 0, blocked: 0, events: [], hosts: new Set(), maxSeverity: 0 };
      if (list) list.push(c);
      else this.open.set(key, (list = [c]));
    }
    if (PRIORITY_RANK[priority] < PRIORITY_RANK[c.priority]) c.priority = priority;
    for (const e of events) {
      if (e.at < c.firstAt) c.firstAt = e.at;
      if (e.at > c.lastAt) c.lastAt = e.at;
      c.eventCount++;
      if (e.action === 'blocked') c.blocked++;
      if ((e.severity ?? 0) > c.maxSeverity) c.maxSeverity = e.severity ?? 0;
      if (c.hosts.size < 4 && e.host) c.hosts.add(e.host);
      if (c.events.length < this.o.maxEvents) c.events.push(e);
    }
  }

  private burst(event: LogEvent, who: Attribution) {
    const n = this.o.burstCount;
    let w = this.bursts.get(who.userKey);
    if (!w) this.bursts.set(who.userKey, (w = { events: [], counted: [], newest: event.at }));
    if (event.at > w.newest) w.newest = event.at;
    // Insert in time order (usually at the end); keep only the newest n.
    let i = w.events.length;
    while (i > 0 && w.events[i - 1]!.at > event.at) i--;
    if (i === 0 && w.events.length >= n) return; // older than the whole full window: cannot complete a burst
    w.events.splice(i, 0, event);
    w.counted.splice(i, 0, false);
    if (w.events.length > n) {
      w.events.shift();
      w.counted.shift();
    }
    if (w.events.length < n || w.events[n - 1]!.at - w.events[0]!.at > this.o.burstMinutes * MIN) return;
    const fresh: LogEvent[] = [];
    for (let k = 0; k < n; k++) {
      if (w.counted[k]) continue;
      w.counted[k] = true;
      fresh.push(w.events[k]!);
    }
    if (fresh.length > 0) this.fold('blocked_burst', 'medium', who, null, event, fresh);
  }

  /** Close candidates past their fold window and drop idle burst windows. */
  private sweep() {
    const closeBefore = this.watermark - (this.o.foldMinutes + this.o.latenessMinutes) * MIN;
    for (const [key, list] of this.open) {
      const keep = list.filter((c) => c.lastAt >= closeBefore);
      if (keep.length !== list.length) {
        for (const c of list) if (c.lastAt < closeBefore) this.closed.push(c);
        if (keep.length === 0) this.open.delete(key);
        else this.open.set(key, keep);
      }
    }
    const idleBefore = this.watermark - (this.o.burstMinutes + this.o.latenessMinutes) * MIN;
    for (const [key, w] of this.bursts) if (w.newest < idleBefore) this.bursts.delete(key);
  }

  private finish(c: Open): AlertCandidate {
    const events = [...c.events].sort((a, b) => a.at - b.at);
    return {
      rule: c.rule,
      priority: c.priority,
      subjectKey: c.subjectKey,
      personId: c.personId,
      category: c.category,
      why: this.why(c),
      firstAt: c.firstAt,
      lastAt: c.lastAt,
      eventCount: c.eventCount,
      events,
    };
  }

  private why(c: Open): string {
    const who = describeSubject(c.subjectKey);
    const when = describeSpan(c.firstAt, c.lastAt);
    const hosts = [...c.hosts];
    const where = hosts.length === 0 ? '' : ` (${hosts.join(', ')}${c.hosts.size >= 4 ? ' and others' : ''})`;
    const times = c.eventCount === 1 ? 'once' : `${c.eventCount} times`;
    const outcome = c.blocked === c.eventCount ? 'all blocked' : c.blocked === 0 ? 'all allowed' : `${c.blocked} blocked, ${c.eventCount - c.blocked} allowed`;
    const what = c.category ? CATEGORY_WORDS[c.category] : 'blocked sites';
    switch (c.rule) {
      case 'harmful_content':
        return `Harmful content rule: ${who} tried to reach ${what}${where} ${times} ${when}, ${outcome}.`;
      case 'filter_bypass':
        return `Filter bypass rule: ${who} tried to use ${what}${where} ${times} ${when}, ${outcome}.`;
      case 'blocked_burst':
        return `Blocked burst rule: ${who} had at least ${this.o.burstCount} requests blocked within ${this.o.burstMinutes} minutes, ${c.eventCount} in the burst ${when}${where}.`;
      case 'monitoring_capture':
        return `Monitoring capture rule: the monitoring product captured ${who} ${times} ${when}, highest severity ${c.maxSeverity} of 4, on ${what}${where}.`;
    }
  }
}

export function describeSubject(key: string): string {
  const colon = key.indexOf(':');
  const kind = colon === -1 ? key : key.slice(0, colon);
  const id = key.slice(colon + 1);
  switch (kind) {
    case 'person':
      return `person ${id}`;
    case 'user':
      return `unmatched user name "${id}"`;
    case 'ip':
      return `the device at ${id}`;
    case 'device':
      return `device ${id}`;
    default:
      return 'an unidentified user';
  }
}

function stamp(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ');
}
function describeSpan(first: number, last: number): string {
  if (first === last) return `at ${stamp(first)} UTC`;
  const a = stamp(first);
  const b = stamp(last);
  return a.slice(0, 10) === b.slice(0, 10) ? `between ${a} and ${b.slice(11)} UTC` : `between ${a} and ${b} UTC`;
}
