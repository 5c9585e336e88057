// Alerts in the browser: alerts raised as the log pipeline would, a DSL opens the queue (high first),
// opens an alert, turns it into a concern, and the concern page shows the alert and its evidence.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import type { LogEvent } from '../../src/modules/logs/event.ts';
import { raiseAlerts } from '../../src/modules/alerts/service.ts';
import { buildUser } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
let dslSecret = '';
let dslEmail = '';
const MIN = 60_000;

function ev(at: number, host: string, over: Partial<LogEvent> = {}): LogEvent {
  return { at, source: 'squid', user: 'OAKFIELD\\awhitlock', clientIp: '10.20.4.31', device: 'ICT-PC14', host, url: `http://${host}/`, action: 'blocked', filterCategory: 'selfharm', reason: 'Banned category', bytes: 0, ...over };
}

before(async () => {
  e = await startE2E();
  e.haven.clock.set(new Date());
  dslSecret = new OTPAuth.Secret({ size: 20 }).base32;
  const u = await buildUser(e.haven.db, e.seed.trust.id, e.seed.oakfield.id, ['dsl'], { email: 'n.kerr@oakfield.example.test', totpSecret: dslSecret });
  await e.haven.db.updateTable('accounts').set({ display_name: 'Nadia Kerr' }).where('id', '=', u.accountId).execute();
  await e.haven.db.updateTable('people').set({ given_name: 'Nadia', family_name: 'Kerr', job_title: 'Assistant Headteacher' }).where('id', '=', u.personId).execute();
  dslEmail = u.email;
  const now = e.haven.clock.now().getTime();
  const t = now - 3 * 60 * MIN;
  const result = await raiseAlerts(e.haven, e.seed.trust.id, e.seed.oakfield.id, [
    {
      rule: 'blocked_burst',
      priority: 'low',
      subjectKey: 'lfenwick',
      personId: null,
      category: 'games',
      why: '42 blocked requests in 10 minutes (games sites)',
      firstAt: t - 60 * MIN,
      lastAt: t - 50 * MIN,
      eventCount: 42,
      events: [ev(t - 60 * MIN, 'play.games.example', { user: 'OAKFIELD\\lfenwick', filterCategory: 'games' })],
    },
    {
      rule: 'filter_bypass',
      priority: 'medium',
      subjectKey: '10.20.4.77',
      personId: null,
      category: 'proxies_vpns',
      why: 'Tried a web proxy (hide.proxy.example) 6 times',
      firstAt: t - 30 * MIN,
      lastAt: t - 28 * MIN,
      eventCount: 6,
      events: [ev(t - 30 * MIN, 'hide.proxy.example', { user: null, device: null, clientIp: '10.20.4.77', filterCategory: 'proxy' })],
    },
    {
      rule: 'harmful_content',
      priority: 'high',
      subjectKey: 'awhitlock',
      personId: e.seed.pupil.id,
      category: 'self_harm',
      why: 'Tried to reach self-harm content 3 times (selfharm-forum.example)',
      firstAt: t,
      lastAt: t + 4 * MIN,
      eventCount: 3,
      events: [ev(t, 'selfharm-forum.example'), ev(t + 2 * MIN, 'selfharm-forum.example'), ev(t + 4 * MIN, 'www.selfharm-forum.example')],
    },
  ]);
  assert.deepEqual(result, { created: 3, folded: 0 });
});
after(() => e?.close());

async function axe(page: Page, label: string) {
  await page.mouse.move(0, 0);
  await expectAccessible(page, label);
}

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

