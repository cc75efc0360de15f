import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as s from '@/db/schema';
import { localDateTimeToInstant } from '@/lib/domain/calendar';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';
import { GET, POST } from './route';

const NOW = Date.parse('2026-03-10T15:00:00Z'); // Tue 10 Mar 2026, 10:00 in Chicago

let ctx: ApiTestContext;
let n = 0;

const counts = () => ({
  patients: ctx.db.select({ id: s.patients.id }).from(s.patients).all().length,
  pumps: ctx.db.select({ id: s.pumps.id }).from(s.pumps).all().length,
  programs: ctx.db.select({ id: s.drugPrograms.id }).from(s.drugPrograms).all().length,
  visits: ctx.db.select({ id: s.refillVisits.id }).from(s.refillVisits).all().length,
});

function body(overrides: { patient?: object; pump?: object; program?: object; initialFill?: object } = {}) {
  n++;
  return {
    patient: {
      mrn: `NEW-${n}`,
      givenName: 'Iris',
      familyName: `Newman${n}`,
      dateOfBirth: '1975-05-20',
      spasticityOrigin: 'spinal',
      riskPriorWithdrawal: true,
      backupOralPlan: 'Oral baclofen 20 mg q6h',
      ...overrides.patient,
    },
    pump: {
      modelId: ctx.catalog.models.get('8637-20')!.id,
      serial: `NGV${n}`,
      implantedOn: '2026-03-02',
      catheterVolumeMl: 0.208,
      ...overrides.pump,
    },
    program: {
      drugId: ctx.catalog.drugs.get('Lioresal Intrathecal')!.id,
      concentrationNgPerMl: 500_000,
      mode: 'simple',
      doseMcgPerDay: 250,
      ...overrides.program,
    },
    initialFill: {
      date: '2026-03-02',
      time: '11:00',
      volumeMl: 20,
      drugLot: 'LOT-7',
      ...overrides.initialFill,
    },
  };
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ctx = setupApiTest();
});
afterAll(() => vi.useRealTimers());

