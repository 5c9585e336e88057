// Alerts use cases: raising (from the log pipeline, in batches, folding duplicates), the triage
// queue, and the ways out of it (acknowledge, dismiss, open or join a concern). Triage is for the
// 'alerts.triage' roles; an alert about the viewer themselves does not exist for them. Every change
// and every read is audited in the same transaction; every status change is a history row.
import type { Insertable } from 'kysely';
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import { type ActorRef, type Haven, SYSTEM_ACTOR } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { conflict, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { londonDateTime } from '../../platform/time.ts';
import { type CaseAudience, type ConcernType, notifiedRoles, routingOf } from '../concerns/model.ts';
import { namesInMailKey, recipients } from '../concerns/notify.ts';
import * as concerns from '../concerns/service.ts';
import * as concernStore from '../concerns/store.ts';
import {
  AREA_OF,
  type AlertInput,
  type AlertStatus,
  allowedActions,
  categoryLabel,
  EVENT_CAP,
  eventsCsv,
  FOLD_WINDOW_MS,
  folds,
  foldKey,
  higher,
  type Priority,
  PRIORITIES,
  RULE_LABELS,
  RULES,
  type Rule,
  refusal,
  suggestedType,
  type TriageAction,
} from './model.ts';
import * as store from './store.ts';
import type { LogAlertEventsTable, LogAlertHistoryTable, LogAlertsTable } from './tables.ts';

export type { AlertInput } from './model.ts';

// ------------------------------------------------------------------------------------------------
// Raising
// ------------------------------------------------------------------------------------------------

type Pending = {
  id: string;
  isNew: boolean;
  rule: Rule;
  priority: Priority;
  subjectKey: string;
  personId: string | null;
  category: string | null;
  why: string;
  firstAt: number;
  lastAt: number;
  eventCount: number;
  stored: number;
  events: Insertable<LogAlertEventsTable>[];
  foldedCandidates: number;
};

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * Raises alerts for one school from the pipeline's candidates. A candidate folds into an OPEN alert
 * of the same rule, subject and category whose time span is within FOLD_WINDOW_MS of it (also into
 * one made earlier in the same batch); otherwise it is a new alert. New high alerts are mailed at
 * once to the DSL and deputies (pupil names only when the school opted in).
 */
export async function raiseAlerts(
  haven: Haven,
  trustId: string,
  schoolId: string,
  candidates: readonly AlertInput[],
  sourceRunId?: string | null,
): Promise<{ created: number; folded: number }> {
  if (candidates.length === 0) return { created: 0, folded: 0 };
  const school = await store.schoolById(haven.db, trustId, schoolId);
  if (!school) throw notFound('That school');
  // A person id the pipeline guessed wrong must not break the batch: unknown people become "no person".
  const askedIds = [...new Set(candidates.flatMap((c) => (c.personId ? [c.personId] : [])))];
  const people = await concernStore.peopleByIds(haven.db, trustId, askedIds);
  const known = new Map(people.map((x) => [x.id, x]));
  const sorted = candidates
    // Pipeline data is trusted for shape, not for sense: a candidate no rule or clock can place is skipped.
    .filter((c) => (RULES as readonly string[]).includes(c.rule) && (PRIORITIES as readonly string[]).includes(c.priority) && Number.isFinite(c.firstAt) && Number.isFinite(c.lastAt))
    .map((c) => ({
      ...c,
      subjectKey: clip(c.subjectKey.trim() || 'unknown', 500),
      personId: c.personId && known.has(c.personId) ? c.personId : null,
      why: clip(c.why.trim() || RULE_LABELS[c.rule], 5000),
      lastAt: Math.max(c.lastAt, c.firstAt),
      eventCount: Math.max(1, Math.trunc(c.eventCount), c.events.length),
    }))
    .sort((a, b) => a.firstAt - b.firstAt);
  const now = haven.clock.now();
  // Times in rows as ISO text: the rows go to one statement as JSON, and JSON.stringify is several
  // times slower for objects holding a Date.
  const nowText = now.toISOString();

  const result = await haven.db.transaction().execute(async (tx) => {
    await store.lockSchool(tx, schoolId);
    const minFirst = sorted[0]?.firstAt ?? now.getTime();
    const open = await store.openForFold(
      tx,
      trustId,
      schoolId,
      [...new Set(sorted.map((c) => c.subjectKey))],
      new Date(minFirst - FOLD_WINDOW_MS),
    );
    const stored = await store.storedEventCounts(
      tx,
      trustId,
      open.map((o) => o.id),
    );
    const groups = new Map<string, Pending[]>();
    for (const o of open) {
      const key = foldKey({ rule: o.rule, subjectKey: o.subject_key, category: o.category });
      const list = groups.get(key) ?? [];
      list.push({
        id: o.id,
        isNew: false,
        rule: o.rule as Rule,
        priority: o.priority as Priority,
        subjectKey: o.subject_key,
        personId: null,
        category: o.category,
        why: '',
        firstAt: o.first_at.getTime(),
        lastAt: o.last_at.getTime(),
        eventCount: o.event_count,
        stored: stored.get(o.id) ?? 0,
        events: [],
        foldedCandidates: 0,
      });
      groups.set(key, list);
    }
    let created = 0;
    let folded = 0;
    const touched: Pending[] = [];
    for (const c of sorted) {
      const key = foldKey(c);
      const list = groups.get(key) ?? [];
      let target = list.find((a) => folds(a, c));
      if (target) {
        target.firstAt = Math.min(target.firstAt, c.firstAt);
        target.lastAt = Math.max(target.lastAt, c.lastAt);
        target.eventCount += c.eventCount;
        target.priority = higher(target.priority, c.priority);
        target.foldedCandidates++;
        folded++;
      } else {
        target = { ...c, id: newId(), isNew: true, stored: 0, events: [], foldedCandidates: 0 };
        list.push(target);
        groups.set(key, list);
        created++;
      }
      if (!touched.includes(target)) touched.push(target);
      for (const e of c.events) {
        if (target.stored + target.events.length >= EVENT_CAP) break;
        if (!Number.isFinite(e.at)) continue;
        target.events.push({
          trust_id: trustId,
          alert_id: target.id,
          seq: target.stored + target.events.length + 1,
          at: new Date(e.at).toISOString(),
          source: clip(e.source, 100),
          user_name: e.user,
          client_ip: e.clientIp,
          device: e.device,
          host: e.host,
          url: e.url,
          action: e.action,
          filter_category: e.filterCategory,
          reason: e.reason,
          severity: e.severity ?? null,
          trigger: e.trigger ?? null,
          capture_ref: e.captureRef ?? null,
        });
      }
    }

    const fresh = touched.filter((t) => t.isNew);
    const extended = touched.filter((t) => !t.isNew);
    const rows: Insertable<LogAlertsTable>[] = fresh.map((t) => ({
      trust_id: trustId,
      id: t.id,
      school_id: schoolId,
      rule: t.rule,
      priority: t.priority,
      raised_at: nowText,
      subject_key: t.subjectKey,
      person_id: t.personId,
      category: t.category,
      why: t.why,
      first_at: new Date(t.firstAt).toISOString(),
      last_at: new Date(t.lastAt).toISOString(),
      event_count: t.eventCount,
      concern_id: null,
      acknowledged_by: null,
      acknowledged_at: null,
      acknowledged_note: null,
      dismissed_by: null,
      dismissed_at: null,
      dismissed_reason: null,
      source_run_id: sourceRunId ?? null,
      updated_at: nowText,
    }));
    await store.applyFolds(
      tx,
      trustId,
      extended.map((t) => ({ id: t.id, firstAt: new Date(t.firstAt), lastAt: new Date(t.lastAt), eventCount: t.eventCount, priority: t.priority })),
      now,
    );
    const history: store.HistoryRow[] = [
      ...fresh.map((t) => ({
        trust_id: trustId,
        alert_id: t.id,
        id: newId(),
        at: nowText,
        by_person_id: null,
        by_label: SYSTEM_ACTOR.label,
        kind: 'raised',
        status_from: null,
        status_to: 'open',
        note: t.why,
        data: { eventCount: t.eventCount, folded: t.foldedCandidates, sourceRunId: sourceRunId ?? null },
      })),
      ...extended.map((t) => ({
        trust_id: trustId,
        alert_id: t.id,
        id: newId(),
        at: nowText,
        by_person_id: null,
        by_label: SYSTEM_ACTOR.label,
        kind: 'folded',
        status_from: 'open',
        status_to: 'open',
        note: `${t.foldedCandidates} more ${t.foldedCandidates === 1 ? 'occurrence' : 'occurrences'} folded in`,
        data: { candidates: t.foldedCandidates, eventsKept: t.events.length, sourceRunId: sourceRunId ?? null },
      })),
    ];
    await store.insertRaised(
      tx,
      rows,
      touched.flatMap((t) => t.events),
      history,
    );
    await audit(tx, haven, SYSTEM_ACTOR, {
      trustId,
      schoolId,
      action: 'alerts.raise',
      recordType: 'log_alerts',
      recordId: sourceRunId ?? null,
      detail: { created, folded, candidates: candidates.length, highIds: fresh.filter((t) => t.priority === 'high').map((t) => t.id).slice(0, 100) },
    });
    return { created, folded, high: fresh.filter((t) => t.priority === 'high') };
  });

  if (result.high.length > 0) await notifyHigh(haven, trustId, school, result.high, known);
  return { created: result.created, folded: result.folded };
}

type KnownPerson = Awaited<ReturnType<typeof concernStore.peopleByIds>>[number];

/** One mail per recipient listing the new high alerts they may see; then a history row per alert. */
async function notifyHigh(haven: Haven, trustId: string, school: { id: string; name: string }, alerts: Pending[], known: Map<string, KnownPerson>) {
  const names = (await concernStore.setting(haven.db, namesInMailKey(school.id))) === true;
  const byAddress = new Map<string, Pending[]>();
  const sentTo = new Map<string, number>();
  const cache = new Map<string, string[]>();
  for (const a of alerts) {
    const who = a.personId ? known.get(a.personId) : undefined;
    // An alert about a member of staff goes where an allegation would: never to its subject.
    const staffSubjectIds = who?.kind === 'staff' ? [who.id] : [];
    const key = staffSubjectIds[0] ?? 'ordinary';
    let to = cache.get(key);
    if (!to) {
      const grants = await concernStore.grantsOf(haven.db, trustId, staffSubjectIds);
      const aboutHeadteacher = grants.some((g) => g.role === 'headteacher' && (g.school_id === school.id || g.school_id === null));
      const audience: CaseAudience = { trustId, schoolId: school.id, reporterPersonId: '', staffSubjectIds, aboutHeadteacher, sharedWith: [] };
      to = await recipients(haven, audience, notifiedRoles(routingOf(audience)));
      cache.set(key, to);
    }
    for (const address of to) byAddress.set(address, [...(byAddress.get(address) ?? []), a]);
    sentTo.set(a.id, to.length);
  }
  const line = (a: Pending) => {
    const who = a.personId ? known.get(a.personId) : undefined;
    const label = [RULE_LABELS[a.rule], categoryLabel(a.category)].filter(Boolean).join(': ');
    return [
      `- ${label}. ${a.eventCount} ${a.eventCount === 1 ? 'event' : 'events'}, first at ${londonDateTime(new Date(a.firstAt))}.`,
      ...(names && who ? [`  About: ${concernStore.personName(who)}`] : []),
      `  Open it in Haven: ${haven.config.publicUrl}/alerts/${a.id}`,
    ].join('\n');
  };
  await Promise.all(
    [...byAddress].map(([to, mine]) => {
      const first = mine[0] as Pending;
      const subject =
        mine.length === 1
          ? `HIGH: Filtering alert at ${school.name} (${categoryLabel(first.category) ?? RULE_LABELS[first.rule]})`
          : `HIGH: ${mine.length} filtering alerts at ${school.name}`;
      const text = [
        `Haven raised ${mine.length === 1 ? 'a high-priority alert' : `${mine.length} high-priority alerts`} from the filtering and monitoring logs of ${school.name}.`,
        '',
        ...mine.map(line),
        '',
        'Look at it now: a high alert may need a safeguarding response today.',
      ].join('\n');
      return haven.mail.send({ trustId, to, subject, text });
    }),
  );
  const now = haven.clock.now();
  await haven.db.transaction().execute(async (tx) => {
    await store.insertHistory(
      tx,
      alerts.map((a) => ({
        trust_id: trustId,
        alert_id: a.id,
        id: newId(),
        at: now,
        by_person_id: null,
        by_label: SYSTEM_ACTOR.label,
        kind: 'notified',
        status_from: 'open',
        status_to: 'open',
        note: `Mailed to ${sentTo.get(a.id) ?? 0} ${sentTo.get(a.id) === 1 ? 'person' : 'people'}`,
        data: JSON.stringify({ recipients: sentTo.get(a.id) ?? 0 }),
      })),
    );
    await audit(tx, haven, SYSTEM_ACTOR, {
      trustId,
      schoolId: school.id,
      action: 'alerts.notify',
      recordType: 'log_alerts',
      detail: { alerts: alerts.length, mails: byAddress.size },
    });
  });
}

// ------------------------------------------------------------------------------------------------
// Access
// ------------------------------------------------------------------------------------------------

function person(p: Principal): string {
  if (p.scopes) throw forbidden('Alerts are for the safeguarding team, not API tokens.');
  if (!p.personId) throw forbidden('Your account is not linked to a person in this trust.');
  return p.personId;
}

const mayTriage = (p: Principal, schoolId: string) => can(p, 'alerts.triage', { trustId: p.trustId, schoolId });

async function requireTriage(haven: Haven, p: Principal, schoolId: string) {
  person(p);
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school) throw notFound('That school');
  if (!mayTriage(p, schoolId)) {
    if (p.grants.some((g) => g.schoolId === null || g.schoolId === schoolId)) {
      throw forbidden('Alerts are for the DSL, deputy DSLs, the online safety lead and the headteacher.');
    }
    throw notFound('That school');
  }
  return school;
}

