/** GET/PATCH /api/v1/patients/{id}: the patient record (audited view) and its edits with the version check. */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppointment, createPatient, createPump, createRefillVisit, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { addDaysToLocalDate, localDateOf } from '@/lib/domain/calendar';
import { cardStatus, loadCard, recordCardPrint } from '@/db/queries/cards';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { GET, PATCH } = await import('./route');

let ctx: ApiTestContext;
let seq = 0;

function addPatient(clinicId = ctx.clinic.id) {
  seq++;
  const drug = ctx.catalog.drugs.get('Lioresal Intrathecal')!;
  const patient = createPatient(ctx.db, {
    clinicId,
    mrn: `PT-${seq}`,
    givenName: 'Grace',
    familyName: 'Thompson',
    riskInjuryT6OrAbove: true,
    riskHearingImpaired: true,
    caregiverName: 'Sam',
  });
  const { pump, program } = createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get('8637-20')!,
    serial: `PT-${seq}`,
    implantedOn: '2024-01-01',
    program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
    filledAt: Date.now() - 40 * DAY_MS,
    fillMl: 20,
  });
  createRefillVisit(ctx.db, {
    pumpId: pump.id,
    drugId: drug.id,
    performedAt: Date.now() - 8 * DAY_MS,
    expectedResidualMl: 4,
    aspiratedResidualMl: 7,
    fillMl: 20,
    concentrationMcgPerMl: 500,
    programId: program.id,
    discrepancyFlag: 'under-infusion',
  });
  createAppointment(ctx.db, { pumpId: pump.id, startsAt: Date.now() + 20 * DAY_MS });
  return { patientId: patient.id, pumpId: pump.id };
}

const get = (token: string | null, id: number | string) => call(GET, { token, params: { id: String(id) } });
const patch = (token: string | null, id: number, body: unknown) =>
  call(PATCH, { method: 'PATCH', token, body, params: { id: String(id) } });
const views = (patientId: number) =>
  ctx.db
    .select()
    .from(s.auditLog)
    .where(
      and(
        eq(s.auditLog.action, 'view'),
        eq(s.auditLog.entity, 'patient'),
        eq(s.auditLog.entityId, String(patientId)),
      ),
    )
    .all();

beforeAll(() => {
  ctx = setupApiTest();
});