test('a DSL turns a high alert into a concern in the browser; the concern shows it', async () => {
  const { page } = await e.open(DESKTOP);
  await login(page, dslEmail, e.code(dslSecret));
  await page.goto('/alerts');
  await h1(page, 'Alerts');
  const table = page.getByRole('table', { name: 'Alerts' });
  await table.waitFor();
  // high first, then medium, then low
  const firstColumn = await table.locator('tbody tr td:nth-child(1)').allInnerTexts();
  assert.deepEqual(firstColumn, ['High', 'Medium', 'Low']);
  await table.getByText('Amara Whitlock').waitFor();
  await axe(page, 'alerts queue');
  await screenshot(page, 'alerts-queue-desktop');

  // filter to high only
  await page.getByLabel('Priority').selectOption('high');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('status').filter({ hasText: '1 alert' }).waitFor();

  await page.getByRole('link', { name: 'Harmful content: Self-harm' }).click();
  await h1(page, 'Harmful content: Self-harm');
  await page.getByRole('region', { name: 'Why it fired' }).getByText('Tried to reach self-harm content 3 times').waitFor();
  const events = page.getByRole('table', { name: 'Events behind the alert' });
  assert.equal(await events.locator('tbody tr').count(), 3);
  await axe(page, 'alert page');
  await screenshot(page, 'alert-desktop');

  // the form says what is missing before anything is sent
  await page.getByRole('button', { name: 'Open a concern' }).click();
  await page.getByText('Write what the concern is about.').waitFor();
  assert.equal(await page.getByLabel('Type of concern').inputValue(), 'self_harm', 'the type the alert suggests');
  await page.getByLabel('What the concern is about').fill('Amara searched for self-harm forums during ICT. Speak to her today.');
  await page.getByRole('button', { name: 'Open a concern' }).click();

  // the concern page shows the alert's words, the pupil and the evidence file
  await page.waitForURL(/\/concerns\/[0-9a-f-]{36}$/);
  await page.getByText(/Filtering alert \(high\) Harmful content: Self-harm: Tried to reach self-harm content 3 times/).first().waitFor();
  await page.getByText('Amara Whitlock').first().waitFor();
  await page.getByRole('link', { name: /^alert-harmful_content-.*\.csv$/ }).waitFor();
  await axe(page, 'concern from an alert');
  await screenshot(page, 'alert-concern-desktop');
  const concernUrl = page.url();

  // back on the alert: it points at the concern and offers nothing more
  const alertRow = await e.haven.db.selectFrom('log_alerts').select(['id', 'status', 'concern_id']).where('person_id', '=', e.seed.pupil.id).executeTakeFirstOrThrow();
  assert.equal(alertRow.status, 'concern');
  assert.ok(concernUrl.endsWith(alertRow.concern_id as string));
  await page.goto(`/alerts/${alertRow.id}`);
  await page.getByText('Part of a concern').first().waitFor();
  assert.equal(await page.getByRole('heading', { name: 'What to do' }).count(), 0);
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await page.getByText('Concern opened', { exact: true }).waitFor();
});

test('on a phone: the queue and an alert read without sideways scrolling; dismiss needs a reason', async () => {
  const { page } = await e.open(PHONE);
  await login(page, dslEmail, e.code(dslSecret));
  await page.goto('/alerts');
  await h1(page, 'Alerts');
  await page.getByRole('list', { name: 'Alerts' }).waitFor();
  assert.equal(await scrollsSideways(page), false);
  await axe(page, 'alerts queue on a phone');
  await screenshot(page, 'alerts-queue-phone');

  await page.getByRole('link', { name: 'Getting round the filter: Proxies and VPNs' }).click();
  await h1(page, 'Getting round the filter: Proxies and VPNs');
  assert.equal(await scrollsSideways(page), false);
  await axe(page, 'alert on a phone');
  await screenshot(page, 'alert-phone');

  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByText('Write why you dismiss the alert.').waitFor();
  await page.getByLabel('Why you dismiss it').fill('IT confirmed: the proxy was the exam software updater.');
  await page.getByLabel(/It was a false positive/).check();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByText('(false positive)', { exact: false }).waitFor();
  const row = await e.haven.db.selectFrom('log_alerts').select(['status', 'false_positive', 'dismissed_reason']).where('subject_key', '=', '10.20.4.77').executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'dismissed', false_positive: true, dismissed_reason: 'IT confirmed: the proxy was the exam software updater.' });
});
