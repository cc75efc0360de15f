import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addBaclofenPump, setupApiTest, type ApiTestContext } from '@/tests/api';
import { patientListQuerySchema } from '@/lib/validation/patient-list';
import { createPatient } from '../factories';
import * as s from '../schema';
import { listPatients } from './patient-list';

let ctx: ApiTestContext;
const query = (q: Partial<Record<string, unknown>> = {}) => patientListQuerySchema.parse(q);

beforeAll(() => {
  ctx = setupApiTest();
  addBaclofenPump(ctx, { mrn: 'PL-ACTIVE', patient: { familyName: 'Active', givenName: 'Ada', dateOfBirth: '1970-04-01' } });
  const gone = addBaclofenPump(ctx, { mrn: 'PL-EXPL', patient: { familyName: 'Explanted', givenName: 'Eve' } });
  ctx.db.update(s.pumps).set({ status: 'explanted', explantedOn: '2026-03-01' }).where(eq(s.pumps.id, gone.pump.id)).run();
  createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'PL-NONE', familyName: 'Nopump', givenName: 'Nia' });
  addBaclofenPump(ctx, { mrn: 'PL-OTHER', clinicId: ctx.otherClinic.id, patient: { familyName: 'Active', givenName: 'Other' } });
});

describe('the patient list (issue 18, item 4)', () => {
  it('holds patients without an active pump, whom the worklist does not show', () => {
    const mrns = listPatients(ctx.db, ctx.clinic.id, query({ q: 'PL-', pageSize: 200 })).rows.map((r) => r.mrn);
    expect(mrns).toEqual(expect.arrayContaining(['PL-ACTIVE', 'PL-EXPL', 'PL-NONE']));
    // Never another clinic's patients.
    expect(mrns).not.toContain('PL-OTHER');
  });

  it('filters by pump status', () => {
    const by = (status: string) => listPatients(ctx.db, ctx.clinic.id, query({ q: 'PL-', status, pageSize: 200 })).rows.map((r) => r.mrn);
    expect(by('active')).toEqual(['PL-ACTIVE']);
    expect(by('explanted')).toEqual(['PL-EXPL']);
    expect(by('no-pump')).toEqual(['PL-NONE']);
    const explanted = listPatients(ctx.db, ctx.clinic.id, query({ q: 'PL-EXPL' })).rows[0]!;
    expect(explanted.pumps).toEqual([expect.objectContaining({ status: 'explanted', explantedOn: '2026-03-01' })]);
    expect(listPatients(ctx.db, ctx.clinic.id, query({ q: 'PL-NONE' })).rows[0]!.pumps).toEqual([]);
  });

  it('finds a patient by “Family, Given”, “Given Family”, part of the MRN or the exact date of birth', () => {
    for (const q of ['Active, Ada', 'Ada Active', 'active ada', 'L-ACT', '1970-04-01']) {
      const rows = listPatients(ctx.db, ctx.clinic.id, query({ q })).rows;
      expect(rows.map((r) => r.mrn), q).toContain('PL-ACTIVE');
      expect(rows.map((r) => r.mrn), q).not.toContain('PL-NONE');
    }
    // LIKE wildcards in the search are taken literally.
    expect(listPatients(ctx.db, ctx.clinic.id, query({ q: 'PL_%' })).total).toBe(0);
  });

  it('pages, with the total of every match', () => {
    const first = listPatients(ctx.db, ctx.clinic.id, query({ q: 'PL-', pageSize: 2 }));
    const second = listPatients(ctx.db, ctx.clinic.id, query({ q: 'PL-', pageSize: 2, page: 2 }));
    expect(first.total).toBe(3);
    expect(first.rows).toHaveLength(2);
    expect(second.rows).toHaveLength(1);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.mrn)).size).toBe(3);
  });

  it('refuses a bad filter naming the field', () => {
    const bad = patientListQuerySchema.safeParse({ status: 'gone', page: '0' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0])).toEqual(expect.arrayContaining(['status', 'page']));
  });
});