describe('GET /api/v1/patients/{id}', () => {
  it('returns the record with flags, pump, program, forecast, visits and appointments, and logs every view (one row per request, a refresh too)', async () => {
    const { patientId, pumpId } = addPatient();
    const r = await get(ctx.tokens.nurse, patientId);
    expect(r.status).toBe(200);
    expect(r.body.patient).toMatchObject({
      id: patientId,
      givenName: 'Grace',
      riskInjuryT6OrAbove: true,
      riskHearingImpaired: true,
      riskCommunication: false,
      caregiverName: 'Sam',
      version: 1,
    });
    const pump = r.body.pumps[0];
    expect(pump).toMatchObject({
      id: pumpId,
      status: 'active',
      reservoirMl: 20,
      alarmMl: 2,
      model: { modelNumber: '8637-20' },
    });
    expect(pump.program).toMatchObject({
      versionNo: 1,
      dailyDoseMcg: 250,
      concentrationMcgPerMl: 500,
      mode: 'simple',
      doseUnit: 'mcg',
    });
    // Refilled 8 days ago to 20 mL at 0.5 mL/day.
    expect(pump.forecast.volumeNowMl).toBeCloseTo(16, 1);
    expect(pump.forecast.dailyVolumeMl).toBeCloseTo(0.5, 6);
    expect(pump.forecast.curve.length).toBeGreaterThan(10);
    expect(pump.forecast.curve[0].volumeMl).toBeCloseTo(20, 6);
    expect(pump.visits.map((v: { kind: string }) => v.kind)).toEqual(['refill', 'initial-fill']);
    expect(pump.visits[0]).toMatchObject({
      expectedResidualMl: 4,
      aspiratedResidualMl: 7,
      discrepancyMl: -3,
      discrepancyFlag: 'under-infusion',
    });
    // −3 mL of the 16 mL programmed since the initial fill.
    expect(pump.visits[0].discrepancyPct).toBeCloseTo(-18.75, 0);
    expect(pump.appointments).toHaveLength(1);
    expect(views(patientId)).toHaveLength(1);
    await get(ctx.tokens['front-desk'], patientId);
    expect(views(patientId)).toHaveLength(2);
    await get(ctx.tokens.nurse, patientId);
    expect(views(patientId)).toHaveLength(3);
    expect(views(patientId)[0]!.after).toEqual({ patientIds: [patientId] });
  });

  it('answers the front desk with the scheduling view only: no dose, program, visit, allergy, discrepancy or alert sentence (issue 14)', async () => {
    const { patientId, pumpId } = addPatient();
    const full = await get(ctx.tokens.nurse, patientId);
    expect(full.body.pumps[0].forecast.alerts.map((a: { code: string }) => a.code)).toContain('E5');

    const r = await get(ctx.tokens['front-desk'], patientId);
    expect(r.status).toBe(200);
    expect(r.body.view).toBe('scheduling');
    expect(Object.keys(r.body.patient).sort()).toEqual(['dateOfBirth', 'familyName', 'givenName', 'id', 'mrn', 'nameOrder', 'phone']);
    expect(r.body.patient).toMatchObject({ id: patientId, givenName: 'Grace', familyName: 'Thompson', mrn: `PT-${seq}` });
    const pump = r.body.pumps[0];
    expect(Object.keys(pump).sort()).toEqual(['appointments', 'constantFlow', 'forecast', 'id', 'label', 'status']);
    expect(pump).toMatchObject({ id: pumpId, status: 'active', constantFlow: false });
    expect(Object.keys(pump.forecast).sort()).toEqual(['alerts', 'emptyAt', 'lowReservoirAlarmAt', 'nextAppointmentAt', 'refillDueOn', 'status']);
    expect(pump.forecast.refillDueOn).toBe(full.body.pumps[0].forecast.refillDueOn);
    expect(pump.forecast.lowReservoirAlarmAt).toBe(full.body.pumps[0].forecast.lowReservoirAlarmAt);
    expect(pump.forecast.nextAppointmentAt).toBe(full.body.pumps[0].forecast.nextAppointmentAt);
    expect(pump.forecast.status).toBe(full.body.pumps[0].forecast.status);
    // The residual discrepancy (E5) is clinical; its weight is in the status, its sentence is not sent.
    expect(pump.forecast.alerts.map((a: { code: string }) => a.code)).not.toContain('E5');
    expect(pump.appointments).toHaveLength(1);
    const text = JSON.stringify(r.body);
    for (const clinical of [/allerg/i, /dose/i, /concentration/i, /program/i, /visit/i, /aspirated/i, /discrepanc/i, /caregiver/i, /risk/i, /serial/i, /volume/i, /backupOral/i])
      expect(text).not.toMatch(clinical);
    // Still one audited view per request, as for everyone.
    expect(views(patientId).length).toBeGreaterThanOrEqual(2);
  });

  it('never sends secrets or other clinics’ data', async () => {
    const { patientId } = addPatient();
    const text = JSON.stringify((await get(ctx.tokens.nurse, patientId)).body);
    expect(text).not.toMatch(/password|tokenHash|token_hash|email/i);
  });

  it("answers 404 for another clinic's patient or a malformed id, 401/403 without the permission", async () => {
    const foreign = addPatient(ctx.otherClinic.id);
    expect((await get(ctx.tokens.nurse, foreign.patientId)).status).toBe(404);
    expect((await get(ctx.tokens.nurse, 'abc')).status).toBe(404);
    expect((await get(ctx.tokens.admin, foreign.patientId)).status).toBe(403);
    expect((await get(null, foreign.patientId)).status).toBe(401);
    expect(views(foreign.patientId)).toHaveLength(0);
  });
});

