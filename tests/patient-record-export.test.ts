/**
 * The printed transfer record (/patients/{id}/record, lib/clinic/patient-record.ts): the record leaves the clinic
 * on paper, so opening it writes an 'export' audit row in the same transaction as the read, naming the pumps on
 * it; a patient of another clinic is not found and nothing is audited as exported.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '../db/schema';
import { clinicActor } from '../lib/clinic/actor';
import { exportPatientRecord } from '../lib/clinic/patient-record';
import { NotFoundError } from '../lib/errors';
import { addBaclofenPump, setupApiTest, type ApiTestContext } from './api';

let ctx: ApiTestContext;
beforeAll(() => {
  ctx = setupApiTest();
});

/** The actor of a request by this clinic's staff member (the request's staff always has a clinic). */
const actorOf = (user: s.Staff) => clinicActor({ ...user, clinicId: user.clinicId! });

const exportsOf = (patientId: number) =>
  ctx.db
    .select()
    .from(s.auditLog)
    .where(and(eq(s.auditLog.action, 'export'), eq(s.auditLog.entity, 'patient-record'), eq(s.auditLog.entityId, String(patientId))))
    .all();

describe('printing a patient’s record for a transfer', () => {
  it('returns the whole record and audits it as an export by the staff member, naming its pumps', () => {
    const { patient, pump } = addBaclofenPump(ctx, { mrn: 'REC-1' });
    const nurse = ctx.users.nurse;
    const detail = exportPatientRecord(ctx.db, actorOf(nurse), patient.id, Date.now());
    expect(detail.patient.id).toBe(patient.id);
    expect(detail.pumps.map((p) => p.id)).toEqual([pump.id]);
    const rows = exportsOf(patient.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ clinicId: ctx.clinic.id, actorId: nurse.id, after: { format: 'print', pumpIds: [pump.id] } });
  });

  it('refuses a patient of another clinic, and audits no export', () => {
    const { patient } = addBaclofenPump(ctx, { mrn: 'REC-2', clinicId: ctx.otherClinic.id });
    expect(() => exportPatientRecord(ctx.db, actorOf(ctx.users.nurse), patient.id, Date.now())).toThrow(NotFoundError);
    expect(exportsOf(patient.id)).toHaveLength(0);
  });
});
