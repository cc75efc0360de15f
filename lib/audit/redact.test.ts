import { describe, expect, it } from 'vitest';
import { HIDDEN, isClinicalEntity, redactAuditEntry } from './redact';

const patientEdit = {
  entity: 'patient',
  before: { allergies: 'penicillin', dateOfBirth: '1961-04-02', version: 3 },
  after: { allergies: 'penicillin, latex', dateOfBirth: '1961-04-02', version: 4 },
};
const refill = {
  entity: 'refill_visit',
  before: null,
  after: { pumpId: 7, volumeFilledUl: 18_000, concentrationNgPerMl: 500_000, drugId: 2, drugLot: 'L-1', verifiedById: 'u-2' },
};

describe('redactAuditEntry', () => {
  it('hides every clinical value without audit:values, keeping identifiers and field names', () => {
    const r = redactAuditEntry(patientEdit, false);
    expect(r.before).toEqual({ allergies: HIDDEN, dateOfBirth: HIDDEN, version: 3 });
    expect(r.after).toEqual({ allergies: HIDDEN, dateOfBirth: HIDDEN, version: 4 });
    const v = redactAuditEntry(refill, false);
    expect(v.after).toEqual({ pumpId: 7, volumeFilledUl: HIDDEN, concentrationNgPerMl: HIDDEN, drugId: HIDDEN, drugLot: HIDDEN, verifiedById: 'u-2' });
    expect(JSON.stringify(v)).not.toMatch(/18000|500000|L-1/);
  });

  it('shows the values with audit:values', () => {
    expect(redactAuditEntry(patientEdit, true)).toEqual(patientEdit);
  });

  it('leaves administrative rows whole, and treats an entity it does not know as clinical', () => {
    const staff = { entity: 'staff', before: { name: 'A', role: 'nurse' }, after: { name: 'B', role: 'physician' } };
    expect(redactAuditEntry(staff, false)).toEqual(staff);
    expect(isClinicalEntity('something-new')).toBe(true);
    expect(redactAuditEntry({ entity: 'something-new', before: null, after: { dose: 5 } }, false).after).toEqual({ dose: HIDDEN });
  });

  it('hides a search typed into a read row, keeping the patients it named', () => {
    const read = { entity: 'patient-search', before: null, after: { patientIds: [4, 9], query: 'Thompson' } };
    expect(redactAuditEntry(read, false).after).toEqual({ patientIds: [4, 9], query: HIDDEN });
  });
});
