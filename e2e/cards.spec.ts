/**
 * Emergency pump cards and letters, printed to PDF the way a browser prints them (print media, CSS page size):
 * the page sizes, every field on the card, a very long name that must not overflow, and the stale-card flag
 * that a dose change raises and a reprint clears. Expected values come from the JSON API, not from the page.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, findSubject as findDemoSubject, sessionCookie, signIn, test } from './fixtures';

const LONG_FAMILY_NAME = 'Featherstonehaugh-Montgomery-Wolfeschlegelsteinhausen';
const LONG_NAME = `Maximiliana Alexandrina ${LONG_FAMILY_NAME}`;
const TIME_ZONE = 'America/Chicago'; // the demo clinic's zone

interface Subject {
  patientId: number;
  pumpId: number;
  serial: string;
  dateOfBirth: string;
}

interface Program {
  versionNo: number;
  drugId: number;
  drugName: string;
  drugProduct: string;
  concentrationMcgPerMl: number;
  mode: 'simple' | 'flex' | 'constant-flow';
  dailyDoseMcg: number;
  supersededAt: number | null;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `2026-07-27` → `27 Jul 2026`, the card's date format (month as a word). */
const cardDate = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return `${d} ${months[(m ?? 1) - 1]} ${y}`;
};
const localDateOf = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date(ms));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A label followed by its value (the card prints them as a term and its definition). */
const labelled = (label: string, value: string) => new RegExp(`${escape(label)}\\s*${escape(value)}`, 'i');
/** Numbers as the card prints them (decision 028): a decimal point, no thousands separator, no trailing zero. */
const plain = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 3, useGrouping: false });

async function findSubject(request: APIRequestContext): Promise<Subject> {
  const response = await request.get(`/api/v1/patients?q=${encodeURIComponent(LONG_FAMILY_NAME)}`);
  expect(response.status()).toBe(200);
  const { patients } = (await response.json()) as { patients: { id: number; dateOfBirth: string; pumps: { id: number; serial: string }[] }[] };
  const patient = patients[0];
  const pump = patient?.pumps[0];
  if (!patient || !pump) throw new Error('The demo clinic has no long-name patient with an active pump');
  return { patientId: patient.id, pumpId: pump.id, serial: pump.serial, dateOfBirth: patient.dateOfBirth };
}

async function activeProgram(request: APIRequestContext, pumpId: number): Promise<Program> {
  const response = await request.get(`/api/v1/pumps/${pumpId}/programs`);
  expect(response.status()).toBe(200);
  const { programs } = (await response.json()) as { programs: Program[] };
  const active = programs.find((p) => p.supersededAt == null);
  if (!active) throw new Error(`Pump ${pumpId} has no active program`);
  return active;
}

/** Each PDF page's size in points, read from its /MediaBox. */
function pdfPageSizes(pdf: Buffer): { width: number; height: number }[] {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => ({
    width: Number(m[3]) - Number(m[1]),
    height: Number(m[4]) - Number(m[2]),
  }));
}

async function waitForFit(page: Page) {
  await expect(page.locator('[data-fit]').first()).toBeVisible();
  await expect(page.locator('[data-fit="pending"]')).toHaveCount(0);
  await expect(page.locator('[data-fit="overflow"]')).toHaveCount(0);
}

/** Counts window.print() calls instead of opening a dialog. */
async function stubPrintDialog(page: Page) {
  await page.addInitScript(() => {
    (window as unknown as { __prints: number }).__prints = 0;
    window.print = () => {
      (window as unknown as { __prints: number }).__prints += 1;
      // The dialog closes: the browser fires afterprint, and the page asks whether it printed.
      window.dispatchEvent(new Event('afterprint'));
    };
  });
}

/**
 * The long-name demo patient, and a physician who changes its dose: the fixture puts the dose back afterwards
 * (even when the test fails or times out), so other specs see the demo data unchanged.
 */
const doseTest = test.extend<{ dose: { subject: Subject; original: Program; change: (doseMcgPerDay: number) => Promise<void> } }>({
  dose: async ({ playwright, baseURL }, provide) => {
    // The physician signs in in a context of their own: the page stays signed in as the nurse.
    const physician = await playwright.request.newContext({ baseURL });
    await sessionCookie(physician, baseURL!, 'physician');
    const subject = await findSubject(physician);
    const original = await activeProgram(physician, subject.pumpId);
    const change = async (doseMcgPerDay: number, reason = 'e2e: small titration step') => {
      const current = await activeProgram(physician, subject.pumpId);
      const response = await physician.post(`/api/v1/pumps/${subject.pumpId}/programs`, {
        data: { drugId: current.drugId, concentrationMcgPerMl: current.concentrationMcgPerMl, mode: 'simple', doseMcgPerDay, expectedVersionNo: current.versionNo, reason },
      });
      expect(response.status(), await response.text()).toBe(201);
    };
    await provide({ subject, original, change });
    if ((await activeProgram(physician, subject.pumpId)).dailyDoseMcg !== original.dailyDoseMcg) {
      await change(original.dailyDoseMcg, 'e2e: restore the demo dose');
    }
    await physician.dispose();
  },
});

