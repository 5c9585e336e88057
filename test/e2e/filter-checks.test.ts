// Filter checks in the browser: the headteacher records a check on a phone with one category not
// blocked; the task appears for the network manager, who records it fixed; the open list empties.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildUser } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
let itEmail = '';

before(async () => {
  e = await startE2E();
  // Check dates are compared with the server's clock: keep it beside the browser's.
  e.haven.clock.set(new Date());
  const it = await buildUser(e.haven.db, e.seed.trust.id, e.seed.oakfield.id, ['network_manager'], { email: 'it@acme-it.example.test' });
  await e.haven.db.updateTable('people').set({ given_name: 'Sam', family_name: 'Lowe', job_title: 'Acme IT engineer' }).where('id', '=', it.personId).execute();
  await e.haven.db.updateTable('accounts').set({ display_name: 'Sam Lowe' }).where('id', '=', it.accountId).execute();
  itEmail = it.email;
});
after(() => e?.close());

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

async function check(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await expectAccessible(page, name);
  assert.equal(await scrollsSideways(page), false, `${name} fits the window without sideways scrolling`);
  await screenshot(page, `filter-checks-${name}`);
}

test('a check with one failed category raises a task the network manager records fixed', async () => {
  const { page } = await e.open(PHONE);
  await login(page, e.seed.head.email, e.code(e.seed.head.totpSecret));
  await page.goto('/filter-checks/new');
  await h1(page, 'Record a filter check');
  await page.getByRole('group', { name: 'Gambling' }).waitFor();
  await check(page, 'record-phone');

  // Saving with nothing answered says what to fix instead of sending.
  await page.getByRole('button', { name: 'Save the check' }).click();
  await page.getByText('Answer at least one category').first().waitFor();

  await page.getByLabel(/^Device/).fill('Year 6 laptop 4');
  await page.getByLabel(/^Year groups/).fill('5, 6');
  await page.getByRole('group', { name: 'Pornography' }).getByRole('radio', { name: 'Blocked as expected' }).check();
  await page.getByRole('group', { name: 'Gambling' }).getByRole('radio', { name: 'Not blocked' }).check();
  await page.getByLabel(/^Address tested for Gambling/).fill('https://bets.example/');
  await page.getByLabel('Note for Gambling (optional)').fill('Home page loaded');
  await page.getByLabel('Follow-up actions (optional)').fill('Ask Acme IT to add gambling to the pupil policy');
  await check(page, 'record-filled-phone');
  await page.getByRole('button', { name: 'Save the check' }).click();
  await page.getByRole('heading', { name: 'Check saved' }).waitFor();
  await page.getByText(/One category was not blocked \(Gambling\)/).waitFor();
  await check(page, 'saved-phone');

  const mail = await e.haven.db.selectFrom('mail_outbox').select(['to_address', 'subject']).where('to_address', '=', itEmail).execute();
  assert.deepEqual(mail.map((m) => m.subject), ['Filter check at Oakfield Primary School: 1 category was not blocked']);

  const desk = (await e.open(DESKTOP)).page;
  await login(desk, e.seed.head.email, e.code(e.seed.head.totpSecret));
  await desk.goto('/filter-checks');
  await h1(desk, 'Filter checks');
  await desk.getByText('1 not blocked · 1 open').waitFor();
  await check(desk, 'list-desktop');
  await desk.getByRole('link', { name: /Year 6 laptop 4/ }).click();
  await h1(desk, /^Filter check,/);
  await desk.getByRole('cell', { name: 'https://bets.example/' }).waitFor();
  await check(desk, 'detail-desktop');

  // The network manager sees the task and records the fix.
  const it = (await e.open(DESKTOP)).page;
  await login(it, itEmail);
  await it.goto('/filter-checks/tasks');
  await h1(it, 'IT tasks');
  await it.getByRole('heading', { name: 'Gambling' }).waitFor();
  await it.getByText('Not blocked: https://bets.example/').waitFor();
  await check(it, 'tasks-desktop');
  await it.getByRole('button', { name: 'Record Gambling fixed' }).click();
  await it.getByLabel(/^How it was fixed/).fill('Added the gambling category to the pupil policy');
  await it.getByRole('radio', { name: 'Now blocked' }).check();
  await check(it, 'fix-form-desktop');
  // The server's test clock stands still while the browser's runs on: bring it level before saving.
  e.haven.clock.set(new Date(Date.now() + 60_000));
  await it.getByRole('button', { name: 'Save fix' }).click();
  await it.getByText('Gambling recorded fixed.').waitFor();
  await it.getByText('No open tasks').waitFor();
  await it.locator('label').filter({ hasText: /^Fixed$/ }).click();
  await it.getByText(/Fixed by Sam Lowe on .*Added the gambling category to the pupil policy\. Re-test: now blocked\./).waitFor();
  await check(it, 'tasks-fixed-desktop');

  const phone = (await e.open(PHONE)).page;
  await login(phone, itEmail);
  await phone.goto('/filter-checks/tasks');
  await h1(phone, 'IT tasks');
  await phone.getByText('No open tasks').waitFor();
  await check(phone, 'tasks-phone');

  const task = await e.haven.db.selectFrom('filter_check_tasks').select(['fixed_by', 'how_fixed', 'retest_outcome']).executeTakeFirstOrThrow();
  assert.deepEqual(task, { fixed_by: 'Sam Lowe', how_fixed: 'Added the gambling category to the pupil policy', retest_outcome: 'blocked' });
});
