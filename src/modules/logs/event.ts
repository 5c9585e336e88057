// The one shape every filtering or monitoring log line is normalised to, whatever product wrote it.
// Parsers (parsers/) produce it; attribution, classification, aggregation and the breach rules read it.

export type LogAction = 'allowed' | 'blocked';

/** Haven's categories: the UK Safer Internet Centre's harmful-content areas, plus a few for governance. */
export const HAVEN_CATEGORIES = [
  'child_abuse',
  'terrorism',
  'discrimination',
  'drugs',
  'extremism',
  'gambling',
  'malware_hacking',
  'pornography',
  'piracy',
  'self_harm',
  'violence',
  'social_media',
  'games',
  'proxies_vpns',
  'other',
] as const;
export type HavenCategory = (typeof HAVEN_CATEGORIES)[number];

export type LogEvent = {
  /** When it happened, epoch milliseconds UTC. */
  at: number;
  /** The format id of the parser that read it (e.g. 'squid', 'e2guardian', 'pihole'). */
  source: string;
  /** The user as the log names them, unnormalised (DOMAIN\\user, user@school…); null when absent or '-'. */
  user: string | null;
  clientIp: string | null;
  /** A device or computer name when the log gives one. */
  device: string | null;
  /** Lower-case host name without a trailing dot or port ('' only when the line truly has none). */
  host: string;
  /** The full URL or path when the log has one. */
  url: string | null;
  action: LogAction;
  /** The filter's own category name(s), as written by the product. */
  filterCategory: string | null;
  /** The filter's own reason or rule text for a block. */
  reason: string | null;
  bytes: number | null;
  /** The filter's group or policy the user was in (e2guardian filter groups), when the log says. */
  filterGroup?: string | null;
  /** Monitoring-product captures only: severity 1 (low) … 4 (critical), the trigger text and a screenshot reference. */
  severity?: number | null;
  trigger?: string | null;
  captureRef?: string | null;
};

/** A parser's answer for one line: an event, a line to skip quietly (headers, DNS replies), or malformed with a reason. */
export type ParseResult = { kind: 'event'; event: LogEvent } | { kind: 'skip' } | { kind: 'malformed'; reason: string };

export type LineParser = (line: string) => ParseResult;
