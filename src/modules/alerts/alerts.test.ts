import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { buildPupil, buildSchool, buildTrust } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { bodyOf, smtpServer, subjectOf } from '../../platform/testing/smtp.ts';
import { namesInMailKey } from '../concerns/notify.ts';
import { call, member, report, type World, world } from '../concerns/testing.ts';
import { raiseAlerts } from './service.ts';
import { candidate, event, MIN, T0 } from './testing.ts';

type Json = Record<string, any>;

let smtp: Awaited<ReturnType<typeof smtpServer>>;
let h: TestHaven;
let w: World;
before(async () => {
  smtp = await smtpServer();
  h = await testHaven({ SMTP_URL: smtp.url, MAIL_FROM: 'Haven <haven@example.test>', PUBLIC_URL: 'https://haven.example.test' });
  w = await world(h, 'Oakfield Primary');
});
after(async () => {
  await h.close();
  await smtp.close();
});

const alertsOf = (schoolId: string) => h.db.selectFrom('log_alerts').selectAll().where('school_id', '=', schoolId).orderBy('first_at').execute();

/** A school of its own, so each test counts only its alerts. */
async function freshSchool() {
  const school = await buildSchool(h.db, w.trust.id);
  const dsl = await member(h, w.trust.id, school.id, ['dsl']);
  return { school, dsl };
}

test('folding: the same subject within the window is one alert; beyond the window it is two', async () => {
  const { school } = await freshSchool();
  const first = await raiseAlerts(h, w.trust.id, school.id, [candidate({ firstAt: T0, lastAt: T0 + 5 * MIN })]);
  assert.deepEqual(first, { created: 1, folded: 0 });
  // 50 minutes after the last event: folds, extending the count and the span
  const second = await raiseAlerts(h, w.trust.id, school.id, [candidate({ firstAt: T0 + 55 * MIN, lastAt: T0 + 56 * MIN, eventCount: 3 })]);
  assert.deepEqual(second, { created: 0, folded: 1 });
  let rows = await alertsOf(school.id);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.event_count, 5);
  assert.equal(rows[0]?.last_at.getTime(), T0 + 56 * MIN);
  const stored = await h.db.selectFrom('log_alert_events').select('seq').where('alert_id', '=', rows[0]?.id as string).orderBy('seq').execute();
  assert.deepEqual(
    stored.map((e) => e.seq),
    [1, 2, 3, 4],
  );
  // 61 minutes after the last event: a new alert
  const third = await raiseAlerts(h, w.trust.id, school.id, [candidate({ firstAt: T0 + 117 * MIN, lastAt: T0 + 118 * MIN })]);
  assert.deepEqual(third, { created: 1, folded: 0 });
  rows = await alertsOf(school.id);
  assert.equal(rows.length, 2);
  // another category, subject or rule never folds
  const other = await raiseAlerts(h, w.trust.id, school.id, [
    candidate({ firstAt: T0 + 118 * MIN, category: 'gambling' }),
    candidate({ firstAt: T0 + 118 * MIN, subjectKey: 'someone-else' }),
    candidate({ firstAt: T0 + 118 * MIN, rule: 'filter_bypass', priority: 'medium' }),
  ]);
  assert.deepEqual(other, { created: 3, folded: 0 });
  const history = await h.db.selectFrom('log_alert_history').select(['kind']).where('alert_id', '=', rows[0]?.id as string).orderBy('at').execute();
  assert.deepEqual(
    history.map((x) => x.kind).filter((k) => k !== 'notified'),
    ['raised', 'folded'],
  );
});

test('folding inside one batch, only into OPEN alerts, and the 200-event cap', async () => {
  const { school, dsl } = await freshSchool();
  const batch = Array.from({ length: 150 }, (_, i) =>
    candidate({ firstAt: T0 + i * MIN, lastAt: T0 + i * MIN, eventCount: 2, events: [event(T0 + i * MIN), event(T0 + i * MIN)], priority: 'low' }),
  );
  assert.deepEqual(await raiseAlerts(h, w.trust.id, school.id, batch), { created: 1, folded: 149 });
  const [row] = await alertsOf(school.id);
  assert.equal(row?.event_count, 300);
  const kept = await h.db.selectFrom('log_alert_events').select((eb) => eb.fn.countAll<string>().as('n')).where('alert_id', '=', row?.id as string).executeTakeFirst();
  assert.equal(Number(kept?.n), 200);
  // a fold keeps the higher priority
  assert.deepEqual(await raiseAlerts(h, w.trust.id, school.id, [candidate({ firstAt: T0 + 149 * MIN, priority: 'high' })]), { created: 0, folded: 1 });
  assert.equal((await alertsOf(school.id))[0]?.priority, 'high');
  // once acknowledged, the alert is no longer open: a new occurrence is a new alert
  assert.equal((await call(h, dsl, 'POST', `/alerts/${row?.id}/acknowledge`, {})).statusCode, 200);
  assert.deepEqual(await raiseAlerts(h, w.trust.id, school.id, [candidate({ firstAt: T0 + 150 * MIN, priority: 'low' })]), { created: 1, folded: 0 });
});

