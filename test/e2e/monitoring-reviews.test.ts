// Monitoring reviews in the browser: the headteacher finds last week's review (made by the job, with
// its figures), writes notes and an action and signs it off; the schedule and the trust's overdue
// card read well on a desktop and a phone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { createDueReviews } from '../../src/modules/monitoring-reviews/service.ts';
import { londonDate } from '../../src/platform/time.ts';
import { signIn } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
let weeklyId = '';

before(async () => {
  e = await startE2E();
  const now = new Date();
  // Something happened last week: a concern and a filtering change request, recorded then.
  const lastWeek = new Date(now.getTime() - 7 * 86_400_000);
  e.haven.clock.set(lastWeek);
  const head = await signIn(e.haven.app, e.seed.head.email, { totp: e.code(e.seed.head.totpSecret) });
  const school = e.seed.oakfield.id;
  const concern = await e.haven.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school}/concerns`,
    headers: head.headers,
    payload: {
      whatHappened: 'A pupil used a proxy site to reach a games site',
      occurredAt: lastWeek.toISOString(),
      involved: [],
      urls: [],
      area: 'conduct',
      type: 'filter_bypass',
      toldDslInPerson: false,
      urgent: false,
      mayBeIndecentImages: false,
    },
  });
  assert.equal(concern.statusCode, 201, concern.body);
  const change = await e.haven.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school}/filter-changes`,
    headers: head.headers,
    payload: { kind: 'block', targets: [{ type: 'site', value: 'proxy.example' }], userGroup: { group: 'pupils', yearGroups: ['6'] }, reason: 'Used to get round the filter' },
  });
  assert.equal(change.statusCode, 201, change.body);
  e.haven.clock.set(now);
  await createDueReviews(e.haven);
  const weekly = await e.haven.db.selectFrom('monitoring_reviews').selectAll().where('school_id', '=', school).where('kind', '=', 'weekly_head').executeTakeFirstOrThrow();
  weeklyId = weekly.id;
  assert.ok(weekly.period_end < londonDate(now), 'the review is for a week that has ended');
  assert.equal(weekly.figures.concerns.total, 1);
  // An alert the review should count, when the logs module is installed.
  if ((await sql<{ t: string | null }>`SELECT to_regclass('log_alerts')::text AS t`.execute(e.haven.db)).rows[0]?.t) {
    const at = lastWeek.toISOString();
    await sql`INSERT INTO log_alerts (trust_id, id, school_id, rule, priority, status, raised_at, subject_key, why, first_at, last_at, event_count, updated_at)
      VALUES (${e.seed.trust.id}, gen_random_uuid(), ${school}, 'filter_bypass', 'high', 'open', ${at}, 'device:ict-12', 'Proxy site visited', ${at}, ${at}, 1, ${at})`.execute(e.haven.db);
  }
});
after(() => e?.close());

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

async function check(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await expectAccessible(page, name);
  assert.equal(await scrollsSideways(page), false, `${name} fits the window without sideways scrolling`);
  await screenshot(page, `monitoring-reviews-${name}`);
}

test('the headteacher opens last week’s review, reads its figures, and signs it off with notes and an action', async () => {
  const { page } = await e.open(DESKTOP);
  await login(page, e.seed.head.email, e.code(e.seed.head.totpSecret));
  await page.goto('/monitoring-reviews');
  await h1(page, 'Monitoring reviews');
  await page.getByRole('link', { name: 'Weekly monitoring review' }).waitFor();
  await check(page, 'list-desktop');

  await page.getByRole('link', { name: 'Weekly monitoring review' }).click();
  await h1(page, 'Weekly monitoring review');
  const concerns = page.getByRole('region', { name: 'Filtering-related concerns' });
  await concerns.getByRole('row', { name: /Getting round the filter/ }).waitFor();
  assert.match((await concerns.getByRole('row', { name: /Getting round the filter/ }).textContent()) ?? '', /1$/);
  assert.match((await page.getByRole('region', { name: 'Filtering change requests' }).textContent()) ?? '', /Waiting for the headteacher\s*1/);
  await check(page, 'review-desktop');

  await page.getByLabel('Your notes').fill('Read the weekly SENSO report with the DSL. One proxy attempt in Year 6, blocked and followed up.');
  await page.getByRole('button', { name: 'Add an action' }).click();
  await page.getByLabel('Action 1: what').fill('Talk to Year 6 about proxy sites in the next online safety lesson');
  await page.getByLabel('Owner').fill('Year 6 teacher');
  await page.getByLabel('Due by').fill('2026-12-11');
  await page.getByRole('button', { name: 'Sign off this review' }).click();
  await page.getByRole('heading', { level: 2, name: 'Signed off' }).waitFor();
  await page.getByText('By Helen Marsh').waitFor();
  await page.getByText('Owner: Year 6 teacher · due by 11 Dec 2026').waitFor();
  await check(page, 'signed-off-desktop');

  const row = await e.haven.db.selectFrom('monitoring_reviews').selectAll().where('id', '=', weeklyId).executeTakeFirstOrThrow();
  assert.equal(row.status, 'signed_off');
  assert.equal(row.signed_off_by, e.seed.head.personId);
  assert.deepEqual(row.actions, [{ what: 'Talk to Year 6 about proxy sites in the next online safety lesson', owner: 'Year 6 teacher', dueOn: '2026-12-11' }]);
  assert.equal(await page.getByRole('button', { name: 'Sign off this review' }).count(), 0, 'no second sign-off');

  await page.goto('/monitoring-reviews/schedule');
  await h1(page, 'Review schedule');
  await page.getByRole('button', { name: 'Save schedule' }).waitFor();
  await check(page, 'schedule-desktop');
});

test('on a phone: the review, the list and the schedule read without sideways scrolling', async () => {
  const { page } = await e.open(PHONE);
  await login(page, e.seed.head.email, e.code(e.seed.head.totpSecret));
  await page.goto(`/monitoring-reviews/${weeklyId}`);
  await h1(page, 'Weekly monitoring review');
  await page.getByRole('heading', { level: 2, name: 'Signed off' }).waitFor();
  await check(page, 'review-phone');
  await page.goto('/monitoring-reviews');
  await h1(page, 'Monitoring reviews');
  await page.locator('label[for$="-signed_off"]').click();
  await page.getByRole('link', { name: 'Weekly monitoring review' }).waitFor();
  await check(page, 'list-phone');
  await page.goto('/monitoring-reviews/schedule');
  await h1(page, 'Review schedule');
  await page.getByRole('button', { name: 'Save schedule' }).waitFor();
  await check(page, 'schedule-phone');
});

test('the trust administrator sees overdue reviews across the trust', async () => {
  const { page } = await e.open(DESKTOP);
  await login(page, e.seed.admin.email, e.code(e.seed.admin.totpSecret));
  await page.goto('/monitoring-reviews');
  const card = page.getByRole('region', { name: 'Overdue monitoring reviews across the trust' });
  // last school year's review by governors was due on 1 September: it is overdue in both schools
  await card.getByRole('link', { name: 'Riverside Junior School: Yearly review by governors' }).waitFor();
  await card.getByRole('link', { name: 'Oakfield Primary School: Yearly review by governors' }).waitFor();
  await check(page, 'trust-overdue-desktop');
});
