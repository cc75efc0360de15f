/**
 * The clinic's full export as a ZIP of CSV files with a README of the columns (docs/export.md): pure, tables in,
 * bytes out. Columns are named in snake_case with their unit (`reservoir_ml`, `dose_mcg_per_day`); instants are
 * ISO 8601 UTC, clinic calendar dates `YYYY-MM-DD`; booleans `true`/`false`; lists are JSON.
 */
import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';

export interface ExportColumn {
  name: string;
  description: string;
}

export interface ExportTableSpec {
  file: string;
  description: string;
  columns: readonly ExportColumn[];
}

export type ExportValue = string | number | boolean | null | undefined | object;

/**
 * A cell as text that a spreadsheet shows and never runs: one starting like a formula (`=`, `+`, `-`, `@`, tab,
 * carriage return) gets a leading apostrophe (OWASP "CSV injection"). Numbers stay numbers, negative ones too.
 */
export function spreadsheetSafe(value: ExportValue): string {
  if (value == null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function tableCsv(spec: ExportTableSpec, rows: readonly Record<string, ExportValue>[]): string {
  const names = spec.columns.map((c) => c.name);
  // A BOM, so that a spreadsheet opens accents and the µ of a unit as UTF-8.
  return '\uFEFF' + stringify(rows.map((r) => names.map((n) => spreadsheetSafe(r[n]))), { header: true, columns: names });
}

export function readme(clinicName: string, exportedAt: string, tables: readonly { spec: ExportTableSpec; rows: number }[]): string {
  const lines = [
    `# ${clinicName}: full export`,
    '',
    `Exported ${exportedAt}. One CSV file per record type, UTF-8 with a byte-order mark, comma-separated, with a header row.`,
    'Instants are ISO 8601 in UTC (`2026-03-10T15:00:00.000Z`); clinic calendar dates are `YYYY-MM-DD` in the clinic\'s',
    'time zone. Volumes are mL and doses mcg (the unit is in the column name); booleans are `true`/`false`; lists are JSON.',
    'A cell that a spreadsheet would run as a formula starts with an apostrophe.',
    '',
  ];
  for (const { spec, rows } of tables) {
    lines.push(`## ${spec.file} (${rows} ${rows === 1 ? 'row' : 'rows'})`, '', spec.description, '', '| Column | Meaning |', '|---|---|');
    for (const c of spec.columns) lines.push(`| \`${c.name}\` | ${c.description} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The ZIP: README.md first, then each table's CSV, all stamped with the export's time. */
export function clinicZip(
  clinicName: string,
  exportedAt: Date,
  tables: readonly { spec: ExportTableSpec; rows: readonly Record<string, ExportValue>[] }[],
): Uint8Array {
  const mtime = exportedAt;
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {
    'README.md': [strToU8(readme(clinicName, exportedAt.toISOString(), tables.map((t) => ({ spec: t.spec, rows: t.rows.length })))), { mtime }],
  };
  for (const t of tables) files[t.spec.file] = [strToU8(tableCsv(t.spec, t.rows)), { mtime }];
  return zipSync(files, { level: 6 });
}
