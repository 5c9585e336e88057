// First steps with an account, in a real browser: the forced passphrase change of an issued account,
// two-factor enrolment for roles that need it, the emailed passphrase reset, and the lock-out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildUser } from '../../src/platform/testing/factories.ts';
import { DESKTOP, type E2E, expectAccessible, PHONE, screenshot, scrollsSideways, startE2E, TEST_PASSPHRASE } from './support.ts';

let e: E2E;
before(async () => {
  e = await startE2E();
});
after(() => e?.close());

const STRONG = 'amber kettle rowing meadow';
const HOME = 'Oakfield Primary School';

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

/** Fills the sign-in form without waiting for the signed-in app (forced steps come first). */
async function submitSignIn(page: Page, email: string, passphrase = TEST_PASSPHRASE): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel(/^Passphrase/).fill(passphrase);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Every page we stop on: axe clean, and a screenshot to look at. */
async function check(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await screenshot(page, `onboarding-${name}`);
  assert.equal(await scrollsSideways(page), false, `${name} fits the window without sideways scrolling`);
}

const user = (roles: Parameters<typeof buildUser>[3], opts: Parameters<typeof buildUser>[4]) =>
  buildUser(e.haven.db, e.seed.trust.id, e.seed.oakfield.id, roles, opts);

test('an issued account must choose its own passphrase before anything else, and a weak one is refused', async () => {
  const issued = await user(['teacher'], { email: 'new.teacher@oakfield.example.test', mustChangePassword: true });

  // Phone width first (the temporary passphrase still works), for the screenshot.
  const phone = (await e.open(PHONE)).page;
  await submitSignIn(phone, issued.email);
  await h1(phone, 'Choose your own passphrase');
  await check(phone, 'passphrase-phone');

  const { page } = await e.open(DESKTOP);
  await submitSignIn(page, issued.email);
  await h1(page, 'Choose your own passphrase');
  await check(page, 'passphrase-desktop');

  // Other pages are out of reach until the passphrase is changed: the same step shows instead.
  for (const path of ['/people', '/audit', '/account', '/']) {
    await page.goto(path);
    await h1(page, 'Choose your own passphrase');
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, `${path} shows no app menu yet`);
    assert.equal(await page.getByRole('link', { name: 'Amara Whitlock' }).count(), 0);
  }

  // Long enough for the browser's own check, but a well-known password: the server says why not.
  await page.getByLabel(/^Temporary passphrase/).fill(TEST_PASSPHRASE);
  await page.getByLabel(/^New passphrase(?! again)/).fill('password1234');
  await page.getByLabel('New passphrase again').fill('password1234');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  const why = page.getByText('That passphrase is too common or easy to guess. Try three or four unrelated words.');
  await why.waitFor();
  // The message belongs to the field, so a screen reader reads it with the input.
  const described = await page.getByLabel(/^New passphrase(?! again)/).getAttribute('aria-describedby');
  assert.ok(described, 'the new passphrase field has a description');
  const ids = described.split(/\s+/).filter(Boolean);
  assert.match((await page.locator(ids.map((id) => `#${id}`).join(', ')).allInnerTexts()).join(' '), /too common/);
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
  await check(page, 'passphrase-weak-desktop');

  await page.getByLabel(/^New passphrase(?! again)/).fill(STRONG);
  await page.getByLabel('New passphrase again').fill(STRONG);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await h1(page, HOME);
  await check(page, 'home-after-passphrase');

  const row = await e.haven.db.selectFrom('accounts').select('must_change_password').where('id', '=', issued.accountId).executeTakeFirstOrThrow();
  assert.equal(row.must_change_password, false);
  // The temporary passphrase is gone; the new one works.
  const again = (await e.open()).page;
  await submitSignIn(again, issued.email);
  await again.getByText('email or passphrase is not right').waitFor();
  await submitSignIn(again, issued.email, STRONG);
  await h1(again, HOME);
});

