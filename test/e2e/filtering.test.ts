// Filtering change control in the browser, from request to revert: a teacher asks for a temporary
// unblock, the headteacher approves, the online safety lead agrees, the network manager records it
// applied with a ticket; the harness clock passes its end, the hourly sweep marks it due, and the
// network manager records the revert. Then the log is searched, and a site report is passed on.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { expireTemporaryChanges } from '../../src/modules/filtering/service.ts';
import { DAY } from '../../src/platform/clock.ts';
import { buildUser } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, focused, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
let osl: { email: string; personId: string; accountId: string };
let it: { email: string; personId: string; accountId: string };
let changeId = '';

before(async () => {
  e = await startE2E();
  // The end time is typed in the browser and checked by the server: keep the two clocks together.
  e.haven.clock.set(new Date());
  const { trust, oakfield } = e.seed;
  osl = await buildUser(e.haven.db, trust.id, oakfield.id, ['online_safety_lead'], { email: 'osl@oakfield.example.test' });
  it = await buildUser(e.haven.db, trust.id, oakfield.id, ['network_manager'], { email: 'it@oakfield.example.test' });
  for (const [u, given, family, job] of [
    [osl, 'Nadia', 'Kerr', 'Computing Lead'],
    [it, 'Owen', 'Pryce', 'Network Manager'],
  ] as const) {
    await e.haven.db.updateTable('people').set({ given_name: given, family_name: family, job_title: job }).where('id', '=', u.personId).execute();
    await e.haven.db.updateTable('accounts').set({ display_name: `${given} ${family}` }).where('id', '=', u.accountId).execute();
  }
});
after(() => e?.close());

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