test('a batch of 600 candidates is raised quickly; unknown person ids do not break it', async () => {
  const { school } = await freshSchool();
  const batch = Array.from({ length: 600 }, (_, i) =>
    candidate({ subjectKey: `user${i}`, personId: i === 0 ? crypto.randomUUID() : null, priority: 'low', events: Array.from({ length: 5 }, () => event(T0)) }),
  );
  // nonsense from the pipeline is skipped, never fatal to the batch
  batch.push(candidate({ subjectKey: 'bad-time', firstAt: Number.NaN }), candidate({ subjectKey: 'bad-priority', priority: 'urgent' as never }));
  const started = performance.now();
  assert.deepEqual(await raiseAlerts(h, w.trust.id, school.id, batch, crypto.randomUUID()), { created: 600, folded: 0 });
  const ms = performance.now() - started;
  assert.ok(ms < 5000, `took ${ms} ms`);
  const rows = await alertsOf(school.id);
  assert.equal(rows.length, 600);
  assert.ok(rows.every((r) => r.person_id === null));
});

test('queue: high, medium, low, then oldest first; filters; false-positive count per rule; reads audited', async () => {
  const { school, dsl } = await freshSchool();
  await raiseAlerts(h, w.trust.id, school.id, [
    candidate({ subjectKey: 'a', priority: 'low', rule: 'blocked_burst', category: null, firstAt: T0 }),
    candidate({ subjectKey: 'b', priority: 'high', firstAt: T0 + 30 * MIN }),
    candidate({ subjectKey: 'c', priority: 'medium', rule: 'filter_bypass', category: 'proxies_vpns', firstAt: T0 + 10 * MIN }),
    candidate({ subjectKey: 'd', priority: 'high', firstAt: T0 + 5 * MIN }),
  ]);
  const res = await call(h, dsl, 'GET', `/schools/${school.id}/alerts`);
  assert.equal(res.statusCode, 200);
  const q = res.json() as Json;
  assert.deepEqual(
    q.alerts.map((a: Json) => a.subject.key),
    ['d', 'b', 'c', 'a'],
  );
  assert.equal(q.total, 4);
  const highOnly = (await call(h, dsl, 'GET', `/schools/${school.id}/alerts?priority=high`)).json() as Json;
  assert.deepEqual(
    highOnly.alerts.map((a: Json) => a.subject.key),
    ['d', 'b'],
  );
  assert.equal((await call(h, dsl, 'GET', `/schools/${school.id}/alerts?priority=urgent`)).statusCode, 400);

  // dismiss needs a reason; a false positive counts against its rule
  const [d, b, c] = q.alerts as Json[];
  const noReason = await call(h, dsl, 'POST', `/alerts/${d?.id}/dismiss`, { reason: '  ', falsePositive: true });
  assert.equal(noReason.statusCode, 400);
  assert.match(noReason.body, /why you dismiss/);
  assert.equal((await call(h, dsl, 'POST', `/alerts/${d?.id}/dismiss`, { falsePositive: true })).statusCode, 400);
  const dismissed = await call(h, dsl, 'POST', `/alerts/${d?.id}/dismiss`, { reason: 'A health lesson on self-harm awareness', falsePositive: true });
  assert.equal(dismissed.statusCode, 200, dismissed.body);
  assert.equal(dismissed.json().status, 'dismissed');
  assert.equal(dismissed.json().dismissed.reason, 'A health lesson on self-harm awareness');
  assert.equal(dismissed.json().falsePositiveCount, 1);
  assert.equal((await call(h, dsl, 'POST', `/alerts/${b?.id}/dismiss`, { reason: 'Spoken to; real but handled', falsePositive: false })).statusCode, 200);
  assert.equal((await call(h, dsl, 'POST', `/alerts/${d?.id}/acknowledge`, {})).statusCode, 409, 'a dismissed alert is settled');
  const changes = await h.db.selectFrom('audit_events').select(['action', 'detail']).where('record_id', '=', d?.id).where('action', 'like', 'alert.%').execute();
  assert.deepEqual(
    changes.map((a) => [a.action, (a.detail as Json).falsePositive]),
    [['alert.dismiss', true]],
  );
  const after = (await call(h, dsl, 'GET', `/schools/${school.id}/alerts`)).json() as Json;
  assert.deepEqual(
    after.alerts.map((a: Json) => a.subject.key),
    ['c', 'a'],
    'dismissed alerts leave the active queue',
  );
  assert.deepEqual(
    after.rules.map((r: Json) => [r.rule, r.falsePositives]),
    [
      ['harmful_content', 1],
      ['filter_bypass', 0],
      ['blocked_burst', 0],
      ['monitoring_capture', 0],
      ['filter_check_failed', 0],
    ],
  );
  const all = (await call(h, dsl, 'GET', `/schools/${school.id}/alerts?status=dismissed`)).json() as Json;
  assert.deepEqual(all.alerts.map((a: Json) => a.subject.key).sort(), ['b', 'd']);

  // acknowledge keeps the note; one alert read and its history
  const ack = await call(h, dsl, 'POST', `/alerts/${c?.id}/acknowledge`, { note: 'Checking with IT' });
  assert.equal(ack.json().status, 'acknowledged');
  const one = (await call(h, dsl, 'GET', `/alerts/${c?.id}`)).json() as Json;
  assert.equal(one.events.length, 2);
  assert.equal(one.events[0].host, 'selfharm.example');
  assert.deepEqual(
    one.history.map((x: Json) => [x.kind, x.statusTo, x.note]),
    [
      ['raised', 'open', one.why],
      ['acknowledged', 'acknowledged', 'Checking with IT'],
    ],
  );
  assert.deepEqual(one.allowedActions, ['dismiss', 'open_concern', 'join_concern']);
  const audits = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', c?.id).orderBy('at').execute();
  assert.deepEqual(audits.map((a) => a.action).sort(), ['alert.acknowledge', 'alert.read']);
  const queueReads = await h.db.selectFrom('audit_events').select('action').where('action', '=', 'alerts.queue_read').where('school_id', '=', school.id).execute();
  assert.ok(queueReads.length >= 4);
});

