// Pure rules of alerts: the vocabulary, folding of duplicates, the triage state machine, queue
// order, the concern a rule suggests, and the evidence file's CSV. No I/O.
import type { Area, ConcernType } from '../concerns/model.ts';
import type { LogEvent } from '../logs/event.ts';

export const RULES = ['harmful_content', 'filter_bypass', 'blocked_burst', 'monitoring_capture', 'filter_check_failed'] as const;
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export const STATUSES = ['open', 'acknowledged', 'dismissed', 'concern'] as const;
export type Rule = (typeof RULES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type AlertStatus = (typeof STATUSES)[number];

export const RULE_LABELS: Record<Rule, string> = {
  harmful_content: 'Harmful content',
  filter_bypass: 'Getting round the filter',
  blocked_burst: 'Burst of blocked requests',
  monitoring_capture: 'Monitoring capture',
  filter_check_failed: 'Filter check failed',
};

/** Duplicates closer than this fold into one alert. */
export const FOLD_WINDOW_MS = 60 * 60_000;
/** Events kept per alert; the count goes on, the rows stop here. */
export const EVENT_CAP = 200;

/** What the log pipeline hands over: pure data, one candidate alert. */
export type AlertInput = {
  rule: Rule;
  priority: Priority;
  /** Who or what the alert is about: a normalised user name, else a device or client IP. */
  subjectKey: string;
  personId: string | null;
  category: string | null;
  why: string;
  firstAt: number;
  lastAt: number;
  eventCount: number;
  events: LogEvent[];
};

/** The key under which duplicates fold (per school). */
export const foldKey = (a: { rule: string; subjectKey: string; category: string | null }) => `${a.rule}\u0000${a.subjectKey}\u0000${a.category ?? ''}`;

/** Whether a candidate falls within the fold window of an open alert's time span. */
export function folds(open: { firstAt: number; lastAt: number }, c: { firstAt: number; lastAt: number }, windowMs = FOLD_WINDOW_MS): boolean {
  return c.firstAt <= open.lastAt + windowMs && c.lastAt >= open.firstAt - windowMs;
}

export const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, low: 2 };
export const higher = (a: Priority, b: Priority): Priority => (PRIORITY_RANK[a] <= PRIORITY_RANK[b] ? a : b);

/** Queue order: priority first (high, medium, low), then the oldest first. */
export function queueCompare(a: { priority: Priority; firstAt: number }, b: { priority: Priority; firstAt: number }): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.firstAt - b.firstAt;
}

// ---------------------------------------------------------------------------------------------
// Triage
// ---------------------------------------------------------------------------------------------

export const TRIAGE_ACTIONS = ['acknowledge', 'dismiss', 'open_concern', 'join_concern'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/** Why an action is not possible now, or null when it is. A dismissed alert or one on a case is settled. */
export function refusal(status: AlertStatus, action: TriageAction): string | null {
  if (status === 'dismissed') return 'This alert was dismissed. It stays in the record as it is.';
  if (status === 'concern') return 'This alert is already part of a concern.';
  if (action === 'acknowledge' && status === 'acknowledged') return 'This alert is already acknowledged.';
  return null;
}

export const allowedActions = (status: AlertStatus): TriageAction[] => TRIAGE_ACTIONS.filter((a) => refusal(status, a) === null);

// ---------------------------------------------------------------------------------------------
// From alert to concern
// ---------------------------------------------------------------------------------------------

/** The concern type an alert most likely is, offered as the default on the form. */
export function suggestedType(rule: Rule, category: string | null): ConcernType {
  switch (rule) {
    case 'filter_bypass':
      return 'filter_bypass';
    case 'filter_check_failed':
    case 'blocked_burst':
      return category === 'proxies_vpns' ? 'filter_bypass' : rule === 'blocked_burst' ? 'inappropriate_website' : 'network_misuse';
    case 'monitoring_capture':
    case 'harmful_content':
      if (category === 'child_abuse') return 'illegal_content';
      if (category === 'terrorism' || category === 'extremism') return 'radicalisation';
      if (category === 'self_harm') return 'self_harm';
      return rule === 'monitoring_capture' ? 'other' : 'inappropriate_website';
  }
}

/** The 4 Cs area of each concern type (a concern needs one). */
export const AREA_OF: Record<ConcernType, Area> = {
  inappropriate_website: 'content',
  illegal_content: 'content',
  inappropriate_messaging: 'contact',
  network_misuse: 'conduct',
  cyberbullying: 'conduct',
  nude_image_sharing: 'conduct',
  exploitation_grooming: 'contact',
  radicalisation: 'content',
  self_harm: 'content',
  filter_bypass: 'conduct',
  data_breach: 'conduct',
  other: 'content',
};

export type EventRow = {
  at: Date;
  source: string;
  user: string | null;
  clientIp: string | null;
  device: string | null;
  host: string;
  url: string | null;
  action: string;
  filterCategory: string | null;
  reason: string | null;
};

/** RFC 4180 field; a leading =, +, - or @ is defused so a spreadsheet never runs it as a formula. */
function csvField(v: string | null): string {
  let s = v ?? '';
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The events behind an alert as CSV (UTC ISO times): the evidence file attached to a concern. */
export function eventsCsv(events: readonly EventRow[]): string {
  const head = ['time_utc', 'source', 'user', 'client_ip', 'device', 'host', 'url', 'action', 'filter_category', 'reason'];
  const lines = events.map((e) =>
    [e.at.toISOString(), e.source, e.user, e.clientIp, e.device, e.host, e.url, e.action, e.filterCategory, e.reason].map(csvField).join(','),
  );
  return `${[head.join(','), ...lines].join('\r\n')}\r\n`;
}

/** Haven's categories in words (the UK Safer Internet Centre's areas and the governance ones). */
export const CATEGORY_LABELS: Record<string, string> = {
  child_abuse: 'Child sexual abuse content',
  terrorism: 'Terrorist content',
  discrimination: 'Discrimination',
  drugs: 'Drugs and substance abuse',
  extremism: 'Extremism',
  gambling: 'Gambling',
  malware_hacking: 'Malware and hacking',
  pornography: 'Pornography',
  piracy: 'Piracy and copyright theft',
  self_harm: 'Self-harm',
  violence: 'Violence',
  social_media: 'Social media',
  games: 'Games',
  proxies_vpns: 'Proxies and VPNs',
  other: 'Other',
};
export const categoryLabel = (c: string | null) => (c ? (CATEGORY_LABELS[c] ?? c) : null);