/** An alert the caller may triage, or 404: not there, another school, or about the caller. */
async function loadAlert(db: Executor, p: Principal, alertId: string) {
  const me = person(p);
  const row = await store.alertById(db, p.trustId, alertId);
  if (!row || !mayTriage(p, row.school_id) || row.person_id === me) throw notFound('That alert');
  return row;
}

// ------------------------------------------------------------------------------------------------
// Views
// ------------------------------------------------------------------------------------------------

type Listed = store.ListedAlert;
type History = Awaited<ReturnType<typeof store.historyOf>>;

function summaryOf(r: Listed, history: History = []) {
  const by = (kind: string) => [...history].reverse().find((h) => h.kind === kind)?.by_label ?? null;
  return {
    id: r.id,
    schoolId: r.school_id,
    rule: r.rule,
    ruleLabel: RULE_LABELS[r.rule as Rule] ?? r.rule,
    priority: r.priority,
    status: r.status,
    category: r.category,
    categoryLabel: categoryLabel(r.category),
    why: r.why,
    subject: {
      key: r.subject_key,
      person: r.person_id && r.given_name ? { id: r.person_id, name: `${r.preferred_name ?? r.given_name} ${r.family_name}`, kind: r.person_kind } : null,
    },
    raisedAt: r.raised_at,
    firstAt: r.first_at,
    lastAt: r.last_at,
    eventCount: r.event_count,
    sourceRunId: r.source_run_id,
    concern: r.concern_id ? { id: r.concern_id, reference: r.concern_reference } : null,
    acknowledged: r.acknowledged_at ? { at: r.acknowledged_at, byPersonId: r.acknowledged_by, by: by('acknowledged'), note: r.acknowledged_note } : null,
    dismissed: r.dismissed_at ? { at: r.dismissed_at, byPersonId: r.dismissed_by, by: by('dismissed'), reason: r.dismissed_reason, falsePositive: r.false_positive } : null,
    allowedActions: allowedActions(r.status as AlertStatus),
    suggestedConcernType: suggestedType(r.rule as Rule, r.category),
  };
}