test.describe('emergency pump card', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, 'nurse');
  });

  test('prints front and back on two 85.6 × 54 mm pages with every field of the card', async ({ page }) => {
    const subject = await findSubject(page.request);
    const program = await activeProgram(page.request, subject.pumpId);
    const forecast = (await (await page.request.get(`/api/v1/pumps/${subject.pumpId}/forecast`)).json()) as {
      refillDueOn: string;
      lowReservoirAlarmAt: string | null;
    };
    const visits = (await (await page.request.get(`/api/v1/pumps/${subject.pumpId}/visits`)).json()) as { visits: { performedAt: number }[] };
    const lastRefillAt = Math.max(...visits.visits.map((v) => v.performedAt));

    // The offline QR code: the e2e server's PUBLIC_URL is a loopback address, which a link QR code refuses.
    await page.goto(`/patients/${subject.patientId}/card?pump=${subject.pumpId}&qr=text`);
    await waitForFit(page);
    await page.emulateMedia({ media: 'print' });

    const front = page.getByRole('region', { name: 'Card front' });
    const back = page.getByRole('region', { name: 'Card back' });
    await expect(front).toContainText('Implanted intrathecal baclofen pump: do not stop abruptly', { ignoreCase: true });
    await expect(front).toContainText('Sudden loss of baclofen can be life-threatening.');
    await expect(front).toContainText(LONG_NAME);
    await expect(front).toContainText(cardDate(subject.dateOfBirth));
    await expect(front).toContainText(`Baclofen (${program.drugProduct})`);
    await expect(front).toContainText(`${plain(program.concentrationMcgPerMl)} mcg/mL`);
    await expect(front).toContainText(`${plain(program.dailyDoseMcg)} mcg/day`);
    await expect(front).toContainText('Simple continuous');
    await expect(front).toContainText(/Bolus\s*None/i);
    await expect(front).toContainText('Medtronic SynchroMed II 8637-40');
    await expect(front).toContainText(subject.serial);
    await expect(front).toContainText('40 mL');
    await expect(front).toContainText(labelled('Last refill', cardDate(localDateOf(lastRefillAt))));
    await expect(front).toContainText(labelled('Refill due', cardDate(forecast.refillDueOn)));
    expect(forecast.lowReservoirAlarmAt).not.toBeNull();
    // The forecast's instants carry the clinic's offset: their first ten characters are the clinic-local date.
    await expect(front).toContainText(labelled('Alarm date', cardDate(forecast.lowReservoirAlarmAt!.slice(0, 10))));
    await expect(front).toContainText('Riverside Spasticity & Pain Clinic');
    await expect(front).toContainText('+1 555 010 0247');
    await expect(front).toContainText(/Dr\. \w+/);
    await expect(front).toContainText('800-707-0933');

    await expect(back).toContainText(/Withdrawal.*itching without a rash.*high fever/i);
    await expect(back).toContainText('Can be fatal in 1–3 days.');
    // Issue 15: no "oral baclofen is NOT a reliable substitute" beside the patient's own oral backup plan.
    await expect(back).toContainText('Meanwhile high-dose benzodiazepines + backup oral baclofen below');
    await expect(back).not.toContainText('NOT a reliable substitute');
    await expect(back).toContainText(/Overdose.*slow or shallow breathing/i);
    await expect(back).toContainText(/TWO-TONE = critical/);
    await expect(back).toContainText('interrogated) right after every MRI');
    await expect(back).toContainText(/Catheter port.*NEVER inject refill drug/i);
    await expect(back).toContainText(/Backup.*Oral baclofen/i);
    await expect(back).toContainText(/Allergies/i);
    await expect(back).toContainText(`Valid until the next refill (due ${cardDate(forecast.refillDueOn)}).`);
    await expect(back).toContainText(/Printed \d{1,2} \w{3} \d{4} \(program v\d+\)/);
    await expect(back.getByRole('img', { name: /^QR code \(text\): INTRATHECAL DRUG PUMP/ })).toBeVisible();
    expect(await back.locator('svg path').count()).toBeGreaterThan(0);

    const sizes = pdfPageSizes(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    expect(sizes).toHaveLength(2);
    for (const size of sizes) {
      // 85.6 × 54 mm = 242.6 × 153.1 pt; Chromium rounds the page to whole CSS pixels.
      expect(Math.abs(size.width - 242.6)).toBeLessThan(1);
      expect(Math.abs(size.height - 153.1)).toBeLessThan(1);
    }
  });

  test('a very long name wraps inside the card: no element leaves either face', async ({ page }) => {
    const subject = await findSubject(page.request);
    await page.goto(`/patients/${subject.patientId}/card?pump=${subject.pumpId}&qr=text`);
    await waitForFit(page);
    await page.emulateMedia({ media: 'print' });
    for (const label of ['Card front', 'Card back']) {
      const face = page.getByRole('region', { name: label });
      const outside = await face.evaluate((el) => {
        const box = el.getBoundingClientRect();
        return [...el.querySelectorAll('*')]
          .map((child) => ({ child, r: child.getBoundingClientRect() }))
          .filter(({ r }) => r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5))
          .map(({ child }) => `${child.tagName}: ${child.textContent?.slice(0, 40) ?? ''}`);
      });
      expect(outside, `${label}: elements outside the card`).toEqual([]);
    }
    const name = page.getByTestId('card-name');
    await expect(name).toHaveText(LONG_NAME);
    // Wrapped onto more than one line rather than cut or shrunk to nothing.
    const nameBox = await name.boundingBox();
    const fontPx = await name.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(nameBox!.height).toBeGreaterThan(fontPx * 1.5);
    expect(fontPx).toBeGreaterThanOrEqual((7 * 96) / 72 - 0.01); // ≥ 7 pt body text (issue 15)
  });

  for (const [size, expected] of [
    ['a4', { width: 595.3, height: 841.9 }],
    ['letter', { width: 612, height: 792 }],
  ] as const) {
    test(`prints the emergency letter on one ${size === 'a4' ? 'A4' : 'US Letter'} page`, async ({ page }) => {
      const subject = await findSubject(page.request);
      const program = await activeProgram(page.request, subject.pumpId);
      await page.goto(`/patients/${subject.patientId}/letter?pump=${subject.pumpId}&size=${size}&qr=text`);
      await waitForFit(page);
      await page.emulateMedia({ media: 'print' });
      const letter = page.getByRole('region', { name: 'Emergency letter' });
      await expect(letter).toContainText(LONG_NAME);
      await expect(letter).toContainText(cardDate(subject.dateOfBirth));
      await expect(letter).toContainText(`${plain(program.dailyDoseMcg)} mcg/day`);
      await expect(letter).toContainText(subject.serial);
      await expect(letter).toContainText('+1 555 010 0247');
      await expect(letter).toContainText('Oral baclofen alone may not prevent or treat intrathecal withdrawal');
      await expect(letter).toContainText(/catheter access port/i);

      const sizes = pdfPageSizes(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      expect(sizes).toHaveLength(1);
      expect(Math.abs(sizes[0]!.width - expected.width)).toBeLessThan(1);
      expect(Math.abs(sizes[0]!.height - expected.height)).toBeLessThan(1);
    });
  }

  doseTest('printing records the version; a dose change flags the card outdated until it is reprinted', async ({ page, dose }) => {
    const { subject } = dose;
    const cardOnWorklist = async () => {
      const response = await page.request.get(`/api/v1/worklist?q=${encodeURIComponent(LONG_FAMILY_NAME)}`);
      expect(response.status()).toBe(200);
      const { rows } = (await response.json()) as { rows: { pumpId: number; cardOutdated: boolean }[] };
      return rows.find((r) => r.pumpId === subject.pumpId)?.cardOutdated;
    };
    const panel = page.getByRole('region', { name: 'Emergency card' });
    const printCard = async () => {
      await page.goto(`/patients/${subject.patientId}/card?pump=${subject.pumpId}&qr=text`);
      await waitForFit(page);
      const recorded = page.waitForResponse((r) => r.url().endsWith(`/api/v1/patients/${subject.patientId}/card-prints`) && r.request().method() === 'POST');
      const printsBefore = await page.evaluate(() => (window as unknown as { __prints: number }).__prints);
      expect(printsBefore).toBe(0);
      await page.getByRole('button', { name: 'Print card' }).click();
      // The print is recorded only when the nurse confirms it came out (afterprint fires for a cancel too), with
      // the fingerprint of what was shown.
      await page.getByRole('group', { name: 'Did it print?' }).getByRole('button', { name: 'Yes, it printed' }).click();
      expect((await recorded).status()).toBe(201);
      expect(await page.evaluate(() => (window as unknown as { __prints: number }).__prints)).toBe(1);
    };

    await stubPrintDialog(page);
    await printCard();
    await page.goto(`/patients/${subject.patientId}`);
    await expect(panel).toBeVisible();
    await expect(panel).not.toContainText('Card outdated: reprint');
    expect(await cardOnWorklist()).toBe(false);

    const newDose = Math.round(dose.original.dailyDoseMcg * 1.04);
    await dose.change(newDose);
    await page.goto(`/patients/${subject.patientId}`);
    await expect(panel).toContainText('Card outdated: reprint');
    expect(await cardOnWorklist()).toBe(true);
    await page.goto(`/patients/${subject.patientId}/card?pump=${subject.pumpId}&qr=text`);
    await expect(page.getByText('Card outdated: reprint')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Card front' })).toContainText(`${plain(newDose)} mcg/day`);

    await printCard();
    await page.goto(`/patients/${subject.patientId}`);
    await expect(panel).toContainText(/Card last printed/);
    await expect(panel).not.toContainText('Card outdated: reprint');
    expect(await cardOnWorklist()).toBe(false);
  });

  test('a dialog closed without printing (“No, it did not print”) records nothing (issue 15, item 7)', async ({ page }) => {
    const subject = await findDemoSubject(page.request, 'Brooks');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/card-prints')) posts.push(r.url());
    });
    await stubPrintDialog(page);
    await page.goto(`/patients/${subject.patientId}/card?pump=${subject.pumpId}&qr=text`);
    await waitForFit(page);
    await page.getByRole('button', { name: 'Print card' }).click();
    const question = page.getByRole('group', { name: 'Did it print?' });
    await expect(question).toBeVisible();
    await question.getByRole('button', { name: 'No, it did not print' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Not recorded' })).toBeVisible();
    await expect(question).toHaveCount(0);
    expect(posts).toEqual([]);
  });

  test('front desk cannot open the print page or record a print', async ({ page, browser, baseURL }) => {
    const subject = await findSubject(page.request);
    const context = await browser.newContext({ baseURL });
    const desk = await context.newPage();
    await signIn(desk, 'front-desk');
    await desk.goto(`/patients/${subject.patientId}/card`);
    await expect(desk).toHaveURL(/\/forbidden/);
    const response = await desk.request.post(`/api/v1/patients/${subject.patientId}/card-prints`, {
      data: { pumpId: subject.pumpId, kind: 'card', fingerprint: '0'.repeat(64) },
      headers: { origin: baseURL! },
    });
    expect(response.status()).toBe(403);
    await context.close();
  });
});