/** Every stop: axe clean, no sideways scroll, screenshots at desktop and phone widths. */
async function check(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await expectAccessible(page, name);
  assert.equal(await scrollsSideways(page), false, `${name} fits the desktop window`);
  await screenshot(page, `filtering-${name}-desktop`);
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(150);
  await expectAccessible(page, `${name} (phone)`);
  assert.equal(await scrollsSideways(page), false, `${name} fits a phone without sideways scrolling`);
  await screenshot(page, `filtering-${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

/** A date-time as a datetime-local input wants it, in the browser's zone (Europe/London). */
function londonLocal(d: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(d).replace(' ', 'T');
}

async function as(email: string, totpSecret?: string) {
  const { context, page } = await e.open(DESKTOP);
  await login(page, email, totpSecret ? e.code(totpSecret) : undefined);
  return { context, page };
}

async function state(): Promise<string> {
  const row = await e.haven.db.selectFrom('filter_change_requests').select('state').where('id', '=', changeId).executeTakeFirstOrThrow();
  return row.state;
}

test('the full cycle in the browser: request, approve, agree, apply, due for revert, revert', async () => {
  // 1. A teacher asks for a temporary unblock.
  const teacher = await as(e.seed.teacher.email);
  let page = teacher.page;
  await page.goto('/filter-changes/new');
  await h1(page, 'Request a filtering change');
  // Sending an empty form says what to fix and puts the cursor there.
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.getByText('Fill in every site or category, or remove the empty one.').waitFor();
  assert.equal((await focused(page)).id, 'req-target-0');
  await page.getByLabel('Site address 1').fill('youtube.com');
  await page.getByRole('button', { name: 'Add another site or category' }).click();
  await page.getByLabel('Type 2').selectOption('category');
  await page.getByLabel('Category 2').fill('Streaming media');
  await page.getByRole('checkbox', { name: 'Year 6' }).check();
  await page.getByLabel('Educational reason').fill('Year 6 history: wartime newsreels for the Blitz topic');
  await page.getByLabel('Unblock ends').fill(londonLocal(new Date(e.haven.clock.now().getTime() + DAY)));
  await check(page, 'request-form');
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.waitForURL(/\/filter-changes\/[0-9a-f-]{36}$/);
  changeId = page.url().split('/').at(-1) ?? '';
  await h1(page, /Unblock request/);
  await page.getByText('There is nothing for you to do on this request now.').waitFor();
  assert.equal(await state(), 'requested');
  await page.goto('/filter-changes');
  await h1(page, 'Filtering changes');
  await page.getByRole('link', { name: 'Unblock' }).first().waitFor();
  await check(page, 'list-teacher');
  await teacher.context.close();

  // 2. The headteacher approves, by keyboard.
  const head = await as(e.seed.head.email, e.seed.head.totpSecret);
  page = head.page;
  await page.goto('/filter-changes');
  await page.getByLabel('Show').selectOption('requested');
  await page.getByRole('link', { name: 'Unblock' }).first().click();
  await h1(page, /Unblock request/);
  assert.equal(await page.getByRole('button', { name: 'Agree' }).count(), 0, 'only the steps the viewer may take');
  await page.getByLabel('Reason for your decision').focus();
  await page.keyboard.type('Clear benefit for the topic; limited to Year 6 for one day');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Approve');
  await page.keyboard.press('Enter');
  await page.getByText('Approve: done.').waitFor();
  await page.getByRole('heading', { name: 'Approved by the headteacher' }).waitFor();
  assert.equal(await state(), 'approved_by_head');
  await check(page, 'change-approved');
  await head.context.close();

  // 3. The online safety lead agrees.
  const second = await as(osl.email);
  page = second.page;
  await page.goto(`/filter-changes/${changeId}`);
  await h1(page, /Unblock request/);
  assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0);
  await page.getByLabel('Reason for your decision').fill('Agreed: YouTube restricted mode stays on');
  await page.getByRole('button', { name: 'Agree' }).click();
  await page.getByText('Agree: done.').waitFor();
  assert.equal(await state(), 'agreed_by_second');
  await second.context.close();

  // 4. The network manager records it applied with a ticket reference.
  const nm = await as(it.email);
  page = nm.page;
  await page.goto(`/filter-changes/${changeId}`);
  await page.getByRole('button', { name: 'Record as applied' }).click();
  await page.getByText('Enter the ticket reference of the change.').waitFor();
  await page.getByLabel('Ticket reference').fill('IT-2231');
  await page.getByRole('button', { name: 'Record as applied' }).click();
  await page.getByText('Record as applied: done.').waitFor();
  await page.getByText('Ticket: IT-2231').waitFor();
  assert.equal(await state(), 'applied');
  await check(page, 'change-applied');
  await nm.context.close();

  // 5. Time passes; the hourly sweep marks it due for revert and writes to the network manager.
  e.haven.clock.advance(DAY + 3_600_000);
  const swept = await expireTemporaryChanges(e.haven);
  assert.deepEqual(swept.due, [changeId]);
  const mail = await e.haven.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).where('subject', 'like', 'Revert a temporary filtering unblock%').execute();
  assert.deepEqual(mail.map((m) => m.to_address), [it.email]);
  assert.ok(mail[0]?.text_body.includes(`/filter-changes/${changeId}`));

  // 6. The network manager follows the link and records the revert.
  const nm2 = await as(it.email);
  page = nm2.page;
  await page.goto(`/filter-changes/${changeId}`);
  await page.getByText(/^Due since /).waitFor();
  await page.getByLabel('Note (optional)').fill('Removed from the allow list');
  await page.getByRole('button', { name: 'Record as reverted' }).click();
  await page.getByText('Record as reverted: done.').waitFor();
  assert.equal(await state(), 'reverted');
  const log = page.getByRole('table', { name: 'Log of this request' });
  for (const step of ['Requested', 'Approved', 'Agreed', 'Applied', 'Due for revert', 'Reverted']) await log.getByRole('cell', { name: step, exact: true }).waitFor();
  for (const who of ['Daniel Price', 'Helen Marsh', 'Nadia Kerr', 'Owen Pryce', 'Haven (system)']) await log.getByRole('cell', { name: who, exact: true }).first().waitFor();
  await page.getByText('There is nothing for you to do on this request now.').waitFor();
  await check(page, 'change-reverted');
  await nm2.context.close();
});

test('the change-control log: search by words and dates, CSV and PDF links', async () => {
  assert.ok(changeId, 'runs after the full cycle');
  const head = await as(e.seed.head.email, e.seed.head.totpSecret);
  const page = head.page;
  await page.goto('/filter-changes/log');
  await h1(page, 'Filtering change-control log');
  await page.getByRole('status').filter({ hasText: '6 entries' }).waitFor();
  await page.getByLabel('Words').fill('IT-2231');
  await page.getByLabel('Words').press('Enter');
  await page.getByRole('status').filter({ hasText: '1 entry' }).waitFor();
  await page.getByRole('cell', { name: 'Applied (ticket IT-2231)' }).waitFor();
  const pdf = await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href');
  assert.equal(pdf, `/api/v1/schools/${e.seed.oakfield.id}/filter-change-log.pdf?q=IT-2231`);
  const res = await page.request.get(pdf ?? '');
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const csvBody = await (await page.request.get(csv ?? '')).text();
  assert.match(csvBody, /Applied \(ticket IT-2231\)/);
  await check(page, 'log-search');
  // A period before anything happened shows nothing.
  await page.getByLabel('Words').fill('');
  await page.getByLabel('From').fill('2020-01-01');
  await page.getByLabel('To').fill('2020-12-31');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('Nothing in the log matches.').waitFor();
  await head.context.close();
});

test('a site report becomes a change request in the reporter’s name', async () => {
  const teacher = await as(e.seed.teacher2.email);
  let page = teacher.page;
  await page.goto('/filter-reports');
  await h1(page, 'Site reports');
  await page.getByLabel('Site address').fill('https://quiz-games.example/play');
  await page.getByRole('radio', { name: 'Blocked', exact: true }).check();
  await page.getByLabel('Why').fill('Pupils play it in lessons instead of working');
  await page.getByLabel('Where you met it (optional)').fill('Year 2 iPads');
  await page.getByRole('button', { name: 'Send the report' }).click();
  await page.getByText('Thank you. The online safety lead will decide what to do with it.').waitFor();
  await page.getByText('Block: https://quiz-games.example/play').waitFor();
  await check(page, 'reports-teacher');
  await teacher.context.close();

  const second = await as(osl.email);
  page = second.page;
  await page.goto('/filter-reports');
  await page.getByRole('heading', { name: 'Reports to decide' }).waitFor();
  await page.getByRole('button', { name: 'Turn into a change request' }).click();
  await page.getByRole('radio', { name: 'Pupils by year group' }).check();
  await page.getByRole('checkbox', { name: 'Year 2' }).check();
  await check(page, 'reports-decide');
  await page.getByRole('button', { name: 'Send as a change request' }).click();
  await page.getByText('No reports to show.').waitFor();
  await page.getByLabel('Show').selectOption('decided');
  await page.getByRole('link', { name: 'a change request' }).click();
  await h1(page, /Block request/);
  await page.getByRole('cell', { name: 'Ruth Abbott (report passed on by Nadia Kerr)' }).waitFor();
  const row = await e.haven.db.selectFrom('filter_change_requests').select(['requested_by', 'kind', 'year_groups']).where('id', '=', page.url().split('/').at(-1) ?? '').executeTakeFirstOrThrow();
  assert.deepEqual(row, { requested_by: e.seed.teacher2.personId, kind: 'block', year_groups: ['2'] });
  await second.context.close();
});
