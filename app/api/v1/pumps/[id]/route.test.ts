/** PATCH /api/v1/pumps/{id}: alarm volume, catheter volume, ERI date and explant, with the version check. */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppointment, createPatient, createPump, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { localDateOf } from '@/lib/domain/calendar';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { PATCH } = await import('./route');

let ctx: ApiTestContext;

function addPump(clinicId = ctx.clinic.id) {
  return addBaclofenPump(ctx, { clinicId }).pump.id;
}

const patch = (token: string | null, pumpId: number, body: unknown) =>
  call(PATCH, { method: 'PATCH', token, body, params: { id: String(pumpId) } });
const pumpRow = (id: number) => ctx.db.select().from(s.pumps).where(eq(s.pumps.id, id)).get()!;
const stored = (id: number) =>
  ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, id)).get();

beforeAll(() => {
  ctx = setupApiTest();
});

describe('PATCH /api/v1/pumps/{id}', () => {
  it('item 9: refuses an alarm below the model’s 2 mL or at the reservoir, naming the field, writing nothing', async () => {
    const pumpId = addPump();
    for (const [alarmMl, message] of [
      [0, /^Alarm volume must be at least 2 mL/],
      [1.5, /^Alarm volume must be at least 2 mL/],
      [20, /^Alarm volume must be less than the reservoir \(20 mL\)/],
    ] as const) {
      const r = await patch(ctx.tokens.nurse, pumpId, { version: 1, alarmMl });
      expect(r.status).toBe(400);
      expect(r.body.fields.alarmMl).toMatch(message);
    }
    expect(pumpRow(pumpId)).toMatchObject({ alarmUl: 2000, version: 1 });
  });

  it('raises the alarm volume, bumps the version, audits, and brings the stored alarm earlier', async () => {
    const pumpId = addPump();
    const before = stored(pumpId)!;
    const r = await patch(ctx.tokens.nurse, pumpId, { version: 1, alarmMl: 4 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: pumpId, version: 2, status: 'active' });
    expect(pumpRow(pumpId).alarmUl).toBe(4000);
    // 2 mL more reserve at 0.5 mL/day: the alarm comes 4 days earlier.
    expect(before.lowReservoirAlarmAt! - stored(pumpId)!.lowReservoirAlarmAt!).toBe(4 * DAY_MS);
    const audit = ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entity, 'pump'))
      .all()
      .find((a) => a.entityId === String(pumpId));
    expect(audit?.before).toMatchObject({ alarmUl: 2000 });
    expect(audit?.after).toMatchObject({ alarmUl: 4000 });
  });

  it('answers 409 on a stale version and writes nothing', async () => {
    const pumpId = addPump();
    expect((await patch(ctx.tokens.nurse, pumpId, { version: 1, catheterVolumeMl: 0.2 })).status).toBe(200);
    const stale = await patch(ctx.tokens.nurse, pumpId, { version: 1, alarmMl: 3 });
    expect(stale.status).toBe(409);
    expect(pumpRow(pumpId)).toMatchObject({ alarmUl: 2000, catheterVolumeUl: 200, version: 2 });
  });

  it('explants: status explanted, off the worklist, booked appointments cancelled', async () => {
    const pumpId = addPump();
    const appt = createAppointment(ctx.db, { pumpId, startsAt: Date.now() + 3 * DAY_MS });
    const noReason = await patch(ctx.tokens.physician, pumpId, { version: 1, explantedOn: '2025-06-01' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields.reason).toMatch(/required/);
    const r = await patch(ctx.tokens.physician, pumpId, {
      version: 1,
      explantedOn: '2025-06-01',
      reason: 'Infection',
    });
    expect(r.status).toBe(200);
    expect(pumpRow(pumpId)).toMatchObject({ status: 'explanted', explantedOn: '2025-06-01' });
    expect(stored(pumpId)).toBeUndefined();
    expect(ctx.db.select().from(s.appointments).where(eq(s.appointments.id, appt.id)).get()).toMatchObject({
      status: 'cancelled',
      sequence: 1,
    });
    const again = await patch(ctx.tokens.physician, pumpId, { version: 2, alarmMl: 3 });
    expect(again.status).toBe(400);
  });

  it('validates with field messages and writes nothing', async () => {
    const pumpId = addPump();
    const r = await patch(ctx.tokens.nurse, pumpId, { version: 1, alarmMl: 25, eriRecordedOn: 'soon' });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.fields).sort()).toEqual(['alarmMl', 'eriRecordedOn']);
    const early = await patch(ctx.tokens.nurse, pumpId, {
      version: 1,
      explantedOn: '2023-01-01',
      reason: 'x',
    });
    expect(early.body.fields.explantedOn).toMatch(/before the implant date/);
    expect(pumpRow(pumpId).version).toBe(1);
  });

  it('is refused to front desk and admin, and 404 for another clinic', async () => {
    const pumpId = addPump();
    const foreign = addPump(ctx.otherClinic.id);
    expect((await patch(ctx.tokens['front-desk'], pumpId, { version: 1, alarmMl: 3 })).status).toBe(403);
    expect((await patch(ctx.tokens.admin, pumpId, { version: 1, alarmMl: 3 })).status).toBe(403);
    expect((await patch(ctx.tokens.nurse, foreign, { version: 1, alarmMl: 3 })).status).toBe(404);
    expect(pumpRow(foreign).alarmUl).toBe(2000);
  });
});