test('history and events are append-only in the database', async () => {
  const { school } = await freshSchool();
  await raiseAlerts(h, w.trust.id, school.id, [candidate({ priority: 'low' })]);
  const [row] = await alertsOf(school.id);
  await assert.rejects(sql`UPDATE log_alert_history SET note = 'x' WHERE alert_id = ${row?.id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`DELETE FROM log_alert_events WHERE alert_id = ${row?.id}`.execute(h.db), /append-only/);
  await assert.rejects(sql`UPDATE log_alerts SET status = 'dismissed' WHERE id = ${row?.id}`.execute(h.db), /check constraint/, 'a dismissal needs who, when and why');
});

test('open a concern: created by the responder about the pupil, events as evidence, in the chronology', async () => {
  const pupil = await buildPupil(h.db, w.trust.id, w.school.id, { given_name: 'Amara', family_name: 'Whitlock' });
  await raiseAlerts(h, w.trust.id, w.school.id, [candidate({ subjectKey: 'awhitlock', personId: pupil.id, priority: 'high' })]);
  const [alert] = (await h.db.selectFrom('log_alerts').select('id').where('person_id', '=', pupil.id).execute()) as { id: string }[];
  const res = await call(h, w.dsl, 'POST', `/alerts/${alert?.id}/open-concern`, { type: 'self_harm', summary: 'Searches for self-harm forums in ICT' });
  assert.equal(res.statusCode, 201, res.body);
  const out = res.json() as Json;
  assert.equal(out.alert.status, 'concern');
  const audited = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', alert?.id as string).execute();
  assert.ok(audited.some((a) => a.action === 'alert.open_concern'));
  assert.deepEqual(out.alert.concern, { id: out.concernId, reference: out.reference });

  const c = (await call(h, w.dsl, 'GET', `/concerns/${out.concernId}`)).json() as Json;
  assert.equal(c.type, 'self_harm');
  assert.equal(c.area, 'content');
  assert.equal(c.urgent, true, 'a high alert makes an urgent concern by default');
  assert.equal(c.device, 'ICT-PC12', 'the devices of the events');
  assert.deepEqual(c.pupils, [{ id: pupil.id, name: 'Amara Whitlock' }]);
  assert.match(c.whatHappened, /^Searches for self-harm forums in ICT\n\nFiltering alert \(high\) Harmful content: Self-harm: Tried to reach/);
  assert.equal(c.evidence.length, 1);
  assert.match(c.evidence[0].fileName, /^alert-harmful_content-2026-09-14-[0-9a-f]{8}\.csv$/);
  const file = await call(h, w.dsl, 'GET', `/concerns/${out.concernId}/evidence/${c.evidence[0].sha256}`);
  assert.equal(file.statusCode, 200);
  assert.match(file.body, /^time_utc,source,user,/);
  assert.match(file.body, /2026-09-14T09:00:00\.000Z,squid,OAKFIELD\\rquill,10\.0\.4\.21,ICT-PC12,selfharm\.example/);

  const chron = (await call(h, w.dsl, 'GET', `/people/${pupil.id}/chronology`)).json() as Json;
  const alertEntry = chron.entries.find((e: Json) => e.kind === 'alert');
  assert.equal(alertEntry.alertId, alert?.id);
  assert.equal(alertEntry.concernId, out.concernId);
  assert.equal(alertEntry.reference, out.reference);
  assert.ok(chron.entries.some((e: Json) => e.kind === 'concern' && e.concernId === out.concernId));
  // a settled alert cannot be turned into a second case
  assert.equal((await call(h, w.dsl, 'POST', `/alerts/${alert?.id}/open-concern`, { type: 'self_harm', summary: 'again' })).statusCode, 409);
  // the chronology shows alerts only to those who triage them: the trust safeguarding lead sees concerns, not alerts
  const tsl = (await call(h, w.tsl, 'GET', `/people/${pupil.id}/chronology`)).json() as Json;
  assert.ok(!tsl.entries.some((e: Json) => e.kind === 'alert'));
});

test('join a concern: a timeline note and the evidence on the existing case; not a case the caller cannot see', async () => {
  await raiseAlerts(h, w.trust.id, w.school.id, [candidate({ subjectKey: 'join-me', priority: 'medium', rule: 'filter_bypass', category: 'proxies_vpns' })]);
  const [alert] = (await h.db.selectFrom('log_alerts').select('id').where('subject_key', '=', 'join-me').execute()) as { id: string }[];
  const existing = await report(h, w.teacher, w.school.id, { type: 'filter_bypass', area: 'conduct' });
  const otherTrust = await buildTrust(h.db);
  const otherSchool = await buildSchool(h.db, otherTrust.id);
  const stranger = await member(h, otherTrust.id, otherSchool.id, ['teacher']);
  const foreign = await report(h, stranger, otherSchool.id);
  assert.equal((await call(h, w.dsl, 'POST', `/alerts/${alert?.id}/join-concern`, { concernId: foreign.id })).statusCode, 404);
  const res = await call(h, w.dsl, 'POST', `/alerts/${alert?.id}/join-concern`, { concernId: existing.id });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().alert.status, 'concern');
  assert.equal(res.json().reference, existing.reference);
  const c = (await call(h, w.dsl, 'GET', `/concerns/${existing.id}`)).json() as Json;
  assert.equal(c.evidence.length, 1);
  assert.ok(c.timeline.some((t: Json) => t.kind === 'note' && /^Filtering alert \(medium\) Getting round the filter: Proxies and VPNs/.test(t.text)));
  assert.ok(c.timeline.some((t: Json) => t.kind === 'evidence'));
});

test('a high alert mails the DSL and deputies over SMTP at once, without pupil names unless the school opted in', async () => {
  const pupil = await buildPupil(h.db, w.trust.id, w.school.id, { given_name: 'Leo', family_name: 'Fenwick' });
  const before = smtp.received.length;
  await raiseAlerts(h, w.trust.id, w.school.id, [
    candidate({ subjectKey: 'lfenwick', personId: pupil.id, priority: 'high', category: 'extremism', why: 'Tried to reach extremist content as lfenwick' }),
    candidate({ subjectKey: 'quiet', priority: 'medium', rule: 'filter_bypass', category: 'proxies_vpns' }),
  ]);
  const mails = smtp.received.slice(before);
  assert.deepEqual(mails.flatMap((m) => m.to).sort(), [w.dsl.email, w.deputy.email].map((e) => e.toLowerCase()).sort());
  const [id] = (await h.db.selectFrom('log_alerts').select('id').where('subject_key', '=', 'lfenwick').execute()).map((r) => r.id);
  for (const m of mails) {
    assert.equal(subjectOf(m.raw), `HIGH: Filtering alert at ${w.school.name} (Extremism)`);
    const body = bodyOf(m.raw);
    assert.match(body, new RegExp(`https://haven.example.test/alerts/${id}`));
    assert.doesNotMatch(body, /Leo|Fenwick|lfenwick/);
  }
  const notified = await h.db.selectFrom('log_alert_history').select('note').where('alert_id', '=', id as string).where('kind', '=', 'notified').execute();
  assert.deepEqual(notified, [{ note: 'Mailed to 2 people' }]);

  await h.db.insertInto('settings').values({ key: namesInMailKey(w.school.id), value: JSON.stringify(true) }).execute();
  const mark = smtp.received.length;
  await raiseAlerts(h, w.trust.id, w.school.id, [candidate({ subjectKey: 'lfenwick2', personId: pupil.id, priority: 'high' })]);
  const named = smtp.received.slice(mark);
  assert.equal(named.length, 2);
  for (const m of named) assert.match(bodyOf(m.raw), /About: Leo Fenwick/);
  await h.db.deleteFrom('settings').where('key', '=', namesInMailKey(w.school.id)).execute();
  // about a member of staff: routed like an allegation (headteacher, trust safeguarding lead), never the DSL team
  const staffMark = smtp.received.length;
  await raiseAlerts(h, w.trust.id, w.school.id, [candidate({ subjectKey: 'staff-member', personId: w.teacher.personId, priority: 'high' })]);
  assert.deepEqual(
    smtp.received.slice(staffMark).flatMap((m) => m.to).sort(),
    [w.head.email, w.tsl.email].map((e) => e.toLowerCase()).sort(),
  );
  // medium and folded alerts send nothing more
  const quiet = smtp.received.length;
  await raiseAlerts(h, w.trust.id, w.school.id, [candidate({ subjectKey: 'lfenwick', personId: pupil.id, priority: 'high', category: 'extremism', firstAt: T0 + 10 * MIN })]);
  assert.equal(smtp.received.length, quiet);
});

