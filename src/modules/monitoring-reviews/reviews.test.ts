import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { newId } from '../../platform/ids.ts';
import { DAY, HOUR } from '../../platform/clock.ts';
import { buildSchool, buildTrust } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { bodyOf, smtpServer, subjectOf } from '../../platform/testing/smtp.ts';
import { call, type Member, member, report } from '../concerns/testing.ts';
import { createDueReviews, remindOverdueReviews } from './service.ts';

type Json = Record<string, any>;

let smtp: Awaited<ReturnType<typeof smtpServer>>;
let h: TestHaven;
before(async () => {
  smtp = await smtpServer();
  h = await testHaven({ SMTP_URL: smtp.url, MAIL_FROM: 'Haven <haven@example.test>', PUBLIC_URL: 'https://haven.example.test' });
});
after(async () => {
  await h.close();
  await smtp.close();
});

async function world() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id, 'Oak Lane Primary');
  const other = await buildSchool(h.db, trust.id, 'Elm Park Primary');
  return { trust, school, other };
}
type World = Awaited<ReturnType<typeof world>>;
const as = (w: World, schoolId: string | null, role: Parameters<typeof member>[3][number]) => member(h, w.trust.id, schoolId, [role]);

const reviewsOf = (schoolId: string, kind: string) =>
  h.db.selectFrom('monitoring_reviews').selectAll().where('school_id', '=', schoolId).where('kind', '=', kind).orderBy('period_start').execute();

async function requestChange(who: Member, schoolId: string) {
  const res = await call(h, who, 'POST', `/schools/${schoolId}/filter-changes`, {
    kind: 'unblock',
    targets: [{ type: 'site', value: 'video.example' }],
    userGroup: { group: 'staff' },
    reason: 'Teaching resource for Year 6 history',
    endsAt: null,
  });
  assert.equal(res.statusCode, 201, res.body);
}

const reviewMails = (period: string) => smtp.received.filter((m) => subjectOf(m.raw).startsWith('Overdue:') && subjectOf(m.raw).includes(period));

