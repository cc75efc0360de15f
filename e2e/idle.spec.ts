/**
 * Idle sign-out without losing work (issue 14, item 10): a warning with "Stay signed in" before the clinic's
 * limit (15 minutes in the demo), the reason on the sign-in page, and the half-filled refill form restored after
 * signing in again. The browser's clock is Playwright's, fast-forwarded: no waiting, no short test timeout.
 */
import { expect, findSubject, PASSWORD, accounts, signIn, test } from './fixtures';

test('a nurse is warned, stays signed in, is signed out when idle, and gets her half-filled refill back', async ({ page }) => {
  await page.clock.install();
  await signIn(page, 'nurse');
  const subject = await findSubject(page.request, 'Tran');
  await page.goto(`/patients/${subject.patientId}/refill`);
  await expect(page.getByRole('heading', { level: 1, name: /Record refill/ })).toBeVisible();
  await page.getByLabel('Aspirated residual (mL)').fill('3.2');
  await page.getByLabel('Lot number').fill('E2E-IDLE-LOT');
  await page.getByLabel('Needle placement in the reservoir confirmed').check();

  const warning = page.getByRole('alertdialog', { name: 'You will be signed out soon' });
  await page.clock.fastForward('12:30');
  await expect(warning).toBeHidden();
  await page.clock.fastForward('01:00');
  await expect(warning).toBeVisible();
  await warning.getByRole('button', { name: 'Stay signed in' }).click();
  await expect(warning).toBeHidden();
  // "Stay signed in" started the 15 minutes again: 14 minutes on, still here.
  await page.clock.fastForward('14:00');
  await expect(page).toHaveURL(new RegExp(`/patients/${subject.patientId}/refill`));
  await expect(warning).toBeVisible();

  await page.clock.fastForward('01:30');
  await page.waitForURL(/\/sign-in\?reason=idle/);
  await expect(page.getByText('You were signed out because you were idle')).toBeVisible();
  // Nothing of the form went to localStorage.
  expect(await page.evaluate(() => Object.keys(window.localStorage).length)).toBe(0);

  await page.getByLabel('Email').fill(accounts.nurse);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(new RegExp(`/patients/${subject.patientId}/refill$`));
  await expect(page.getByText('Restored the refill you were filling in')).toBeVisible();
  await expect(page.getByLabel('Lot number')).toHaveValue('E2E-IDLE-LOT');
  await expect(page.getByLabel('Aspirated residual (mL)')).toHaveValue('3.2');
  await expect(page.getByLabel('Needle placement in the reservoir confirmed')).toBeChecked();
});

test('signing out by hand leaves no draft in the tab', async ({ page }) => {
  await signIn(page, 'nurse');
  const subject = await findSubject(page.request, 'Tran');
  await page.goto(`/patients/${subject.patientId}/refill`);
  await page.getByLabel('Lot number').fill('E2E-MANUAL-LOT');
  expect(await page.evaluate(() => Object.keys(window.sessionStorage).filter((k) => k.startsWith('draft:')).length)).toBe(1);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in$/);
  expect(await page.evaluate(() => Object.keys(window.sessionStorage).filter((k) => k.startsWith('draft:')).length)).toBe(0);
  await signIn(page, 'nurse');
  await page.goto(`/patients/${subject.patientId}/refill`);
  await expect(page.getByLabel('Lot number')).toHaveValue('');
});
