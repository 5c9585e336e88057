// Filtering logs in the browser: the network manager adds a source with a column mapping, uploads a
// gzip squid log, reads the summary (malformed lines by reason, the alert it raised) and sees the
// blocked attempts by category and the run. Axe on each state; desktop and phone screenshots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { buildUser } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, login, PHONE, screenshot, scrollsSideways, startE2E } from './support.ts';

let e: E2E;
let lists = '';
let nmEmail = '';
let log = '';

before(async () => {
  e = await startE2E();
  e.haven.clock.set(new Date());
  // Category lists in the UT1 layout; the upload classifies with the configured lists.
  lists = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-e2e-lists-'));
  for (const [name, domain] of [['self_harm', 'harm.example'], ['gambling', 'bet.example'], ['games', 'play.example']] as const) {
    fs.mkdirSync(path.join(lists, name));
    fs.writeFileSync(path.join(lists, name, 'domains'), `${domain}\n`);
  }
  (e.haven.config as { categoryLists: string[] }).categoryLists = [lists];
  const u = await buildUser(e.haven.db, e.seed.trust.id, e.seed.oakfield.id, ['network_manager'], { email: 'r.patel@oakfield.example.test' });
  nmEmail = u.email;

  const t0 = Math.floor(e.haven.clock.now().getTime() / 1000) - 3600;
  const line = (s: number, ip: string, code: string, url: string, user = '-') => `${t0 + s}.000    120 ${ip} ${code} 2048 GET ${url} ${user} HIER_DIRECT/192.0.2.10 text/html`;
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) lines.push(line(i, '10.20.4.31', 'TCP_MISS/200', `http://www.bbc.co.uk/news/${i}`));
  for (let i = 0; i < 6; i++) lines.push(line(60 + i, '10.20.4.40', 'TCP_DENIED/403', `http://bet.example/odds/${i}`));
  for (let i = 0; i < 3; i++) lines.push(line(80 + i, '10.20.4.41', 'TCP_DENIED/403', `http://play.example/${i}`));
  lines.push(line(100, '10.20.4.31', 'TCP_DENIED/403', 'http://www.harm.example/forum'));
  lines.push('garbage that is not a squid line');
  log = `${lines.join('\n')}\n`;
});
after(async () => {
  await e?.close();
  if (lists) fs.rmSync(lists, { recursive: true, force: true });
});

async function axe(page: Page, label: string) {
  await page.mouse.move(0, 0);
  await expectAccessible(page, label);
}

