import AxeBuilder from '@axe-core/playwright';
import { expect, signIn, test } from './fixtures';

const rank = { 'Empty: withdrawal risk': 0, 'Past alarm date': 1, Overdue: 2, 'Due soon': 3, OK: 4 } as const;

test('the worklist ranks the most urgent pumps first, with dates and alerts in words', async ({ page }) => {
  await signIn(page, 'nurse');
  await expect(page.getByRole('heading', { name: 'Refill worklist' })).toBeVisible();
  const rows = page.getByRole('table').getByRole('row');
  const statuses = await rows.locator('td:first-child .badge').allInnerTexts();
  expect(statuses.length).toBeGreaterThan(10);
  const ranks = statuses.map((s) => rank[s.trim() as keyof typeof rank]);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  // The demo's overdue patient comes before every due-soon and OK pump, right after the empty and past-alarm ones.
  const first = rows.nth(1);
  await expect(first).toContainText('Empty: withdrawal risk');
  await expect(first).toContainText('withdrawal');
  await expect(page.getByRole('row', { name: /Alvarez, Maria/ })).toContainText('Overdue');
});

test('search by MRN and by name, and filter by status', async ({ page }) => {
  await signIn(page, 'front-desk');
  await page.getByLabel('Search name or MRN').fill('Alvarez');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('row', { name: /Alvarez, Maria/ })).toBeVisible();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await page.getByRole('link', { name: 'Clear' }).click();
  // Clearing empties the typed search too, so the next filter is not silently narrowed by it.
  await expect(page.getByLabel('Search name or MRN')).toHaveValue('');
  await page.locator('select[name="status"]').selectOption('due-soon');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/status=due-soon/);
  await expect(page.locator('td:first-child .badge').first()).toHaveText('Due soon');
  const statuses = await page.getByRole('table').locator('td:first-child .badge').allInnerTexts();
  expect(new Set(statuses)).toEqual(new Set(['Due soon']));
});

test('on a 1280 px screen the whole worklist, alerts included, fits without scrolling sideways', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, 'nurse');
  const wrap = page.locator('.table-wrap');
  await expect(wrap.getByRole('row').nth(1)).toBeVisible();
  const { scroll, client } = await wrap.evaluate((el) => ({
    scroll: el.scrollWidth,
    client: el.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
  // The most urgent row's alert ends inside the table, readable without scrolling.
  const alertBox = await wrap.getByRole('row').nth(1).locator('td').last().boundingBox();
  const wrapBox = await wrap.boundingBox();
  expect(alertBox!.x + alertBox!.width).toBeLessThanOrEqual(wrapBox!.x + wrapBox!.width + 1);
});

test('the worklist has no serious or critical accessibility violations', async ({ page }) => {
  await signIn(page, 'nurse');
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('signing in with a wrong password says so without revealing whether the account exists', async ({
  page,
}) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('nobody@demo.clinic');
  await page.getByLabel('Password').fill('wrong-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Invalid' })).toHaveText(
    'Invalid email or password.',
  );
});
