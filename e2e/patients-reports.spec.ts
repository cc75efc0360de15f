/**
 * Issue 18, items 3 and 4: the patient list (every patient, searchable) and the reports page (chart, numbers,
 * CSV). Expected facts come from the JSON API, not from the page.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';

async function expectNoSeriousAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Set DOCS_SCREENSHOTS=1 to refresh docs/screenshots/patients.png and reports.png from this run. */
const refreshDocs = process.env.DOCS_SCREENSHOTS === '1';

test('the patient list finds a patient by MRN and by “Family, Given”, and says when nothing matches', async ({ page }) => {
  await signIn(page, 'front-desk');
  const worklist = (await (await page.request.get('/api/v1/worklist?pageSize=3')).json()) as {
    rows: { patientId: number; patientName: string; mrn: string }[];
  };
  const subject = worklist.rows[2]!;
  await page.getByRole('link', { name: 'Patients', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Patients', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Patients' });
  await expect(table.getByRole('row')).not.toHaveCount(1);

  const search = page.getByRole('searchbox', { name: 'Name, MRN or date of birth' });
  await search.fill(subject.mrn);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/patients\?q=/);
  await expect(table.getByRole('link', { name: subject.patientName })).toBeVisible();
  await expect(table.getByRole('cell', { name: subject.mrn, exact: true })).toBeVisible();
  if (refreshDocs) await page.screenshot({ path: 'docs/screenshots/patients.png', fullPage: true });

  await page.getByRole('searchbox', { name: 'Name, MRN or date of birth' }).fill(subject.patientName);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(table.getByRole('link', { name: subject.patientName })).toBeVisible();
  await table.getByRole('link', { name: subject.patientName }).click();
  await expect(page).toHaveURL(new RegExp(`/patients/${subject.patientId}$`));

  // The demo clinic has no patient without a pump.
  await page.goto('/patients?status=no-pump');
  await expect(page.getByRole('cell', { name: 'No patient matches.' })).toBeVisible();
  await page.goto('/patients?status=gone');
  await expect(page.getByRole('alert').filter({ hasText: 'The search was not applied' })).toContainText(
    'status must be one of all, active, explanted, no-pump',
  );
  await expectNoSeriousAxeViolations(page);
});

test('the reports page shows twelve months with the chart and the numbers, and downloads them as CSV', async ({ page }) => {
  await signIn(page, 'physician');
  const report = (await (await page.request.get('/api/v1/reports')).json()) as {
    months: { month: string; refills: number; late: number }[];
    activePumps: number;
    overduePumps: number;
  };
  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
  await expect(page.getByText(`${report.overduePumps} of ${report.activePumps} active pumps are overdue`)).toBeVisible();
  const months = page.getByRole('table', { name: 'Refills and appointments per month' });
  await expect(months.getByRole('row')).toHaveCount(13);
  const totalRefills = report.months.reduce((n, m) => n + m.refills, 0);
  expect(totalRefills, 'the demo clinic has refills in the last year').toBeGreaterThan(0);
  // The chart loads when it scrolls into view and has a text equivalent.
  const chart = page.getByRole('img', { name: /^Refills per month, on time and late/ });
  await chart.scrollIntoViewIfNeeded();
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
  if (refreshDocs) await page.screenshot({ path: 'docs/screenshots/reports.png', fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download this table (CSV)' }).first().click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^report-months-\d{4}-\d{2}-\d{2}\.csv$/);
  await expectNoSeriousAxeViolations(page);
});