export type AlertSummary = ReturnType<typeof summaryOf>;

async function detailOf(db: Executor, r: Listed) {
  const [events, history, fp] = await Promise.all([store.eventsOf(db, r.trust_id, r.id), store.historyOf(db, r.trust_id, r.id), store.falsePositiveCounts(db, r.trust_id, r.school_id)]);
  return {
    ...summaryOf(r, history),
    falsePositiveCount: fp[r.rule] ?? 0,
    events: events.map((e) => ({
      seq: e.seq,
      at: e.at,
      source: e.source,
      user: e.user_name,
      clientIp: e.client_ip,
      device: e.device,
      host: e.host,
      url: e.url,
      action: e.action,
      filterCategory: e.filter_category,
      reason: e.reason,
      severity: e.severity,
      trigger: e.trigger,
      captureRef: e.capture_ref,
    })),
    history: history.map((h) => ({ id: h.id, at: h.at, by: h.by_label, byPersonId: h.by_person_id, kind: h.kind, statusFrom: h.status_from, statusTo: h.status_to, note: h.note })),
  };
}

export type AlertDetail = Awaited<ReturnType<typeof detailOf>>;

// ------------------------------------------------------------------------------------------------
// The queue and one alert
// ------------------------------------------------------------------------------------------------

export type QueueQuery = { status?: AlertStatus | 'active' | 'all' | undefined; priority?: Priority | undefined; rule?: Rule | undefined; limit: number; offset: number };