test('a weekly review appears on its own when the week ends, once, pre-filled, then goes overdue and reminds the head by mail', async () => {
  h.clock.set('2026-09-02T09:00:00Z'); // Wednesday
  const w = await world();
  const head = await as(w, w.school.id, 'headteacher');
  const teacher = await as(w, w.school.id, 'teacher');
  await createDueReviews(h);
  assert.deepEqual(
    (await reviewsOf(w.school.id, 'weekly_head')).map((r) => [r.period_start, r.period_end]),
    [['2026-08-24', '2026-08-30']],
    'the week that had ended when the school started',
  );

  // things that happen during the week of 31 August
  await requestChange(teacher, w.school.id);
  await report(h, teacher, w.school.id, { type: 'filter_bypass', area: 'conduct' });
  await report(h, teacher, w.school.id, { type: 'cyberbullying', area: 'contact' }); // not a filtering concern
  await requestChange(teacher, w.other.id).catch(() => undefined); // another school: not counted (and refused anyway)
  {
    for (const [priority, status, at] of [['high', 'open', '2026-09-03T10:00:00Z'], ['medium', 'acknowledged', '2026-09-04T10:00:00Z'], ['low', 'open', '2026-09-07T10:00:00Z']] as const) {
      await sql`INSERT INTO log_alerts (trust_id, id, school_id, rule, priority, status, raised_at, subject_key, why, first_at, last_at, event_count, acknowledged_at, updated_at)
        VALUES (${w.trust.id}, gen_random_uuid(), ${w.school.id}, 'harmful_content', ${priority}, ${status}, ${at}, 'device:pc12', 'test alert', ${at}, ${at}, 1,
          ${status === 'acknowledged' ? at : null}, ${at})`.execute(h.db);
    }
  }
  // Blocked attempts come from the log pipeline's hourly counts (each row belongs to an ingest run).
  const runId = newId();
  await h.db
    .insertInto('log_ingest_runs')
    .values({ trust_id: w.trust.id, id: runId, school_id: w.school.id, origin: 'upload', format: 'squid', options: '{}', name: 'access.log', first_line: null, started_at: new Date('2026-09-07T12:00:00Z'), finished_at: null, malformed: '{}', error: null })
    .execute();
  await sql`INSERT INTO log_hourly (trust_id, school_id, hour, user_group, category, action, run_id, events)
    VALUES (${w.trust.id}, ${w.school.id}, '2026-09-03T10:00:00Z', 'pupils', 'gambling', 'blocked', ${runId}, 5),
           (${w.trust.id}, ${w.school.id}, '2026-09-03T11:00:00Z', 'pupils', 'gambling', 'allowed', ${runId}, 7),
           (${w.trust.id}, ${w.school.id}, '2026-09-07T10:00:00Z', 'pupils', 'gambling', 'blocked', ${runId}, 9)`.execute(h.db);

  h.clock.set('2026-09-06T22:30:00Z'); // 23:30 on Sunday in London: the week has not ended
  await createDueReviews(h);
  assert.equal((await reviewsOf(w.school.id, 'weekly_head')).length, 1);

  h.clock.set('2026-09-06T23:30:00Z'); // 00:30 on Monday in London
  const first = await createDueReviews(h);
  assert.ok(first.created >= 1);
  const weekly = await reviewsOf(w.school.id, 'weekly_head');
  assert.deepEqual(weekly.map((r) => [r.period_start, r.period_end]), [['2026-08-24', '2026-08-30'], ['2026-08-31', '2026-09-06']]);
  const review = weekly[1]!;
  assert.equal(review.status, 'due');
  assert.equal(review.due_at.toISOString(), '2026-09-06T23:00:00.000Z');
  assert.deepEqual(review.reviewer_roles, ['headteacher']);
  assert.equal(review.figures.changeRequests.total, 1);
  assert.deepEqual(review.figures.changeRequests.byState, { requested: 1 });
  assert.equal(review.figures.concerns.total, 1);
  assert.equal(review.figures.concerns.byType.filter_bypass, 1);
  assert.deepEqual(review.figures.alerts.byPriority, { high: 1, medium: 1, low: 0 });
  assert.deepEqual(review.figures.alerts.byStatus, { open: 1, acknowledged: 1, dismissed: 0, concern: 0 });
  assert.deepEqual(review.figures.blocked.byCategory, [{ category: 'gambling', events: 5 }]);
  assert.equal(weekly[0]!.figures.concerns.total, 0, 'the earlier week is counted on its own');

  const again = await createDueReviews(h);
  assert.equal(again.created, 0);
  assert.equal((await reviewsOf(w.school.id, 'weekly_head')).length, 2, 'running the job again never makes a second review');
  const audits = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', review.id).execute();
  assert.deepEqual(audits.map((a) => a.action), ['monitoring.review.create']);

  // not yet overdue six days later: no reminder for this week
  h.clock.set('2026-09-13T22:00:00Z');
  await remindOverdueReviews(h);
  assert.equal(reviewMails('2026-08-31 to 2026-09-06').length, 0);
  const head2 = await as(w, w.school.id, 'headteacher');
  const notYet = (await call(h, head2, 'GET', `/schools/${w.school.id}/monitoring-reviews/overdue`)).json() as Json;
  assert.ok(!notYet.reviews.some((r: Json) => r.id === review.id));

  // seven days after due it is overdue: the head is mailed, over real SMTP
  h.clock.set('2026-09-14T07:15:00Z');
  await remindOverdueReviews(h);
  const mails = reviewMails('2026-08-31 to 2026-09-06');
  assert.deepEqual(mails.flatMap((m) => m.to).sort(), [head.email, head2.email].map((e) => e.toLowerCase()).sort());
  assert.equal(subjectOf(mails[0]!.raw), 'Overdue: Weekly monitoring review for Oak Lane Primary (2026-08-31 to 2026-09-06)');
  assert.match(bodyOf(mails[0]!.raw), new RegExp(`https://haven.example.test/monitoring-reviews/${review.id}`));
  assert.ok(!smtp.received.some((m) => m.to.includes(teacher.email.toLowerCase())), 'only the reviewer role is mailed');

  await remindOverdueReviews(h);
  assert.equal(reviewMails('2026-08-31 to 2026-09-06').length, 2, 'at most once a day');
  h.clock.advance(DAY);
  await remindOverdueReviews(h);
  assert.equal(reviewMails('2026-08-31 to 2026-09-06').length, 4, 'and again the next day');

  // it shows on the head's dashboard and on the trust's
  const head3 = await as(w, w.school.id, 'headteacher');
  const school = (await call(h, head3, 'GET', `/schools/${w.school.id}/monitoring-reviews/overdue`)).json() as Json;
  const mine = school.reviews.find((r: Json) => r.id === review.id);
  assert.equal(mine.status, 'overdue');
  assert.equal(mine.overdueAt, '2026-09-13T23:00:00.000Z');
  const ceo = await as(w, null, 'trust_ceo');
  const trust = (await call(h, ceo, 'GET', '/monitoring-reviews/overdue')).json() as Json;
  assert.ok(trust.reviews.some((r: Json) => r.id === review.id && r.schoolName === 'Oak Lane Primary'));
  assert.ok(trust.reviews.some((r: Json) => r.schoolId === w.other.id), 'every school of the trust');
  assert.equal((await call(h, head3, 'GET', '/monitoring-reviews/overdue')).statusCode, 403, 'the trust view is for trust roles');
});

