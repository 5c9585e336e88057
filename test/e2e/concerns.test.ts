// Concerns in the browser: a teacher reports on a phone (the indecent-image answer refuses the
// upload), a DSL takes one case down the investigation path and one down the illegal path to
// closure, and a headteacher never sees a concern about themselves.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { buildUser, signIn } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
let ready = false;
let dslSecret = '';
let dsl: { email: string; personId: string };
let dslPage: Page | null = null;
let reported = { id: '', reference: '' };

// A tiny real PNG: the evidence the teacher attaches, and the SHA-256 the case must show.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PNG_SHA = createHash('sha256').update(PNG).digest('hex');

before(async () => {
  e = await startE2E();
  // The browser fills "when" with its own now: keep the server's clock beside it.
  e.haven.clock.set(new Date());
  const res = await e.haven.app.inject({ method: 'GET', url: `/api/v1/schools/${e.seed.oakfield.id}/concerns/queue` });
  ready = res.statusCode !== 404;
  dslSecret = new OTPAuth.Secret({ size: 20 }).base32;
  const u = await buildUser(e.haven.db, e.seed.trust.id, e.seed.oakfield.id, ['dsl'], { email: 'n.kerr@oakfield.example.test', totpSecret: dslSecret });
  await e.haven.db.updateTable('accounts').set({ display_name: 'Nadia Kerr' }).where('id', '=', u.accountId).execute();
  await e.haven.db.updateTable('people').set({ given_name: 'Nadia', family_name: 'Kerr', job_title: 'Assistant Headteacher' }).where('id', '=', u.personId).execute();
  dsl = { email: u.email, personId: u.personId };
});
after(() => e?.close());

/**
 * axe with the pointer parked in a corner: the theme's hover tints on light/outline buttons and nav
 * links are a theme matter (reported), and must not make these checks depend on where the last click was.
 */
async function axe(page: Page, label: string) {
  await page.mouse.move(0, 0);
  await expectAccessible(page, label);
}

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
const group = (page: Page, name: string | RegExp) => page.getByRole('radiogroup', { name });

async function asDsl(): Promise<Page> {
  if (dslPage) return dslPage;
  const { page } = await e.open(DESKTOP);
  await login(page, dsl.email, e.code(dslSecret));
  dslPage = page;
  return page;
}

