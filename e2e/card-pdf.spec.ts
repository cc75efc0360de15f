/**
 * Issue 15: the card and the letter an emergency physician acts on, printed to PDF by Chromium and read back the
 * way a person would read the paper: pdftotext for the words, the PDF's text boxes and the page's computed styles
 * for the type sizes, and zbarimg for the QR code (poppler-utils and zbar-tools, installed by .ci/run).
 * Expected facts come from the JSON API and from lib/cards/wording.ts, not from the page.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { overdoseSigns, pumpAbilities, riskFlagsBlock, underdoseSigns, xRayLine } from '../lib/cards/wording';
import { expect, findSubject, signIn, test } from './fixtures';

const work = mkdtempSync(path.join(os.tmpdir(), 'card-pdf-'));
/** Set DOCS_CARDS=1 to refresh the images in docs/cards/ from this run. */
const refreshDocs = process.env.DOCS_CARDS === '1';

function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(work, `${name}.pdf`);
  writeFileSync(file, pdf);
  // -raw: the content stream's order, which is the page's reading order (no interleaving of columns).
  return execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
}
/** Text without any white space, so a sentence wrapped across lines (or after a hyphen) still matches. */
const flat = (text: string) => text.replace(/\s+/g, '');
const pageCount = (text: string) => text.split('\f').filter((p) => p.trim() !== '').length;

/** The smallest word height in a PDF (pdftotext -bbox), in points: a floor for its font sizes. */
function smallestWordHeight(pdf: Buffer, name: string): number {
  const file = path.join(work, `${name}-bbox.pdf`);
  writeFileSync(file, pdf);
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  const heights = [...html.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)]
    .filter((m) => /[A-Za-z0-9]/.test(m[3]!))
    .map((m) => Number(m[2]) - Number(m[1]));
  return Math.min(...heights);
}

/** Every QR code on one PDF page, decoded by zbarimg from a 300 dpi rendering. */
function decodeQr(pdf: Buffer, name: string, pageNo: number): string[] {
  const file = path.join(work, `${name}-qr.pdf`);
  writeFileSync(file, pdf);
  const prefix = path.join(work, `${name}-p${pageNo}`);
  execFileSync('pdftoppm', ['-r', '600', '-f', String(pageNo), '-l', String(pageNo), '-png', file, prefix]);
  const png = readdirSync(work).find((f) => f.startsWith(`${name}-p${pageNo}`) && f.endsWith('.png'))!;
  const out = execFileSync('zbarimg', ['-q', '--raw', '-Sdisable', '-Sqrcode.enable', path.join(work, png)]);
  return [out.toString('utf8').trim()];
}

function docsImage(pdf: Buffer, name: string, pageNo: number, target: string) {
  if (!refreshDocs) return;
  const file = path.join(work, `${name}-docs.pdf`);
  writeFileSync(file, pdf);
  const prefix = path.join(work, `${name}-docs-${pageNo}`);
  execFileSync('pdftoppm', ['-r', '150', '-singlefile', '-f', String(pageNo), '-l', String(pageNo), '-png', file, prefix]);
  copyFileSync(`${prefix}.png`, path.join('docs', 'cards', target));
}

async function waitForFit(page: Page) {
  await expect(page.locator('[data-fit]').first()).toBeVisible();
  await expect(page.locator('[data-fit="pending"]')).toHaveCount(0);
}

/** The smallest computed font size (pt) of any visible text in the region, and of text outside labels. */
async function fontFloors(page: Page, region: string) {
  return page.getByRole('region', { name: region }).evaluate((root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let any = Infinity;
    let body = Infinity;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      if (!n.textContent?.trim() || el.getClientRects().length === 0) continue;
      const pt = (parseFloat(getComputedStyle(el).fontSize) * 72) / 96;
      any = Math.min(any, pt);
      const isLabel = el.closest('dt, [class*="label"], [class*="qr"]') != null;
      if (!isLabel) body = Math.min(body, pt);
    }
    return { any, body };
  });
}

