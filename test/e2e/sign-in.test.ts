// Signing in through the browser: two-factor step, wrong passphrase, keyboard only, quick hide.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type E2E, expectAccessible, focused, isFocused, login, PHONE, screenshot, startE2E } from './support.ts';

let e: E2E;
before(async () => {
  e = await startE2E();
});
after(() => e?.close());

test('signing in with passphrase and a TOTP code lands on home, which shows who to tell', async () => {
  const { page } = await e.open();
  await page.goto('/');
  await page.waitForURL(/\/login$/);
  await expectAccessible(page, 'login');
  await screenshot(page, 'login-desktop');

  await page.getByLabel('Email address').fill(e.seed.head.email);
  await page.getByLabel(/^Passphrase/).fill('correct staple orbit lantern');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The server asks for the code: the second step appears with the code field focused.
  const codeField = page.getByLabel('6-digit code');
  await codeField.waitFor();
  assert.equal(await isFocused(codeField), true);
  await expectAccessible(page, 'login code step');
  await screenshot(page, 'login-code-desktop');

  await codeField.fill('000000' === e.code(e.seed.head.totpSecret) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('That code is not right').waitFor();

  await codeField.fill(e.code(e.seed.head.totpSecret));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Oakfield Primary School' }).waitFor();
  const worry = page.getByRole('region', { name: /Worried about a child/ });
  await worry.getByRole('link', { name: 'Priya Raman' }).waitFor();
  await worry.getByRole('link', { name: 'Tom Hughes' }).waitFor();
  assert.equal(await worry.getByRole('link', { name: 'p.raman@oakfield.example.test' }).getAttribute('href'), 'mailto:p.raman@oakfield.example.test');
  assert.equal(await worry.getByRole('link', { name: '01632 960123' }).getAttribute('href'), 'tel:01632960123');
  await expectAccessible(page, 'home');
  await screenshot(page, 'home-desktop');
});

test('a wrong passphrase shows the problem and stays on the sign-in page', async () => {
  const { page } = await e.open();
  await page.goto('/login');
  await page.getByLabel('Email address').fill(e.seed.teacher.email);
  await page.getByLabel(/^Passphrase/).fill('not my passphrase at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Sign-in failed[\s\S]*email or passphrase is not right/);
  assert.match(page.url(), /\/login$/);
  await expectAccessible(page, 'login error');
  await screenshot(page, 'login-error-desktop');
});

test('keyboard only: the skip link reaches the content and Enter submits the sign-in form', async () => {
  const { page } = await e.open();
  await page.goto('/login');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await isFocused(skip), true, 'the skip link is the first stop');
  await screenshot(page, 'skip-link-focused');
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).id, 'main', 'focus moved to the main content');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).type, 'email');
  await page.keyboard.type(e.seed.teacher2.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type('correct staple orbit lantern');
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.getByRole('heading', { level: 1, name: 'Oakfield Primary School' }).waitFor();

  // In the signed-in app the skip link also lands on the main landmark.
  await page.reload();
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await isFocused(skip), true);
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).tag, 'MAIN');
});

test('forgotten passphrase: asking for a link always answers the same, calm message', async () => {
  const { page } = await e.open(PHONE);
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgotten your passphrase?' }).click();
  await page.getByRole('heading', { level: 1, name: 'Forgotten passphrase' }).waitFor();
  await expectAccessible(page, 'forgotten passphrase');
  await screenshot(page, 'forgot-phone');
  await page.getByLabel('Email address').fill('nobody@example.test');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  const answer = page.getByText(/If nobody@example.test has a Haven account|could not|not found/i).first();
  await answer.waitFor();
  await screenshot(page, 'forgot-sent-phone');

  await page.goto('/reset-password?token=abc');
  await page.getByRole('heading', { level: 1, name: 'Choose a new passphrase' }).waitFor();
  await expectAccessible(page, 'reset passphrase');
  await screenshot(page, 'reset-phone');
});

test('quick hide: Escape twice replaces Haven with a neutral page', async () => {
  const { page } = await e.open();
  await login(page, e.seed.teacher.email);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.waitForURL('https://www.bbc.co.uk/weather');
  assert.equal(await page.title(), 'Weather');
});