describe('POST /api/v1/patients (patient + pump + program + initial fill)', () => {
  it('creates all four in one transaction, stores exact units, audits and stores the forecast', async () => {
    const physician = ctx.users.physician;
    const res = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({ patient: { managingPhysicianId: physician.id } }),
    });
    expect(res.status).toBe(201);
    const { patientId, pumpId, programId, refillDueOn } = res.body;
    const patient = ctx.db.select().from(s.patients).where(eq(s.patients.id, patientId)).get()!;
    expect(patient).toMatchObject({
      clinicId: ctx.clinic.id,
      givenName: 'Iris',
      riskPriorWithdrawal: true,
      managingPhysicianId: physician.id,
    });
    const pump = ctx.db.select().from(s.pumps).where(eq(s.pumps.id, pumpId)).get()!;
    // The model's reservoir and alarm volume, µL; the catheter volume exactly.
    expect(pump).toMatchObject({
      patientId,
      reservoirUl: 20_000,
      alarmUl: 2_000,
      catheterVolumeUl: 208,
      flowUlPerDay: null,
    });
    const program = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.id, programId)).get()!;
    expect(program).toMatchObject({
      pumpId,
      versionNo: 1,
      concentrationNgPerMl: 500_000,
      doseNgPerDay: 250_000,
      supersededAt: null,
      // A nurse transcribed it: no physician order is invented for it (the managing physician did not enter it).
      prescriberId: null,
      createdById: ctx.users.nurse.id,
    });
    const visit = ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, pumpId)).get()!;
    expect(visit).toMatchObject({
      kind: 'initial-fill',
      volumeFilledUl: 20_000,
      reservoirAfterUl: 20_000,
      drugLot: 'LOT-7',
      programId,
      performedAt: localDateTimeToInstant('2026-03-02', '11:00', 'America/Chicago'),
    });
    // Filled 2 Mar, 0.5 mL/day: alarm 36 days later (7 Apr), due 7 days before it (31 Mar, a Tuesday).
    expect(refillDueOn).toBe('2026-03-31');
    expect(
      ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()?.refillDueOn,
    ).toBe('2026-03-31');
    const audit = ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entity, 'patient'))
      .all()
      .find((r) => r.entityId === String(patientId));
    expect(audit?.action).toBe('create');
    expect(audit?.after).toMatchObject({
      pump: { id: pumpId, serial: pump.serial },
      program: { id: programId },
    });
  });

  it('a duplicate MRN in the clinic gets a field error and nothing is written', async () => {
    const first = body();
    expect((await call(POST, { method: 'POST', token: ctx.tokens.nurse, body: first })).status).toBe(201);
    const before = counts();
    const again = body({ patient: { mrn: first.patient.mrn.toLowerCase() } });
    const res = await call(POST, { method: 'POST', token: ctx.tokens.physician, body: again });
    expect(res.status).toBe(400);
    expect(res.body.fields['patient.mrn']).toMatch(/already used by another patient of this clinic/);
    expect(counts()).toEqual(before);
  });

  it('reports the record checks with the schema errors in one pass: a used MRN, a future birth date and an empty name at once (issue 18)', async () => {
    const first = body();
    expect((await call(POST, { method: 'POST', token: ctx.tokens.nurse, body: first })).status).toBe(201);
    const before = counts();
    const res = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({
        patient: { mrn: first.patient.mrn, givenName: '', dateOfBirth: '2027-01-01' },
        pump: { implantedOn: '2026-04-01' },
        initialFill: { volumeMl: 'lots' },
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({
      'patient.givenName': 'Given name is required',
      'patient.mrn': expect.stringMatching(/already used by another patient of this clinic/),
      'patient.dateOfBirth': 'Date of birth must not be in the future.',
      'pump.implantedOn': 'Implant date must not be in the future.',
      'initialFill.volumeMl': 'Fill volume must be a number of mL',
    });
    expect(counts()).toEqual(before);
  });

  it('the same MRN in another clinic is fine', async () => {
    const mine = body();
    expect((await call(POST, { method: 'POST', token: ctx.tokens.nurse, body: mine })).status).toBe(201);
    const res = await call(POST, {
      method: 'POST',
      token: ctx.tokens.otherClinicNurse,
      body: { ...body(), patient: { ...mine.patient } },
    });
    expect(res.status).toBe(201);
  });

  it('needs an alarm volume for a model without a default (Prometra II) and uses it', async () => {
    const prometra = ctx.catalog.models.get('13827')!.id;
    const before = counts();
    const missing = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({ pump: { modelId: prometra } }),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.fields['pump.alarmMl']).toMatch(
      /Alarm volume is required: the Prometra II has no default alarm volume/,
    );
    expect(counts()).toEqual(before);
    const ok = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({ pump: { modelId: prometra, alarmMl: 3 } }),
    });
    expect(ok.status).toBe(201);
    expect(ctx.db.select().from(s.pumps).where(eq(s.pumps.id, ok.body.pumpId)).get()).toMatchObject({
      alarmUl: 3000,
      reservoirUl: 20_000,
    });
  });

  it('a constant-flow pump needs its reservoir and flow rate, and its dose follows from them', async () => {
    const codman = ctx.catalog.models.get('3000')!.id;
    const missing = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({ pump: { modelId: codman }, program: { mode: 'simple' } }),
    });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.fields).sort()).toEqual([
      'program.mode',
      'pump.alarmMl',
      'pump.flowMlPerDay',
      'pump.reservoirMl',
    ]);
    const ok = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({
        pump: { modelId: codman, reservoirMl: 30, alarmMl: 3, flowMlPerDay: 1 },
        program: { mode: 'constant-flow', doseMcgPerDay: undefined },
        initialFill: { volumeMl: 30 },
      }),
    });
    expect(ok.status).toBe(201);
    expect(
      ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.id, ok.body.programId)).get()!
        .doseNgPerDay,
    ).toBe(500_000); // 1 mL/day × 500 mcg/mL
  });

  it('refuses an overfill, a concentration not in the drug’s list and a fill before the implant, writing nothing', async () => {
    const before = counts();
    const res = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({
        program: { concentrationNgPerMl: 750_000 },
        initialFill: { volumeMl: 21, date: '2026-03-01' },
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({
      'program.concentrationNgPerMl':
        'Concentration must be one of Lioresal Intrathecal’s: 50 mcg/mL, 500 mcg/mL, 2000 mcg/mL.',
      'initialFill.volumeMl': expect.stringMatching(/must be at most 20 mL, the reservoir's capacity: do not overfill/),
      'initialFill.date': 'The initial fill must be on or after the implant date.',
    });
    expect(counts()).toEqual(before);
  });

  it('item 9: refuses an alarm at 0 mL and an initial fill at or below the alarm, as the pump edit and the refill do', async () => {
    const before = counts();
    const zero = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({ pump: { alarmMl: 0 } }),
    });
    expect(zero.status).toBe(400);
    expect(zero.body.fields['pump.alarmMl']).toMatch(/^Alarm volume must be at least 2 mL/);
    const low = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({ pump: { alarmMl: 4 }, initialFill: { volumeMl: 3 } }),
    });
    expect(low.status).toBe(400);
    expect(low.body.fields['initialFill.volumeMl']).toMatch(/must be more than the alarm volume \(4 mL\)/);
    expect(counts()).toEqual(before);
  });

  it('reports malformed input with field paths (400) and writes nothing', async () => {
    const before = counts();
    const res = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: {
        patient: { mrn: '', givenName: 'A', dateOfBirth: '1975-13-01', spasticityOrigin: 'spine' },
        pump: { serial: 'x' },
        program: { mode: 'flex', flexSteps: [{ start: '06:00', doseMcgPerHour: 5 }] },
        initialFill: {},
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({
      'patient.mrn': 'MRN is required',
      'patient.dateOfBirth': 'Date of birth is not a real calendar date',
      'patient.spasticityOrigin': 'Spasticity origin must be spinal, cerebral or other',
      'pump.modelId': 'Choose the pump model',
      'program.drugId': 'Choose the drug product',
    });
    expect(Object.keys(res.body.fields)).toEqual(
      expect.arrayContaining([
        'patient.familyName',
        'pump.implantedOn',
        'initialFill.volumeMl',
        'initialFill.drugLot',
      ]),
    );
    expect(counts()).toEqual(before);
  });

  it('a physician of another clinic cannot be the managing physician', async () => {
    const res = await call(POST, {
      method: 'POST',
      token: ctx.tokens.otherClinicNurse,
      body: body({ patient: { managingPhysicianId: ctx.users.physician.id } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.fields['patient.managingPhysicianId']).toBe('Choose a physician of this clinic.');
  });

  it('is refused to the front desk and the admin (patients:write)', async () => {
    for (const role of ['front-desk', 'admin'] as const) {
      expect((await call(POST, { method: 'POST', token: ctx.tokens[role], body: body() })).status).toBe(403);
    }
  });
});

describe('POST /api/v1/patients: every check names its field, and what is stored', () => {
  const post = (b: unknown, token = ctx.tokens.nurse) => call(POST, { method: 'POST', token, body: b });
  const codman = () => ctx.catalog.models.get('3000')!.id; // the Codman 3000 constant-flow pump

  it('on a body the schema refuses, still reports the dates out of order: implant before birth, fill before implant', async () => {
    const before = counts();
    const res = await post(
      body({
        patient: { givenName: '', dateOfBirth: '1990-01-01' },
        pump: { implantedOn: '1989-12-31' },
        initialFill: { date: '1989-12-30' },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({
      'patient.givenName': 'Given name is required',
      'pump.implantedOn': 'Implant date must be after the date of birth.',
      'initialFill.date': 'The initial fill must be on or after the implant date.',
    });
    expect(counts()).toEqual(before);
  });

  it('on a body the schema refuses, a fill tomorrow is in the future; born, implanted and filled today are not', async () => {
    const future = await post(body({ patient: { givenName: '' }, initialFill: { date: '2026-03-11' } }));
    expect(future.body.fields['initialFill.date']).toBe('The initial fill must not be in the future.');
    const today = await post(
      body({ patient: { givenName: '', dateOfBirth: '2026-03-10' }, pump: { implantedOn: '2026-03-10' }, initialFill: { date: '2026-03-10', time: '09:00' } }),
    );
    expect(today.status).toBe(400);
    expect(Object.keys(today.body.fields)).toEqual(['patient.givenName']);
  });

  it('on a body the schema refuses, finds a used MRN typed with spaces or in another case', async () => {
    const first = body();
    expect((await post(first)).status).toBe(201);
    const res = await post(body({ patient: { mrn: `  ${first.patient.mrn.toLowerCase()} `, givenName: '' } }));
    expect(res.body.fields['patient.mrn']).toBe(`MRN ${first.patient.mrn.toLowerCase()} is already used by another patient of this clinic.`);
  });

  it('answers a body that is not an object, or whose parts are not, with the schema’s field errors', async () => {
    const none = await call(POST, { method: 'POST', token: ctx.tokens.nurse, rawBody: 'null' });
    expect(none.status).toBe(400);
    const parts = await post({ patient: 'Iris', pump: null, program: 3, initialFill: [] });
    expect(parts.status).toBe(400);
    expect(Object.keys(parts.body.fields)).toEqual(expect.arrayContaining(['patient', 'pump', 'program']));
  });

  it('an unknown pump model or drug is named with the other problems found before it', async () => {
    const model = await post(body({ patient: { dateOfBirth: '2027-01-01' }, pump: { modelId: 999_999 } }));
    expect(model.status).toBe(400);
    expect(model.body.fields).toEqual({
      'patient.dateOfBirth': 'Date of birth must not be in the future.',
      'pump.modelId': 'Choose a pump model from the catalogue.',
    });
    const drug = await post(body({ pump: { implantedOn: '2026-03-11' }, program: { drugId: 999_999 } }));
    expect(drug.body.fields).toEqual({
      'pump.implantedOn': 'Implant date must not be in the future.',
      'program.drugId': 'Choose a drug product from the catalogue.',
    });
    expect(drug.body.error).toBe(
      'Invalid input: pump.implantedOn: Implant date must not be in the future.; program.drugId: Choose a drug product from the catalogue.',
    );
  });

  it('refuses a reservoir other than the model’s, a flow rate on a programmable pump and constant-flow mode on it', async () => {
    const before = counts();
    const res = await post(body({ pump: { reservoirMl: 40, flowMlPerDay: 1 }, program: { mode: 'constant-flow', doseMcgPerDay: undefined } }));
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({
      'pump.reservoirMl': 'The SynchroMed II 8637-20 holds 20 mL; leave the reservoir empty to use it.',
      'pump.flowMlPerDay': 'Only a constant-flow pump has a fixed flow rate; leave it empty for a programmable pump.',
      'program.mode': 'Constant-flow mode needs a constant-flow pump; choose simple or flex.',
    });
    expect(counts()).toEqual(before);
    // The model's own reservoir typed in is the model's.
    expect((await post(body({ pump: { reservoirMl: 20 } }))).status).toBe(201);
  });

  it('refuses a patient bolus on a constant-flow pump, and a drug that expired before the fill', async () => {
    const res = await post(
      body({
        pump: { modelId: codman(), reservoirMl: 30, alarmMl: 3, flowMlPerDay: 1 },
        program: { mode: 'constant-flow', doseMcgPerDay: undefined, patientBolus: { doseMcg: 20, maxPerDay: 4 } },
        initialFill: { volumeMl: 30, drugExpiresOn: '2026-03-01' },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({
      'program.patientBolus': 'A constant-flow pump gives no patient boluses.',
      'initialFill.drugExpiresOn': 'The drug had expired before the fill date.',
    });
    // Expiring on the fill day itself is still in date.
    expect((await post(body({ initialFill: { drugExpiresOn: '2026-03-02' } }))).status).toBe(201);
  });

  it('stores a constant-flow pump’s flow, a flex program’s steps, no catheter volume when none was given, and audits them', async () => {
    const cf = await post(
      body({
        pump: { modelId: codman(), reservoirMl: 30, alarmMl: 3, flowMlPerDay: 1.5, catheterVolumeMl: null },
        program: { mode: 'constant-flow', doseMcgPerDay: 300 },
        initialFill: { volumeMl: 30 },
      }),
    );
    expect(cf.status, JSON.stringify(cf.body)).toBe(201);
    expect(ctx.db.select().from(s.pumps).where(eq(s.pumps.id, cf.body.pumpId)).get()).toMatchObject({ flowUlPerDay: 1500, catheterVolumeUl: null });
    // The dose a constant-flow pump gives follows from its flow, whatever dose was typed.
    expect(ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.id, cf.body.programId)).get()).toMatchObject({
      mode: 'constant-flow',
      doseNgPerDay: 750_000,
      flexSteps: null,
      reason: 'Initial program at implant',
    });
    const audit = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'patient')).all().find((r) => r.entityId === String(cf.body.patientId))!;
    expect(audit.after).toMatchObject({
      patient: { familyName: expect.stringMatching(/^Newman/), dateOfBirth: '1975-05-20' },
      pump: { flowUlPerDay: 1500, catheterVolumeUl: null, reservoirUl: 30_000, alarmUl: 3000, modelNumber: '3000' },
      initialFill: { id: cf.body.visitId, volumeFilledUl: 30_000, drugLot: 'LOT-7', drugExpiresOn: null },
    });

    const steps = [
      { start: '00:00', doseMcgPerHour: 10 },
      { start: '08:00', doseMcgPerHour: 12.5 },
    ];
    const flex = await post(body({ program: { mode: 'flex', doseMcgPerDay: 250, flexSteps: steps } }), ctx.tokens.physician);
    expect(flex.status, JSON.stringify(flex.body)).toBe(201);
    const program = ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.id, flex.body.programId)).get()!;
    // 8 h × 10 + 16 h × 12.5 mcg/h; a simple dose sent beside the steps is not the program's.
    expect(program).toMatchObject({ mode: 'flex', doseNgPerDay: 280_000, prescriberId: ctx.users.physician.id });
    expect(program.flexSteps).toEqual([
      { start: '00:00', doseNgPerHour: 10_000 },
      { start: '08:00', doseNgPerHour: 12_500 },
    ]);
    const flexAudit = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'patient')).all().find((r) => r.entityId === String(flex.body.patientId))!;
    expect(flexAudit.after).toMatchObject({ pump: { flowUlPerDay: null, catheterVolumeUl: 208 } });
    expect(flex.body.refillDueOn).toBe(ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, flex.body.pumpId)).get()!.refillDueOn);
  });
});