describe('PATCH /api/v1/patients/{id}', () => {
  it('changes risk flags and the caregiver, bumps the version and audits before and after', async () => {
    const { patientId } = addPatient();
    const r = await patch(ctx.tokens.nurse, patientId, {
      version: 1,
      riskCommunication: true,
      caregiverPhone: '+1 555 0100',
      backupOralPlan: 'Oral baclofen 20 mg q6h',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: patientId, version: 2 });
    expect(r.body.changed.sort()).toEqual(['backupOralPlan', 'caregiverPhone', 'riskCommunication']);
    const row = ctx.db.select().from(s.patients).where(eq(s.patients.id, patientId)).get()!;
    expect(row).toMatchObject({ riskCommunication: true, caregiverPhone: '+1 555 0100', version: 2 });
    const audit = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.action, 'update'), eq(s.auditLog.entityId, String(patientId))))
      .get()!;
    expect(audit.before).toEqual({ riskCommunication: false, caregiverPhone: '', backupOralPlan: '' });
  });

  it('answers 409 when someone saved in between, and writes nothing', async () => {
    const { patientId } = addPatient();
    expect((await patch(ctx.tokens.nurse, patientId, { version: 1, notes: 'first' })).status).toBe(200);
    const stale = await patch(ctx.tokens.physician, patientId, { version: 1, notes: 'second' });
    expect(stale.status).toBe(409);
    expect(ctx.db.select().from(s.patients).where(eq(s.patients.id, patientId)).get()!.notes).toBe('first');
  });

  it('answers 400 with field names and writes nothing', async () => {
    const { patientId } = addPatient();
    const r = await patch(ctx.tokens.nurse, patientId, {
      version: 1,
      givenName: '',
      riskInjuryT6OrAbove: 'yes',
      dateOfBirth: '1990-13-01',
    });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.fields).sort()).toEqual(['dateOfBirth', 'givenName', 'riskInjuryT6OrAbove']);
    const doctor = await patch(ctx.tokens.nurse, patientId, {
      version: 1,
      managingPhysicianId: ctx.users.nurse.id,
    });
    expect(doctor.status).toBe(400);
    expect(doctor.body.fields.managingPhysicianId).toMatch(/physician of this clinic/);
    expect(ctx.db.select().from(s.patients).where(eq(s.patients.id, patientId)).get()!.version).toBe(1);
  });

  it('is refused to the front desk and admin, and 404 for another clinic', async () => {
    const { patientId } = addPatient();
    const foreign = addPatient(ctx.otherClinic.id);
    expect((await patch(ctx.tokens['front-desk'], patientId, { version: 1, notes: 'x' })).status).toBe(403);
    expect((await patch(ctx.tokens.admin, patientId, { version: 1, notes: 'x' })).status).toBe(403);
    expect((await patch(ctx.tokens.nurse, foreign.patientId, { version: 1, notes: 'x' })).status).toBe(404);
  });
});

