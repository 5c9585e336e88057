// The signed-in app, page by page: content, school switching, people search, audit, account, and
// every page checked with axe at desktop and phone widths (with screenshots to look at).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DESKTOP, type E2E, expectAccessible, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
let admin: Page;
before(async () => {
  e = await startE2E();
  admin = (await e.open()).page;
  await login(admin, e.seed.admin.email, e.code(e.seed.admin.totpSecret));
});
after(() => e?.close());

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

async function nav(page: Page, label: string) {
  const menu = page.getByRole('button', { name: 'Open menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
}

test('the school switcher changes the school every page shows', async () => {
  await admin.goto('/');
  await h1(admin, 'Oakfield Primary School');
  await admin.getByRole('combobox', { name: 'School' }).click();
  await admin.getByRole('option', { name: 'Riverside Junior School' }).click();
  await h1(admin, 'Riverside Junior School');
  await admin.getByRole('link', { name: 'Grace Osei' }).first().waitFor();
  assert.equal(await admin.getByRole('link', { name: 'Priya Raman' }).count(), 0, "Oakfield's DSL is gone");
  await nav(admin, 'People');
  await admin.getByRole('link', { name: 'Zainab Corrigan' }).waitFor();
  assert.equal(await admin.getByRole('link', { name: 'Amara Whitlock' }).count(), 0);
  // The choice is kept by the server: a reload stays on Riverside.
  await admin.reload();
  await admin.getByRole('link', { name: 'Zainab Corrigan' }).waitFor();
  await admin.getByRole('combobox', { name: 'School' }).click();
  await admin.getByRole('option', { name: 'Oakfield Primary School' }).click();
  await admin.getByRole('link', { name: 'Amara Whitlock' }).waitFor();
});

test('people search finds a pupil by name and opens the record', async () => {
  await admin.goto('/people');
  await h1(admin, 'People');
  await admin.getByRole('link', { name: 'Amara Whitlock' }).waitFor();
  await expectAccessible(admin, 'people');
  await screenshot(admin, 'people-desktop');

  await admin.getByRole('searchbox', { name: /Search by name/ }).fill('whitl');
  await admin.getByRole('status').filter({ hasText: '1 person' }).waitFor();
  assert.equal(await admin.getByRole('link', { name: 'Leo Fenwick' }).count(), 0);

  await admin.getByRole('searchbox', { name: /Search by name/ }).fill('');
  await admin.getByRole('combobox', { name: 'Year group' }).click();
  await admin.getByRole('option', { name: 'Year 6' }).click();
  await admin.getByRole('link', { name: 'Leo Fenwick' }).waitFor();
  assert.equal(await admin.getByRole('link', { name: 'Oscar Pemberton' }).count(), 0, 'leavers are hidden by default');
  await admin.getByRole('switch', { name: 'Include leavers' }).check();
  await admin.getByRole('link', { name: 'Oscar Pemberton' }).waitFor();

  await admin.goto('/people');
  await admin.getByRole('searchbox', { name: /Search by name/ }).fill('Amara');
  await admin.getByRole('link', { name: 'Amara Whitlock' }).click();
  await h1(admin, 'Amara Whitlock');
  await admin.getByText('4B', { exact: true }).waitFor();
  await admin.getByRole('heading', { name: 'Protected details' }).waitFor();
  await admin.getByText(e.seed.pupil.upn as string).waitFor();
  await expectAccessible(admin, 'person');
  await screenshot(admin, 'person-desktop');
});

test('a staff record shows the account panel to an administrator', async () => {
  await admin.goto(`/people/${e.seed.teacher.personId}`);
  await h1(admin, 'Daniel Price');
  await admin.getByRole('heading', { name: 'Sign-in account' }).waitFor();
  await admin.getByText(e.seed.teacher.email).first().waitFor();
  await expectAccessible(admin, 'staff person');
  await screenshot(admin, 'person-staff-desktop');

  await admin.goto(`/people/${e.seed.dsl.id}`);
  await h1(admin, 'Priya Raman');
  await admin.getByRole('button', { name: 'Create account' }).waitFor();
  await expectAccessible(admin, 'person without account');
});

test('an unknown person id shows a calm not-found page', async () => {
  await admin.goto('/people/00000000-0000-4000-8000-000000000000');
  await h1(admin, 'Person not found');
  await expectAccessible(admin, 'person not found');
});

test('who to tell lists the role holders grouped by role', async () => {
  await admin.goto('/who-to-tell');
  await h1(admin, 'Who to tell');
  await admin.getByRole('heading', { level: 2, name: 'Designated safeguarding lead' }).waitFor();
  await admin.getByRole('heading', { level: 2, name: 'Deputy DSL' }).waitFor();
  await admin.getByRole('heading', { level: 2, name: 'Headteacher' }).waitFor();
  await admin.getByRole('link', { name: 'Helen Marsh' }).waitFor();
  await expectAccessible(admin, 'who to tell');
  await screenshot(admin, 'who-to-tell-desktop');
});

test('the audit page shows the sign-in event and loads more on request', async () => {
  await admin.goto('/audit');
  await h1(admin, 'Audit trail');
  await admin.getByRole('cell', { name: 'auth.login', exact: true }).first().waitFor();
  await admin.getByRole('cell', { name: e.seed.admin.email }).first().waitFor();
  await expectAccessible(admin, 'audit');
  await screenshot(admin, 'audit-desktop');
  await admin.getByLabel('Action').fill('person.read_sensitive');
  await admin.getByRole('button', { name: 'Search' }).click();
  await admin.getByRole('cell', { name: 'person.read_sensitive' }).first().waitFor();
  assert.equal(await admin.getByRole('cell', { name: 'auth.login', exact: true }).count(), 0);
});

test('the outbox page lists mail or says there is none', async () => {
  await admin.goto('/outbox');
  await h1(admin, 'Outbox');
  await admin.getByText(/No emails yet|Created/).first().waitFor();
  await expectAccessible(admin, 'outbox');
  await screenshot(admin, 'outbox-desktop');
});

test('the account page: roles, passphrase, two-factor, quick hide help and API tokens', async () => {
  await admin.goto('/account');
  await h1(admin, 'Your account');
  await admin.getByRole('heading', { name: 'Change passphrase' }).waitFor();
  await admin.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
  await admin.getByRole('heading', { name: 'API tokens' }).waitFor();
  await expectAccessible(admin, 'account');

  // A wrong current passphrase is refused with the server's message.
  await admin.getByLabel(/^Current passphrase/).fill('not the passphrase');
  await admin.getByLabel(/^New passphrase$|^New passphrase \*/).fill('harbour violet compass meadow');
  await admin.getByLabel(/^New passphrase again/).fill('harbour violet compass meadow');
  await admin.getByRole('button', { name: 'Change passphrase' }).click();
  await admin.getByText(/current passphrase/i).nth(1).waitFor();

  await admin.getByRole('textbox', { name: /^Name/ }).fill('MIS nightly sync');
  await admin.getByRole('button', { name: 'Create token' }).click();
  const created = admin.getByText('Token “MIS nightly sync” created');
  await created.waitFor();
  await admin.getByRole('button', { name: 'Copy API token' }).waitFor();
  await admin.getByRole('cell', { name: 'MIS nightly sync', exact: true }).waitFor();
  await expectAccessible(admin, 'account with new token');
  await screenshot(admin, 'account-desktop');
  await admin.getByRole('button', { name: 'Revoke MIS nightly sync' }).click();
  await admin.getByRole('button', { name: 'Yes, revoke' }).click();
  await admin.getByText('Revoked', { exact: true }).waitFor();
});

test('import page opens for an administrator and passes axe', async () => {
  await admin.goto('/import');
  await h1(admin, 'Import people');
  await admin.getByRole('heading', { name: 'Past imports' }).waitFor();
  await expectAccessible(admin, 'import');
  await screenshot(admin, 'import-desktop');
});

test('a teacher sees no admin links and is told when a page is not for them', async () => {
  const { page } = await e.open();
  await login(page, e.seed.teacher.email);
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const hidden of ['Import', 'Audit', 'Outbox']) assert.equal(await nav.getByRole('link', { name: hidden, exact: true }).count(), 0, hidden);
  await page.goto('/audit');
  await h1(page, 'Audit trail');
  await page.getByRole('alert').waitFor();
  await page.goto(`/people/${e.seed.pupil.id}`);
  await h1(page, 'Amara Whitlock');
  await page.getByText('Protected details hidden').waitFor();
  await expectAccessible(page, 'person (teacher)');
});

test('phone (375×812): pages fit the width, the menu opens, and axe passes', async () => {
  const { page } = await e.open(PHONE);
  await login(page, e.seed.head.email, e.code(e.seed.head.totpSecret));
  const pages: [string, string | RegExp][] = [
    ['/', 'Oakfield Primary School'],
    ['/people', 'People'],
    ['/who-to-tell', 'Who to tell'],
    [`/people/${e.seed.pupil.id}`, 'Amara Whitlock'],
    ['/import', 'Import people'],
    ['/audit', 'Audit trail'],
    ['/outbox', 'Outbox'],
    ['/account', 'Your account'],
  ];
  for (const [url, title] of pages) {
    await page.goto(url);
    await h1(page, title);
    await page.waitForLoadState('networkidle');
    assert.equal(await scrollsSideways(page), false, `${url} scrolls sideways on a phone`);
    await expectAccessible(page, `${url} (phone)`);
    const name = url === '/' ? 'home' : url.startsWith('/people/') ? 'person' : url.slice(1);
    await screenshot(page, `${name}-phone`);
  }
  await page.goto('/');
  await page.getByRole('button', { name: 'Open menu' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People', exact: true }).click();
  await h1(page, 'People');
  await screenshot(page, 'people-phone-after-menu');
});

test('desktop screenshots of the remaining pages', async () => {
  await admin.setViewportSize(DESKTOP);
  await admin.goto('/');
  await h1(admin, 'Oakfield Primary School');
  await screenshot(admin, 'home-admin-desktop');
});
