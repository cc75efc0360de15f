/** POST /api/v1/pumps/{id}/replace: explant and implant a new pump in one transaction. */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppointment, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { localDateOf } from '@/lib/domain/calendar';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { POST } = await import('./route');

let ctx: ApiTestContext;
const today = () => localDateOf(Date.now(), 'America/Chicago');

let seq = 0;

function addPump(clinicId = ctx.clinic.id) {
  seq++;
  const { pump, patient } = addBaclofenPump(ctx, { clinicId, implantedOn: '2019-01-01' });
  return { pumpId: pump.id, patientId: patient.id };
}

const body = (
  overrides: {
    newPump?: Record<string, unknown>;
    initialFill?: Record<string, unknown>;
    program?: Record<string, unknown>;
    version?: number;
  } = {},
) => ({
  version: overrides.version ?? 1,
  explantedOn: today(),
  reason: 'End of service (ERI)',
  newPump: {
    modelId: ctx.catalog.models.get('8637-40')!.id,
    serial: `NEW-${seq}`,
    implantedOn: today(),
    ...overrides.newPump,
  },
  initialFill: { volumeMl: 40, drugLot: 'LOT-N', drugExpiresOn: '2099-01-01', ...overrides.initialFill },
  program: {
    drugId: ctx.catalog.drugs.get('Lioresal Intrathecal')!.id,
    concentrationMcgPerMl: 500,
    mode: 'simple',
    doseMcgPerDay: 250,
    ...overrides.program,
  },
});
const post = (token: string | null, pumpId: number, b: unknown) =>
  call(POST, { method: 'POST', token, body: b, params: { id: String(pumpId) } });
const pumpsOf = (patientId: number) =>
  ctx.db.select().from(s.pumps).where(eq(s.pumps.patientId, patientId)).all();

beforeAll(() => {
  ctx = setupApiTest();
});

describe('POST /api/v1/pumps/{id}/replace', () => {
  it('explants the old pump and implants the new one with its program, fill and forecast; booked refills follow', async () => {
    const { pumpId, patientId } = addPump();
    const appt = createAppointment(ctx.db, { pumpId, startsAt: Date.now() + 10 * DAY_MS });
    const r = await post(ctx.tokens.nurse, pumpId, body());
    expect(r.status).toBe(201);
    const { newPumpId } = r.body;
    const old = pumpsOf(patientId).find((p) => p.id === pumpId)!;
    const fresh = pumpsOf(patientId).find((p) => p.id === newPumpId)!;
    expect(old).toMatchObject({ status: 'explanted', explantedOn: today(), version: 2 });
    // Alarm and reservoir default to the 8637-40's catalogue values.
    expect(fresh).toMatchObject({
      status: 'active',
      reservoirUl: 40_000,
      alarmUl: 2_000,
      serial: `NEW-${seq}`,
    });
    const fill = ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, newPumpId)).get()!;
    expect(fill).toMatchObject({
      kind: 'initial-fill',
      reservoirAfterUl: 40_000,
      drugExpiresOn: '2099-01-01',
      performedById: ctx.users.nurse.id,
    });
    const programs = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, newPumpId)).all();
    expect(programs).toHaveLength(1);
    expect(programs[0]).toMatchObject({ versionNo: 1, doseNgPerDay: 250_000, supersededAt: null });
    const forecasts = ctx.db
      .select()
      .from(s.pumpForecasts)
      .all()
      .map((f) => f.pumpId);
    expect(forecasts).toContain(newPumpId);
    expect(forecasts).not.toContain(pumpId);
    expect(ctx.db.select().from(s.appointments).where(eq(s.appointments.id, appt.id)).get()).toMatchObject({
      pumpId: newPumpId,
      status: 'booked',
      sequence: 1,
    });
    const audits = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, 'pump'), eq(s.auditLog.actorId, ctx.users.nurse.id)))
      .all();
    expect(audits.map((a) => a.entityId).sort()).toEqual([String(pumpId), String(newPumpId)].sort());
  });

  it('writes nothing when the new pump is invalid (fill above capacity, model without a reservoir)', async () => {
    const { pumpId, patientId } = addPump();
    const over = await post(
      ctx.tokens.nurse,
      pumpId,
      body({ newPump: { modelId: ctx.catalog.models.get('8637-20')!.id }, initialFill: { volumeMl: 25 } }),
    );
    expect(over.status).toBe(400);
    expect(over.body.fields['initialFill.volumeMl']).toMatch(/at most 20 mL/);
    const codman = await post(
      ctx.tokens.nurse,
      pumpId,
      body({
        newPump: { modelId: ctx.catalog.models.get('3000')!.id },
        program: { mode: 'constant-flow', doseMcgPerDay: undefined },
      }),
    );
    expect(codman.status).toBe(400);
    expect(codman.body.fields['newPump.reservoirMl']).toMatch(/required/);
    const shape = await post(ctx.tokens.nurse, pumpId, { version: 1, newPump: {} });
    expect(shape.status).toBe(400);
    expect(Object.keys(shape.body.fields)).toEqual(
      expect.arrayContaining(['explantedOn', 'reason', 'newPump.serial', 'initialFill', 'program']),
    );
    expect(pumpsOf(patientId)).toHaveLength(1);
    expect(pumpsOf(patientId)[0]!.status).toBe('active');
  });

  it('answers 409 on a stale version, 404 for another clinic, 403 for the front desk', async () => {
    const { pumpId, patientId } = addPump();
    expect((await post(ctx.tokens.nurse, pumpId, body({ version: 3 }))).status).toBe(409);
    expect((await post(ctx.tokens['front-desk'], pumpId, body())).status).toBe(403);
    const foreign = addPump(ctx.otherClinic.id);
    expect((await post(ctx.tokens.nurse, foreign.pumpId, body())).status).toBe(404);
    expect(pumpsOf(patientId)).toHaveLength(1);
    expect(pumpsOf(foreign.patientId)).toHaveLength(1);
  });
});