test('the network manager adds a mapped source, uploads a gzip log and reads its summary', async () => {
  const { page } = await e.open(DESKTOP);
  await login(page, nmEmail);
  await page.goto('/logs');
  await page.getByRole('heading', { level: 1, name: 'Filtering logs' }).waitFor();
  await page.getByText('Nothing was blocked in these 7 days.').waitFor();
  await axe(page, 'logs page, empty');

  // A source for another product's CSV export: a column per field.
  await page.getByRole('button', { name: 'Add a source' }).click();
  await page.getByLabel('Name').fill('Smoothwall export');
  await page.getByLabel('Format', { exact: true }).selectOption('generic');
  await page.getByRole('group', { name: 'Column mapping' }).waitFor();
  await page.getByLabel('Time format').selectOption('dd/MM/yyyy HH:mm:ss');
  await page.getByLabel('Host or domain').fill('Domain');
  await page.getByLabel('User', { exact: true }).fill('Username');
  await axe(page, 'source form with mapping');
  await screenshot(page, 'logs-source-form-desktop');
  // Without a time column the server says what to fix.
  await page.getByRole('button', { name: 'Add source' }).click();
  await page.getByText(/map a column to time/).first().waitFor();
  await page.getByLabel('Time (required)').fill('Date');
  await page.getByRole('button', { name: 'Add source' }).click();
  await page.getByRole('table', { name: 'Log sources' }).getByText('Smoothwall export').waitFor();

  // Upload a gzip squid log.
  await page.getByLabel('How to read it').selectOption('format:squid');
  await page.locator('input[type="file"]').setInputFiles({ name: 'access.log.gz', mimeType: 'application/gzip', buffer: gzipSync(log) });
  await page.getByRole('button', { name: 'Upload and read' }).click();
  const result = page.getByRole('heading', { name: 'access.log.gz read' });
  await result.waitFor({ timeout: 30_000 });
  const facts = await page.getByRole('list', { name: 'What the log held' }).innerText();
  assert.match(facts, /51 lines/);
  assert.match(facts, /50 events/);
  assert.match(facts, /1 malformed line \(bad time: 1\)/);
  assert.match(facts, /1 alert raised/);
  await page.getByText('garbage that is not a squid line').waitFor();
  await page.getByRole('link', { name: 'see the alerts' }).waitFor();

  // The figures and the run.
  const blocked = page.getByRole('table', { name: 'Blocked attempts by category' });
  await blocked.waitFor();
  const rows = await blocked.locator('tbody tr').allInnerTexts();
  assert.deepEqual(rows.map((r) => r.replace(/\s+/g, ' ').trim()), ['Gambling 6', 'Games 3', 'Self-harm 1']);
  const runs = page.getByRole('table', { name: 'Recent runs' });
  await runs.getByText('access.log.gz').waitFor();
  await runs.getByText('Done').waitFor();
  await axe(page, 'logs page after an upload');
  await screenshot(page, 'logs-desktop');

  // The school's settings: keep raw lines 60 days, and a stricter burst rule.
  const raw = page.getByRole('textbox', { name: 'Keep raw log lines (days)' });
  await raw.fill('60');
  await page.getByRole('textbox', { name: 'Burst: blocked requests' }).fill('10');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').getByText('Saved.').waitFor();
  await axe(page, 'logs settings saved');
  await page.getByRole('heading', { name: 'Keeping logs and the burst rule' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'logs-settings-desktop');
  const kept = await e.haven.db.selectFrom('settings').select(['key', 'value']).where('key', 'like', `school:${e.seed.oakfield.id}:logs.%`).orderBy('key').execute();
  assert.deepEqual(Object.fromEntries(kept.map((k) => [k.key.split('logs.')[1], Number(k.value)])), { aggregate_days: 1095, burst_count: 10, burst_minutes: 5, raw_days: 60 });

  const run = await e.haven.db.selectFrom('log_ingest_runs').select(['origin', 'status', 'lines']).where('school_id', '=', e.seed.oakfield.id).executeTakeFirstOrThrow();
  assert.deepEqual({ ...run, lines: Number(run.lines) }, { origin: 'upload', status: 'done', lines: 51 });
});

test('on a phone the page reads without sideways scrolling; a teacher is told it is not for them', async () => {
  const { page } = await e.open(PHONE);
  await login(page, nmEmail);
  await page.goto('/logs');
  await page.getByRole('table', { name: 'Blocked attempts by category' }).waitFor();
  // On a phone, runs and sources are cards, not wide tables.
  const runCards = page.getByRole('list', { name: 'Recent runs' });
  await runCards.getByText('access.log.gz').waitFor();
  assert.match(await runCards.innerText(), /51 lines, 50 events, 1 malformed \(bad time: 1\); 1 new alert/);
  await page.getByRole('list', { name: 'Log sources' }).getByText('Smoothwall export').waitFor();
  assert.equal(await scrollsSideways(page), false);
  await axe(page, 'logs page on a phone');
  await screenshot(page, 'logs-phone');

  const t = await e.open(DESKTOP);
  await login(t.page, 'teacher@oakfield.example.test');
  await t.page.goto('/logs');
  await t.page.getByText('Not for your role').waitFor();
  await axe(t.page, 'logs page for a teacher');
});