test('tenancy and roles: other trusts and schools get 404, a teacher 403, and nobody sees an alert about themselves', async () => {
  await raiseAlerts(h, w.trust.id, w.school.id, [candidate({ subjectKey: 'tenancy', priority: 'low' })]);
  const [alert] = (await h.db.selectFrom('log_alerts').select('id').where('subject_key', '=', 'tenancy').execute()) as { id: string }[];
  const otherTrust = await buildTrust(h.db);
  const otherSchool = await buildSchool(h.db, otherTrust.id);
  const foreignDsl = await member(h, otherTrust.id, otherSchool.id, ['dsl']);
  for (const who of [foreignDsl, w.otherDsl]) {
    const q = await call(h, who, 'GET', `/schools/${w.school.id}/alerts`);
    assert.equal(q.statusCode, 404);
    assert.doesNotMatch(q.body, /tenancy/);
    for (const [method, url, body] of [
      ['GET', `/alerts/${alert?.id}`, undefined],
      ['POST', `/alerts/${alert?.id}/acknowledge`, {}],
      ['POST', `/alerts/${alert?.id}/dismiss`, { reason: 'x', falsePositive: true }],
      ['POST', `/alerts/${alert?.id}/open-concern`, { type: 'other', summary: 'x' }],
    ] as const) {
      const res = await call(h, who, method, url, body);
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assert.doesNotMatch(res.body, /tenancy/);
    }
  }
  assert.equal((await call(h, w.teacher, 'GET', `/schools/${w.school.id}/alerts`)).statusCode, 403);
  assert.equal((await call(h, w.teacher, 'GET', `/alerts/${alert?.id}`)).statusCode, 404);
  for (const who of [w.osl, w.head, w.deputy]) assert.equal((await call(h, who, 'GET', `/alerts/${alert?.id}`)).statusCode, 200);
  assert.equal((await call(h, w.tsl, 'GET', `/alerts/${alert?.id}`)).statusCode, 404, 'alerts.triage is for the school team');

  // an alert about the online safety lead is not in their queue, and not theirs to open
  await raiseAlerts(h, w.trust.id, w.school.id, [candidate({ subjectKey: 'osl-self', personId: w.osl.personId, priority: 'low', category: 'gambling' })]);
  const [mine] = (await h.db.selectFrom('log_alerts').select('id').where('subject_key', '=', 'osl-self').execute()) as { id: string }[];
  assert.equal((await call(h, w.osl, 'GET', `/alerts/${mine?.id}`)).statusCode, 404);
  const queue = (await call(h, w.osl, 'GET', `/schools/${w.school.id}/alerts?status=all`)).json() as Json;
  assert.ok(!queue.alerts.some((a: Json) => a.id === mine?.id));
  assert.equal((await call(h, w.dsl, 'GET', `/alerts/${mine?.id}`)).statusCode, 200);
});