describe('PATCH /api/v1/pumps/{id}: the dates, the cleared values and the record of each edit', () => {
  const today = () => localDateOf(Date.now(), 'America/Chicago');
  const tomorrow = () => new Date(Date.parse(`${today()}T12:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  const auditRows = (pumpId: number) =>
    ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, 'pump'), eq(s.auditLog.entityId, String(pumpId))))
      .all();

  it('refuses an alarm below the model’s recommended volume where that is above the 2 mL floor', async () => {
    // A model whose maker recommends a 3 mL alarm (none in the catalogue yet: SynchroMed II's is the floor itself).
    const { id: _id, ...synchroMed } = ctx.catalog.models.get('8637-20')!;
    const model = ctx.db
      .insert(s.pumpModels)
      .values({ ...synchroMed, modelNumber: 'TEST-3ML', defaultAlarmUl: 3000 })
      .returning()
      .get();
    const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'ALARM-3ML' });
    const { pump } = createPump(ctx.db, {
      patientId: patient.id,
      model,
      serial: 'A3-1',
      implantedOn: '2024-01-01',
      alarmMl: 3,
      program: { drugId: ctx.catalog.drugs.get('Lioresal Intrathecal')!.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
      filledAt: Date.now() - 5 * DAY_MS,
      fillMl: 20,
    });
    const r = await patch(ctx.tokens.nurse, pump.id, { version: 1, alarmMl: 2.5 });
    expect(r.status).toBe(400);
    expect(r.body.fields.alarmMl).toMatch(/^Alarm volume must be at least 3 mL, the model's recommended alarm volume/);
    expect(pumpRow(pump.id).alarmUl).toBe(3000);
  });

  it('takes an ERI date from the implant day to today, and refuses one in the future or before the implant', async () => {
    const pumpId = addPump();
    const future = await patch(ctx.tokens.nurse, pumpId, { version: 1, eriRecordedOn: tomorrow() });
    expect(future.status).toBe(400);
    expect(future.body.fields.eriRecordedOn).toBe('ERI date cannot be in the future');
    const early = await patch(ctx.tokens.nurse, pumpId, { version: 1, eriRecordedOn: '2023-12-31' });
    expect(early.status).toBe(400);
    expect(early.body.fields.eriRecordedOn).toBe('ERI date cannot be before the implant date (2024-01-01)');
    expect(pumpRow(pumpId)).toMatchObject({ eriRecordedOn: null, version: 1 });
    expect((await patch(ctx.tokens.nurse, pumpId, { version: 1, eriRecordedOn: '2024-01-01' })).status).toBe(200);
    expect((await patch(ctx.tokens.nurse, pumpId, { version: 2, eriRecordedOn: today() })).status).toBe(200);
    expect(pumpRow(pumpId).eriRecordedOn).toBe(today());
  });

  it('clears an ERI date or a catheter volume entered by mistake', async () => {
    const pumpId = addPump();
    await patch(ctx.tokens.nurse, pumpId, { version: 1, eriRecordedOn: today(), catheterVolumeMl: 0.2 });
    const r = await patch(ctx.tokens.nurse, pumpId, { version: 2, eriRecordedOn: null, catheterVolumeMl: null });
    expect(r.status).toBe(200);
    expect(pumpRow(pumpId)).toMatchObject({ eriRecordedOn: null, catheterVolumeUl: null, version: 3 });
  });

  it('audits each edit with its reason, or an empty one when none is given', async () => {
    const pumpId = addPump();
    await patch(ctx.tokens.nurse, pumpId, { version: 1, catheterVolumeMl: 0.2 });
    await patch(ctx.tokens.nurse, pumpId, { version: 2, alarmMl: 3, reason: 'Earlier warning for this patient' });
    const rows = auditRows(pumpId);
    expect(rows.map((r) => r.action)).toEqual(['update', 'update']);
    expect(rows[0]!.after).toMatchObject({ catheterVolumeUl: 200, version: 2, reason: '' });
    expect(rows[1]!.after).toMatchObject({ alarmUl: 3000, version: 3, reason: 'Earlier warning for this patient' });
  });

  it('explants on the implant day itself, and not in the future', async () => {
    const pumpId = addPump();
    const future = await patch(ctx.tokens.physician, pumpId, { version: 1, explantedOn: tomorrow(), reason: 'Infection' });
    expect(future.status).toBe(400);
    expect(future.body.fields.explantedOn).toBe('Explant date cannot be in the future');
    const sameDay = await patch(ctx.tokens.physician, pumpId, { version: 1, explantedOn: '2024-01-01', reason: 'Pocket infection' });
    expect(sameDay.status).toBe(200);
    expect(pumpRow(pumpId)).toMatchObject({ status: 'explanted', explantedOn: '2024-01-01' });
  });

  it('says when an explanted pump was explanted, and audits each booked appointment the explant cancels', async () => {
    const pumpId = addPump();
    const appt = createAppointment(ctx.db, { pumpId, startsAt: Date.now() + 3 * DAY_MS });
    await patch(ctx.tokens.physician, pumpId, { version: 1, explantedOn: '2025-06-01', reason: 'Infection' });
    const cancelled = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, 'appointment'), eq(s.auditLog.entityId, String(appt.id))))
      .all();
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({
      action: 'update',
      before: { status: 'booked' },
      after: { status: 'cancelled', reason: 'Pump explanted' },
    });
    const again = await patch(ctx.tokens.nurse, pumpId, { version: 2, catheterVolumeMl: 0.2 });
    expect(again.status).toBe(400);
    expect(again.body.fields['(body)']).toBe('This pump was explanted on 2025-06-01: it can no longer be changed.');
  });

  it('names the pump in a 409', async () => {
    const pumpId = addPump();
    await patch(ctx.tokens.nurse, pumpId, { version: 1, catheterVolumeMl: 0.2 });
    const stale = await patch(ctx.tokens.nurse, pumpId, { version: 1, catheterVolumeMl: 0.3 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/^This pump was changed by someone else/);
  });

  it('changes only what is sent: an alarm edit keeps the catheter volume and the booked appointments', async () => {
    const pumpId = addPump();
    const appt = createAppointment(ctx.db, { pumpId, startsAt: Date.now() + 3 * DAY_MS });
    await patch(ctx.tokens.nurse, pumpId, { version: 1, catheterVolumeMl: 0.2 });
    expect((await patch(ctx.tokens.nurse, pumpId, { version: 2, alarmMl: 3 })).status).toBe(200);
    expect(pumpRow(pumpId)).toMatchObject({ alarmUl: 3000, catheterVolumeUl: 200, status: 'active' });
    expect(ctx.db.select().from(s.appointments).where(eq(s.appointments.id, appt.id)).get()).toMatchObject({
      status: 'booked',
      sequence: 0,
    });
  });
});