describe('GET /api/v1/patients?q=', () => {
  it('finds by name or MRN within the clinic only, with active pumps and due dates', async () => {
    const created = await call(POST, {
      method: 'POST',
      token: ctx.tokens.nurse,
      body: body({ patient: { mrn: 'FIND-77', givenName: 'Quentin', familyName: 'Zebulon' } }),
    });
    await call(POST, {
      method: 'POST',
      token: ctx.tokens.otherClinicNurse,
      body: body({ patient: { mrn: 'FIND-78', givenName: 'Quentin', familyName: 'Zebulon' } }),
    });
    const byName = await call(GET, {
      token: ctx.tokens['front-desk'],
      url: '/api/v1/patients?q=quentin%20zeb',
    });
    expect(byName.status).toBe(200);
    expect(byName.body.patients).toHaveLength(1);
    expect(byName.body.patients[0]).toMatchObject({
      id: created.body.patientId,
      mrn: 'FIND-77',
      name: 'Zebulon, Quentin',
      pumps: [{ id: created.body.pumpId, refillDueOn: '2026-03-31' }],
    });
    // The scheduling view: no pump serial for the front desk; a nurse's search has it.
    expect(byName.body.patients[0].pumps[0]).not.toHaveProperty('serial');
    const asNurse = await call(GET, { token: ctx.tokens.nurse, url: '/api/v1/patients?q=quentin%20zeb' });
    expect(asNurse.body.patients[0].pumps[0].serial).toEqual(expect.any(String));
    const byMrn = await call(GET, { token: ctx.tokens['front-desk'], url: '/api/v1/patients?q=FIND-7' });
    expect(byMrn.body.patients.map((p: { mrn: string }) => p.mrn)).toEqual(['FIND-77']);
    const wildcard = await call(GET, { token: ctx.tokens['front-desk'], url: '/api/v1/patients?q=%25' });
    expect(wildcard.body.patients).toHaveLength(0);
  });
});