test.describe('public emergency page', () => {
  test('needs no sign-in, names the clinic from the QR link and shows no patient data', async ({ page, browser, baseURL }) => {
    // The link the card's QR code would carry: the e2e server's loopback PUBLIC_URL makes the card refuse the
    // QR code, and the refusal names the link.
    await signIn(page, 'nurse');
    const subject = await findSubject(page.request);
    await page.goto(`/patients/${subject.patientId}/card?pump=${subject.pumpId}&qr=link`);
    const link = (await page.getByText(/The QR code would link to /).first().textContent())?.match(/\/emergency\?c=[0-9a-f]{24}/)?.[0];
    expect(link, 'the card links to the emergency page by the clinic’s code').toBeTruthy();

    const context = await browser.newContext({ baseURL });
    const anonymous = await context.newPage();
    await anonymous.goto(link!);
    await expect(anonymous).toHaveURL(/\/emergency\?c=[0-9a-f]{24}$/);
    await expect(anonymous.getByRole('heading', { level: 1 })).toHaveText('Patient with an implanted intrathecal drug pump');
    await expect(anonymous.getByRole('link', { name: '+1 555 010 0247' })).toHaveAttribute('href', 'tel:+15550100247');
    await expect(anonymous.getByRole('heading', { name: 'Managing clinic', exact: true })).toBeVisible();
    await expect(anonymous.getByRole('heading', { name: 'Baclofen withdrawal: urgent' })).toBeVisible();
    await expect(anonymous.getByText(/Oral baclofen as a bridge: the previous oral dose/)).toBeVisible();
    await expect(anonymous.getByText(/may not prevent or treat intrathecal withdrawal/)).toBeVisible();
    await expect(anonymous.getByText('800-707-0933')).toBeVisible();
    await expect(anonymous.getByRole('heading', { name: /Catheter access port/ })).toBeVisible();
    await expect(anonymous.locator('main')).not.toContainText(LONG_FAMILY_NAME);
    await expect(anonymous.locator('main')).not.toContainText(/MRN|date of birth/i);

    // Issue 14: the page cannot be walked by clinic id. A clinic id (the links of cards printed before the codes),
    // an unknown code and no code at all answer the same general page, naming no clinic.
    await anonymous.goto('/emergency');
    const generic = await anonymous.locator('main').innerText();
    expect(generic).toContain('use the 24/7 phone number printed on the patient’s card');
    expect(generic).not.toContain('+1 555 010 0247');
    for (const probe of ['/emergency?clinic=1', '/emergency?clinic=not-a-number', `/emergency?c=${'0'.repeat(24)}`, '/emergency?c=1']) {
      await anonymous.goto(probe);
      expect(await anonymous.locator('main').innerText(), probe).toBe(generic);
    }
    await context.close();
  });
});
