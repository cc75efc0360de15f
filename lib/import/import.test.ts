import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  guessMapping,
  mappingProblems,
  matchDrug,
  matchModel,
  parseConcentration,
  parseDailyDose,
  parseDate,
  prepareRows,
  readCsv,
  readImportFile,
  splitName,
  type ImportCatalog,
  type ImportMapping,
} from '.';

const fixture = (name: string) =>
  fs.readFileSync(path.join(import.meta.dirname, '../../tests/fixtures/import', name));

const catalog: ImportCatalog = {
  models: [
    { id: 1, manufacturer: 'Medtronic', name: 'SynchroMed II', modelNumber: '8637-20', kind: 'programmable' },
    { id: 2, manufacturer: 'Medtronic', name: 'SynchroMed II', modelNumber: '8637-40', kind: 'programmable' },
    {
      id: 5,
      manufacturer: 'Codman',
      name: 'Codman 3000 constant-flow pump',
      modelNumber: '3000',
      kind: 'constant-flow',
    },
  ],
  drugs: [
    {
      id: 1,
      name: 'baclofen',
      product: 'Lioresal Intrathecal',
      doseUnit: 'mcg',
      concentrationsNgPerMl: [50_000, 500_000, 2_000_000],
    },
    {
      id: 2,
      name: 'baclofen',
      product: 'Gablofen',
      doseUnit: 'mcg',
      concentrationsNgPerMl: [50_000, 500_000, 1_000_000, 2_000_000],
    },
    {
      id: 3,
      name: 'morphine',
      product: 'Infumorph (preservative-free morphine)',
      doseUnit: 'mg',
      concentrationsNgPerMl: [10_000_000, 25_000_000],
    },
  ],
  physicians: [{ id: 'doc-1', name: 'Test physician' }],
};

const mappingFor = (headers: string[]): ImportMapping => ({
  columns: guessMapping(headers),
  dateOrder: 'MDY',
  defaultSpasticityOrigin: 'spinal',
});

describe('reading a clinic spreadsheet', () => {
  it('reads a CSV with a BOM, CRLF, a blank row, quoted commas and trailing spaces, keeping spreadsheet row numbers', () => {
    const table = readCsv(fixture('clean.csv').toString('utf8'));
    expect(table.headers[0]).toBe('MRN');
    expect(table.headers).toHaveLength(14);
    expect(table.rows.map((r) => r.rowNumber)).toEqual([2, 4, 5]);
    expect(table.rows[0]!.cells[1]).toBe('Doe, Jane');
    expect(table.rows[0]!.cells[4]).toBe('NGV1001');
    expect(table.rows[0]!.cells[13]).toBe('likes mornings, calls ahead');
  });

  it('refuses an empty file, a header without rows and a header used twice', () => {
    expect(() => readCsv('')).toThrow(/empty/);
    expect(() => readCsv('MRN,Name\n,\n')).toThrow(/no patients/);
    expect(() => readCsv('MRN,mrn\nA,B\n')).toThrow(/appears twice/);
  });

  it('reads a real XLSX: date cells, numbers, Excel serials in a text column, formulas, rich text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Pumps');
    sheet.addRow([
      'MRN',
      'Last name',
      'First name',
      'DOB',
      'Pump',
      'Serial',
      'Implant date',
      'Drug',
      'Concentration',
      'Dose',
      'Last refill',
      'Refill volume',
    ]);
    sheet.addRow([
      'X-1',
      'Doe',
      { richText: [{ text: 'Ja' }, { text: 'ne' }] },
      new Date(Date.UTC(1970, 2, 7)),
      '8637-40',
      'NGV9',
      45306,
      'Lioresal',
      '2000 mcg/ml',
      400,
      new Date(Date.UTC(2026, 1, 24)),
      { formula: '30+8', result: 38 },
    ]);
    sheet.addRow([]);
    sheet.addRow([
      'X-2 ',
      'Roe',
      'Rick',
      '1/2/1980',
      '8637-20',
      'NGV10',
      '2024-01-15',
      'Gablofen',
      1000,
      '250',
      '2/24/2026',
      18,
    ]);
    const buffer = await workbook.xlsx.writeBuffer();
    const table = await readImportFile('clinic.xlsx', buffer);
    expect(table.rows.map((r) => r.rowNumber)).toEqual([2, 4]);
    expect(table.rows[0]!.cells).toEqual([
      'X-1',
      'Doe',
      'Jane',
      '1970-03-07',
      '8637-40',
      'NGV9',
      '45306',
      'Lioresal',
      '2000 mcg/ml',
      '400',
      '2026-02-24',
      '38',
    ]);

    const mapping = mappingFor(table.headers);
    expect(mapping.columns).toMatchObject({
      givenName: 'First name',
      familyName: 'Last name',
      lastRefillVolume: 'Refill volume',
    });
    const [first, second] = prepareRows(table, mapping, catalog);
    expect(first!.problems).toEqual([]);
    expect(first!.input).toMatchObject({
      patient: { mrn: 'X-1', givenName: 'Jane', familyName: 'Doe', dateOfBirth: '1970-03-07' },
      pump: { modelId: 2, serial: 'NGV9', implantedOn: '2024-01-15' },
      program: { drugId: 1, concentrationNgPerMl: 2_000_000, doseMcgPerDay: 400, mode: 'simple' },
      initialFill: { date: '2026-02-24', volumeMl: 38 },
    });
    expect(first!.summary).toEqual({
      mrn: 'X-1',
      name: 'Doe, Jane',
      pump: 'SynchroMed II 8637-40 #NGV9',
      drug: 'Lioresal Intrathecal 2000 mcg/ml, 400 mcg/day',
      lastRefill: '2026-02-24, 38 mL',
    });
    expect(second!.input).toMatchObject({
      patient: { mrn: 'X-2', dateOfBirth: '1980-01-02' },
      program: { drugId: 2, concentrationNgPerMl: 1_000_000 },
    });
  });

  it('refuses an old .xls and a broken .xlsx with a message saying what to do', async () => {
    await expect(readImportFile('old.xls', new ArrayBuffer(8))).rejects.toThrow(/\.xlsx or \.csv/);
    await expect(readImportFile('bad.xlsx', new TextEncoder().encode('PK not a zip').buffer)).rejects.toThrow(
      /not a readable XLSX/,
    );
  });
});

