/** PATCH /api/v1/pumps/{id}: alarm volume, catheter volume, ERI date and explant, with the version check. */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppointment, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
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
