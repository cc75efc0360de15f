/** Accounts (issue 14): each role lands on its home; the forbidden page keeps the header under the CSP; next is same-origin only. */
import { expect, signIn, test } from './fixtures';

test('the admin lands on the staff page, and a forbidden page keeps the header and its scripts', async ({ page }) => {
  const blocked: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
  });
  await signIn(page, 'admin');
  await expect(page).toHaveURL(/\/admin\/staff$/);
  await expect(page.getByRole('heading', { name: 'Staff', exact: true })).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(/\/forbidden$/);
  await expect(page.getByRole('heading', { name: 'Not allowed for your role' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the staff page' }).click();
  await expect(page).toHaveURL(/\/admin\/staff$/);
  await page.goto('/forbidden');
  // The header's sign-out is a client component: it only works if the page's scripts ran under the CSP.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect(blocked).toEqual([]);
});

test('a nurse lands on the worklist; a hostile next stays on this site', async ({ page, baseURL }) => {
  await signIn(page, 'nurse');
  await expect(page).toHaveURL(`${baseURL}/`);
  for (const next of ['/%5Cevil.example', '/%09/evil.example', '//evil.example', 'https://evil.example/']) {
    await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
    expect(new URL(page.url()).origin).toBe(baseURL);
  }
});
