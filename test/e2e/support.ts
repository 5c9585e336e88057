// End-to-end support: a real Haven (real PostgreSQL, real HTTP) serving the built web app, a small
// invented school to look at, Debian's Chromium driven by playwright-core, and axe for accessibility.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import * as OTPAuth from 'otpauth';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { buildPerson, buildPupil, buildSchool, buildTrust, buildUser, grantRole, totpNow } from '../../src/platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../src/platform/testing/harness.ts';

export { TEST_PASSPHRASE } from '../../src/platform/testing/factories.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS_DIR = process.env.HAVEN_SHOTS_DIR ?? '/tmp/haven-shots';
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 860 };

/** The app serves web/dist only if it exists when the app is built; build it once if it is missing. */
function ensureWebBuild(): void {
  if (fs.existsSync(path.join(root, 'web/dist/index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
}

export type Seed = Awaited<ReturnType<typeof seed>>;

async function seed(h: TestHaven) {
  const db = h.db;
  const trust = await buildTrust(db, 'Meadowbank Learning Trust');
  const oakfield = await buildSchool(db, trust.id, 'Oakfield Primary School');
  const riverside = await buildSchool(db, trust.id, 'Riverside Junior School');

  const headSecret = new OTPAuth.Secret({ size: 20 }).base32;
  const adminSecret = new OTPAuth.Secret({ size: 20 }).base32;
  const head = await buildUser(db, trust.id, oakfield.id, ['headteacher'], { email: 'head@oakfield.example.test', totpSecret: headSecret });
  const admin = await buildUser(db, trust.id, null, ['trust_admin'], { email: 'admin@meadowbank.example.test', totpSecret: adminSecret });
  const teacher = await buildUser(db, trust.id, oakfield.id, ['teacher'], { email: 'teacher@oakfield.example.test' });
  const teacher2 = await buildUser(db, trust.id, oakfield.id, ['teacher'], { email: 'teacher2@oakfield.example.test' });

  // Believable (invented) names make the screenshots read like a school's.
  const names: [typeof head, string, string, string][] = [
    [head, 'Helen', 'Marsh', 'Headteacher'],
    [admin, 'Sam', 'Okoro', 'Trust Operations Manager'],
    [teacher, 'Daniel', 'Price', 'Year 4 Teacher'],
    [teacher2, 'Ruth', 'Abbott', 'Year 2 Teacher'],
  ];
  for (const [user, given, family, jobTitle] of names) {
    await db.updateTable('accounts').set({ display_name: `${given} ${family}` }).where('id', '=', user.accountId).execute();
    await db.updateTable('people').set({ given_name: given, family_name: family, job_title: jobTitle }).where('id', '=', user.personId).execute();
  }

  const dsl = await buildPerson(db, trust.id, {
    school_id: oakfield.id,
    given_name: 'Priya',
    family_name: 'Raman',
    job_title: 'Deputy Headteacher',
    email: 'p.raman@oakfield.example.test',
    phone: '01632 960123',
  });
  await grantRole(db, trust.id, dsl.id, 'dsl', oakfield.id);
  const deputy = await buildPerson(db, trust.id, {
    school_id: oakfield.id,
    given_name: 'Tom',
    family_name: 'Hughes',
    job_title: 'Year 6 Teacher',
    email: 't.hughes@oakfield.example.test',
  });
  await grantRole(db, trust.id, deputy.id, 'deputy_dsl', oakfield.id);
  const riversideDsl = await buildPerson(db, trust.id, {
    school_id: riverside.id,
    given_name: 'Grace',
    family_name: 'Osei',
    job_title: 'Assistant Head',
    email: 'g.osei@riverside.example.test',
  });
  await grantRole(db, trust.id, riversideDsl.id, 'dsl', riverside.id);

  const pupil = await buildPupil(db, trust.id, oakfield.id, { given_name: 'Amara', family_name: 'Whitlock', year_group: '4', registration_group: '4B' });
  await buildPupil(db, trust.id, oakfield.id, { given_name: 'Leo', family_name: 'Fenwick', year_group: '6', registration_group: '6H' });
  await buildPupil(db, trust.id, oakfield.id, { given_name: 'Maisie', family_name: 'Thornbury', year_group: 'R', registration_group: 'RA' });
  await buildPupil(db, trust.id, oakfield.id, { given_name: 'Oscar', family_name: 'Pemberton', year_group: '6', status: 'leaver', left_on: '2026-07-20' });
  await buildPupil(db, trust.id, riverside.id, { given_name: 'Zainab', family_name: 'Corrigan', year_group: '5', registration_group: '5C' });

  return {
    trust,
    oakfield,
    riverside,
    head: { ...head, totpSecret: headSecret },
    admin: { ...admin, totpSecret: adminSecret },
    teacher,
    teacher2,
    dsl,
    deputy,
    riversideDsl,
    pupil,
  };
}

export type E2E = {
  haven: TestHaven;
  baseUrl: string;
  seed: Seed;
  browser: Browser;
  /** A fresh browser context (own cookies) and page. */
  open(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** The current TOTP code for a seeded account, at the server's (test) clock. */
  code(secret: string): string;
  close(): Promise<void>;
};

export async function startE2E(): Promise<E2E> {
  ensureWebBuild();
  if (!fs.existsSync('/usr/bin/chromium')) throw new Error('Debian Chromium is missing: apt-get install chromium');
  const haven = await testHaven();
  await haven.app.listen({ port: 0, host: '127.0.0.1' });
  const address = haven.app.server.address();
  assert.ok(address && typeof address === 'object');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const s = await seed(haven);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    haven,
    baseUrl,
    seed: s,
    browser,
    async open(viewport = DESKTOP) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
      contexts.push(context);
      // Nothing leaves the machine: Quick hide's neutral page is answered locally.
      await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Weather</title><h1>Weather</h1>' }),
      );
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      return { context, page };
    },
    code: (secret) => totpNow(secret, haven.clock.now()),
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await haven.close();
    },
  };
}

/** Signs in through the login page; with a code, completes the two-factor step too. */
export async function login(page: Page, email: string, totp?: string, passphrase = 'correct staple orbit lantern'): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel(/^Passphrase/).fill(passphrase);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (totp) {
    await page.getByLabel('6-digit code').fill(totp);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Runs axe with the WCAG 2.2 AA rule sets; fails on any serious or critical violation. */
export async function expectAccessible(page: Page, label = page.url()): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const report = bad
      .map((v) => `- [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}  ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n')}`)
      .join('\n');
    assert.fail(`Accessibility problems on ${label}:\n${report}`);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  // Full-page shots draw fixed headers where the window is scrolled to: start from the top.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** True when the page is wider than the window (a phone user would have to scroll sideways). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  // Strings, not functions: the root tsconfig has no DOM types, and these run in the browser.
  return page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1');
}

export async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === el.ownerDocument.activeElement);
}

/** A short description of the focused element: tag, id, type. */
export async function focused(page: Page): Promise<{ tag: string; id: string; type: string | null }> {
  return page.evaluate('({ tag: document.activeElement?.tagName ?? "", id: document.activeElement?.id ?? "", type: document.activeElement?.getAttribute("type") ?? null })');
}