test('a DSL without two-factor must enrol (QR code and key shown), and is then asked for a code at sign-in', async () => {
  const dsl = await user(['dsl'], { email: 'new.dsl@oakfield.example.test' });

  const phone = (await e.open(PHONE)).page;
  await submitSignIn(phone, dsl.email);
  await h1(phone, 'Set up two-factor sign-in');
  await phone.getByRole('img', { name: 'QR code to add Haven to your authenticator app' }).waitFor();
  await check(phone, 'two-factor-phone');

  const { page } = await e.open(DESKTOP);
  await submitSignIn(page, dsl.email);
  await h1(page, 'Set up two-factor sign-in');
  const qr = page.getByRole('img', { name: 'QR code to add Haven to your authenticator app' });
  await qr.waitFor();
  assert.match(String(await qr.getAttribute('src')), /^data:image\/png;base64,/);
  await page.goto('/people');
  await h1(page, 'Set up two-factor sign-in');
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'no app before enrolment');
  // Each visit starts set-up afresh (a new key), so read the key only on the last one.
  await page.goto('/');
  await h1(page, 'Set up two-factor sign-in');
  await check(page, 'two-factor-desktop');

  // The key as a person would read it from the screen (grouped in fours), spaces removed.
  const shown = await page.getByLabel('Setup key').innerText();
  assert.match(shown, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  const secret = shown.replace(/\s/g, '');
  const stored = await e.haven.db.selectFrom('accounts').select('totp_secret').where('id', '=', dsl.accountId).executeTakeFirstOrThrow();
  assert.equal(secret, stored.totp_secret, 'the key on the page is the one the server will check');

  // A wrong code is refused and said so next to the field.
  const right = e.code(secret);
  await page.getByLabel('6-digit code').fill(right === '123456' ? '654321' : '123456');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.getByText('That code is not right or has expired').first().waitFor();
  await check(page, 'two-factor-wrong-code-desktop');

  // The server runs on the test clock, so the code is computed at its time, not the wall clock's.
  await page.getByLabel('6-digit code').fill(e.code(secret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await h1(page, HOME);
  await check(page, 'home-after-two-factor');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);

  await submitSignIn(page, dsl.email);
  const codeField = page.getByLabel('6-digit code');
  await codeField.waitFor();
  await h1(page, 'Enter your code');
  await check(page, 'code-step-after-enrolment');
  e.haven.clock.advance(30_000); // a fresh code, as the app would show half a minute later
  await codeField.fill(e.code(secret));
  await page.getByRole('button', { name: 'Continue' }).click();
  await h1(page, HOME);
  assert.equal(await page.getByRole('heading', { level: 1, name: 'Set up two-factor sign-in' }).count(), 0);
});

/** The newest reset link mailed to an address, as a path on this server (PUBLIC_URL may differ). */
async function resetLinkFor(email: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const row = await e.haven.db
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', email)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    const m = row?.text_body.match(/https?:\/\/\S+\/(reset-password\?token=\S+)/);
    if (m) return `/${m[1]}`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no reset link was mailed to ${email}`);
}

test('a forgotten passphrase is reset from the emailed link, which then works only once', async () => {
  const forgetful = await user(['teacher'], { email: 'forgetful@oakfield.example.test' });
  const { page } = await e.open(PHONE);
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgotten your passphrase?' }).click();
  await h1(page, 'Forgotten passphrase');
  await check(page, 'forgot-phone');
  await page.getByLabel('Email address').fill(forgetful.email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await page.getByRole('status').filter({ hasText: `If ${forgetful.email} has a Haven account` }).waitFor();
  await check(page, 'forgot-sent-phone');

  const link = await resetLinkFor(forgetful.email);
  await page.goto(link);
  await h1(page, 'Choose a new passphrase');
  await check(page, 'reset-phone');
  await page.getByLabel(/^New passphrase(?! again)/).fill(STRONG);
  await page.getByLabel('New passphrase again').fill(STRONG);
  await page.getByRole('button', { name: 'Save new passphrase' }).click();
  await page.getByRole('status').filter({ hasText: 'Your new passphrase is set' }).waitFor();
  await check(page, 'reset-done-phone');

  await page.getByRole('link', { name: 'Sign in' }).click();
  await h1(page, 'Sign in to Haven');
  await page.getByLabel('Email address').fill(forgetful.email);
  await page.getByLabel(/^Passphrase/).fill(STRONG);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await h1(page, HOME);

  // The same link a second time: it says it is used, and offers a new one instead of a form.
  const later = (await e.open(PHONE)).page;
  await later.goto(link);
  await h1(later, 'Choose a new passphrase');
  await later.getByLabel(/^New passphrase(?! again)/).fill('quiet harbour velvet engine');
  await later.getByLabel('New passphrase again').fill('quiet harbour velvet engine');
  await later.getByRole('button', { name: 'Save new passphrase' }).click();
  const used = later.getByRole('alert');
  await used.waitFor();
  assert.match(await used.innerText(), /expired or has already been used/);
  await later.getByRole('link', { name: 'Ask for a new link' }).waitFor();
  await check(later, 'reset-used-phone');
  // And the passphrase set by the first use still stands.
  await submitSignIn(later, forgetful.email, STRONG);
  await h1(later, HOME);
});

test('six wrong passphrases lock the account, and the sign-in page says so', async () => {
  const unlucky = await user(['teacher'], { email: 'unlucky@oakfield.example.test' });
  const { page } = await e.open();
  await page.goto('/login');
  await page.getByLabel('Email address').fill(unlucky.email);
  const alert = page.getByRole('alert');
  for (let i = 1; i <= 5; i++) {
    await page.getByLabel(/^Passphrase/).fill(`wrong guess number ${i}`);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal((await answer).status(), 401);
    await alert.filter({ hasText: 'Sign-in failed' }).waitFor();
  }
  await page.getByLabel(/^Passphrase/).fill('wrong guess number 6');
  const sixth = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal((await sixth).status(), 423);
  const locked = alert.filter({ hasText: 'Account locked' });
  await locked.waitFor();
  assert.match(await locked.innerText(), /locked after 6 wrong passphrases.*Ask your school administrator to unlock it/s);
  await check(page, 'locked-desktop');

  // Even the right passphrase is refused while locked, with the same message.
  await page.getByLabel(/^Passphrase/).fill(TEST_PASSPHRASE);
  const right = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal((await right).status(), 423);
  await page.getByRole('alert').filter({ hasText: /locked.*Ask your school administrator to unlock it/s }).waitFor();
  assert.match(page.url(), /\/login$/);
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
});