/** A concern recorded (by turning the clock back) inside a period whose review already exists. */
async function lateReport(who: Member, schoolId: string, at: string, type: string) {
  const now = h.clock.now();
  h.clock.set(at);
  try {
    await report(h, who, schoolId, { type, occurredAt: at });
  } finally {
    h.clock.set(now);
  }
}

test('sign-off: only the reviewer, only once, with notes; figures refresh until then and freeze at sign-off', async () => {
  h.clock.set('2026-10-05T09:00:00Z'); // Monday: the week 28 Sep – 4 Oct has ended
  const w = await world();
  await createDueReviews(h);
  const [review] = await reviewsOf(w.school.id, 'weekly_head');
  assert.equal(review?.period_start, '2026-09-28');
  const id = review!.id;
  const [head, dsl, teacher, otherHead, ceo, governor] = await Promise.all([
    as(w, w.school.id, 'headteacher'),
    as(w, w.school.id, 'dsl'),
    as(w, w.school.id, 'teacher'),
    as(w, w.other.id, 'headteacher'),
    as(w, null, 'trust_ceo'),
    as(w, w.school.id, 'online_safety_governor'),
  ]);

  const opened = (await call(h, head, 'GET', `/monitoring-reviews/${id}`)).json() as Json;
  assert.equal(opened.canSignOff, true);
  assert.equal(opened.figures.concerns.total, 0);
  assert.equal((await call(h, teacher, 'GET', `/monitoring-reviews/${id}`)).statusCode, 403);
  assert.equal((await call(h, otherHead, 'GET', `/monitoring-reviews/${id}`)).statusCode, 404);
  assert.equal(((await call(h, dsl, 'GET', `/monitoring-reviews/${id}`)).json() as Json).canSignOff, false);

  // a concern recorded late for that week is counted when the review is opened again
  await lateReport(teacher, w.school.id, '2026-10-01T10:00:00Z', 'inappropriate_website');
  assert.equal(((await call(h, dsl, 'GET', `/monitoring-reviews/${id}`)).json() as Json).figures.concerns.total, 1);

  const body = { notes: 'Checked SENSO weekly report; one bypass attempt followed up.', actions: [{ what: 'Remind Year 6 about VPN apps', owner: 'Class teacher', dueOn: '2026-10-16' }] };
  for (const who of [dsl, teacher, ceo, governor]) {
    const res = await call(h, who, 'POST', `/monitoring-reviews/${id}/sign-off`, body);
    assert.ok([403].includes(res.statusCode), `${res.statusCode} ${res.body}`);
  }
  assert.equal((await call(h, otherHead, 'POST', `/monitoring-reviews/${id}/sign-off`, body)).statusCode, 404);
  assert.equal((await call(h, head, 'POST', `/monitoring-reviews/${id}/sign-off`, { notes: '' })).statusCode, 400);

  const signed = await call(h, head, 'POST', `/monitoring-reviews/${id}/sign-off`, body);
  assert.equal(signed.statusCode, 200, signed.body);
  const s = signed.json() as Json;
  assert.equal(s.status, 'signed_off');
  assert.equal(s.signedOffBy.personId, head.personId);
  assert.equal(s.signedOffAt, '2026-10-05T09:00:00.000Z');
  assert.deepEqual(s.actions, body.actions);
  assert.equal(s.canSignOff, false);
  const twice = await call(h, head, 'POST', `/monitoring-reviews/${id}/sign-off`, { notes: 'Changed my mind', actions: [] });
  assert.equal(twice.statusCode, 409);

  // frozen: a later entry for that week does not change the signed-off figures
  await lateReport(teacher, w.school.id, '2026-10-02T10:00:00Z', 'filter_bypass');
  const later = (await call(h, head, 'GET', `/monitoring-reviews/${id}`)).json() as Json;
  assert.equal(later.figures.concerns.total, 1);
  assert.equal(later.notes, body.notes);

  const audit = await h.db.selectFrom('audit_events').select(['action', 'actor_account_id']).where('record_id', '=', id).where('action', '=', 'monitoring.review.sign_off').execute();
  assert.deepEqual(audit, [{ action: 'monitoring.review.sign_off', actor_account_id: head.accountId }]);

  // the monthly review is the CEO's, trust-wide, not the head's
  const [monthly] = await reviewsOf(w.school.id, 'monthly_qa');
  assert.equal(monthly?.period_start, '2026-09-01');
  assert.equal((await call(h, head, 'POST', `/monitoring-reviews/${monthly!.id}/sign-off`, body)).statusCode, 403);
  assert.equal((await call(h, ceo, 'POST', `/monitoring-reviews/${monthly!.id}/sign-off`, body)).statusCode, 200);
  // the yearly one is the governors'
  const [annual] = await reviewsOf(w.school.id, 'annual_governors');
  assert.equal((await call(h, governor, 'POST', `/monitoring-reviews/${annual!.id}/sign-off`, body)).statusCode, 200);
});