// Issue 18, item 4: a patient's identity can be corrected after creation (it could not be at all).
describe('PATCH /api/v1/patients/{id}: correcting the identity', () => {
  const row = (patientId: number) => ctx.db.select().from(s.patients).where(eq(s.patients.id, patientId)).get()!;
  const lastUpdate = (patientId: number) =>
    ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.action, 'update'), eq(s.auditLog.entity, 'patient'), eq(s.auditLog.entityId, String(patientId))))
      .all()
      .at(-1)!;

  it('corrects MRN, names, name order, date of birth and origin, audited with each old and new value', async () => {
    const { patientId } = addPatient();
    const r = await patch(ctx.tokens.physician, patientId, {
      version: 1,
      mrn: ' MRN-CORRECTED-1 ',
      givenName: 'Grace Ann',
      familyName: 'Thomson',
      nameOrder: 'family-first',
      dateOfBirth: '1971-04-09',
      spasticityOrigin: 'cerebral',
    });
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(2);
    expect(row(patientId)).toMatchObject({
      mrn: 'MRN-CORRECTED-1',
      givenName: 'Grace Ann',
      familyName: 'Thomson',
      nameOrder: 'family-first',
      dateOfBirth: '1971-04-09',
      spasticityOrigin: 'cerebral',
    });
    const audit = lastUpdate(patientId);
    expect(audit.actorId).toBe(ctx.users.physician.id);
    expect(audit.before).toMatchObject({
      mrn: `PT-${seq}`,
      givenName: 'Grace',
      familyName: 'Thompson',
      nameOrder: 'given-first',
      spasticityOrigin: 'spinal',
    });
    expect(audit.after).toEqual({
      mrn: 'MRN-CORRECTED-1',
      givenName: 'Grace Ann',
      familyName: 'Thomson',
      nameOrder: 'family-first',
      dateOfBirth: '1971-04-09',
      spasticityOrigin: 'cerebral',
    });
  });

  it('refuses an MRN another patient of the clinic has (in any case) with a field error, and writes nothing', async () => {
    const first = addPatient();
    const { patientId } = addPatient();
    const taken = row(first.patientId).mrn.toLowerCase();
    const r = await patch(ctx.tokens.nurse, patientId, { version: 1, mrn: taken, givenName: 'Changed' });
    expect(r.status).toBe(400);
    expect(r.body.fields.mrn).toBe(`MRN ${taken} is already used by another patient of this clinic.`);
    expect(row(patientId)).toMatchObject({ version: 1, givenName: 'Grace' });
    // Another clinic's MRNs are theirs: the same MRN is allowed here.
    const foreign = addPatient(ctx.otherClinic.id);
    const ok = await patch(ctx.tokens.nurse, patientId, { version: 1, mrn: row(foreign.patientId).mrn });
    expect(ok.status).toBe(200);
    // Its own MRN in another case is not "another patient's".
    const own = await patch(ctx.tokens.nurse, patientId, { version: 2, mrn: row(patientId).mrn.toLowerCase() });
    expect(own.status).toBe(200);
  });

  it('names the field in every validation message, and refuses a date of birth after the implant', async () => {
    const { patientId } = addPatient();
    const r = await patch(ctx.tokens.nurse, patientId, {
      version: 1,
      mrn: 'has space',
      familyName: '   ',
      dateOfBirth: '1971-02-30',
      spasticityOrigin: 'brain',
    });
    expect(r.status).toBe(400);
    expect(r.body.fields).toEqual({
      mrn: 'MRN may contain letters, digits and - / . only',
      familyName: 'Family name is required',
      dateOfBirth: 'Date of birth is not a real calendar date',
      spasticityOrigin: 'Spasticity origin must be spinal, cerebral or other',
    });
    // The pump was implanted on 2024-01-01.
    const late = await patch(ctx.tokens.nurse, patientId, { version: 1, dateOfBirth: '2024-06-01' });
    expect(late.status).toBe(400);
    expect(late.body.fields.dateOfBirth).toBe('Date of birth must be before the first implant (2024-01-01).');
    expect(row(patientId).version).toBe(1);
  });

  it('refuses a stale correction (409, saying why) and never overwrites the other person’s', async () => {
    const { patientId } = addPatient();
    expect((await patch(ctx.tokens.nurse, patientId, { version: 1, familyName: 'Thomson' })).status).toBe(200);
    const stale = await patch(ctx.tokens.physician, patientId, { version: 1, familyName: 'Thompsen', mrn: 'STALE-1' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/changed by someone else while you were editing .*Reload/);
    expect(row(patientId)).toMatchObject({ familyName: 'Thomson', mrn: `PT-${seq}`, version: 2 });
  });

  for (const [what, change] of [
    ['the family name', { familyName: 'Thomson' }],
    ['the name order', { nameOrder: 'family-first' }],
    ['the date of birth', { dateOfBirth: '1960-01-01' }],
    ['the MRN', { mrn: 'MRN-REPRINT' }],
  ] as const) {
    it(`correcting ${what} makes the printed emergency card outdated`, async () => {
      const { patientId, pumpId } = addPatient();
      const now = Date.now();
      const nurse = { id: ctx.users.nurse.id, name: ctx.users.nurse.name, clinicId: ctx.clinic.id };
      const fingerprint = loadCard(ctx.db, ctx.clinic.id, patientId, pumpId, now).fingerprint!;
      recordCardPrint(ctx.db, nurse, patientId, { pumpId, kind: 'card', fingerprint }, now);
      expect(cardStatus(ctx.db, ctx.clinic.id, pumpId, now).cardOutdated).toBe(false);
      expect((await patch(ctx.tokens.nurse, patientId, { version: 1, ...change })).status).toBe(200);
      expect(cardStatus(ctx.db, ctx.clinic.id, pumpId, Date.now()).cardOutdated).toBe(true);
    });
  }
});

