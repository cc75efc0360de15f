/**
 * Program changes are physicians' orders, and the record keeps matching the pump: a physician cannot change the
 * concentration in the reservoir outside a refill (the form shows why; the API refuses it naming the field), orders
 * it for the next refill instead, and a large step needs a colleague who confirms with their own password.
 * Orders a test leaves pending are withdrawn afterwards.
 */
import type { APIRequestContext } from '@playwright/test';
import { expect, findSubject, PASSWORD, sessionCookie, signIn, test as base, type Subject } from './fixtures';

const test = base.extend<{ subject: Subject & { cookie: string; api: APIRequestContext } }>({
  subject: async ({ playwright, baseURL }, provide) => {
    const api = await playwright.request.newContext({ baseURL });
    const cookie = await sessionCookie(api, baseURL!, 'physician');
    const subject = await findSubject(api, 'Fischer', cookie);
    await provide({ ...subject, cookie, api });
    const response = await api.get(`/api/v1/pumps/${subject.pumpId}/orders`, { headers: { cookie } });
    const { orders } = (await response.json()) as { orders: { id: number; status: string }[] };
    for (const o of orders.filter((x) => x.status === 'pending')) {
      const r = await api.delete(`/api/v1/pumps/${subject.pumpId}/orders/${o.id}`, {
        headers: { cookie, origin: baseURL! },
      });
      expect(r.status(), await r.text()).toBe(200);
    }
    await api.dispose();
  },
});

test('a concentration change outside a refill is refused with the reason; ordered for the next refill it waits', async ({
  page,
  subject,
  baseURL,
}) => {
  // The API refuses it, naming the field and saying what to do instead.
  const programs = await subject.api.get(`/api/v1/pumps/${subject.pumpId}/programs`, {
    headers: { cookie: subject.cookie },
  });
  const active = ((await programs.json()) as {
    programs: { versionNo: number; drugId: number; supersededAt: number | null; continuousDoseMcgPerDay: number }[];
  }).programs.find((p) => p.supersededAt === null)!;
  const refused = await subject.api.post(`/api/v1/pumps/${subject.pumpId}/programs`, {
    headers: { cookie: subject.cookie, origin: baseURL! },
    data: {
      expectedVersionNo: active.versionNo,
      drugId: active.drugId,
      concentrationMcgPerMl: 2000,
      mode: 'simple',
      doseMcgPerDay: active.continuousDoseMcgPerDay,
      reason: 'e2e: higher concentration',
    },
  });
  expect(refused.status()).toBe(400);
  const body = (await refused.json()) as { fields: Record<string, string> };
  expect(body.fields.concentrationMcgPerMl).toMatch(/reservoir holds 500 mcg\/mL.*record[s]? it as a refill/);

  await signIn(page, 'physician');
  await page.goto(`/patients/${subject.patientId}`);
  await page.getByRole('link', { name: 'Change program' }).click();
  // Now: the reservoir's drug and concentration are shown and cannot be changed.
  const concentration = page.getByLabel('Concentration (mcg/mL)');
  await expect(concentration).toBeDisabled();
  await expect(page.getByText(/the drug and\s+concentration change only at a refill/)).toBeVisible();

  // For the next refill the physician may order them.
  await page.getByLabel(/At the next refill/).check();
  await expect(concentration).toBeEnabled();
  await concentration.selectOption('2000');
  await expect(page.getByText(/The new concentration enters the pump at the refill/)).toBeVisible();
  await page.getByLabel('Reason for the change').fill('e2e: fewer refills');
  await page.getByRole('button', { name: 'Save order for the next refill' }).click();
  await expect(page.getByRole('heading', { name: 'Order saved for the next refill' })).toBeVisible();
  await page.getByRole('link', { name: `Back to ${subject.name}` }).click();
  const order = page.getByRole('region', { name: 'Order for the next refill' });
  await expect(order).toContainText('2000 mcg/mL');
  await expect(order).toContainText('ordered by Dr. Ana Ortiz');
  // The program in the pump is unchanged.
  await expect(page.getByRole('heading', { level: 3, name: `Program (version ${active.versionNo})` })).toBeVisible();
});