test('the database refuses to change or delete a signed-off review, and a second review for the same period', async () => {
  const row = await h.db.selectFrom('monitoring_reviews').selectAll().where('status', '=', 'signed_off').executeTakeFirstOrThrow();
  await assert.rejects(sql`UPDATE monitoring_reviews SET notes = 'rewritten' WHERE id = ${row.id}`.execute(h.db), /read-only/);
  await assert.rejects(sql`UPDATE monitoring_reviews SET status = 'due', signed_off_at = NULL, signed_off_by = NULL, notes = NULL WHERE id = ${row.id}`.execute(h.db), /read-only/);
  await assert.rejects(sql`DELETE FROM monitoring_reviews WHERE id = ${row.id}`.execute(h.db), /read-only/);
  await assert.rejects(
    sql`INSERT INTO monitoring_reviews (trust_id, id, school_id, kind, label, cadence, reviewer_roles, period_start, period_end, due_at, overdue_after_days, figures, figures_at, created_at)
        SELECT trust_id, gen_random_uuid(), school_id, kind, label, cadence, reviewer_roles, period_start, period_end, due_at, overdue_after_days, figures, figures_at, created_at
        FROM monitoring_reviews WHERE id = ${row.id}`.execute(h.db),
    /monitoring_review_once_per_period/,
  );
  const due = await h.db.selectFrom('monitoring_reviews').select('id').where('status', '=', 'due').executeTakeFirstOrThrow();
  await assert.rejects(sql`UPDATE monitoring_reviews SET status = 'signed_off' WHERE id = ${due.id}`.execute(h.db), /monitoring_review_signed_off_facts/);
});