describe('guessing the mapping from common headers', () => {
  it('maps the messy fixture’s headers and leaves extra columns unmapped', () => {
    const table = readCsv(fixture('clean.csv').toString('utf8'));
    const columns = guessMapping(table.headers);
    expect(columns).toMatchObject({
      mrn: 'MRN',
      name: 'Patient Name',
      dateOfBirth: 'DOB',
      pumpModel: 'Pump Model',
      serial: 'Serial #',
      implantedOn: 'Implant Date',
      drug: 'Drug',
      concentration: 'Concentration',
      dose: 'Dose (mcg/day)',
      lastRefillDate: 'Last Refill',
      lastRefillVolume: 'Volume (mL)',
      physician: 'Physician',
      nextAppointment: null,
    });
    expect(Object.values(columns)).not.toContain('Ward');
    expect(mappingProblems(mappingFor(table.headers), table.headers)).toEqual([]);
  });

  it('names each required field left without a column, and a header the file does not have', () => {
    const problems = mappingProblems(
      { columns: { mrn: 'Chart', dateOfBirth: 'DOB' }, dateOrder: 'MDY', defaultSpasticityOrigin: 'other' },
      ['DOB'],
    );
    expect(problems).toContain('MRN: the file has no column “Chart”.');
    expect(problems).toContain('Pump serial: choose the column that holds it.');
    expect(problems.some((p) => p.startsWith('Name:'))).toBe(true);
  });
});

