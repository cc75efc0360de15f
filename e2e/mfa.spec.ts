/**
 * Two-step sign-in end to end (issue 14, item 4): a physician enrols an authenticator on /me/security (the key
 * read off the page, codes made by an independent TOTP generator), then signs in again with a code.
 */
import * as OTPAuth from 'otpauth';
import { expect, PASSWORD, sessionCookie, signInAs, test } from './fixtures';

const EMAIL = 'dr.okafor@demo.clinic';

const totpOf = (key: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key.replace(/\s+/g, '')), digits: 6, period: 30, algorithm: 'SHA1' });

/** A code that is neither the current one nor the one before or after (which the server also accepts). */
function wrongCode(totp: OTPAuth.TOTP): string {
  const near = new Set([-1, 0, 1].map((step) => totp.generate({ timestamp: Date.now() + step * 30_000 })));
  let n = 123456;
  while (near.has(String(n))) n++;
  return String(n);
}

// Whatever happens in the test, the demo account is left without an authenticator for the other specs.
test.afterEach(async ({ request, baseURL }) => {
  const cookie = await sessionCookie(request, baseURL!, 'admin');
  const staff = (await (await request.get('/api/v1/staff', { headers: { cookie } })).json()) as { staff: { id: string; email: string }[] };
  const id = staff.staff.find((u) => u.email === EMAIL)!.id;
  const reset = await request.post(`/api/v1/staff/${id}/mfa-reset`, { headers: { cookie, origin: baseURL!, 'content-type': 'application/json' }, data: {} });
  expect(reset.status()).toBe(201);
});

test('a physician enrols an authenticator app, then signs in with its code', async ({ page }) => {
  await signInAs(page, EMAIL);
  await page.goto('/me/security');
  await expect(page.getByRole('heading', { name: 'Two-step sign-in', level: 1 })).toBeVisible();
  await page.getByLabel('Your password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Start set-up' }).click();

  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  const key = (await page.getByTestId('totp-secret').textContent()) ?? '';
  const totp = totpOf(key);
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);

  await page.getByLabel('Code from the app').fill(wrongCode(totp));
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await expect(page.getByText('Code is not the current code')).toBeVisible();
  await page.getByLabel('Code from the app').fill(totp.generate());
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await page.waitForURL((url) => url.pathname === '/');

  // A new sign-in: the password alone opens nothing; the code does.
  await page.context().clearCookies();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const code = page.getByLabel('Code from your authenticator app');
  await expect(code).toBeVisible();
  await code.fill(wrongCode(totp));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'That code is not right' })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  await code.fill(totp.generate());
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.goto('/me/security');
  await expect(page.getByRole('status')).toHaveText(/Two-step sign-in is on\. 10 recovery codes left\./);
});