/** Files a concern through the API as a seeded user (for cases the browser test does not report). */
async function fileConcern(email: string, body: Record<string, unknown>): Promise<{ id: string; reference: string }> {
  const s = await signIn(e.haven.app, email);
  const res = await e.haven.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${e.seed.oakfield.id}/concerns`,
    headers: s.headers,
    payload: { occurredAt: e.haven.clock.now().toISOString(), urls: [], toldDslInPerson: false, urgent: false, mayBeIndecentImages: false, ...body },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; reference: string };
}

test('a teacher reports a concern on a phone; the indecent-image answer refuses the upload', async (t) => {
  if (!ready) return t.skip('concerns routes are not there yet (404)');
  const { page, context } = await e.open(PHONE);
  await login(page, e.seed.teacher.email);
  await page.getByRole('main').getByRole('link', { name: 'Report a concern' }).click();
  await h1(page, 'Report a concern');

  await page.getByLabel(/^What happened\?/).fill('Amara showed me messages on her tablet from a group chat calling her names and telling her to leave the school.');
  // The connection drops: the draft stays on this device and is sent when it comes back.
  await context.setOffline(true);
  await page.getByLabel('Where? (room)').fill('Classroom 4B');
  await page.getByRole('status').filter({ hasText: /No connection/ }).waitFor({ timeout: 15_000 });
  const local = await page.evaluate<string>("JSON.stringify(Object.entries(localStorage).filter(([k]) => k.startsWith('haven.concern-draft')))");
  assert.match(local, /Classroom 4B/);
  await context.setOffline(false);
  await page.getByLabel('Device or computer number').fill('iPad 7');
  await page.getByRole('searchbox', { name: 'Who is involved?' }).fill('Amara');
  await page.getByRole('button', { name: /Add Amara Whitlock/ }).click();
  await page.getByRole('list', { name: 'People involved' }).getByText('Amara Whitlock').waitFor();
  await page.getByRole('textbox', { name: 'Web address 1' }).fill('https://chat.example.test/group/4b');
  await page.getByRole('button', { name: 'Add another web address' }).click();
  await page.getByRole('textbox', { name: 'Web address 2' }).fill('https://chat.example.test/group/4b/media');
  await page.getByLabel(/^What kind of concern is it\?/).selectOption('cyberbullying');
  // The type fills in its usual area.
  assert.equal(await group(page, /Which area of online risk/).getByRole('radio', { name: /^Conduct/ }).isChecked(), true);
  await group(page, /Is it urgent\?/).getByRole('radio', { name: 'Yes' }).check();

  // "Could it be an indecent image of a child?" Yes: no file input, and what to do instead.
  await group(page, /indecent image of a child/).getByRole('radio', { name: /^Yes/ }).check();
  const stop = page.getByRole('alert').filter({ hasText: 'Do not upload it' });
  await stop.waitFor();
  for (const words of [/do not view, copy/i, /isolate the device/i, /tell the designated safeguarding lead now/i, /police/i, /CEOP/]) {
    assert.match(await stop.innerText(), words);
  }
  assert.equal(await page.locator('input[type=file]').count(), 0, 'no way to upload while the answer is yes');
  assert.equal(await scrollsSideways(page), false, 'the report form fits a phone');
  await axe(page, 'report form, indecent answer (phone)');
  await screenshot(page, 'concerns-report-indecent-phone');

  // The draft is saved to the server: it comes back even when this device's copy is gone.
  await page.getByRole('status').filter({ hasText: /Draft saved at/ }).waitFor({ timeout: 15_000 });
  await page.evaluate('localStorage.clear()');
  await page.reload();
  await page.getByText('Your unsent report is back').waitFor();
  assert.match(await page.getByLabel(/^What happened\?/).inputValue(), /group chat calling her names/);
  await page.getByRole('list', { name: 'People involved' }).getByText('Amara Whitlock').waitFor();

  // Answer "No": now the evidence can be attached.
  await group(page, /indecent image of a child/).getByRole('radio', { name: 'No', exact: true }).check();
  await page.locator('input[type=file]').setInputFiles({ name: 'group-chat.png', mimeType: 'image/png', buffer: PNG });
  await axe(page, 'report form (phone)');
  await screenshot(page, 'concerns-report-phone');
  await page.getByRole('button', { name: 'Send report' }).click();

  const sent = page.getByRole('heading', { name: /^Report sent — reference / });
  await sent.waitFor();
  const reference = (await sent.innerText()).replace(/^Report sent — reference /, '').trim();
  assert.match(reference, /^[A-Z]{1,4}-\d{4}$/);
  await page.getByText(PNG_SHA).waitFor();
  // Sent means no draft is left anywhere: not on the server, not on this device.
  const drafts = await e.haven.db.selectFrom('concern_drafts').select('id').where('account_id', '=', e.seed.teacher.accountId).execute();
  assert.equal(drafts.length, 0, 'the server draft is deleted');
  assert.equal(await page.evaluate<number>("Object.keys(localStorage).filter((k) => k.startsWith('haven.concern-draft')).length"), 0);
  assert.equal(await scrollsSideways(page), false);
  await axe(page, 'report sent (phone)');
  await screenshot(page, 'concerns-report-sent-phone');

  // My reports: the status only, and a follow-up note.
  await page.goto('/concerns/mine');
  await h1(page, 'My reports');
  await page.getByRole('heading', { name: reference }).waitFor();
  await page.getByText('New', { exact: true }).waitFor();
  await page.getByRole('button', { name: `Add a follow-up note to ${reference}` }).click();
  await page.getByLabel(`Follow-up note for ${reference}`).fill('Her mother phoned this afternoon: the messages carried on at home.');
  await page.getByRole('button', { name: 'Send note' }).click();
  await page.getByRole('status').filter({ hasText: `Note added to ${reference}` }).waitFor();
  assert.equal(await scrollsSideways(page), false);
  await axe(page, 'my reports (phone)');
  await screenshot(page, 'concerns-mine-phone');

  const row = await e.haven.db.selectFrom('concerns').select(['id', 'reference']).where('reference', '=', reference).executeTakeFirstOrThrow();
  reported = { id: row.id, reference: row.reference };
});

test('a DSL takes the reported case through an investigation to closure', async (t) => {
  if (!ready || !reported.id) return t.skip('needs the reported concern');
  const page = await asDsl();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Concerns', exact: true }).click();
  await page.mouse.move(0, 0);
  await h1(page, 'Concerns');
  const queue = page.getByRole('table', { name: 'Triage queue' });
  const row = queue.getByRole('row').filter({ hasText: reported.reference });
  await row.getByText('Urgent').waitFor();
  await row.getByText('Nobody yet').waitFor();
  await axe(page, 'queue');
  await screenshot(page, 'concerns-queue-desktop');

  await row.getByRole('link', { name: reported.reference }).click();
  await h1(page, `Concern ${reported.reference}`);
  await page.getByText(/group chat calling her names/).first().waitFor();
  await page.getByRole('table', { name: 'Evidence files' }).getByText(PNG_SHA, { exact: true }).waitFor();
  await page.getByText(/the messages carried on at home/).first().waitFor();
  // The download link gives back the very bytes the teacher sent.
  const href = await page.getByRole('link', { name: 'group-chat.png' }).getAttribute('href');
  const file = await page.request.get(href ?? '');
  assert.equal(file.status(), 200);
  assert.equal(createHash('sha256').update(await file.body()).digest('hex'), PNG_SHA);

  await page.getByRole('button', { name: 'Take this case' }).click();
  await page.getByText('Nadia Kerr owns this case.').waitFor();
  await page.getByRole('button', { name: 'No — start an investigation' }).click();

  // Findings cannot be saved with fewer than two senior staff present: the server says why.
  await page.getByLabel(/^Findings/).fill('Screenshots of the chat confirm repeated name-calling by three classmates.');
  await group(page, /^Judgement/).getByRole('radio', { name: 'Substantiated', exact: true }).check();
  await page.getByRole('button', { name: 'Save findings' }).click();
  await page.getByRole('alert').filter({ hasText: /two senior staff|2 senior staff/i }).waitFor();

  const who = page.getByRole('searchbox', { name: 'Who was present?' });
  await who.fill('Raman');
  await page.getByRole('button', { name: /Add Priya Raman/ }).click();
  await who.fill('Hughes');
  await page.getByRole('button', { name: /Add Tom Hughes/ }).click();
  await page.getByRole('button', { name: 'Record who was present' }).click();
  await page.getByText('Recorded as present', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Save findings' }).click();

  // Actions: the matrix's proposals come ticked; changing them asks for a reason.
  const actions = page.getByRole('group', { name: /Tick what was done/ });
  await actions.waitFor();
  const proposed = actions.getByRole('checkbox', { checked: true });
  assert.ok((await proposed.count()) > 0, 'the matrix proposes actions for cyberbullying');
  await axe(page, 'case actions');
  await screenshot(page, 'concerns-case-actions-desktop');
  await proposed.first().uncheck();
  const reason = page.getByLabel(/^Why do the actions differ from the sanctions matrix\?/);
  await reason.waitFor();
  await page.getByRole('button', { name: 'Record actions' }).click();
  await page.getByText('The ticked actions differ from the sanctions matrix: say why.').waitFor();
  await reason.fill('Parents were already told by the class teacher the same day.');
  await page.getByRole('button', { name: 'Record actions' }).click();
  await page.getByRole('heading', { name: 'Actions taken' }).waitFor();
  await page.getByText('Parents were already told by the class teacher the same day.').first().waitFor();

  // The timeline only grows: a note, then a correction of it.
  await page.getByLabel(/^Add a note/).fill('Met the three pupils with the phase leader.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.getByText('Met the three pupils with the phase leader.').first().waitFor();
  await page.getByRole('button', { name: /Correct the entry .*Met the three pupils/ }).click();
  await page.getByLabel(/^Correction/).fill('It was the deputy head, not the phase leader.');
  await page.getByRole('button', { name: 'Add correction' }).click();
  await page.getByText('It was the deputy head, not the phase leader.').first().waitFor();
  // The corrected entry is still there, unchanged.
  await page.getByText('Met the three pupils with the phase leader.').first().waitFor();

  await page.getByLabel(/^Feedback given to those involved/).fill('Amara and her parents told of the actions on Friday.');
  await page.getByLabel(/^Lessons learned/).fill('Remind Year 4 about group chats in the next online safety lesson.');
  await page.getByRole('button', { name: 'Close the concern' }).click();
  await page.getByText(/^Closed — Substantiated/).waitFor();
  await axe(page, 'closed case');
  await screenshot(page, 'concerns-case-closed-desktop');

  // The pupil's chronology, reached from her record.
  await page.goto(`/people/${e.seed.pupil.id}`);
  await page.getByRole('link', { name: 'Chronology', exact: true }).click();
  await h1(page, 'Chronology: Amara Whitlock');
  await page.getByRole('link', { name: reported.reference }).first().waitFor();
  assert.match((await page.getByRole('link', { name: 'Print or save as PDF' }).getAttribute('href')) ?? '', /\/chronology\.pdf$/);
  await axe(page, 'chronology');
  await screenshot(page, 'concerns-chronology-desktop');
});

test('a DSL takes a case down the illegal path to closure', async (t) => {
  if (!ready) return t.skip('concerns routes are not there yet (404)');
  const c = await fileConcern(e.seed.teacher2.email, {
    whatHappened: 'An adult on a game chat asked Leo for photos and to move to a private app.',
    involved: [{ unknown: true, description: 'Adult using the name "gamerdad77"' }],
    area: 'contact',
    type: 'exploitation_grooming',
    urgent: true,
    mayBeIndecentImages: true,
  });
  const page = await asDsl();
  await page.goto(`/concerns/${c.id}`);
  await h1(page, `Concern ${c.reference}`);
  await page.getByRole('button', { name: 'Take this case' }).click();
  await page.getByRole('button', { name: 'Yes — follow the illegal path' }).click();
  await page.getByText('Evidence is read-only').waitFor();
  assert.equal(await page.locator('input[type=file]').count(), 0, 'no evidence can be added on the illegal path');

  // Completing before containment and referral is refused with the reason.
  await page.getByRole('button', { name: 'Complete the referral' }).click();
  await page.getByRole('alert').filter({ hasText: /viewing stopped|referral/i }).waitFor();

  await page.getByRole('checkbox', { name: 'All viewing of the material has stopped' }).check();
  await page.getByRole('checkbox', { name: /The device is isolated and preserved/ }).check();
  await page.getByRole('button', { name: 'Record containment' }).click();
  await page.getByText(/✓ Viewing stopped/).waitFor();
  await page.getByLabel('Referred to').selectOption('ceop');
  await page.getByLabel(/^Their reference/).fill('CEOP-2026-118204');
  await page.getByRole('button', { name: 'Record referral' }).click();
  await page.getByText(/✓ Referred to CEOP/).waitFor();
  await axe(page, 'illegal path');
  await screenshot(page, 'concerns-case-illegal-desktop');
  await page.getByRole('button', { name: 'Complete the referral' }).click();

  // Record the actions as proposed (no deviation), then close.
  const ticked = page.getByRole('group', { name: /Tick what was done/ }).getByRole('checkbox', { checked: true });
  await page.getByRole('button', { name: 'Record actions' }).waitFor();
  assert.ok((await ticked.count()) > 0, 'the matrix proposes actions for grooming');
  await page.getByRole('button', { name: 'Record actions' }).click();
  await page.getByRole('heading', { name: 'Actions taken' }).waitFor();
  await page.getByLabel(/^Feedback given to those involved/).fill('Leo’s parents were told by the DSL; police are in touch with them.');
  await page.getByLabel(/^Lessons learned/).fill('Add game chats to the parents’ online safety evening.');
  await page.getByRole('button', { name: 'Close the concern' }).click();
  await page.getByText(/^Closed — Referred/).waitFor();

  // The incident log lists both, with CSV and PDF copies.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incident log', exact: true }).click();
  await h1(page, 'Incident log');
  await page.getByRole('cell', { name: c.reference, exact: true }).waitFor();
  assert.match((await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')) ?? '', /incident-log\.csv\?from=/);
  assert.match((await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href')) ?? '', /incident-log\.pdf\?from=/);
  await axe(page, 'incident log');
  await screenshot(page, 'concerns-incident-log-desktop');
  const csv = await page.request.get((await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')) ?? '');
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), new RegExp(c.reference));
  const pdf = await page.request.get((await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href')) ?? '');
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');

  // The responder pages fit a phone too.
  await page.setViewportSize(PHONE);
  for (const [url, title] of [
    [`/concerns/${c.id}`, `Concern ${c.reference}`],
    ['/incident-log', 'Incident log'],
    [`/people/${e.seed.pupil.id}/chronology`, 'Chronology: Amara Whitlock'],
    ['/concerns', 'Concerns'],
  ] as const) {
    await page.goto(url);
    await h1(page, title);
    await page.waitForLoadState('networkidle');
    assert.equal(await scrollsSideways(page), false, `${url} scrolls sideways on a phone`);
    await axe(page, `${url} (phone)`);
  }
  await page.goto(`/concerns/${c.id}`);
  await h1(page, `Concern ${c.reference}`);
  await screenshot(page, 'concerns-case-phone');
  await page.setViewportSize(DESKTOP);
});

test("a headteacher's queue does not show a concern about themselves", async (t) => {
  if (!ready) return t.skip('concerns routes are not there yet (404)');
  const aboutHead = await fileConcern(e.seed.teacher2.email, {
    whatHappened: 'The headteacher left a laptop unlocked showing pupil records in the hall.',
    involved: [{ personId: e.seed.head.personId }],
    area: 'conduct',
    type: 'data_breach',
  });
  const aboutTeacher = await fileConcern(e.seed.teacher2.email, {
    whatHappened: 'A member of staff used a personal phone to photograph pupils on a trip.',
    involved: [{ personId: e.seed.teacher.personId }],
    area: 'conduct',
    type: 'other',
  });
  const { page } = await e.open(PHONE);
  await login(page, e.seed.head.email, e.code(e.seed.head.totpSecret));
  await page.goto('/concerns');
  await h1(page, 'Concerns');
  // On a phone the queue is a list of cards.
  const queue = page.getByRole('list', { name: 'Triage queue' });
  const staffRow = queue.getByRole('listitem').filter({ hasText: aboutTeacher.reference });
  await staffRow.getByText('About staff').waitFor();
  assert.equal(await page.getByText(aboutHead.reference).count(), 0, 'not in the queue');
  await page.getByRole('searchbox', { name: 'Reference or words' }).fill(aboutHead.reference);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('status').filter({ hasText: 'No concerns match.' }).waitFor();
  assert.equal(await scrollsSideways(page), false, 'the queue fits a phone');
  await axe(page, 'queue (phone, headteacher)');
  await screenshot(page, 'concerns-queue-head-phone');
  await page.goto(`/concerns/${aboutHead.id}`);
  await h1(page, 'Concern not found');
});
