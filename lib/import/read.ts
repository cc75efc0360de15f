/**
 * Reading a clinic's spreadsheet into a table of text cells: CSV with papaparse, XLSX with exceljs. Every cell
 * becomes trimmed text (a date cell becomes YYYY-MM-DD, a number its plain digits), so one set of value parsers
 * (values.ts) reads both formats. Row numbers are those a person sees in the spreadsheet: the header is row 1.
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';

export interface ImportTable {
  headers: string[];
  /** Data rows that have at least one non-empty cell; blank rows are dropped but keep the numbering. */
  rows: { rowNumber: number; cells: string[] }[];
}

export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

/** Generous for a clinic (a 150-patient export is ~20 KB) and small enough for the server's 1 MiB body limit. */
export const MAX_IMPORT_ROWS = 2000;

function clean(cell: string): string {
  // Non-breaking spaces and the BOM are what spreadsheet exports leave behind.
  return cell
    .replace(/^\uFEFF/, '')
    .replace(/\u00A0/g, ' ')
    .trim();
}

function toTable(matrix: string[][]): ImportTable {
  const headerIndex = matrix.findIndex((r) => r.some((c) => clean(c) !== ''));
  if (headerIndex < 0)
    throw new ImportFileError('The file is empty: it needs a header row and at least one patient.');
  const headers = matrix[headerIndex]!.map(clean);
  const seen = new Set<string>();
  for (const h of headers) {
    if (h !== '' && seen.has(h.toLowerCase()))
      throw new ImportFileError(
        `The header “${h}” appears twice in row ${headerIndex + 1}: rename one column.`,
      );
    seen.add(h.toLowerCase());
  }
  const rows = matrix
    .slice(headerIndex + 1)
    .map((cells, i) => ({
      rowNumber: headerIndex + 2 + i,
      cells: headers.map((_, c) => clean(cells[c] ?? '')),
    }))
    .filter((r) => r.cells.some((c) => c !== ''));
  if (rows.length === 0) throw new ImportFileError('The file has a header row but no patients.');
  if (rows.length > MAX_IMPORT_ROWS)
    throw new ImportFileError(
      `The file has ${rows.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.`,
    );
  return { headers, rows };
}

/** CSV text (a BOM, CRLF, quoted fields, `;` or tab as the delimiter are all understood). */
export function readCsv(text: string): ImportTable {
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
  const fatal = result.errors.find((e) => e.type === 'Quotes');
  if (fatal)
    throw new ImportFileError(
      `The CSV file cannot be read at row ${(fatal.row ?? 0) + 1}: ${fatal.message}.`,
    );
  return toTable(result.data);
}

function isoDateOfUtc(date: Date): string {
  // exceljs gives a date cell as the instant of its UTC midnight: the calendar date is in its UTC parts.
  return date.toISOString().slice(0, 10);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value == null) return '';
  if (value instanceof Date) return isoDateOfUtc(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('result' in value) {
    const result = value.result;
    if (result instanceof Date) return isoDateOfUtc(result);
    if (result == null || typeof result === 'object') return '';
    return String(result);
  }
  if ('error' in value) return '';
  return '';
}

/** The first worksheet of an XLSX workbook. */
export async function readXlsx(data: ArrayBuffer): Promise<ImportTable> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data);
  } catch {
    throw new ImportFileError(
      'The file is not a readable XLSX workbook. Save it from the spreadsheet as .xlsx or .csv.',
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ImportFileError('The workbook has no worksheet.');
  const matrix: string[][] = [];
  const width = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    matrix.push(cells);
  }
  return toTable(matrix);
}

/** Reads a CSV or XLSX file by its name and content (an XLSX starts with the ZIP signature "PK"). */
export async function readImportFile(name: string, data: ArrayBuffer): Promise<ImportTable> {
  const bytes = new Uint8Array(data);
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (/\.xlsx$/i.test(name) || zip) return readXlsx(data);
  if (/\.xls$/i.test(name))
    throw new ImportFileError('Old .xls workbooks cannot be read: save the file as .xlsx or .csv.');
  return readCsv(new TextDecoder('utf-8').decode(bytes));
}
