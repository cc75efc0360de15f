/**
 * Operations against the production server (issue 13): the seeded demo database says so on every page, admins
 * see the last backup's age, and the server itself (scripts/server.mjs) refuses an oversized body with 413
 * before any route reads it, on the app's own API and on better-auth's.
 */
import { expect, signIn, test } from './fixtures';

test('the demo database says so on the sign-in page and on every staff page', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('note')).toContainText('Demo clinic');
  await signIn(page, 'nurse');
  await expect(page.getByRole('note')).toContainText('do not enter real patient data');
  await page.goto('/appointments');
  await expect(page.getByRole('note')).toContainText('Demo clinic');
});

test("admins see the last verified backup's age on the staff page", async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/admin/staff');
  const backups = page.getByRole('region', { name: 'Backups' });
  await expect(backups).toContainText('Last verified backup:');
});

test('an oversized body is refused with 413 by the server, on the API and on sign-in', async ({ request, baseURL }) => {
  const big = JSON.stringify({ email: 'nurse@demo.clinic', password: 'x'.repeat(2 * 1024 * 1024) });
  for (const url of ['/api/auth/sign-in/email', '/api/v1/patients']) {
    const response = await request.post(url, {
      data: big,
      headers: { 'content-type': 'application/json', origin: baseURL! },
    });
    expect(response.status(), url).toBe(413);
    expect(((await response.json()) as { error: string }).error, url).toMatch(/larger than the server accepts/);
  }
});