test('the schedule: seeds by default, changed only by the headteacher or trust admin, audited, used by the job', async () => {
  h.clock.set('2026-11-02T09:00:00Z');
  const w = await world();
  const [head, dsl, otherHead, admin] = await Promise.all([
    as(w, w.school.id, 'headteacher'),
    as(w, w.school.id, 'dsl'),
    as(w, w.other.id, 'headteacher'),
    as(w, null, 'trust_admin'),
  ]);
  const url = `/schools/${w.school.id}/monitoring-schedule`;
  const initial = (await call(h, dsl, 'GET', url)).json() as Json;
  assert.equal(initial.custom, false);
  assert.equal(initial.canEdit, false);
  assert.deepEqual(initial.kinds.map((k: Json) => [k.kind, k.cadence, k.reviewerRoles]), [
    ['weekly_head', 'weekly', ['headteacher']],
    ['monthly_qa', 'monthly', ['trust_ceo']],
    ['annual_governors', 'annual', ['online_safety_governor', 'chair_of_governors']],
  ]);

  const kinds = [
    { kind: 'fortnightly_dsl', label: 'Weekly DSL check', cadence: 'weekly', reviewerRoles: ['dsl'], overdueAfterDays: 3 },
    { kind: 'annual_governors', label: 'Yearly review by governors', cadence: 'annual', reviewerRoles: ['chair_of_governors'], overdueAfterDays: 30 },
  ];
  assert.equal((await call(h, dsl, 'PUT', url, { kinds })).statusCode, 403);
  assert.equal((await call(h, otherHead, 'PUT', url, { kinds })).statusCode, 404);
  const noYearly = await call(h, head, 'PUT', url, { kinds: kinds.slice(0, 1) });
  assert.equal(noYearly.statusCode, 422);
  assert.match(noYearly.body, /yearly/);
  const badCadence = await call(h, head, 'PUT', url, { kinds: [{ ...kinds[0], cadence: 'daily' }] });
  assert.equal(badCadence.statusCode, 400);
  assert.match(badCadence.body, /cadence must be one of weekly, monthly, annual/);

  const saved = await call(h, head, 'PUT', url, { kinds });
  assert.equal(saved.statusCode, 200, saved.body);
  assert.equal((saved.json() as Json).custom, true);
  const audit = await h.db.selectFrom('audit_events').select(['action', 'detail']).where('action', '=', 'monitoring.schedule.update').where('school_id', '=', w.school.id).execute();
  assert.equal(audit.length, 1);
  assert.equal((audit[0]!.detail as Json).after[0].kind, 'fortnightly_dsl');
  assert.equal((audit[0]!.detail as Json).before[0].kind, 'weekly_head');
  assert.equal((await call(h, admin, 'PUT', url, { kinds })).statusCode, 200, 'the trust administrator may too');

  await createDueReviews(h);
  const made = await h.db.selectFrom('monitoring_reviews').select(['kind', 'reviewer_roles', 'overdue_after_days']).where('school_id', '=', w.school.id).orderBy('kind').execute();
  assert.deepEqual(made, [
    { kind: 'annual_governors', reviewer_roles: ['chair_of_governors'], overdue_after_days: 30 },
    { kind: 'fortnightly_dsl', reviewer_roles: ['dsl'], overdue_after_days: 3 },
  ]);
  const list = async (who: Member, status: string) =>
    ((await call(h, who, 'GET', `/schools/${w.school.id}/monitoring-reviews?status=${status}`)).json() as Json).reviews.map((r: Json) => r.kind);
  // the 2025-26 yearly review was due on 1 September: 30 days on, it is overdue
  assert.deepEqual(await list(dsl, 'due'), ['fortnightly_dsl']);
  assert.deepEqual(await list(dsl, 'overdue'), ['annual_governors'], 'due and overdue never overlap');
  h.clock.advance(3 * DAY + HOUR);
  const dsl2 = await as(w, w.school.id, 'dsl');
  assert.deepEqual(await list(dsl2, 'due'), []);
  assert.deepEqual((await list(dsl2, 'overdue')).sort(), ['annual_governors', 'fortnightly_dsl'], 'the DSL check is overdue after its own 3 days');
  assert.deepEqual(await list(dsl2, 'signed_off'), []);
});