export async function listAlerts(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, q: QueueQuery) {
  await requireTriage(haven, p, schoolId);
  const statuses = !q.status || q.status === 'active' ? ['open', 'acknowledged'] : q.status === 'all' ? ['open', 'acknowledged', 'dismissed', 'concern'] : [q.status];
  const { total, rows } = await store.listAlerts(haven.db, {
    trustId: p.trustId,
    schoolId,
    statuses,
    priority: q.priority,
    rule: q.rule,
    notAboutPersonId: person(p),
    limit: q.limit,
    offset: q.offset,
  });
  const fp = await store.falsePositiveCounts(haven.db, p.trustId, schoolId);
  await haven.db.transaction().execute((tx) =>
    audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'alerts.queue_read', recordType: 'log_alerts', recordId: schoolId, detail: { shown: rows.length, total, statuses } }),
  );
  return {
    total,
    alerts: rows.map((r) => summaryOf(r)),
    rules: RULES.map((rule) => ({ rule, label: RULE_LABELS[rule], falsePositives: fp[rule] ?? 0 })),
  };
}

export async function getAlert(haven: Haven, p: Principal, actor: ActorRef, alertId: string) {
  return haven.db.transaction().execute(async (tx) => {
    const row = await loadAlert(tx, p, alertId);
    const detail = await detailOf(tx, row);
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action: 'alert.read', recordType: 'log_alert', recordId: alertId });
    return detail;
  });
}

