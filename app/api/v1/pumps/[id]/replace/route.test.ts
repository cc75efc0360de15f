/** POST /api/v1/pumps/{id}/replace: explant and implant a new pump in one transaction. */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppointment, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
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

describe('POST /api/v1/pumps/{id}/replace: the checks on the new pump, and what the replacement records', () => {
  const dayBefore = (date: string) => new Date(Date.parse(`${date}T12:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  const dayAfter = (date: string) => new Date(Date.parse(`${date}T12:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  const model = (number: string) => ctx.catalog.models.get(number)!.id;

  it('refuses what cannot be implanted or filled, naming the field to correct, and writes nothing', async () => {
    const { pumpId, patientId } = addPump();
    const old = pumpsOf(patientId)[0]!;
    const cases: [string, ReturnType<typeof body>, RegExp][] = [
      [
        'explantedOn',
        { ...body({ newPump: { implantedOn: '2018-12-31' } }), explantedOn: '2018-12-31' },
        /before the implant date \(2019-01-01\)/,
      ],
      [
        'explantedOn',
        { ...body({ newPump: { implantedOn: dayAfter(today()) } }), explantedOn: dayAfter(today()) },
        /cannot be in the future/,
      ],
      ['newPump.implantedOn', body({ newPump: { implantedOn: dayAfter(today()) } }), /cannot be in the future/],
      ['newPump.modelId', body({ newPump: { modelId: 999_999 } }), /chosen from the catalogue/],
      [
        'newPump.alarmMl',
        body({ newPump: { modelId: model('13827') }, initialFill: { volumeMl: 20 } }),
        /Prometra II has no default alarm volume/,
      ],
      ['newPump.alarmMl', body({ newPump: { alarmMl: 1 } }), /2 mL/],
      [
        'newPump.alarmMl',
        body({ newPump: { modelId: model('8637-20'), alarmMl: 20 }, initialFill: { volumeMl: 20 } }),
        /^Alarm volume must be less than the reservoir \(20 mL\)/,
      ],
      ['initialFill.volumeMl', body({ newPump: { modelId: model('8637-20') }, initialFill: { volumeMl: 25 } }), /^Initial fill/],
      [
        'newPump.flowMlPerDay',
        body({
          newPump: { modelId: model('3000'), reservoirMl: 30, alarmMl: 3 },
          initialFill: { volumeMl: 30 },
          program: { mode: 'constant-flow', doseMcgPerDay: undefined },
        }),
        /Flow rate is required/,
      ],
      [
        'program.mode',
        body({
          newPump: { modelId: model('3000'), reservoirMl: 30, alarmMl: 3, flowMlPerDay: 1 },
          initialFill: { volumeMl: 30 },
        }),
        /must be constant-flow/,
      ],
      ['program.mode', body({ program: { mode: 'constant-flow', doseMcgPerDay: undefined } }), /needs a constant-flow pump/],
      ['program.drugId', body({ program: { drugId: 999_999 } }), /chosen from the list/],
      ['program.concentrationMcgPerMl', body({ program: { concentrationMcgPerMl: 550 } }), /one of 50, 500, 2000/],
      [
        'initialFill.drugExpiresOn',
        body({ initialFill: { drugExpiresOn: '2000-01-01' } }),
        /expired on 2000-01-01: do not use it/,
      ],
      [
        'newPump.serial',
        body({ newPump: { modelId: old.modelId, serial: old.serial }, initialFill: { volumeMl: 20 } }),
        /same model and serial number/,
      ],
    ];
    for (const [field, b, message] of cases) {
      const r = await post(ctx.tokens.nurse, pumpId, b);
      expect({ field, status: r.status }).toEqual({ field, status: 400 });
      expect(r.body.fields[field]).toMatch(message);
    }
    expect(pumpsOf(patientId)).toHaveLength(1);
    expect(pumpsOf(patientId)[0]).toMatchObject({ status: 'active', version: 1 });
  });

  it('refuses to replace a pump already explanted, saying when', async () => {
    const { pumpId, patientId } = addPump();
    expect((await post(ctx.tokens.nurse, pumpId, body())).status).toBe(201);
    const again = await post(ctx.tokens.nurse, pumpId, body({ version: 2 }));
    expect(again.status).toBe(400);
    expect(again.body.fields['(body)']).toBe(`This pump was already explanted on ${today()}.`);
    expect(pumpsOf(patientId)).toHaveLength(2);
  });

  it('records a replacement entered the day after at noon of the implant day, with the physician who entered it as prescriber', async () => {
    const { pumpId } = addPump();
    const yesterday = dayBefore(today());
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      { ...body({ newPump: { implantedOn: yesterday, catheterVolumeMl: 0.3 } }), explantedOn: yesterday },
    );
    expect(r.status).toBe(201);
    const fill = ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, r.body.newPumpId)).get()!;
    expect(fill.performedAt).toBe(localDateTimeToInstant(yesterday, '12:00', 'America/Chicago'));
    expect(fill.performedByName).toBe(ctx.users.physician.name);
    const fresh = ctx.db.select().from(s.pumps).where(eq(s.pumps.id, r.body.newPumpId)).get()!;
    expect(fresh).toMatchObject({ implantedOn: yesterday, catheterVolumeUl: 300, flowUlPerDay: null });
    const [program] = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, r.body.newPumpId)).all();
    expect(program).toMatchObject({ prescriberId: ctx.users.physician.id, createdById: ctx.users.physician.id });
    expect(program!.reason).toMatch(/^Replacement of pump S-.*: End of service \(ERI\)$/);
  });

  it('a nurse entering a replacement is not its prescriber', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.nurse, pumpId, body());
    const [program] = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, r.body.newPumpId)).all();
    expect(program).toMatchObject({ prescriberId: null, createdById: ctx.users.nurse.id });
  });

  it('carries a flex program with its periodic and patient boluses to the new pump', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      body({
        program: {
          mode: 'flex',
          doseMcgPerDay: 999,
          flexSteps: [
            { start: '00:00', doseMcgPerHour: 10 },
            { start: '12:00', doseMcgPerHour: 11 },
          ],
          periodicBoluses: [{ at: '08:00', doseMcg: 20 }],
          patientBolus: { doseMcg: 25, maxPerDay: 4 },
        },
      }),
    );
    expect(r.status).toBe(201);
    const [program] = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, r.body.newPumpId)).all();
    // 12 h × 10 + 12 h × 11 + 20 = 272 mcg/day: the steps decide, not a daily dose sent with them.
    expect(program).toMatchObject({
      mode: 'flex',
      doseNgPerDay: 272_000,
      flexSteps: [
        { start: '00:00', doseNgPerHour: 10_000 },
        { start: '12:00', doseNgPerHour: 11_000 },
      ],
      periodicBoluses: [{ at: '08:00', doseNg: 20_000 }],
      patientBolusDoseNg: 25_000,
      patientBolusMaxPerDay: 4,
    });
  });

  it('replaces with a constant-flow pump at its flow rate: the dose is flow × concentration', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      body({
        newPump: { modelId: model('3000'), reservoirMl: 30, alarmMl: 3, flowMlPerDay: 1 },
        initialFill: { volumeMl: 30 },
        program: { mode: 'constant-flow', doseMcgPerDay: undefined },
      }),
    );
    expect(r.status).toBe(201);
    const fresh = ctx.db.select().from(s.pumps).where(eq(s.pumps.id, r.body.newPumpId)).get()!;
    expect(fresh).toMatchObject({ flowUlPerDay: 1000, reservoirUl: 30_000, alarmUl: 3000 });
    const [program] = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, r.body.newPumpId)).all();
    expect(program).toMatchObject({ mode: 'constant-flow', doseNgPerDay: 500_000, periodicBoluses: null });
  });

  it('audits the explant with its reason, the new pump with what it replaces, and each appointment it moves', async () => {
    const { pumpId } = addPump();
    const appt = createAppointment(ctx.db, { pumpId, startsAt: Date.now() + 10 * DAY_MS });
    const r = await post(ctx.tokens.nurse, pumpId, body());
    const rows = (entity: string, id: number) =>
      ctx.db
        .select()
        .from(s.auditLog)
        .where(and(eq(s.auditLog.entity, entity), eq(s.auditLog.entityId, String(id))))
        .all();
    const [explant] = rows('pump', pumpId);
    expect(explant).toMatchObject({ action: 'update', before: { status: 'active', version: 1 } });
    expect(explant!.after).toMatchObject({ status: 'explanted', explantedOn: today(), reason: 'End of service (ERI)' });
    const [created] = rows('pump', r.body.newPumpId);
    const [program] = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, r.body.newPumpId)).all();
    expect(created).toMatchObject({ action: 'create', before: null });
    expect(created!.after).toMatchObject({
      status: 'active',
      modelId: ctx.catalog.models.get('8637-40')!.id,
      replaces: pumpId,
      programId: program!.id,
      fillUl: 40_000,
    });
    const [moved] = rows('appointment', appt.id);
    expect(moved).toMatchObject({
      action: 'update',
      actorId: ctx.users.nurse.id,
      before: { pumpId },
      after: { pumpId: r.body.newPumpId, reason: 'Pump replaced' },
    });
  });

  it('fills a pump implanted today at the moment it is recorded', async () => {
    const { pumpId } = addPump();
    const t0 = Date.now();
    const r = await post(ctx.tokens.nurse, pumpId, body());
    const t1 = Date.now();
    const fill = ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, r.body.newPumpId)).get()!;
    expect(fill.performedAt).toBeGreaterThanOrEqual(t0);
    expect(fill.performedAt).toBeLessThanOrEqual(t1);
  });

  it('takes the same model with another serial, or the same serial on another model, and a drug expiring on the implant day', async () => {
    const sameModel = addPump();
    const old = ctx.db.select().from(s.pumps).where(eq(s.pumps.id, sameModel.pumpId)).get()!;
    const a = await post(
      ctx.tokens.nurse,
      sameModel.pumpId,
      body({
        newPump: { modelId: old.modelId, serial: `${old.serial}-B` },
        initialFill: { volumeMl: 20, drugExpiresOn: today() },
      }),
    );
    expect(a.status).toBe(201);
    const sameSerial = addPump();
    const older = ctx.db.select().from(s.pumps).where(eq(s.pumps.id, sameSerial.pumpId)).get()!;
    const b = await post(ctx.tokens.nurse, sameSerial.pumpId, body({ newPump: { serial: older.serial } }));
    expect(b.status).toBe(201);
  });

  it('stores only what the new program mode uses: no flow on a programmable pump, no flex steps on a simple program', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      body({
        newPump: { flowMlPerDay: 1 },
        program: { flexSteps: [{ start: '00:00', doseMcgPerHour: 10 }] },
      }),
    );
    expect(r.status).toBe(201);
    const fresh = ctx.db.select().from(s.pumps).where(eq(s.pumps.id, r.body.newPumpId)).get()!;
    expect(fresh.flowUlPerDay).toBeNull();
    const [program] = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, r.body.newPumpId)).all();
    expect(program).toMatchObject({ mode: 'simple', doseNgPerDay: 250_000, flexSteps: null });
  });

  it('names the pump in a 409', async () => {
    const { pumpId } = addPump();
    const stale = await post(ctx.tokens.nurse, pumpId, body({ version: 2 }));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/^This pump was changed by someone else/);
  });
});