interface Case {
  familyName: string;
  drug: 'baclofen' | 'morphine' | 'ziconotide';
  kind: 'programmable' | 'constant-flow';
}
const cases: Case[] = [
  { familyName: 'Featherstonehaugh-Montgomery-Wolfeschlegelsteinhausen', drug: 'baclofen', kind: 'programmable' },
  { familyName: 'Walsh', drug: 'baclofen', kind: 'constant-flow' },
  { familyName: 'Tran', drug: 'baclofen', kind: 'programmable' },
  { familyName: 'Miller', drug: 'morphine', kind: 'programmable' },
  { familyName: 'Garcia', drug: 'ziconotide', kind: 'programmable' },
  // All four risk flags (the high-risk baclofen patient): the flags, or "High-risk patient ▸ see letter".
  { familyName: 'Thompson', drug: 'baclofen', kind: 'programmable' },
];
const drugFacts = {
  baclofen: { name: 'baclofen', withdrawalRisk: 'severe' as const },
  morphine: { name: 'morphine', withdrawalRisk: 'moderate' as const },
  ziconotide: { name: 'ziconotide', withdrawalRisk: 'low' as const },
};

test.describe('emergency card and letter on paper', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, 'nurse');
  });

  for (const c of cases) {
    test(`${c.drug}, ${c.kind} (${c.familyName.slice(0, 20)}): treatment, type sizes, one-page letters, offline QR`, async ({ page }) => {
      const subject = await findSubject(page.request, c.familyName);
      const detail = ((await (await page.request.get(`/api/v1/patients/${subject.patientId}`)).json()) as {
        patient: {
          backupOralPlan: string;
          caregiverName: string;
          caregiverPhone: string;
          riskInjuryT6OrAbove: boolean;
          riskCommunication: boolean;
          riskPriorWithdrawal: boolean;
          riskHearingImpaired: boolean;
        };
      }).patient;
      const risks = riskFlagsBlock(drugFacts[c.drug], detail);
      const caregiver = [detail.caregiverName.trim(), detail.caregiverPhone.trim()].filter(Boolean).join(', ');

      // The card, with the offline QR code (the e2e server's PUBLIC_URL is loopback: a link would be refused).
      await page.goto(`/patients/${subject.patientId}/card?pump=${subject.pumpId}&qr=text`);
      await waitForFit(page);
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('[data-fit="overflow"]')).toHaveCount(0);
      for (const face of ['Card front', 'Card back']) {
        const floors = await fontFloors(page, face);
        expect(floors.any, `${face}: labels ≥ 6 pt`).toBeGreaterThanOrEqual(6 - 0.01);
        expect(floors.body, `${face}: body ≥ 7 pt`).toBeGreaterThanOrEqual(7 - 0.01);
      }
      // The front's largest type is the danger and the action, not the name.
      const sizes = await page.getByRole('region', { name: 'Card front' }).evaluate((root) => {
        const pt = (el: Element | null) => (el ? parseFloat(getComputedStyle(el).fontSize) : 0);
        const title = root.querySelector('[data-testid="card-headline"] p');
        const all = [...root.querySelectorAll('*')].filter((e) => !e.closest('[data-testid="card-headline"]')).map(pt);
        return { title: pt(title), others: Math.max(...all) };
      });
      expect(sizes.title).toBeGreaterThan(sizes.others);

      const cardPdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      const card = flat(pdfText(cardPdf, `card-${c.familyName}`));
      expect(pageCount(pdfText(cardPdf, `card-${c.familyName}-pages`))).toBe(2);
      expect(card).toContain(flat('go to an emergency department'));
      expect(card).toContain(flat('+1 555 010 0247'));
      const withdrawal = underdoseSigns(drugFacts[c.drug], { kind: c.kind }, c.drug === 'baclofen' ? detail.backupOralPlan : '');
      const overdose = overdoseSigns(drugFacts[c.drug], { kind: c.kind });
      expect(card).toContain(flat(withdrawal.cardAction));
      expect(card).toContain(flat(overdose.cardAction));
      expect(card).not.toMatch(/notareliablesubstitute/i);
      expect(card).not.toContain(flat('support number not on file'));
      if (c.kind === 'constant-flow') expect(card).not.toMatch(/interrogated|stopthepump/);
      expect(smallestWordHeight(cardPdf, `card-${c.familyName}`)).toBeGreaterThanOrEqual(6);
      // Risk flags and the caregiver are never silently left off the card: in full, or a line saying the letter has
      // them (decision 026). The tag prints in capitals, followed by a ▸.
      if (risks) {
        const full = risks.items.every((item) => card.includes(flat(item)));
        const pointer = card.includes(flat(`${risks.cardSeeLetter.toUpperCase()} ▸ see letter.`));
        expect(full || pointer, `risk flags or "${risks.cardSeeLetter}: see letter" on the card`).toBe(true);
        // Thompson's back is full at 7 pt (four flags, caregiver, backup plan): the pointer path, which once printed
        // nothing at all about the risk.
        if (c.familyName === 'Thompson') expect(card).toContain(flat('HIGH-RISK PATIENT ▸ see letter.'));
      }
      if (caregiver) {
        const full = card.includes(flat(caregiver));
        expect(full || card.includes(flat('CAREGIVER ▸ see letter.')), 'caregiver or "see letter" on the card').toBe(true);
        if (c.familyName === 'Thompson' || c.familyName.startsWith('Featherstone'))
          expect(card).toContain(flat('CAREGIVER ▸ see letter.'));
      }

      const qr = decodeQr(cardPdf, `card-${c.familyName}`, 2).join('\n');
      expect(qr).toContain('INTRATHECAL DRUG PUMP - EMERGENCY');
      expect(qr).toMatch(new RegExp(`Drug: ${c.drug}`, 'i'));
      expect(qr).toMatch(/Concentration: [\d,.]+ (mcg|mg)\/mL/);
      expect(qr).toMatch(/Dose: [\d,.]+ (mcg|mg)\/day/);
      expect(qr).toContain('Clinic 24/7: +1 555 010 0247');
      if (c.familyName === 'Featherstonehaugh-Montgomery-Wolfeschlegelsteinhausen') {
        docsImage(cardPdf, 'card', 1, 'card-front.png');
        docsImage(cardPdf, 'card', 2, 'card-back.png');
      }

      for (const size of ['a4', 'letter'] as const) {
        await page.emulateMedia({ media: 'screen' });
        await page.goto(`/patients/${subject.patientId}/letter?pump=${subject.pumpId}&size=${size}&qr=text`);
        await waitForFit(page);
        await page.emulateMedia({ media: 'print' });
        await expect(page.locator('[data-fit="overflow"]')).toHaveCount(0);
        expect((await fontFloors(page, 'Emergency letter')).any).toBeGreaterThanOrEqual(6 - 0.01);
        const letterPdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        const raw = pdfText(letterPdf, `letter-${size}-${c.familyName}`);
        expect(pageCount(raw), `${size} letter on one page`).toBe(1);
        const letter = flat(raw);
        for (const line of [...withdrawal.actions, ...overdose.actions]) expect(letter).toContain(flat(line));
        expect(letter).toContain(flat(xRayLine));
        for (const item of risks?.items ?? []) expect(letter, `${size} letter: risk flag`).toContain(flat(item));
        if (caregiver) expect(letter, `${size} letter: caregiver`).toContain(flat(caregiver));
        if (c.kind === 'constant-flow') expect(letter).toContain(flat(pumpAbilities({ kind: 'constant-flow' }).stop));
        expect(decodeQr(letterPdf, `letter-${size}-${c.familyName}`, 1).join('\n')).toContain('Clinic 24/7: +1 555 010 0247');
        if (size === 'a4' && c.familyName.startsWith('Featherstone')) docsImage(letterPdf, 'letter', 1, 'letter-a4.png');
      }
    });
  }

  test('a QR link to a loopback address is refused, on screen and on paper, with how to set PUBLIC_URL', async ({ page }) => {
    const subject = await findSubject(page.request, 'Walsh');
    await page.goto(`/patients/${subject.patientId}/card?pump=${subject.pumpId}`);
    const refusal = page.getByRole('alert').filter({ hasText: 'PUBLIC_URL' });
    await expect(refusal).toContainText(/no phone outside this network can open/);
    await expect(page.getByRole('button', { name: 'Print card' })).toHaveCount(0);
    await page.emulateMedia({ media: 'print' });
    const text = flat(pdfText(await page.pdf({ preferCSSPageSize: true }), 'refused'));
    expect(text).toContain(flat('This card was not printed'));
    expect(text).not.toContain('Lioresal');
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('link', { name: /Offline/ }).click();
    await expect(page).toHaveURL(/qr=text/);
    await expect(page.getByRole('button', { name: 'Print card' })).toBeVisible();
  });
});
