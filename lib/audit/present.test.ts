import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './entry';
import { fieldName, formatAuditValue, presentAuditEntry, type AuditLookups } from './present';
import { HIDDEN, redactAuditEntry } from './redact';

const at = Date.UTC(2026, 2, 10, 15, 30); // 10:30 in Chicago (CDT from 8 March)

function lookups(withValues: boolean): AuditLookups {
  return {
    timeZone: 'America/Chicago',
    staff: new Map([
      ['u-kim', 'Nurse Kim'],
      ['u-ortiz', 'Dr. Ana Ortiz'],
    ]),
    patients: new Map([[12, { mrn: 'PT-1', name: withValues ? 'Thompson, Grace' : null }]]),
    pumps: new Map([[7, { patientId: 12, label: withValues ? '8637-40 SN NGP123456' : null }]]),
    drugs: new Map([
      [2, { product: 'Lioresal Intrathecal', doseUnit: 'mcg' as const }],
      [3, { product: 'Infumorph', doseUnit: 'mg' as const }],
    ]),
  };
}

const entry = (e: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at,
  actorId: 'u-kim',
  actorLabel: 'Kim (stored label)',
  action: 'create',
  entity: 'refill_visit',
  entityId: '55',
  before: null,
  after: null,
  ipAddress: '192.0.2.10',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  ...e,
});

const refill = entry({ after: { pumpId: 7, volumeFilledUl: 18_000, concentrationNgPerMl: 500_000, drugId: 2, performedAt: at, verifiedById: 'u-ortiz' } });

describe('presentAuditEntry', () => {
  it('says a refill in a sentence, with names, mL, mcg/mL and clinic time', () => {
    const p = presentAuditEntry(refill, lookups(true));
    expect(p.sentence).toBe('Nurse Kim recorded a refill of pump 8637-40 SN NGP123456, 18 mL, for patient Thompson, Grace (MRN PT-1).');
    expect(p.when).toContain('10:30');
    expect(p.changes).toEqual(
      expect.arrayContaining([
        { field: 'volume filled', before: '', after: '18 mL' },
        { field: 'concentration', before: '', after: '500 mcg/mL' },
        { field: 'drug', before: '', after: 'Lioresal Intrathecal' },
        { field: 'verified by', before: '', after: 'Dr. Ana Ortiz' },
      ]),
    );
    expect(p.from).toBe('192.0.2.10 · Firefox 128 on Linux');
  });

  it('for a reader without audit:values, names the patient by number and MRN and shows no value', () => {
    const p = presentAuditEntry(redactAuditEntry(refill, false), lookups(false));
    expect(p.sentence).toBe('Nurse Kim recorded a refill of pump #7 for patient #12 (MRN PT-1).');
    expect(p.changes.find((c) => c.field === 'volume filled')?.after).toBe(HIDDEN);
    expect(JSON.stringify(p)).not.toMatch(/18 mL|500 mcg|Lioresal|Thompson/);
  });

  it('shows a dose change before and after in the drug’s unit', () => {
    const p = presentAuditEntry(
      entry({ entity: 'drug_program', before: { drugId: 3, doseNgPerDay: 3_000_000 }, after: { drugId: 3, doseNgPerDay: 3_500_000, versionNo: 4, pumpId: 7 } }),
      lookups(true),
    );
    expect(p.sentence).toBe('Nurse Kim recorded version 4 of the program of pump 8637-40 SN NGP123456 for patient Thompson, Grace (MRN PT-1).');
    expect(p.changes).toContainEqual({ field: 'dose', before: '3 mg/day', after: '3.5 mg/day' });
  });

  it('says reads and exports with the patients they named', () => {
    expect(presentAuditEntry(entry({ action: 'view', entity: 'patient', entityId: '12', after: { patientIds: [12] } }), lookups(true)).sentence).toBe(
      'Nurse Kim viewed the record of patient Thompson, Grace (MRN PT-1).',
    );
    const worklist = presentAuditEntry(entry({ action: 'export', entity: 'worklist', entityId: null, after: { patientIds: [1, 2, 3, 12], rows: 4 } }), lookups(false));
    expect(worklist.sentence).toBe('Nurse Kim exported the worklist, with 4 patients.');
  });

  it('says authentication events', () => {
    expect(presentAuditEntry(entry({ action: 'sign-in-failed', entity: 'session', actorId: null, actorLabel: 'x@example.org' }), lookups(false)).sentence).toBe(
      'x@example.org failed to sign in.',
    );
    expect(presentAuditEntry(entry({ action: 'sign-out', entity: 'session', after: { reason: 'idle' } }), lookups(false)).sentence).toBe('Nurse Kim signed out (idle timeout).');
  });
});

describe('formatAuditValue and fieldName', () => {
  it('turns stored units into the ones people use', () => {
    const l = lookups(true);
    expect(formatAuditValue('aspiratedResidualUl', 2_500, l)).toBe('2.5 mL');
    expect(formatAuditValue('concentrationNgPerMl', 25_000_000, l, { drugId: 3 })).toBe('25 mg/mL');
    expect(formatAuditValue('discrepancyConfirmed', true, l)).toBe('yes');
    expect(formatAuditValue('doseNgPerDay', HIDDEN, l)).toBe(HIDDEN);
    expect(fieldName('expectedResidualUl')).toBe('expected residual');
    expect(fieldName('needlePlacementConfirmed')).toBe('needle placement confirmed');
  });
});