describe('reading cells', () => {
  it('reads dates as ISO, as M/D/Y or D/M/Y by the mapping, and as Excel serials; refuses impossible ones', () => {
    expect(parseDate('3/7/2026', 'MDY').value).toBe('2026-03-07');
    expect(parseDate('3/7/2026', 'DMY').value).toBe('2026-07-03');
    expect(parseDate('46088', 'MDY').value).toBe('2026-03-07');
    expect(parseDate('3/7/2026 0:00', 'MDY').value).toBe('2026-03-07');
    expect(parseDate('2026-3-7', 'DMY').value).toBe('2026-03-07');
    expect(parseDate('2/30/2026', 'MDY').problem).toMatch(/not a real calendar date/);
    expect(parseDate('March 7', 'MDY').problem).toMatch(/not a date/);
  });

  it('reads concentrations and doses with or without units, in mcg or mg', () => {
    expect(parseConcentration('2000 mcg/ml', 'mcg').value).toBe(2_000_000);
    expect(parseConcentration('2,000 µg/mL', 'mcg').value).toBe(2_000_000);
    expect(parseConcentration('2 mg/mL', 'mcg').value).toBe(2_000_000);
    expect(parseConcentration('10', 'mg').value).toBe(10_000_000);
    expect(parseConcentration('2000 mcg', 'mcg').problem).toMatch(/mcg\/mL or mg\/mL/);
    expect(parseDailyDose('0.3 mg/day', 'mcg').value).toBe(300);
    expect(parseDailyDose('250 mcg/day', 'mcg').value).toBe(250);
    expect(parseDailyDose('2', 'mg').value).toBe(2000);
    expect(parseDailyDose('1,5', 'mcg').problem).toBeDefined();
  });

  it('matches models by number and drugs by product, and refuses a guess between two', () => {
    expect(matchModel('SynchroMed II 8637-40', catalog.models).value?.id).toBe(2);
    expect(matchModel('8637-20', catalog.models).value?.id).toBe(1);
    expect(matchModel('SynchroMed II', catalog.models).problem).toMatch(/more than one model/);
    expect(matchDrug('Lioresal', catalog.drugs).value?.id).toBe(1);
    expect(matchDrug('gablofen', catalog.drugs).value?.id).toBe(2);
    expect(matchDrug('morphine', catalog.drugs).value?.id).toBe(3);
    expect(matchDrug('baclofen', catalog.drugs).problem).toBe(
      'baclofen fits more than one product: write which (Lioresal Intrathecal or Gablofen)',
    );
    expect(splitName('Doe, Jane').value).toEqual({ givenName: 'Jane', familyName: 'Doe' });
    expect(splitName('Mary Ann Smith').value).toEqual({ givenName: 'Mary Ann', familyName: 'Smith' });
    expect(splitName('Cher').problem).toBeDefined();
  });
});

describe('preparing rows', () => {
  it('reports every problem the file shows with its row and column, and a duplicate MRN in the file', () => {
    const table = readCsv(fixture('messy.csv').toString('utf8'));
    const rows = prepareRows(table, mappingFor(table.headers), catalog);
    const problems = rows.flatMap((r) => r.problems);
    expect(problems).toContainEqual({
      rowNumber: 3,
      column: 'Date of birth',
      message: 'Date of birth: 2/30/1961 — 2/30/1961 is not a real calendar date (read as month/day/year)',
    });
    expect(problems).toContainEqual({
      rowNumber: 4,
      column: 'MRN',
      message: 'MRN: B-1 — MRN is also on row 2: each patient and pump once per file',
    });
    expect(problems).toContainEqual(
      expect.objectContaining({
        rowNumber: 6,
        column: 'Pump',
        message: expect.stringMatching(/SynchroMed III is not a pump model/),
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        rowNumber: 6,
        column: 'Drug',
        message: expect.stringMatching(/fits more than one product/),
      }),
    );
    // Rows the database must judge (a concentration not of the product, a fill after today, overfilling) pass here.
    expect(rows.find((r) => r.rowNumber === 2)!.input).not.toBeNull();
    expect(rows.find((r) => r.rowNumber === 5)!.input).not.toBeNull();
    expect(rows.filter((r) => r.input === null).map((r) => r.rowNumber)).toEqual([3, 4, 6]);
  });

  it('applies the add-patient schema’s own limits (MRN characters) under the MRN column', () => {
    const table = readCsv(
      'MRN,Name,DOB,Pump,Serial,Implant date,Drug,Concentration,Dose,Last refill,Volume\nA 1!,"Doe, J",1/1/1970,8637-40,S1,1/1/2024,Lioresal,2000,300,2/2/2026,30\n',
    );
    const [row] = prepareRows(table, mappingFor(table.headers), catalog);
    expect(row!.problems).toEqual([
      { rowNumber: 2, column: 'MRN', message: 'MRN: A 1! — MRN may contain letters, digits and - / . only' },
    ]);
  });

  it('needs no dose for a constant-flow pump, and takes the origin from the mapping’s default', () => {
    const table = readCsv(
      'MRN,Name,DOB,Pump,Serial,Implant date,Drug,Concentration,Flow rate,Last refill,Volume\nC-1,"Doe, J",1/1/1970,Codman 3000,S1,1/1/2024,Infumorph,10 mg/mL,1 mL/day,2/2/2026,30\n',
    );
    const [row] = prepareRows(
      table,
      { ...mappingFor(table.headers), defaultSpasticityOrigin: 'cerebral' },
      catalog,
    );
    expect(row!.problems).toEqual([]);
    expect(row!.input).toMatchObject({
      patient: { spasticityOrigin: 'cerebral' },
      pump: { modelId: 5, flowMlPerDay: 1 },
      program: { mode: 'constant-flow', concentrationNgPerMl: 10_000_000 },
    });
    expect(row!.summary.drug).toBe('Infumorph (preservative-free morphine) 10 mg/mL');
  });
});
