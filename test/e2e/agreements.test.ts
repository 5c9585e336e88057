// Agreements and consents in the browser: a parent accepts through the emailed single-use link with
// no account (and the link then says it is used), a pupil accepts at the class kiosk a teacher
// opened, a teacher reads the "who must not appear" list on a phone, and a member of staff can
// accept only after scrolling to the end of the text.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildParent, publishStarter, startCampaign } from '../../src/modules/agreements/testing.ts';
import { buildPupil, signIn } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
// A tiny real PNG, standing in for the scan of a signed form.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
let parentEmail = '';
let parentCampaign = '';
let pupilCampaign = '';

before(async () => {
  e = await startE2E();
  // Due dates are checked against the server's clock: keep it beside the browser's.
  e.haven.clock.set(new Date());
  const head = await signIn(e.haven.app, e.seed.head.email, { totp: e.code(e.seed.head.totpSecret) });
  const school = e.seed.oakfield.id;
  await buildPupil(e.haven.db, e.seed.trust.id, school, { given_name: 'Ben', family_name: 'Adeyemi', year_group: '4', registration_group: '4B' });
  await buildPupil(e.haven.db, e.seed.trust.id, school, { given_name: 'Chloe', family_name: 'Nash', year_group: '4', registration_group: '4B' });
  const parent = await buildParent(e.haven.db, e.seed.trust.id, [e.seed.pupil.id], { email: 'j.whitlock@example.test' });
  await e.haven.db.updateTable('people').set({ given_name: 'Jo', family_name: 'Whitlock' }).where('id', '=', parent.id).execute();
  parentEmail = 'j.whitlock@example.test';

  const parents = await publishStarter(e.haven.app, head, school, 'parent');
  const pupils = await publishStarter(e.haven.app, head, school, 'pupil_upper');
  const staff = await publishStarter(e.haven.app, head, school, 'staff');
  const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  parentCampaign = await startCampaign(e.haven.app, head, school, { versionId: parents.versionId, title: 'Parents’ agreement 2026', dueOn: due, groups: [{ kind: 'parents' }] });
  pupilCampaign = await startCampaign(e.haven.app, head, school, { versionId: pupils.versionId, title: 'Pupils’ promises 2026', dueOn: due, groups: [{ kind: 'class', registrationGroup: '4B' }] });
  await startCampaign(e.haven.app, head, school, { versionId: staff.versionId, title: 'Staff agreement 2026', dueOn: due, groups: [{ kind: 'staff' }] });

  // The school keeps Amara's photo, so the "must not appear" list can show it.
  const boundary = '----havenphoto';
  const photo = await e.haven.app.inject({
    method: 'POST',
    url: `/api/v1/people/${e.seed.pupil.id}/photo`,
    headers: { ...head.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="amara.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  assert.equal(photo.statusCode, 201, photo.body);
});
after(() => e?.close());

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

/** Every stop: axe clean (pointer parked so hover tints do not count), no sideways scroll, a screenshot. */
async function check(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await expectAccessible(page, name);
  assert.equal(await scrollsSideways(page), false, `${name} fits the window without sideways scrolling`);
  await screenshot(page, `agreements-${name}`);
}

async function acceptances(personId: string) {
  return e.haven.db.selectFrom('agreement_acceptances').select(['method', 'signed_name', 'recorded_by']).where('person_id', '=', personId).execute();
}

/** The newest parent link mailed to an address, as a path on this server. */
async function parentLinkFor(email: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const row = await e.haven.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).orderBy('created_at', 'desc').executeTakeFirst();
    const m = row?.text_body.match(/https?:\/\/\S+?(\/p\/[A-Za-z0-9_-]+)/);
    if (m?.[1]) return m[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no parent link was mailed to ${email}`);
}

test('the headteacher sends parent links; a parent accepts with no account, and the link then says it is used', async () => {
  const { page } = await e.open(DESKTOP);
  await login(page, e.seed.head.email, e.code(e.seed.head.totpSecret));
  await page.goto('/agreements');
  await h1(page, 'Agreements');
  await page.getByRole('link', { name: 'Parents’ agreement 2026' }).waitFor();
  await check(page, 'list-desktop');
  await page.getByRole('link', { name: 'Parents’ agreement 2026' }).click();
  await h1(page, 'Parents’ agreement 2026');
  await page.getByRole('link', { name: 'Amara Whitlock' }).waitFor();
  await page.getByRole('button', { name: 'Send parent links' }).click();
  await page.getByRole('status').filter({ hasText: '1 link sent' }).waitFor();
  await check(page, 'campaign-parents-desktop');

  const link = await parentLinkFor(parentEmail);
  const parent = (await e.open(PHONE)).page; // a fresh browser: no Haven account, no cookie
  const calls: string[] = [];
  parent.on('request', (r) => calls.push(new URL(r.url()).pathname));
  await parent.goto(link);
  await h1(parent, /for Amara$/);
  assert.equal(await parent.getByRole('navigation', { name: 'Main' }).count(), 0, 'no app menu on the public page');
  assert.equal(await parent.getByText('Whitlock').count(), 0, 'only the first name is shown');
  await check(parent, 'parent-link-phone');

  // Accepting needs a name: the form says so instead of sending.
  await parent.getByLabel(`I have read this agreement and accept it for Amara`).check();
  await parent.getByRole('button', { name: 'Accept the agreement' }).click();
  await parent.getByText('Type your full name to sign').waitFor();
  await parent.getByRole('textbox', { name: /Your full name/ }).fill('Jo Whitlock');
  await parent.getByRole('radiogroup', { name: 'Photos on the school website' }).getByRole('radio', { name: 'No' }).check();
  await parent.getByRole('radiogroup', { name: 'Photos in the school newsletter' }).getByRole('radio', { name: 'Yes' }).check();
  await parent.getByRole('button', { name: 'Accept the agreement' }).click();
  await h1(parent, 'Thank you');
  // The confirmation carries the parent's own way to withdraw later.
  assert.match(String(await parent.getByRole('link', { name: 'link to withdraw' }).getAttribute('href')), /^\/p\/withdraw\/[A-Za-z0-9_-]{43}$/);
  await check(parent, 'parent-link-done-phone');
  assert.equal(parent.url().endsWith(link), true, 'never sent to sign in');
  assert.deepEqual(
    calls.filter((c) => c.startsWith('/api/')).map((c) => c.replace(/[^/]{20,}$/, ':token')),
    ['/api/v1/public/parent-links/:token', '/api/v1/public/parent-links/:token'],
    'the public page calls only the public endpoints (no /auth/session)',
  );

  const rows = await acceptances(e.seed.pupil.id);
  assert.deepEqual(
    rows.map((r) => [r.method, r.signed_name]),
    [['parent_link', 'Jo Whitlock']],
  );
  const consents = await e.haven.db.selectFrom('consent_records').select(['purpose', 'value']).where('pupil_id', '=', e.seed.pupil.id).orderBy('purpose').execute();
  assert.deepEqual(consents, [
    { purpose: 'newsletter_photo', value: true },
    { purpose: 'website_photo', value: false },
  ]);

  // The same link again, even in another browser: it says it is used, and shows no form or child.
  const again = (await e.open(PHONE)).page;
  await again.goto(link);
  await again.getByRole('alert').filter({ hasText: 'This link has already been used' }).waitFor();
  assert.equal(await again.getByRole('button', { name: 'Accept the agreement' }).count(), 0);
  assert.equal(await again.getByText('Amara').count(), 0);
  await check(again, 'parent-link-used-phone');

  // A made-up link is simply "does not work".
  await again.goto('/p/not-a-real-link-at-all');
  await again.getByRole('alert').filter({ hasText: 'This link does not work' }).waitFor();
});

test('a teacher opens the class kiosk and a pupil accepts by picking their name', async () => {
  const { page } = await e.open(DESKTOP);
  await login(page, e.seed.teacher.email);
  await page.goto(`/agreements/campaigns/${pupilCampaign}`);
  await h1(page, 'Pupils’ promises 2026');
  await page.getByRole('combobox', { name: 'Kiosk for class' }).click();
  await page.getByRole('option', { name: '4B' }).click();
  await page.getByRole('button', { name: 'Open kiosk' }).click();
  const address = page.getByLabel('Kiosk address');
  await address.waitFor();
  await page.getByRole('img', { name: 'QR code for the 4B kiosk' }).waitFor();
  await check(page, 'campaign-kiosk-desktop');
  const url = new URL((await address.innerText()).trim());
  assert.match(url.pathname, /^\/kiosk\/[A-Za-z0-9_-]+$/);

  const kiosk = (await e.open({ width: 820, height: 1180 })).page; // a classroom tablet, nobody signed in
  await kiosk.goto(url.pathname);
  await h1(kiosk, '4B: find your name');
  await check(kiosk, 'kiosk-list-tablet');
  await kiosk.getByRole('button', { name: 'Amara W' }).click();
  await h1(kiosk, 'Amara, please read this');
  await check(kiosk, 'kiosk-read-tablet');
  await kiosk.getByRole('button', { name: 'I agree' }).click();
  await kiosk.getByRole('status').filter({ hasText: 'Thank you, Amara!' }).waitFor();
  await kiosk.getByText('✓ Amara W — done').waitFor();
  await kiosk.getByRole('button', { name: 'Ben A' }).waitFor();
  await check(kiosk, 'kiosk-after-tablet');

  const methods = (await acceptances(e.seed.pupil.id)).map((r) => r.method).sort();
  assert.deepEqual(methods, ['kiosk', 'parent_link']);
  // The teacher's page shows the progress live.
  await page.reload();
  await page.getByRole('table', { name: 'Accepted' }).getByRole('row', { name: /Amara Whitlock/ }).getByRole('cell', { name: 'Class kiosk', exact: true }).waitFor();

  // After the lesson, the teacher records the rest of the class in one go.
  await page.getByLabel('Discussed on').fill(new Date().toISOString().slice(0, 10));
  await page.getByRole('button', { name: 'Record for the class' }).click();
  await page.getByRole('status').filter({ hasText: 'Recorded for 2 pupils.' }).waitFor();
  await page.getByRole('heading', { name: 'Outstanding (0)' }).waitFor();
  await page.getByRole('table', { name: 'Accepted' }).getByRole('row', { name: /Ben Adeyemi/ }).getByRole('cell', { name: 'Recorded by teacher' }).waitFor();

  const phone = (await e.open(PHONE)).page;
  await login(phone, e.seed.teacher.email);
  await phone.goto(`/agreements/campaigns/${pupilCampaign}`);
  await phone.getByRole('heading', { name: 'Accepted (3)' }).waitFor();
  await check(phone, 'campaign-phone');
  const kioskPhone = (await e.open(PHONE)).page;
  await kioskPhone.goto(url.pathname);
  await h1(kioskPhone, '4B: find your name');
  await check(kioskPhone, 'kiosk-done-phone');
});

test('a teacher opens the "who must not appear" list on a phone', async () => {
  const { page } = await e.open(PHONE);
  await login(page, e.seed.teacher.email);
  await page.getByRole('button', { name: 'Open menu' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Photo consent' }).click();
  await h1(page, 'Who must not appear?');
  await page.getByRole('combobox', { name: 'For' }).selectOption('website_photo');
  await page.getByRole('combobox', { name: 'Class' }).selectOption('4B');
  await page.getByRole('heading', { level: 2, name: 'School website (photos) · 4B' }).waitFor();
  await page.getByRole('status').filter({ hasText: '3 pupils must not appear' }).waitFor();
  const amara = page.getByRole('listitem').filter({ hasText: 'Amara Whitlock' });
  await amara.getByText('Parent said no').waitFor();
  // Her photo (kept by the school) is shown, big enough to recognise her on a phone.
  const photo = amara.getByRole('img', { name: 'Photo of Amara Whitlock' });
  await photo.waitFor();
  await page.waitForFunction((el) => {
    const img = el as unknown as { complete: boolean; naturalWidth: number };
    return img.complete && img.naturalWidth > 0;
  }, await photo.elementHandle());
  const box = await photo.boundingBox();
  assert.ok(box && box.width >= 80 && box.height >= 80, `photo is ${box?.width}x${box?.height}`);
  assert.equal(await page.getByRole('listitem').filter({ hasText: 'Ben Adeyemi' }).getByRole('img').count(), 0, 'no photo kept for Ben');
  await page.getByRole('listitem').filter({ hasText: 'Ben Adeyemi' }).getByText('No answer').waitFor();
  await check(page, 'must-not-appear-phone');
  // The CSV and PDF exports are one tap away.
  assert.match(String(await page.getByRole('link', { name: /CSV/ }).getAttribute('href')), /\/consents\/export\.csv\?registrationGroup=4B$/);
  assert.match(String(await page.getByRole('link', { name: /PDF/ }).getAttribute('href')), /\/consents\/export\.pdf\?registrationGroup=4B$/);

  const csv = await page.request.get(String(await page.getByRole('link', { name: /CSV/ }).getAttribute('href')));
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /Amara Whitlock/);

  // For the newsletter Amara's parent said yes: she is not on that list.
  await page.getByRole('combobox', { name: 'For' }).selectOption('newsletter_photo');
  await page.getByRole('status').filter({ hasText: '2 pupils must not appear' }).waitFor();
  assert.equal(await page.getByText('Amara Whitlock').count(), 0);
});

test('a member of staff must scroll to the end before accepting, and then sees what they agreed to', async () => {
  const { page } = await e.open(PHONE);
  await login(page, e.seed.teacher2.email);
  await page.goto('/my-agreements');
  await h1(page, 'My agreements');
  const accept = page.getByRole('button', { name: 'I accept this agreement' });
  await accept.waitFor();
  assert.equal(await accept.isDisabled(), true, 'cannot accept before reading');
  await page.getByText('Scroll to the end of the agreement to accept it.').waitFor();
  await check(page, 'my-agreements-phone');

  const box = page.getByRole('region', { name: /^Text of / });
  // Keyboard only: the text box takes focus and scrolls with the keys.
  await box.focus();
  await page.keyboard.press('End');
  await page.getByText('You have reached the end. You can now accept.').waitFor();
  assert.equal(await accept.isDisabled(), false);
  await accept.click();
  await page.getByRole('status').filter({ hasText: 'You are up to date with every agreement.' }).waitFor();
  await page.getByRole('button', { name: 'Show what I agreed to' }).click();
  await page.getByText('My login is mine alone', { exact: false }).first().waitFor();
  await check(page, 'my-agreements-accepted-phone');
  const rows = await acceptances(e.seed.teacher2.personId);
  assert.deepEqual(
    rows.map((r) => r.method),
    ['in_app'],
  );
});

test('admin pages: agreement editor with versions, induction, and the pupil consent panel', async () => {
  const { page } = await e.open(DESKTOP);
  await login(page, e.seed.head.email, e.code(e.seed.head.totpSecret));
  await page.goto('/agreements');
  await page.getByRole('link', { name: 'Staff and volunteer acceptable use agreement' }).click();
  await h1(page, 'Staff and volunteer acceptable use agreement');
  const text = page.getByRole('textbox', { name: 'Text' });
  const before = await text.inputValue();
  await text.fill(`${before}\n\nI will complete the online safety training each year.`);
  await page.getByRole('button', { name: 'Publish as version 2' }).click();
  await page.getByRole('status').filter({ hasText: 'Published as version 2.' }).waitFor();
  // Version 1 stays readable exactly as accepted.
  await page.getByRole('button', { name: /^Version 1 ·/ }).click();
  await page.getByRole('region', { name: /^Version 1 ·/ }).getByText('My login is mine alone', { exact: false }).waitFor();
  assert.equal(await page.getByRole('region', { name: /^Version 1 ·/ }).getByText('online safety training each year').count(), 0);
  await check(page, 'editor-desktop');

  // A withdrawal is a new record; the acceptance stays in the history.
  await page.goto(`/agreements/campaigns/${parentCampaign}`);
  await page.getByRole('button', { name: 'Record a withdrawal for Amara Whitlock' }).click();
  await page.getByLabel('Why is Amara Whitlock withdrawing?').fill('Parent asked by phone');
  await page.getByRole('button', { name: 'Record withdrawal' }).click();
  await page.getByRole('heading', { name: 'Withdrawn (1)' }).waitFor();
  await page.getByText('Parent asked by phone', { exact: false }).waitFor();
  await check(page, 'campaign-withdrawn-desktop');

  // A signed paper form, scanned: the scan is kept and the pupil moves to accepted.
  await page.getByRole('combobox', { name: 'Signed for' }).click();
  await page.getByRole('option', { name: 'Ben Adeyemi (4B)' }).click();
  await page.locator('input[type=file]').setInputFiles({ name: 'ben-form.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByRole('status').filter({ hasText: 'Paper form saved as an acceptance.' }).waitFor();
  await page.getByRole('table', { name: 'Accepted' }).getByRole('row', { name: /Ben Adeyemi/ }).getByRole('cell', { name: 'Paper form' }).waitFor();

  await page.goto('/induction');
  await h1(page, 'Induction');
  await check(page, 'induction-desktop');

  await page.goto(`/people/${e.seed.pupil.id}`);
  await h1(page, 'Amara Whitlock');
  const panel = page.getByRole('region', { name: 'Photo, name and online consent' });
  const website = panel.getByRole('row', { name: /Photos on the school website/ });
  await website.getByText('No', { exact: true }).waitFor();
  await website.getByRole('button', { name: '1 record: history of Photos on the school website' }).click();
  await website.getByText(/^No · .* · Jo Whitlock \(Parent link\)$/).waitFor();
  await check(page, 'person-consents-desktop');
  // The office records a change of mind from a paper form: a new record, the old one kept.
  await panel.getByRole('combobox', { name: 'Purpose' }).click();
  await page.getByRole('option', { name: 'Photos on the school website' }).click();
  await panel.getByRole('radio', { name: 'Yes' }).check();
  await panel.getByRole('button', { name: 'Record answer' }).click();
  await website.getByText('Yes', { exact: true }).waitFor();
  await website.getByRole('button', { name: /^(2 records: history|Hide history) of Photos on the school website/ }).waitFor();
  const history = await e.haven.db.selectFrom('consent_records').select(['value', 'method']).where('pupil_id', '=', e.seed.pupil.id).where('purpose', '=', 'website_photo').orderBy('recorded_at').execute();
  assert.deepEqual(history, [
    { value: false, method: 'parent_link' },
    { value: true, method: 'paper' },
  ]);
});

test('every agreements page fits a phone and passes axe', async () => {
  const { page } = await e.open(PHONE);
  await login(page, e.seed.admin.email, e.code(e.seed.admin.totpSecret));
  const pages: [string, string, string][] = [
    ['/agreements', 'Agreements', 'list-phone'],
    ['/agreements/campaigns/new', 'New campaign', 'new-campaign-phone'],
    [`/agreements/campaigns/${parentCampaign}`, 'Parents’ agreement 2026', 'campaign-parents-phone'],
    ['/induction', 'Induction', 'induction-phone'],
    ['/my-agreements', 'My agreements', 'my-agreements-admin-phone'],
    [`/people/${e.seed.pupil.id}`, 'Amara Whitlock', 'person-consents-phone'],
  ];
  for (const [path, title, shot] of pages) {
    await page.goto(path);
    await h1(page, title);
    for (let i = 0; i < 100 && (await page.getByText('Loading…', { exact: true }).count()) > 0; i++) await page.waitForTimeout(100);
    await check(page, shot);
  }
  await page.goto('/agreements');
  await page.getByRole('link', { name: 'Parent and carer agreement' }).click();
  await h1(page, 'Parent and carer agreement');
  await page.getByRole('textbox', { name: 'Text' }).waitFor();
  await check(page, 'editor-phone');
});

test('a parent withdraws at any time with their own link: asks a reason, records a withdrawal and a "no" to photos', async () => {
  const head = await signIn(e.haven.app, e.seed.head.email, { totp: e.code(e.seed.head.totpSecret) });
  const chloe = await e.haven.db.selectFrom('people').select('id').where('given_name', '=', 'Chloe').where('family_name', '=', 'Nash').executeTakeFirstOrThrow();
  const mum = await buildParent(e.haven.db, e.seed.trust.id, [chloe.id], { email: 's.nash@example.test' });
  await e.haven.db.updateTable('people').set({ given_name: 'Sam', family_name: 'Nash' }).where('id', '=', mum.id).execute();
  const sent = await e.haven.app.inject({ method: 'POST', url: `/api/v1/campaigns/${parentCampaign}/send-parent-links`, headers: head.headers });
  assert.equal(sent.statusCode, 200, sent.body);
  const link = await parentLinkFor('s.nash@example.test');
  const accepted = await e.haven.app.inject({ method: 'POST', url: `/api/v1/public${link.replace('/p/', '/parent-links/')}`, payload: { accept: true, parentName: 'Sam Nash', consents: { website_photo: true, press_photo: true } } });
  assert.equal(accepted.statusCode, 201, accepted.body);
  const withdrawPath = new URL(accepted.json().withdrawUrl).pathname;

  const { page } = await e.open(PHONE);
  await page.goto(withdrawPath);
  await h1(page, 'Withdraw for Chloe');
  assert.equal(await page.getByText('Nash').count(), 0, 'only the first name is shown');
  await check(page, 'withdraw-phone');
  await page.getByRole('button', { name: 'Record my withdrawal' }).click();
  await page.getByText('Write a short reason').waitFor();
  await page.getByRole('checkbox', { name: /Photos on the school website/ }).check();
  await page.getByRole('textbox', { name: /Why are you withdrawing/ }).fill('We are moving away');
  await page.getByRole('textbox', { name: /Your full name/ }).fill('Sam Nash');
  await page.getByRole('button', { name: 'Record my withdrawal' }).click();
  await h1(page, 'Thank you');
  await page.getByRole('status').filter({ hasText: 'withdrew the' }).waitFor();
  await check(page, 'withdraw-done-phone');

  const w = await e.haven.db
    .selectFrom('agreement_withdrawals as w')
    .innerJoin('agreement_acceptances as a', (j) => j.onRef('a.trust_id', '=', 'w.trust_id').onRef('a.id', '=', 'w.acceptance_id'))
    .select(['a.person_id', 'a.signed_name', 'w.reason'])
    .where('a.person_id', '=', chloe.id)
    .execute();
  assert.deepEqual(w, [{ person_id: chloe.id, signed_name: 'Sam Nash', reason: 'We are moving away' }]);
  const web = await e.haven.db.selectFrom('consent_records').select('value').where('pupil_id', '=', chloe.id).where('purpose', '=', 'website_photo').orderBy('recorded_at').execute();
  assert.deepEqual(web.map((r) => r.value), [true, false]);

  // The link works once.
  await page.goto(withdrawPath);
  await page.getByRole('alert').filter({ hasText: 'already been used' }).waitFor();
});