test('a dose step beyond the usual one is confirmed by a colleague with their own password', async ({
  page,
  subject,
}) => {
  await signIn(page, 'physician');
  await page.goto(`/patients/${subject.patientId}`);
  await page.getByRole('link', { name: 'Change program' }).click();
  await page.getByLabel(/At the next refill/).check();
  const dose = page.getByLabel('Daily dose (mcg/day)');
  const current = Number(await dose.inputValue());
  await dose.fill(String(Math.round(current * 1.6)));
  await page.getByLabel('Reason for the change').fill('e2e: large step');
  await expect(page.getByText(/Beyond the usual 40 % change at a refill/)).toBeVisible();
  const save = page.getByRole('button', { name: 'Save order for the next refill' });
  await page.getByLabel('Confirmed by').selectOption({ label: 'Sam Patel, RN (nurse)' });
  await page.getByLabel('Their password').fill('not-sams-password');
  await save.click();
  await expect(page.locator('.field-error', { hasText: /must type their own password/ })).toBeVisible();
  await page.getByLabel('Their password').fill(PASSWORD);
  await save.click();
  await expect(page.getByRole('heading', { name: 'Order saved for the next refill' })).toBeVisible();
});

test("a nurse applies the physician's order at the refill: a new concentration and dose, ordered by the physician, entered by the nurse", async ({
  page,
  playwright,
  baseURL,
}) => {
  const api = await playwright.request.newContext({ baseURL });
  const cookie = await sessionCookie(api, baseURL!, 'physician');
  const subject = await findSubject(api, 'Thompson', cookie);
  const programs = await api.get(`/api/v1/pumps/${subject.pumpId}/programs`, { headers: { cookie } });
  const active = ((await programs.json()) as { programs: { versionNo: number; drugId: number; supersededAt: number | null }[] }).programs.find(
    (p) => p.supersededAt === null,
  )!;
  const ordered = await api.post(`/api/v1/pumps/${subject.pumpId}/programs`, {
    headers: { cookie, origin: baseURL! },
    data: {
      expectedVersionNo: active.versionNo,
      timing: 'next-refill',
      drugId: active.drugId,
      concentrationMcgPerMl: 2000,
      mode: 'simple',
      doseMcgPerDay: 300,
      reason: 'e2e: fewer refills',
    },
  });
  expect(ordered.status(), await ordered.text()).toBe(201);
  await api.dispose();

  await signIn(page, 'nurse');
  await page.goto(`/patients/${subject.patientId}/refill`);
  await expect(page.getByText('Order for this refill')).toBeVisible();
  const apply = page.getByLabel(/Apply this order at this refill/);
  await expect(apply).toBeChecked();
  // A nurse has no dose field of her own: the order sets it.
  await expect(page.getByLabel('Change the daily dose at this refill')).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Concentration' })).toHaveValue('2000');
  const expected = parseFloat(await page.locator('.rf-expected strong').innerText());
  await page.getByLabel('Aspirated residual (mL)').fill(String(expected));
  await page.getByLabel('Aspirated volume checked against the expected before filling').check();
  await page.getByLabel('Needle placement in the reservoir confirmed').check();
  await page.getByLabel(/Aspiration back/).check();
  await page.getByLabel('Lot number').fill('E2E-ORDER-1');
  await page.getByLabel('Expiry date').fill(`${new Date().getFullYear() + 1}-12-31`);
  await page.getByLabel('Bridge bolus given').check();
  // "Volume filled" starts empty (issue 18): the nurse types it; here, the full reservoir.
  const fillLabel = await page.locator('label', { hasText: 'Volume filled' }).innerText();
  await page.getByLabel(/Volume filled/).fill(/reservoir holds ([\d.]+) mL/.exec(fillLabel)![1]!);
  await page.getByLabel('Bridge bolus volume (mL, drawn from the reservoir)').fill('0.2');
  await page.getByRole('button', { name: 'Save refill' }).click();
  await expect(page.getByRole('heading', { name: /^Refill saved/ })).toBeVisible();

  await page.goto(`/patients/${subject.patientId}`);
  const history = page.getByRole('table', { name: /Program versions/ });
  const newest = history.getByRole('row').nth(1);
  await expect(newest).toContainText('2000 mcg/mL');
  await expect(newest).toContainText('300 mcg/day');
  await expect(newest).toContainText('Dr. Ana Ortiz');
  await expect(newest).toContainText('Nora Nurse, RN');
  await expect(page.getByRole('region', { name: 'Order for the next refill' })).toHaveCount(0);
});
