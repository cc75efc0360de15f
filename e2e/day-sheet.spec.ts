/**
 * Issue 18, item 2: the day sheet for the huddle and the refill room, printed to PDF and read back, and the
 * worklist's CSV download. Expected facts come from the JSON API, not from the page.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, signIn, test } from './fixtures';

interface Appointment {
  id: number;
  patientName: string;
  mrn: string;
  date: string;
  time: string;
  status: string;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'day-sheet-'));
/** Set DOCS_SCREENSHOTS=1 to refresh docs/screenshots/day-sheet.png from this run. */
const refreshDocs = process.env.DOCS_SCREENSHOTS === '1';

test('the day sheet lists the day’s appointments with the pump, dose and residual, and prints landscape', async ({ page }) => {
  await signIn(page, 'nurse');
  // The first day of the coming fortnight with appointments, from the JSON API.
  const today = (await (await page.request.get('/api/v1/worklist?pageSize=1')).json()).today as string;
  const to = new Date(Date.parse(`${today}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10);
  const list = (await (await page.request.get(`/api/v1/appointments?from=${today}&to=${to}`)).json()) as {
    appointments: Appointment[];
  };
  const listed = list.appointments.filter((a) => a.status !== 'cancelled');
  expect(listed.length, 'the demo clinic has appointments in the coming fortnight').toBeGreaterThan(0);
  const date = listed[0]!.date;
  const ofDay = listed.filter((a) => a.date === date);

  await page.goto('/appointments?view=day&date=' + date);
  await page.getByRole('link', { name: 'Day sheet of this day' }).click();
  await expect(page).toHaveURL(new RegExp(`/day-sheet\\?date=${date}$`));
  await expect(page.getByRole('heading', { level: 1, name: /^Day sheet ·/ })).toBeVisible();
  const rows = page.getByTestId('day-sheet-row');
  await expect(rows).toHaveCount(ofDay.length);
  for (const [i, a] of ofDay.entries()) {
    await expect(rows.nth(i)).toContainText(a.time);
    await expect(rows.nth(i)).toContainText(a.patientName);
    await expect(rows.nth(i)).toContainText(`MRN ${a.mrn}`);
    await expect(rows.nth(i)).toContainText(/\d+(\.\d+)? mL/);
  }
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  if (refreshDocs) await page.screenshot({ path: 'docs/screenshots/day-sheet.png', fullPage: true });

  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const file = path.join(work, 'day-sheet.pdf');
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(text).toContain('Day sheet');
  for (const a of ofDay) expect(text).toContain(a.mrn);
  // The toolbar is not on paper, and the page is landscape.
  expect(text).not.toContain('Print the day sheet');
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const [, w, h] = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(info)!;
  expect(Number(w)).toBeGreaterThan(Number(h));
});

test('a day sheet with a bad date names the field', async ({ page }) => {
  await signIn(page, 'nurse');
  await page.goto('/day-sheet?date=2026-02-30');
  await expect(page.getByRole('alert').filter({ hasText: 'date:' })).toContainText('date: is not a real calendar date');
});

test('the worklist downloads as CSV with the filter applied', async ({ page }) => {
  await signIn(page, 'nurse');
  await page.locator('select[name="status"]').selectOption('due-soon');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/status=due-soon/);
  const total = (await (await page.request.get('/api/v1/worklist?status=due-soon')).json()).total as number;
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^worklist-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^rank,tier,patient,mrn,phone,/);
  expect(lines).toHaveLength(total + 1);
});
