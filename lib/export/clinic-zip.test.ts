import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { clinicZip, readme, spreadsheetSafe, tableCsv } from './clinic-zip';

const spec = { file: 't.csv', description: 'A table.', columns: [{ name: 'a', description: 'A.' }, { name: 'b_ml', description: 'B, mL.' }] };

describe('spreadsheetSafe', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1 555 0100', "'+1 555 0100"],
    ['-x', "'-x"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['plain', 'plain'],
  ])('text %j is %j', (value, expected) => expect(spreadsheetSafe(value)).toBe(expected));

  it('keeps numbers (negative discrepancies too), booleans and empty cells as values, lists as JSON', () => {
    expect(spreadsheetSafe(-0.3)).toBe('-0.3');
    expect(spreadsheetSafe(true)).toBe('true');
    expect(spreadsheetSafe(null)).toBe('');
    expect(spreadsheetSafe([{ at: '12:00', doseMcg: 25 }])).toBe('[{"at":"12:00","doseMcg":25}]');
  });
});

describe('clinicZip', () => {
  it('holds the README and each table, the CSV with a BOM and the spec’s columns in order', () => {
    const zip = unzipSync(clinicZip('Clinic', new Date('2026-03-10T15:00:00Z'), [{ spec, rows: [{ b_ml: 2, a: 'x, "y"' }] }]));
    expect(Object.keys(zip)).toEqual(['README.md', 't.csv']);
    // UTF-8 byte-order mark first (a TextDecoder drops it from the text).
    expect([...zip['t.csv']!.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(strFromU8(zip['t.csv']!)).toBe('a,b_ml\n"x, ""y""",2\n');
    expect(strFromU8(zip['README.md']!)).toContain('## t.csv (1 row)');
  });

  it('an empty table still has its header, and the README says 0 rows', () => {
    expect(tableCsv(spec, [])).toBe('\uFEFFa,b_ml\n');
    expect(readme('Clinic', 'now', [{ spec, rows: 0 }])).toContain('| `b_ml` | B, mL. |');
  });
});
