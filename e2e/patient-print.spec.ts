/**
 * Issue 15, item 7 and issue 17, item 3, on paper: names in the patient's own order and script (Chinese family
 * first, Arabic), the caregiver, the risk flags and a flex schedule on the letter, an explanted-only patient told
 * there is no card to print, and the patient's whole record printed for a transfer. Each page is printed to PDF by
 * Chromium and read back with pdftotext (poppler-utils; the CJK and Arabic fonts are installed by .ci/run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { noActivePumpLine, riskFlagsBlock } from '../lib/cards/wording';
import { clinicToday, expect, findSubject, sessionCookie, signIn, test } from './fixtures';

const work = mkdtempSync(path.join(os.tmpdir(), 'patient-print-'));
let seq = 0;

function pdfText(pdf: Buffer): string {
  const file = path.join(work, `${++seq}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
}
const flat = (text: string) => text.replace(/\s+/g, '');

interface PatientJson {
  patient: { id: number; mrn: string; version: number };
  pumps: {
    id: number;
    serial: string;
    version: number;
    model: { id: number; modelNumber: string };
    program: { drugId: number; concentrationMcgPerMl: number; dailyDoseMcg: number; flexSteps: { start: string; doseMcgPerHour: number }[] } | null;
    programHistory: { versionNo: number }[];
    visits: { id: number }[];
  }[];
}

async function patientJson(request: APIRequestContext, id: number): Promise<PatientJson> {
  const response = await request.get(`/api/v1/patients/${id}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as PatientJson;
}

/** A new patient on the same pump model and drug as a demo patient (Brooks: SynchroMed II 8637-20, Lioresal 500). */
async function addPatient(
  request: APIRequestContext,
  baseURL: string,
  patient: Record<string, unknown>,
): Promise<{ patientId: number; pumpId: number }> {
  const template = (await patientJson(request, (await findSubject(request, 'Brooks')).patientId)).pumps[0]!;
  const today = await clinicToday(request);
  const response = await request.post('/api/v1/patients', {
    headers: { origin: baseURL },
    data: {
      patient: { mrn: `E2E-${Date.now()}-${++seq}`, dateOfBirth: '1968-02-03', spasticityOrigin: 'spinal', ...patient },
      pump: { modelId: template.model.id, serial: `NGP${Date.now() % 1_000_000}${seq}`, implantedOn: '2024-06-01' },
      program: { drugId: template.program!.drugId, concentrationNgPerMl: 500_000, mode: 'simple', doseMcgPerDay: 200 },
      initialFill: { date: today, time: '00:00', volumeMl: 20, drugLot: 'E2E-LOT' },
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { patientId: number; pumpId: number };
}

async function printedPdf(page: Page, url: string): Promise<string> {
  await page.emulateMedia({ media: 'screen' });
  await page.goto(url);
  await expect(page.locator('[data-fit]').first()).toBeVisible();
  await expect(page.locator('[data-fit="pending"]')).toHaveCount(0);
  await expect(page.locator('[data-fit="overflow"]')).toHaveCount(0);
  await page.emulateMedia({ media: 'print' });
  return pdfText(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
}

test.describe('names, risks and schedules on paper; the transfer record', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, 'nurse');
  });

  test('a Chinese name prints family name first; caregiver and risk flags are on the card and the letter', async ({ page, baseURL }) => {
    const flags = { riskInjuryT6OrAbove: true, riskCommunication: true, riskPriorWithdrawal: false, riskHearingImpaired: false };
    const { patientId, pumpId } = await addPatient(page.request, baseURL!, {
      givenName: '秀英',
      familyName: '王',
      nameOrder: 'family-first',
      caregiverName: '李伟',
      caregiverPhone: '+1 555 0288 1234',
      ...flags,
    });
    const risks = riskFlagsBlock({ name: 'baclofen', withdrawalRisk: 'severe' }, flags)!;

    const card = flat(await printedPdf(page, `/patients/${patientId}/card?pump=${pumpId}&qr=text`));
    expect(card).toContain('王秀英');
    expect(card).not.toContain('秀英王');
    // The card fits: its risk and caregiver lines are left out when the face is full; the letter has them.

    const letter = flat(await printedPdf(page, `/patients/${patientId}/letter?pump=${pumpId}&size=a4&qr=text`));
    expect(letter).toContain('王秀英');
    expect(letter).not.toContain('秀英王');
    expect(letter).toContain(flat('李伟, +1 555 0288 1234'));
    // The letter sets its section headings in capitals (CSS), so pdftotext reads them so.
    expect(letter.toLowerCase()).toContain(flat(risks.heading).toLowerCase());
    for (const item of risks.items) expect(letter).toContain(flat(item));
    // Product names without nested parentheses, and the model number whole.
    expect(letter).not.toMatch(/\([^)]*\(/);
    expect(letter).toContain('8637-20');

    // The name order is set on the patient form and changes every print.
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`/patients/${patientId}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('王秀英');
    await page.getByRole('button', { name: 'Edit details and risk flags' }).click();
    const form = page.getByRole('form', { name: 'Edit patient details' });
    await form.getByLabel('Name written').selectOption('given-first');
    await form.getByRole('button', { name: 'Save details' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('秀英王');
  });

  test('an Arabic name prints in Arabic script', async ({ page, baseURL }) => {
    const { patientId, pumpId } = await addPatient(page.request, baseURL!, {
      givenName: 'فاطمة',
      familyName: 'الزهراء',
      nameOrder: 'given-first',
    });
    for (const url of [`/patients/${patientId}/card?pump=${pumpId}&qr=text`, `/patients/${patientId}/letter?pump=${pumpId}&size=a4&qr=text`]) {
      const text = await printedPdf(page, url);
      // pdftotext gives the words back in Unicode (not boxes or presentation forms), in either visual order.
      const words = text.normalize('NFKC');
      expect(words).toMatch(/فاطمة|ةمطاف/);
      expect(words).toMatch(/الزهراء|ءارهزلا/);
    }
  });

  test('the flex schedule is on the letter, step by step', async ({ page }) => {
    const subject = await findSubject(page.request, 'Laurent');
    const program = (await patientJson(page.request, subject.patientId)).pumps[0]!.program!;
    expect(program.flexSteps.length).toBeGreaterThan(1);
    const letter = flat(await printedPdf(page, `/patients/${subject.patientId}/letter?pump=${subject.pumpId}&size=letter&qr=text`));
    program.flexSteps.forEach((step, i) => {
      const end = program.flexSteps[i + 1]?.start ?? '24:00';
      expect(letter).toContain(flat(`${step.start}–${end}: ${step.doseMcgPerHour} mcg/h`));
    });
  });

  test('an explanted-only patient is told there is no card to print, not sent to a card that does not exist', async ({ page, baseURL }) => {
    const { patientId, pumpId } = await addPatient(page.request, baseURL!, { givenName: 'Ex', familyName: 'Planted' });
    const pump = (await patientJson(page.request, patientId)).pumps[0]!;
    const explant = await page.request.patch(`/api/v1/pumps/${pumpId}`, {
      headers: { origin: baseURL! },
      data: { version: pump.version, explantedOn: await clinicToday(page.request), reason: 'e2e: pump removed' },
    });
    expect(explant.status(), await explant.text()).toBe(200);
    const response = await page.goto(`/patients/${patientId}/card`);
    expect(response?.status()).toBe(200);
    const news = page.getByRole('status').filter({ hasText: 'no active pump' });
    await expect(news).toContainText(noActivePumpLine);
    await expect(news).toContainText(`serial ${pump.serial}`);
    await expect(page.getByRole('alert').filter({ hasText: /pump|card/i })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Print card' })).toHaveCount(0);
    await expect(page.getByText('print the card of the patient’s active pump')).toHaveCount(0);
  });

  test('the patient’s record prints for a transfer, read back from the PDF, and is audited as a view and an export', async ({ page, playwright, baseURL }) => {
    const subject = await findSubject(page.request, 'Laurent');
    const record = await patientJson(page.request, subject.patientId);
    const pump = record.pumps[0]!;
    await page.goto(`/patients/${subject.patientId}`);
    await page.getByRole('link', { name: 'Print record (transfer)' }).click();
    await expect(page).toHaveURL(new RegExp(`/patients/${subject.patientId}/record$`));
    await expect(page.getByRole('button', { name: 'Print record' })).toBeVisible();
    await page.emulateMedia({ media: 'print' });
    const raw = pdfText(await page.pdf({ preferCSSPageSize: true }));
    const text = flat(raw);
    expect(raw).not.toContain('Print record'); // the screen bar is not on paper
    for (const fact of ['Laurent', record.patient.mrn, pump.serial, pump.model.modelNumber, 'Currentprogram', 'Programhistory', 'Refills', 'Appointments', 'Openalerts'])
      expect(text).toContain(flat(fact));
    expect(text).toContain(flat(`${program(pump).dailyDoseMcg} mcg/day`));
    expect(text).toContain('500mcg/mL');
    // Every program version and every refill of the record is on paper.
    expect(pump.programHistory.length).toBeGreaterThan(0);
    expect(pump.visits.length).toBeGreaterThan(0);
    // One ", lot …" per refill row (table cells wrap, so rows are counted by the cell every visit has).
    expect(text.match(/,lot/g)?.length).toBe(pump.visits.length);

    // The admin reads the audit trail in a context of their own (the page stays signed in as the nurse).
    const admin = await playwright.request.newContext({ baseURL });
    await sessionCookie(admin, baseURL!, 'admin');
    const audit = async (action: string, entity: string) => {
      const response = await admin.get(`/api/v1/audit?action=${action}&entity=${entity}&entityId=${subject.patientId}`);
      expect(response.status()).toBe(200);
      const { rows } = (await response.json()) as { rows: { after: unknown }[] };
      return rows.map((r) => (typeof r.after === 'string' ? JSON.parse(r.after) : r.after) as { page?: string; format?: string } | null);
    };
    expect((await audit('export', 'patient-record')).some((after) => after?.format === 'print')).toBe(true);
    expect((await audit('view', 'patient')).some((after) => after?.page === 'record')).toBe(true);
    await admin.dispose();
  });
});

function program(pump: PatientJson['pumps'][number]) {
  if (!pump.program) throw new Error('no program');
  return pump.program;
}
