// Shapes and labels of the alerts API (src/modules/alerts/routes.ts).
export const PRIORITY_LABELS: Record<string, string> = { high: 'High', medium: 'Medium', low: 'Low' };
// Dark enough for white badge text (WCAG AA at 11 px bold).
export const PRIORITY_COLORS: Record<string, string> = { high: 'red.8', medium: '#9a3d00', low: 'gray.7' };
export const ALERT_STATUS_LABELS: Record<string, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  dismissed: 'Dismissed',
  concern: 'Part of a concern',
};
export const HISTORY_LABELS: Record<string, string> = {
  raised: 'Raised',
  folded: 'More of the same',
  notified: 'Mailed',
  acknowledged: 'Acknowledged',
  dismissed: 'Dismissed',
  concern_opened: 'Concern opened',
  concern_joined: 'Added to a concern',
};

export type AlertSummary = {
  id: string;
  schoolId: string;
  rule: string;
  ruleLabel: string;
  priority: 'high' | 'medium' | 'low';
  status: 'open' | 'acknowledged' | 'dismissed' | 'concern';
  category: string | null;
  categoryLabel: string | null;
  why: string;
  subject: { key: string; person: { id: string; name: string; kind: string | null } | null };
  raisedAt: string;
  firstAt: string;
  lastAt: string;
  eventCount: number;
  concern: { id: string; reference: string | null } | null;
  acknowledged: { at: string; by: string | null; note: string | null } | null;
  dismissed: { at: string; by: string | null; reason: string | null; falsePositive: boolean } | null;
  allowedActions: ('acknowledge' | 'dismiss' | 'open_concern' | 'join_concern')[];
  suggestedConcernType: string;
};

export type AlertQueue = { total: number; alerts: AlertSummary[]; rules: { rule: string; label: string; falsePositives: number }[] };

export type AlertEvent = {
  seq: number;
  at: string;
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

export type AlertDetail = AlertSummary & {
  falsePositiveCount: number;
  events: AlertEvent[];
  history: { id: string; at: string; by: string; kind: string; statusFrom: string | null; statusTo: string; note: string | null }[];
};

export const subjectLabel = (a: Pick<AlertSummary, 'subject'>) => a.subject.person?.name ?? a.subject.key;
