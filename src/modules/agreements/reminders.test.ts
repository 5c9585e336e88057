import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, type Received, smtpServer } from '../../platform/testing/smtp.ts';
import { DAY } from '../../platform/clock.ts';
import { buildPerson, buildPupil } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { agreementRemindersJob, JOBS } from '../../platform/jobs/registry.ts';
import { remindCampaigns } from './reminders.ts';
import { buildParent, publishStarter, schoolWithHead, signedIn, startCampaign } from './testing.ts';




let smtp: Awaited<ReturnType<typeof smtpServer>>;
let h: TestHaven;
before(async () => {
  smtp = await smtpServer();
  h = await testHaven({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`, MAIL_FROM: 'Haven <haven@example.test>', PUBLIC_URL: 'https://haven.example.test' });
});
after(async () => {
  await h.close();
  await smtp.close();
});

const since = (n: number) => smtp.received.slice(n);

test('the daily job is registered', () => {
  assert.ok(JOBS.includes(agreementRemindersJob));
  assert.equal(agreementRemindersJob.schedule, '30 7 * * *');
});

test('staff reminders go out by SMTP on the campaign schedule, to outstanding people only, new starters included, until the due date', async () => {
  h.clock.set('2026-09-01T08:00:00Z');
  const { trust, school, head, headAuth } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'staff');
  const keen = await signedIn(h, trust.id, school.id, ['teacher']);
  const slow = await buildPerson(h.db, trust.id, { school_id: school.id, kind: 'staff', email: 'slow@example.test' });
  await startCampaign(h.app, headAuth, school.id, { versionId, dueOn: '2026-09-08', groups: [{ kind: 'staff' }], reminderDays: 3 });
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/my-agreements/${versionId}/accept`, headers: keen.auth.headers, payload: { scrolledToEnd: true } })).statusCode, 201);

  let mark = smtp.received.length;
  assert.deepEqual(await remindCampaigns(h), { campaigns: 0, mails: 0 }, 'not yet: the first reminder is 3 days in');
  h.clock.advance(2 * DAY);
  assert.deepEqual(await remindCampaigns(h), { campaigns: 0, mails: 0 });

  // A new starter joins after the campaign began: covered without anyone adding them.
  await buildPerson(h.db, trust.id, { school_id: school.id, kind: 'volunteer', email: 'starter@example.test' });
  h.clock.advance(DAY);
  const first = await remindCampaigns(h);
  assert.deepEqual(first, { campaigns: 1, mails: 3 });
  const got = since(mark);
  assert.deepEqual(got.map((m) => m.to[0]).sort(), [head.email.toLowerCase(), 'slow@example.test', 'starter@example.test'].sort());
  assert.ok(!got.some((m) => m.to.includes(keen.email)), 'who has accepted is not reminded');
  const msg = got.find((m) => m.to[0] === 'slow@example.test') as Received;
  assert.match(msg.raw.replace(/\r\n /g, ' '), /^Subject: Reminder: please accept the Staff and volunteer acceptable use agreement by 2026-09-08$/m);
  assert.match(bodyOf(msg.raw), /https:\/\/haven\.example\.test\/my-agreements/);
  const outbox = await h.db.selectFrom('mail_outbox').select(['sent_at', 'transport']).where('to_address', '=', 'starter@example.test').executeTakeFirstOrThrow();
  assert.equal(outbox.transport, 'smtp');
  assert.ok(outbox.sent_at);

  // Same day again: nothing. Three days later: again. After the due date: never.
  mark = smtp.received.length;
  assert.deepEqual(await remindCampaigns(h), { campaigns: 0, mails: 0 });
  h.clock.advance(2 * DAY);
  assert.deepEqual(await remindCampaigns(h), { campaigns: 0, mails: 0 });
  h.clock.advance(DAY);
  assert.deepEqual(await remindCampaigns(h), { campaigns: 1, mails: 3 });
  h.clock.advance(3 * DAY);
  assert.deepEqual(await remindCampaigns(h), { campaigns: 0, mails: 0 }, 'past the due date');
  assert.equal(since(mark).length, 3);

  const audit = await h.db.selectFrom('audit_events').select(['actor_label', 'detail']).where('trust_id', '=', trust.id).where('action', '=', 'agreements.reminders_sent').orderBy('seq').execute();
  assert.deepEqual(
    audit.map((a) => [a.actor_label, a.detail]),
    [
      ['Haven (system)', { outstanding: 3, mails: 3 }],
      ['Haven (system)', { outstanding: 3, mails: 3 }],
    ],
  );
});

test('parents\u2019 reminders carry a fresh single-use link that works; the outbox copy hides it; pupils\u2019 campaigns mail nobody', async () => {
  // A month on, so the campaign of the test above is past its due date.
  h.clock.set('2026-10-01T08:00:00Z');
  const { trust, school, headAuth } = await schoolWithHead(h);
  const parentVersion = await publishStarter(h.app, headAuth, school.id, 'parent');
  const pupilVersion = await publishStarter(h.app, headAuth, school.id, 'pupil_early');
  const pupil = await buildPupil(h.db, trust.id, school.id, { given_name: 'Fin', year_group: '2', registration_group: '2A' });
  await buildParent(h.db, trust.id, [pupil.id], { email: 'fin.parent@example.test' });
  await buildParent(h.db, trust.id, [pupil.id], { email: 'no.pr@example.test', parentalResponsibility: false });
  await startCampaign(h.app, headAuth, school.id, { versionId: parentVersion.versionId, dueOn: '2026-10-20', groups: [{ kind: 'parents' }], reminderDays: 7 });
  await startCampaign(h.app, headAuth, school.id, { versionId: pupilVersion.versionId, dueOn: '2026-10-20', groups: [{ kind: 'year', yearGroup: '2' }], reminderDays: 7 });

  h.clock.advance(7 * DAY);
  const mark = smtp.received.length;
  const result = await remindCampaigns(h);
  assert.deepEqual(result, { campaigns: 2, mails: 1 });
  const got = since(mark);
  assert.deepEqual(got.map((m) => m.to), [['fin.parent@example.test']]);
  const token = /https:\/\/haven\.example\.test\/p\/([A-Za-z0-9_-]{43})/.exec(bodyOf((got[0] as Received).raw))?.[1];
  assert.ok(token, 'the mail holds the link');
  const stored = await h.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', 'fin.parent@example.test').executeTakeFirstOrThrow();
  assert.ok(!stored.text_body.includes(token));
  assert.match(stored.text_body, /\/p\/\[redacted\]/);

  const page = await h.app.inject({ url: `/api/v1/public/parent-links/${token}` });
  assert.equal(page.statusCode, 200);
  assert.equal(page.json().pupil.firstName, 'Fin');
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/public/parent-links/${token}`, payload: { accept: true, parentName: 'Sam Fin' } })).statusCode, 201);
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/public/parent-links/${token}`, payload: { accept: true, parentName: 'Sam Fin' } })).statusCode, 410);

  // Accepted now, so the next round mails nobody for this campaign.
  h.clock.advance(7 * DAY);
  assert.deepEqual(await remindCampaigns(h), { campaigns: 2, mails: 0 });
});
