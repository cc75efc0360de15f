import { expect, signIn, test } from './fixtures';

/** M/D/YYYY, as a US clinic's spreadsheet writes it. */
const us = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

test('a nurse imports a clinic spreadsheet: upload, mapping, dry run with problems, corrected file, import, worklist', async ({
  page,
}) => {
  const tag = Math.random().toString(36).slice(2, 7).toUpperCase();
  const header =
    'MRN,Patient Name,DOB,Pump Model,Serial #,Implant Date,Drug,Concentration,Dose (mcg/day),Last Refill,Volume (mL),Physician,Ward';
  const row = (n: number, name: string, conc: string, refilled: Date) =>
    `IMP-${tag}-${n},"${name} ",3/7/1970,SynchroMed II 8637-40,SN${tag}${n} ,1/15/2024,Lioresal,${conc},400,${us(refilled)},38,Dr. Ana Ortiz,4B`;
  const csv = (lines: string[]) => Buffer.from(`\uFEFF${[header, ...lines].join('\r\n')}\r\n`);
  const broken = csv([
    row(1, `Importa${tag}, Ida`, '2000 mcg/ml', daysAgo(10)),
    ',,,,,,,,,,,,',
    row(2, `Importb${tag}, Ben`, '1500 mcg/ml', daysAgo(5)),
  ]);

  await signIn(page, 'nurse');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
  await expect(page.getByRole('heading', { name: 'Import patients from a spreadsheet' })).toBeVisible();

  await page
    .getByLabel(/Spreadsheet/)
    .setInputFiles({ name: 'clinic.csv', mimeType: 'text/csv', buffer: broken });
  await page.getByRole('button', { name: 'Read the file' }).click();
  await expect(page.getByText('clinic.csv: 2 rows.')).toBeVisible();
  // Guessed from the headers; the extra column stays unmapped.
  await expect(page.getByLabel('Pump serial (required)')).toHaveValue('Serial #');
  await expect(page.getByLabel('Last refill volume (mL) (required)')).toHaveValue('Volume (mL)');
  await expect(page.getByRole('button', { name: 'Dry run' })).toBeDisabled();
  await page.getByLabel('Spasticity origin where the file does not say').selectOption('spinal');
  await page.getByRole('button', { name: 'Dry run' }).click();

  await expect(page.getByRole('status')).toHaveText(
    '1 to create, 0 already present, 1 with problems (of 2 rows).',
  );
  await expect(
    page.getByText(
      'row 4, Concentration: 1500 mcg/ml — Concentration must be one of Lioresal Intrathecal’s: 50 mcg/mL, 500 mcg/mL, 2000 mcg/mL.',
    ),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: /^Import / })).toHaveCount(0);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the problems (CSV)' }).click();
  expect((await download).suggestedFilename()).toBe('clinic-problems.csv');

  const fixed = csv([
    row(1, `Importa${tag}, Ida`, '2000 mcg/ml', daysAgo(10)),
    row(2, `Importb${tag}, Ben`, '500', daysAgo(5)),
  ]);
  await page
    .getByLabel(/Spreadsheet/)
    .setInputFiles({ name: 'clinic.csv', mimeType: 'text/csv', buffer: fixed });
  await page.getByRole('button', { name: 'Read the file' }).click();
  await page.getByLabel('Spasticity origin where the file does not say').selectOption('spinal');
  await page.getByRole('button', { name: 'Dry run' }).click();
  await expect(page.getByRole('status')).toHaveText(
    '2 to create, 0 already present, 0 with problems (of 2 rows).',
  );
  await page.getByRole('button', { name: 'Import 2 patients' }).click();
  await expect(page.getByRole('status')).toHaveText('Imported: 2 patients created, 0 already present.');

  await page.getByRole('link', { name: 'Open the worklist' }).click();
  await page.getByLabel('Search name or MRN').fill(`IMP-${tag}`);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('row', { name: new RegExp(`Importa${tag}, Ida`) })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(`Importb${tag}, Ben`) })).toBeVisible();

  // The same file again creates nothing twice, and the saved mapping is offered.
  await page.goto('/import');
  await page
    .getByLabel(/Spreadsheet/)
    .setInputFiles({ name: 'clinic.csv', mimeType: 'text/csv', buffer: fixed });
  await page.getByRole('button', { name: 'Read the file' }).click();
  await expect(page.getByText(/Started from the clinic’s saved mapping/)).toBeVisible();
  await expect(page.getByLabel('Spasticity origin where the file does not say')).toHaveValue('spinal');
  await page.getByRole('button', { name: 'Dry run' }).click();
  await expect(page.getByRole('status')).toHaveText(
    '0 to create, 2 already present, 0 with problems (of 2 rows).',
  );
});
