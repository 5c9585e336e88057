// The annual filtering and monitoring review in the browser: the headteacher fills in the guided
// review (participants, risk profile, a judgement per standard, a finding), a governor signs it off
// on a phone, the review turns read-only, and the printable record downloads as a PDF.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildUser } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
let governor = { email: '', personId: '' };
let it = { email: '', personId: '' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-e2e-annual-'));

async function named(roles: Parameters<typeof buildUser>[3], email: string, given: string, family: string) {
  const u = await buildUser(e.haven.db, e.seed.trust.id, e.seed.oakfield.id, roles, { email });
  await e.haven.db.updateTable('people').set({ given_name: given, family_name: family }).where('id', '=', u.personId).execute();
  await e.haven.db.updateTable('accounts').set({ display_name: `${given} ${family}` }).where('id', '=', u.accountId).execute();
  return { email, personId: u.personId };
}

before(async () => {
  e = await startE2E();
  e.haven.clock.set(new Date());
  governor = await named(['online_safety_governor'], 'g.oduya@oakfield.example.test', 'Grace', 'Oduya');
  it = await named(['network_manager'], 'it@acme-it.example.test', 'Sam', 'Lowe');
});
after(async () => {
  await e?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

async function check(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await expectAccessible(page, name);
  assert.equal(await scrollsSideways(page), false, `${name} fits the window without sideways scrolling`);
  await screenshot(page, `annual-review-${name}`);
}

test('a review is filled in, signed off by a governor, becomes read-only, and prints', async () => {
  const { page } = await e.open(DESKTOP);
  await login(page, e.seed.head.email, e.code(e.seed.head.totpSecret));
  await page.goto('/annual-reviews');
  await h1(page, 'Annual filtering and monitoring review');
  await page.getByText('No review has been signed off yet.').waitFor();
  await check(page, 'list-empty-desktop');
  await page.getByRole('button', { name: 'Start the review' }).click();
  await h1(page, /^Annual review, /);

  await page.getByLabel('Senior leader').selectOption(e.seed.head.personId);
  await page.getByLabel('Designated safeguarding lead').selectOption(e.seed.dsl.id);
  await page.getByLabel('IT provider').selectOption(it.personId);
  await page.getByLabel('Governor').selectOption(governor.personId);
  await page.getByLabel('Age range of pupils').fill('4 to 11');
  await page.getByLabel('AI tools').fill('Staff use a chat assistant for planning');
  const judge = async (title: string, label: string) =>
    page.getByRole('radiogroup', { name: `Judgement for “${title}”` }).getByRole('radio', { name: label, exact: true }).check();
  await judge('Roles and responsibilities', 'Met');
  await judge('Review at least once a year', 'Met');
  await judge('Filtering blocks harmful and inappropriate content', 'Partly met');
  await judge('Effective monitoring strategies', 'Met');
  await page.getByLabel('Notes on “Filtering blocks harmful and inappropriate content”').fill('Gambling got through once in the year; fixed the same day.');
  await page.getByRole('button', { name: 'Add a finding' }).click();
  await page.getByLabel('What was found (finding 1)').fill('Gambling sites were reachable on Year 6 laptops');
  await page.getByLabel('Action for finding 1', { exact: true }).fill('Test gambling every half term');
  await page.getByLabel('Owner of the action for finding 1').selectOption(it.personId);
  await page.getByLabel('Due date for finding 1').fill('2027-02-01');
  await page.getByRole('button', { name: 'Save the review' }).click();
  await page.getByRole('status').filter({ hasText: /^Saved at/ }).waitFor();
  await page.getByText('Designated safeguarding lead: Priya Raman').first().waitFor();
  await check(page, 'form-desktop');
  assert.equal(await page.getByRole('button', { name: 'Sign off the review' }).count(), 0, 'the headteacher cannot sign off');
  const reviewUrl = new URL(page.url()).pathname;

  // The governor signs off on a phone.
  const phone = (await e.open(PHONE)).page;
  await login(phone, governor.email);
  await phone.goto(reviewUrl);
  await h1(phone, /^Annual review, /);
  await phone.getByRole('button', { name: 'Sign off the review' }).waitFor();
  await check(phone, 'form-phone');
  await phone.getByLabel('Sign-off note (optional)').fill('Reviewed at the LAC meeting');
  await phone.getByRole('button', { name: 'Sign off the review' }).click();
  await phone.getByText(/^Signed off by Grace Oduya on .* Reviewed at the LAC meeting\. This record is read-only/).waitFor();
  assert.equal(await phone.getByRole('button', { name: 'Save the review' }).count(), 0, 'read-only after sign-off');
  assert.equal(await phone.getByRole('textbox').count(), 0, 'nothing to type into');
  await phone.getByText('IT provider: Sam Lowe', { exact: true }).waitFor();
  await check(phone, 'signed-phone');

  const download = phone.waitForEvent('download');
  await phone.getByRole('link', { name: 'Printable record (PDF)' }).click();
  const file = path.join(dir, 'review.pdf');
  await (await download).saveAs(file);
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  for (const s of [
    'Annual filtering and monitoring review — Oakfield Primary School',
    'Signed off by Grace Oduya (governor)',
    'Governor: Grace Oduya',
    'Age range: 4 to 11',
    '3. Filtering blocks harmful and inappropriate content: Partly met',
    'Gambling sites were reachable on Year 6 laptops',
    'Owner: Sam Lowe · Due: 01/02/2027',
  ]) {
    assert.ok(text.includes(s), `the PDF is missing: ${s}`);
  }
  const reads = await e.haven.db.selectFrom('audit_events').select('action').where('action', '=', 'annualreview.pdf').execute();
  assert.equal(reads.length, 1, 'the printed copy is audited');

  await phone.goto('/annual-reviews');
  await h1(phone, 'Annual filtering and monitoring review');
  const nextYear = new Date();
  nextYear.setFullYear(nextYear.getFullYear() + 1);
  await phone.getByText(`The next review is due by ${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }).format(nextYear)}`).waitFor();
  await check(phone, 'list-phone');

  await page.goto(reviewUrl);
  await page.getByText('IT provider: Sam Lowe', { exact: true }).waitFor();
  await check(page, 'signed-desktop');
});
