import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { smtpServer, bodyOf, subjectOf } from '../../platform/testing/smtp.ts';
import { DAY } from '../../platform/clock.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { namesInMailKey, remindStaleConcerns } from './notify.ts';
import { call, report, type World, world } from './testing.ts';




let smtp: Awaited<ReturnType<typeof smtpServer>>;
let h: TestHaven;
let w: World;
before(async () => {
  smtp = await smtpServer();
  h = await testHaven({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`, MAIL_FROM: 'Haven <haven@example.test>', PUBLIC_URL: 'https://haven.example.test' });
  w = await world(h);
});
after(async () => {
  await h.close();
  await smtp.close();
});

const mailsFor = (ref: string) => smtp.received.filter((m) => subjectOf(m.raw).includes(ref));

test('a new concern mails the DSL and deputies over SMTP, URGENT in the subject, no pupil names by default', async () => {
  const { id, reference } = await report(h, w.teacher, w.school.id, { urgent: true, involved: [{ personId: w.pupil.id }] });
  const mails = mailsFor(reference);
  assert.deepEqual(mails.flatMap((m) => m.to).sort(), [w.dsl.email, w.deputy.email].map((e) => e.toLowerCase()).sort());
  for (const m of mails) {
    assert.match(subjectOf(m.raw), new RegExp(`^URGENT: New online safety concern ${reference} \\(Inappropriate website accessed\\)$`));
    const body = bodyOf(m.raw);
    assert.match(body, new RegExp(`https://haven.example.test/concerns/${id}`));
    assert.doesNotMatch(body, /Robin|Quill/);
    assert.doesNotMatch(body, /gambling/); // the free text stays in Haven
  }
  const calm = await report(h, w.teacher, w.school.id);
  assert.ok(mailsFor(calm.reference).every((m) => subjectOf(m.raw).startsWith('New online safety concern')));
});

test('with the school setting on, pupil names are included', async () => {
  await h.db.insertInto('settings').values({ key: namesInMailKey(w.school.id), value: JSON.stringify(true) }).execute();
  const { reference } = await report(h, w.teacher, w.school.id, { involved: [{ personId: w.pupil.id }] });
  const mails = mailsFor(reference);
  assert.equal(mails.length, 2);
  for (const m of mails) assert.match(bodyOf(m.raw), /Pupils: Robin Quill/);
  await h.db.deleteFrom('settings').where('key', '=', namesInMailKey(w.school.id)).execute();
});

test('allegations: about staff mails the head (and trust safeguarding lead); about the head mails chair and CEO, never the head', async () => {
  const staff = await report(h, w.teacher2, w.school.id, { involved: [{ personId: w.teacher.personId }] });
  assert.deepEqual(mailsFor(staff.reference).flatMap((m) => m.to).sort(), [w.head.email, w.tsl.email].map((e) => e.toLowerCase()).sort());
  const head = await report(h, w.teacher2, w.school.id, { involved: [{ personId: w.head.personId }] });
  const to = mailsFor(head.reference).flatMap((m) => m.to);
  assert.deepEqual(to.sort(), [w.chair.email, w.ceo.email].map((e) => e.toLowerCase()).sort());
  assert.ok(!smtp.received.some((m) => m.to.includes(w.head.email.toLowerCase()) && subjectOf(m.raw).includes(head.reference)));
});

test('reminders: a case untouched for 5 days is reminded once; activity starts a new quiet spell', async () => {
  const t = await world(h);
  const { id, reference } = await report(h, t.teacher, t.school.id);
  const reminders = () => smtp.received.filter((m) => subjectOf(m.raw).startsWith('Reminder') && subjectOf(m.raw).includes(reference));
  h.clock.advance(4 * DAY);
  await remindStaleConcerns(h);
  assert.equal(reminders().length, 0);
  h.clock.advance(1 * DAY + 60_000);
  await remindStaleConcerns(h);
  assert.deepEqual(reminders().flatMap((m) => m.to).sort(), [t.dsl.email, t.deputy.email].map((e) => e.toLowerCase()).sort());
  assert.match(subjectOf(reminders()[0]?.raw ?? ''), /no activity for 5 days/);
  await remindStaleConcerns(h);
  assert.equal(reminders().length, 2, 'not reminded twice for the same quiet spell');
  // a note resets the clock (sign in again: sessions expired while time moved)
  const { member } = await import('./testing.ts');
  const dsl = await member(h, t.trust.id, t.school.id, ['dsl']);
  assert.equal((await call(h, dsl, 'POST', `/concerns/${id}/notes`, { text: 'Spoke to the class teacher' })).statusCode, 201);
  h.clock.advance(3 * DAY);
  await remindStaleConcerns(h);
  assert.equal(reminders().length, 2 + 0);
  h.clock.advance(3 * DAY);
  await remindStaleConcerns(h);
  assert.equal(reminders().length, 2 + 3, 'the new DSL is reminded too');
  const audits = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', id).where('action', '=', 'concern.reminder').execute();
  assert.equal(audits.length, 2);
});
