/**
 * Every page that shows patient data audits its read (issue 14, item 7): a page behind a permission that sees
 * patient records calls one of the auditing loaders. Pages are server components with no wrapper to hang a
 * declaration on, so this reads their source: a new page that forgets its audit fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** Permissions whose pages show patient records. */
const READING = ['patients:read', 'clinical:read', 'refills:write', 'programs:write', 'cards:print', 'feeds:manage', 'audit:read', 'patients:write'];
/** Calls that write the read's audit row (db/audit-read.ts recordRead, or a loader that calls it). */
const AUDITING = /\b(recordRead|recordPatientView|loadPumpPage|loadPrintPage)\(/;

/** Pages behind such a permission that show no stored patient record, and why. */
const NO_PATIENT_DATA: Record<string, string> = {
  '(staff)/patients/new/page.tsx': 'an empty form for a new patient',
};

function pages(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return pages(full);
    return e.name === 'page.tsx' ? [full] : [];
  });
}

const files = pages(path.join(root, 'app')).map((f) => path.relative(path.join(root, 'app'), f).split(path.sep).join('/'));

describe('every page that shows patient data audits the read', () => {
  it('finds the pages', () => {
    expect(files).toContain('(staff)/patients/[id]/page.tsx');
  });

  it.each(files)('%s', (file) => {
    const source = fs.readFileSync(path.join(root, 'app', file), 'utf8');
    const permission = /requirePageStaff\(\s*'([a-z:-]+)'/.exec(source)?.[1];
    const loader = /\bloadPrintPage\(/.test(source);
    if (!loader && (!permission || !READING.includes(permission))) return;
    if (NO_PATIENT_DATA[file]) {
      expect(AUDITING.test(source), `${file} audits now: remove it from NO_PATIENT_DATA`).toBe(false);
      return;
    }
    expect(AUDITING.test(source), `${file} (${permission}) shows patient data but writes no read audit row`).toBe(true);
  });
});
