import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClinicFeed, buildPatientFeed, renderFeed } from './feeds';
import { berlin, chicago, clinicInput, patientInput } from './test-fixtures';

// Golden files are rewritten only on request: UPDATE_GOLDEN=1 npx vitest run lib/ical
const GOLDEN_DIR = path.join(import.meta.dirname, '__golden__');
const update = process.env.UPDATE_GOLDEN === '1';

function expectGolden(name: string, body: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (update) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, body, 'utf8');
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`Golden file ${name} is missing; create it with UPDATE_GOLDEN=1 npx vitest run lib/ical`);
  }
  expect(body).toBe(readFileSync(file, 'utf8'));
}

describe('golden feeds (fixed UIDs and DTSTAMP)', () => {
  it('patient feed, Berlin clinic, first name shown', () => {
    expectGolden(
      'patient-berlin.ics',
      renderFeed(buildPatientFeed(patientInput(berlin, '100234', 'Jürgen'))),
    );
  });

  it('patient feed, Chicago clinic, no first name', () => {
    expectGolden('patient-chicago.ics', renderFeed(buildPatientFeed(patientInput(chicago, 'C-5521', null))));
  });

  it('clinic feed, Berlin clinic', () => {
    expectGolden('clinic-berlin.ics', renderFeed(buildClinicFeed(clinicInput(berlin))));
  });

  it('golden files keep CRLF line endings (no bare LF crept in through an editor or git)', () => {
    for (const name of ['patient-berlin.ics', 'patient-chicago.ics', 'clinic-berlin.ics']) {
      const text = readFileSync(path.join(GOLDEN_DIR, name), 'utf8');
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    }
  });
});