// ------------------------------------------------------------------------------------------------
// Triage changes
// ------------------------------------------------------------------------------------------------

type Change = {
  action: TriageAction;
  set: Partial<Insertable<LogAlertsTable>>;
  kind: string;
  note: string | null;
  data?: Record<string, unknown>;
};

/** Locks the alert, checks the move, writes the row, its history and the audit event together. */
async function change(haven: Haven, p: Principal, actor: ActorRef, alertId: string, c: Change) {
  return haven.db.transaction().execute(async (tx) => {
    const pre = await loadAlert(tx, p, alertId);
    const locked = await store.lockAlert(tx, p.trustId, alertId);
    const status = (locked?.status ?? pre.status) as AlertStatus;
    const wrong = refusal(status, c.action);
    if (wrong) throw conflict(wrong);
    const now = haven.clock.now();
    const to = (c.set.status as string | undefined) ?? status;
    await tx
      .updateTable('log_alerts')
      .set({ ...c.set, updated_at: now })
      .where('trust_id', '=', p.trustId)
      .where('id', '=', alertId)
      .execute();
    await store.insertHistory(tx, [
      {
        trust_id: p.trustId,
        alert_id: alertId,
        id: newId(),
        at: now,
        by_person_id: p.personId,
        by_label: actor.label,
        kind: c.kind,
        status_from: status,
        status_to: to,
        note: c.note,
        data: JSON.stringify(c.data ?? {}),
      },
    ]);
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: pre.school_id,
      action: `alert.${c.action}`,
      recordType: 'log_alert',
      recordId: alertId,
      detail: { from: status, to, ...(c.data ?? {}) },
    });
    return detailOf(tx, (await store.alertById(tx, p.trustId, alertId)) as Listed);
  });
}

export async function acknowledge(haven: Haven, p: Principal, actor: ActorRef, alertId: string, note?: string) {
  const now = haven.clock.now();
  return change(haven, p, actor, alertId, {
    action: 'acknowledge',
    set: { status: 'acknowledged', acknowledged_by: p.personId, acknowledged_at: now, acknowledged_note: note?.trim() || null },
    kind: 'acknowledged',
    note: note?.trim() || null,
  });
}

export async function dismiss(haven: Haven, p: Principal, actor: ActorRef, alertId: string, reason: string, falsePositive: boolean) {
  const now = haven.clock.now();
  return change(haven, p, actor, alertId, {
    action: 'dismiss',
    set: { status: 'dismissed', dismissed_by: p.personId, dismissed_at: now, dismissed_reason: reason.trim(), false_positive: falsePositive },
    kind: 'dismissed',
    note: reason.trim(),
    data: { falsePositive },
  });
}