describe('PATCH /api/v1/patients/{id}: what is checked, written and refreshed', () => {
  const row = (patientId: number) => ctx.db.select().from(s.patients).where(eq(s.patients.id, patientId)).get()!;
  const storedForecast = (pumpId: number) =>
    ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get();
  const clinicToday = () => localDateOf(Date.now(), ctx.clinic.timeZone);

  it("refuses a date of birth after the clinic's today, or after the first implant; the implant day itself is possible", async () => {
    const { patientId } = addPatient();
    // Two days ahead: still the future if the clinic's midnight passes during the test.
    const future = await patch(ctx.tokens.nurse, patientId, { version: 1, dateOfBirth: addDaysToLocalDate(clinicToday(), 2) });
    expect(future.status).toBe(400);
    expect(future.body).toMatchObject({ error: 'Invalid input', fields: { dateOfBirth: 'Date of birth cannot be in the future.' } });
    // Today is not the future, but it is after the 2024 implant.
    const today = await patch(ctx.tokens.nurse, patientId, { version: 1, dateOfBirth: clinicToday() });
    expect(today.body.fields.dateOfBirth).toBe('Date of birth must be before the first implant (2024-01-01).');
    expect((await patch(ctx.tokens.nurse, patientId, { version: 1, dateOfBirth: '2024-01-01' })).status).toBe(200);
  });

  it('takes a physician of the clinic as managing physician, and refuses anyone else as "Invalid input"', async () => {
    const { patientId } = addPatient();
    const nurse = await patch(ctx.tokens.nurse, patientId, { version: 1, managingPhysicianId: ctx.users.nurse.id });
    expect(nurse.body.error).toBe('Invalid input');
    const ok = await patch(ctx.tokens.nurse, patientId, { version: 1, managingPhysicianId: ctx.users.physician.id });
    expect(ok.status).toBe(200);
    expect(row(patientId).managingPhysicianId).toBe(ctx.users.physician.id);
  });

  it('records only what changed: a field sent with its current value is neither changed nor audited', async () => {
    const { patientId } = addPatient();
    const r = await patch(ctx.tokens.nurse, patientId, { version: 1, caregiverName: 'Sam', notes: 'Prefers mornings' });
    expect(r.status).toBe(200);
    expect(r.body.changed).toEqual(['notes']);
    const audit = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.action, 'update'), eq(s.auditLog.entity, 'patient'), eq(s.auditLog.entityId, String(patientId))))
      .all()
      .at(-1)!;
    expect(audit.before).toEqual({ notes: '' });
    expect(audit.after).toEqual({ notes: 'Prefers mornings' });
  });

  it("refreshes the stored forecasts of this patient's active pumps, and no one else's", async () => {
    const { patientId, pumpId } = addPatient();
    const other = addPatient();
    // The patient's earlier pump, explanted: no forecast is kept for a pump that is out.
    const explanted = createPump(ctx.db, {
      patientId,
      model: ctx.catalog.models.get('8637-20')!,
      serial: `PT-OLD-${patientId}`,
      implantedOn: '2018-01-01',
      program: { drugId: ctx.catalog.drugs.get('Lioresal Intrathecal')!.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
      filledAt: Date.now() - 90 * DAY_MS,
      fillMl: 20,
    }).pump.id;
    ctx.db.update(s.pumps).set({ status: 'explanted', explantedOn: '2023-12-31' }).where(eq(s.pumps.id, explanted)).run();
    expect(storedForecast(pumpId)).toBeUndefined();
    const before = Date.now();
    const r = await patch(ctx.tokens.nurse, patientId, { version: 1, riskPriorWithdrawal: true });
    expect(r.status).toBe(200);
    expect(storedForecast(pumpId)!.computedAt).toBeGreaterThanOrEqual(before);
    expect(storedForecast(other.pumpId)).toBeUndefined();
    expect(storedForecast(explanted)).toBeUndefined();
  });

  it('says which record was changed by someone else, and that a patient of another clinic is not found', async () => {
    const { patientId } = addPatient();
    expect((await patch(ctx.tokens.nurse, patientId, { version: 1, notes: 'a' })).status).toBe(200);
    const stale = await patch(ctx.tokens.nurse, patientId, { version: 1, notes: 'b' });
    expect(stale.body.error).toMatch(/^This patient record was changed by someone else/);
    const foreign = addPatient(ctx.otherClinic.id);
    const missing = await patch(ctx.tokens.nurse, foreign.patientId, { version: 1, notes: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('No such patient.');
  });
});
