/**
 * The refill visit records what really happened (issue "The record always matches the pump"): a refill typed in
 * after the fact saves with its real time, an early refill closes the appointment it replaces, and a critical
 * residual discrepancy is saved only once the nurse has re-measured or confirmed it. Each walk uses its own demo
 * patient; the visits stay, as every clinical record does.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, findSubject, signIn, test } from './fixtures';

const expectedResidual = async (page: Page) => parseFloat(await page.locator('.rf-expected strong').innerText());

/** The drug and the pocket-fill checklist every refill needs. */
async function fillDrugAndSafeguards(page: Page, lot: string) {
  await page.getByLabel('Aspirated volume checked against the expected before filling').check();
  await page.getByLabel('Needle placement in the reservoir confirmed').check();
  await page.getByLabel('Template used to locate the port').check();
  await page.getByLabel(/Aspiration back/).check();
  await page.getByLabel('Lot number').fill(lot);
  await page.getByLabel('Expiry date').fill(`${new Date().getFullYear() + 1}-12-31`);
  // "Volume filled" starts empty (issue 18): the nurse types it; here, the full reservoir.
  await fillReservoir(page);
}

async function fillReservoir(page: Page) {
  const label = await page.locator('label', { hasText: 'Volume filled' }).innerText();
  await page.getByLabel(/Volume filled/).fill(/reservoir holds ([\d.]+) mL/.exec(label)![1]!);
}

const visitsOf = async (request: APIRequestContext, pumpId: number) =>
  ((await (await request.get(`/api/v1/pumps/${pumpId}/visits`)).json()) as {
    visits: { kind: string; performedAt: number; drugLot: string }[];
  }).visits;

test('a nurse backdates a refill to yesterday evening and it saves with that time', async ({ page }, testInfo) => {
  await signIn(page, 'nurse');
  const subject = await findSubject(page.request, 'Tran');
  await page.goto(`/patients/${subject.patientId}/refill`);
  await expect(page.getByRole('heading', { level: 1, name: /Record refill/ })).toBeVisible();

  const dateInput = page.getByLabel('Visit date');
  const today = (await dateInput.getAttribute('data-value'))!; // the ISO the form holds (the box shows 4 Dec 2026)
  const [y, m, d] = today.split('-').map(Number);
  const yesterday = new Date(Date.UTC(y!, m! - 1, d! - 1)).toISOString().slice(0, 10);
  await dateInput.fill(yesterday);
  await page.getByLabel(/^Time \(/).fill('19:30');
  // The expected residual follows the visit time typed; the aspirated volume matches it.
  await page.getByLabel('Aspirated residual (mL)').fill(String(await expectedResidual(page)));
  await expect(page.getByRole('status').filter({ hasText: 'Discrepancy' })).toContainText('Within tolerance');
  await fillDrugAndSafeguards(page, 'E2E-BACKDATED');
  await page.screenshot({ path: testInfo.outputPath('refill-form.png'), fullPage: true });

  const saved = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/pumps/${subject.pumpId}/visits`) && r.request().method() === 'POST',
  );
  await page.getByRole('button', { name: 'Save refill' }).click();
  const response = await saved;
  expect(response.status(), await response.text()).toBe(201);
  // What the form sent is the clinic-local wall time with its offset, not epoch milliseconds.
  const sent = response.request().postDataJSON() as { performedAt: string };
  expect(sent.performedAt).toMatch(new RegExp(`^${yesterday}T19:30:00[+-]\\d{2}:\\d{2}$`));
  await expect(page.getByRole('heading', { name: /^Refill saved/ })).toBeVisible();

  const visit = (await visitsOf(page.request, subject.pumpId)).find((v) => v.drugLot === 'E2E-BACKDATED');
  expect(visit?.performedAt).toBe(Date.parse(sent.performedAt));
});

test("an early refill closes tomorrow's booked appointment", async ({ page }) => {
  await signIn(page, 'nurse');
  const subject = await findSubject(page.request, 'Lee');
  await page.goto(`/patients/${subject.patientId}/refill`);
  const today = (await page.getByLabel('Visit date').getAttribute('data-value'))!;
  // Book the earliest open slot on a clinic day after today (tomorrow, on a weekday), as the front desk had.
  const slotsResponse = await page.request.get(`/api/v1/slots?pumpId=${subject.pumpId}&count=20`);
  expect(slotsResponse.status(), await slotsResponse.text()).toBe(200);
  const { slots } = (await slotsResponse.json()) as { slots: { date: string; time: string }[] };
  const nextDay = slots.find((sl) => sl.date > today);
  if (!nextDay) throw new Error('No open slot after today before the due date');
  const booked = await page.request.post('/api/v1/appointments', {
    data: { pumpId: subject.pumpId, date: nextDay.date, time: nextDay.time, type: 'refill' },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const appointment = (await booked.json()) as { id: number };

  await page.goto(`/patients/${subject.patientId}/refill`);
  const replaced = page.getByRole('group', { name: /appointment/i }).filter({ has: page.getByLabel('Close it (mark done)') });
  await expect(replaced.first()).toBeVisible();
  // Every appointment this refill replaces is closed by default.
  for (const radio of await page.getByLabel('Close it (mark done)').all()) await expect(radio).toBeChecked();
  await page.getByLabel('Aspirated residual (mL)').fill(String(await expectedResidual(page)));
  await fillDrugAndSafeguards(page, 'E2E-EARLY');
  await page.getByRole('button', { name: 'Save refill' }).click();
  await expect(page.getByRole('heading', { name: /^Refill saved/ })).toBeVisible();
  await expect(page.getByText(/closed \(done\)/).first()).toBeVisible();
  await expect(page.getByRole('link', { name: /Another day or time/ })).toBeVisible();

  const after = await page.request.get(`/api/v1/appointments/${appointment.id}`);
  expect(after.status()).toBe(200);
  expect(((await after.json()) as { status: string }).status).toBe('done');
});

test('a critical discrepancy is saved only once the nurse confirms the re-measured volume', async ({ page }) => {
  await signIn(page, 'nurse');
  const subject = await findSubject(page.request, 'Martin');
  const before = (await visitsOf(page.request, subject.pumpId)).length;
  await page.goto(`/patients/${subject.patientId}/refill`);
  const expected = await expectedResidual(page);
  // 3.5 mL more left than expected in a baclofen pump: under-infusion, possible motor stall, CRITICAL (E5).
  await page.getByLabel('Aspirated residual (mL)').fill((Math.round((expected + 3.5) * 10) / 10).toString());
  await expect(page.getByRole('status').filter({ hasText: 'Discrepancy' })).toContainText('Critical');
  const confirm = page.getByLabel(/I re-measured the aspirated volume/);
  await expect(confirm).toBeVisible();
  await fillDrugAndSafeguards(page, 'E2E-CRITICAL');

  await page.getByRole('button', { name: 'Save refill' }).click();
  await expect(page.getByText(/re-measure the aspirated volume, or confirm it/).first()).toBeVisible();
  expect((await visitsOf(page.request, subject.pumpId)).length).toBe(before);

  await confirm.check();
  await page.getByRole('button', { name: 'Save refill' }).click();
  await expect(page.getByRole('heading', { name: /Refill saved: under-infusion flagged/ })).toBeVisible();
  expect((await visitsOf(page.request, subject.pumpId)).length).toBe(before + 1);
});