/** The alert as an evidence file, and the words that tie it to a case. */
async function evidenceOf(db: Executor, row: Listed) {
  const events = await store.eventsOf(db, row.trust_id, row.id);
  const csv = eventsCsv(
    events.map((e) => ({
      at: e.at,
      source: e.source,
      user: e.user_name,
      clientIp: e.client_ip,
      device: e.device,
      host: e.host,
      url: e.url,
      action: e.action,
      filterCategory: e.filter_category,
      reason: e.reason,
    })),
  );
  const day = row.first_at.toISOString().slice(0, 10);
  const label = [RULE_LABELS[row.rule as Rule] ?? row.rule, categoryLabel(row.category)].filter(Boolean).join(': ');
  const span = `${londonDateTime(row.first_at)} to ${londonDateTime(row.last_at)}`;
  return {
    file: { bytes: Buffer.from(csv, 'utf8'), fileName: `alert-${row.rule}-${day}-${row.id.slice(0, 8)}.csv`, mime: 'text/csv', mayBeIndecentImages: false },
    text: `Filtering alert (${row.priority}) ${label}: ${row.why} — ${row.event_count} ${row.event_count === 1 ? 'event' : 'events'}, ${span}. Subject in the logs: ${row.subject_key}.`,
    urls: [...new Set(events.flatMap((e) => (e.url ? [e.url.slice(0, 2000)] : [])))].slice(0, 50),
    devices: [...new Set(events.flatMap((e) => { const d = e.device ?? e.client_ip; return d ? [d] : []; }))].join(', ').slice(0, 200),
  };
}

export type OpenConcernInput = { type: ConcernType; summary: string; urgent?: boolean | undefined };

/**
 * Turns an alert into a concern: reported by the responder, about the alert's person (or someone
 * unknown), with the alert's events attached as a CSV evidence file; the alert then points at it.
 */
export async function openConcern(haven: Haven, p: Principal, actor: ActorRef, alertId: string, input: OpenConcernInput) {
  const row = await loadAlert(haven.db, p, alertId);
  const wrong = refusal(row.status as AlertStatus, 'open_concern');
  if (wrong) throw conflict(wrong);
  const ev = await evidenceOf(haven.db, row);
  const created = await concerns.reportConcern(haven, p, actor, row.school_id, {
    whatHappened: `${input.summary.trim()}\n\n${ev.text}`.slice(0, 20000),
    // A filter's clock can run ahead of Haven's; a concern cannot have happened in the future.
    occurredAt: new Date(Math.min(row.first_at.getTime(), haven.clock.now().getTime())),
    device: ev.devices || undefined,
    involved: row.person_id ? [{ personId: row.person_id }] : [{ unknown: true, description: `Not matched to a person. In the logs: ${row.subject_key}`.slice(0, 500) }],
    urls: ev.urls,
    area: AREA_OF[input.type],
    type: input.type,
    toldDslInPerson: false,
    urgent: input.urgent ?? row.priority === 'high',
    mayBeIndecentImages: false,
  });
  const file = await concerns.addEvidence(haven, p, actor, created.id, ev.file);
  const alert = await change(haven, p, actor, alertId, {
    action: 'open_concern',
    set: { status: 'concern', concern_id: created.id },
    kind: 'concern_opened',
    note: `Concern ${created.reference} opened`,
    data: { concernId: created.id, reference: created.reference, evidence: file.sha256 },
  });
  return { concernId: created.id, reference: created.reference, evidence: file, alert };
}

/** Adds an alert to an existing case the caller works: a timeline note and the events as evidence. */
export async function joinConcern(haven: Haven, p: Principal, actor: ActorRef, alertId: string, concernId: string) {
  const row = await loadAlert(haven.db, p, alertId);
  const wrong = refusal(row.status as AlertStatus, 'join_concern');
  if (wrong) throw conflict(wrong);
  const ev = await evidenceOf(haven.db, row);
  // addNote answers 404 for a case the caller may not work on, so nothing is attached to it.
  await concerns.addNote(haven, p, actor, concernId, ev.text);
  const file = await concerns.addEvidence(haven, p, actor, concernId, ev.file);
  const target = await concernStore.concernById(haven.db, p.trustId, concernId);
  const alert = await change(haven, p, actor, alertId, {
    action: 'join_concern',
    set: { status: 'concern', concern_id: concernId },
    kind: 'concern_joined',
    note: `Added to concern ${target?.reference ?? ''}`.trim(),
    data: { concernId, reference: target?.reference ?? null, evidence: file.sha256 },
  });
  return { concernId, reference: target?.reference ?? '', evidence: file, alert };
}
