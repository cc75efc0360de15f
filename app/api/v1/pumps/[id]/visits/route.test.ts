/** GET/POST /api/v1/pumps/{id}/visits: recording a refill visit, whole or not at all. */
import { and, eq, isNull } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppointment, createPatient, createPump, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import {
  addDaysToLocalDate,
  formatInstantIso,
  localDateOf,
  localDateTimeToInstant,
} from '@/lib/domain/calendar';
import { call, credentialsOf, setupApiTest, type ApiTestContext } from '@/tests/api';

const { GET, POST } = await import('./route');
const { POST: ORDER } = await import('../programs/route');

let ctx: ApiTestContext;
let seq = 0;
const TZ = 'America/Chicago';

/** A SynchroMed II 20 mL, baclofen 500 mcg/mL at 250 mcg/day (0.5 mL/day), filled with 20 mL ten days ago. */
function addPump(
  clinicId = ctx.clinic.id,
  options: { origin?: 'spinal' | 'cerebral'; daysAgo?: number } = {},
) {
  seq++;
  const patient = createPatient(ctx.db, {
    clinicId,
    mrn: `V-${seq}`,
    spasticityOrigin: options.origin ?? 'spinal',
    backupOralPlan: 'oral baclofen',
  });
  const { pump, program } = createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get('8637-20')!,
    serial: `SER-${seq}`,
    implantedOn: '2024-01-01',
    program: { drugId: lioresal().id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
    filledAt: Date.now() - (options.daysAgo ?? 10) * DAY_MS,
    fillMl: 20,
  });
  return { patientId: patient.id, pumpId: pump.id, programId: program.id };
}

const lioresal = () => ctx.catalog.drugs.get('Lioresal Intrathecal')!;
const future = () => addDaysToLocalDate(localDateOf(Date.now(), TZ), 200);

function visitBody(overrides: Record<string, unknown> = {}) {
  return {
    aspiratedResidualMl: 15,
    volumeFilledMl: 20,
    drugId: lioresal().id,
    drugLot: 'LOT-123',
    drugExpiresOn: future(),
    concentrationMcgPerMl: 500,
    residualCheckedBeforeFill: true,
    needlePlacementConfirmed: true,
    templateUsed: true,
    fillConfirmationMethod: 'aspiration-back',
    notes: '',
    ...overrides,
  };
}

const post = (token: string | null, pumpId: number, body: unknown) =>
  call(POST, {
    method: 'POST',
    token,
    body,
    params: { id: String(pumpId) },
    url: `/api/v1/pumps/${pumpId}/visits`,
  });

const visitsOf = (pumpId: number) =>
  ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, pumpId)).all();
const programsOf = (pumpId: number) =>
  ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, pumpId)).all();
const auditCount = () => ctx.db.select().from(s.auditLog).all().length;

beforeAll(() => {
  ctx = setupApiTest();
});

describe('POST /api/v1/pumps/{id}/visits', () => {
  it('records a refill for a nurse: the residual check, the new forecast, open slots, the audit row', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody());
    expect(r.status).toBe(201);
    // 20 mL − 10 days × 0.5 mL/day = 15 mL expected; 15 mL aspirated: no discrepancy.
    expect(r.body.assessment.expectedResidualMl).toBeCloseTo(15, 1);
    expect(r.body.assessment.flag).toBe('none');
    expect(r.body.visit).toMatchObject({
      kind: 'refill',
      aspiratedResidualMl: 15,
      volumeFilledMl: 20,
      discrepancyFlag: 'none',
      performedByName: ctx.users.nurse.name,
    });
    // Refilled to 20 mL: the due date moves about ten days later than before.
    expect(r.body.forecast.refillDueOn > r.body.previousDueOn).toBe(true);
    expect(r.body.slots.length).toBeGreaterThan(0);
    expect(r.body.slots.length).toBeLessThanOrEqual(5);
    // One slot per day, so that the patient has a choice of days.
    const days = r.body.slots.map((sl: { date: string }) => sl.date);
    expect(new Set(days).size).toBe(days.length);
    // Offered in the week up to the due date, not tomorrow: the patient was just refilled.
    for (const slot of r.body.slots) {
      expect(slot.date <= r.body.forecast.refillDueOn).toBe(true);
      expect(slot.date >= addDaysToLocalDate(r.body.forecast.refillDueOn, -7)).toBe(true);
    }
    const [, visit] = visitsOf(pumpId).sort((a, b) => a.performedAt - b.performedAt);
    expect(visit).toMatchObject({
      performedById: ctx.users.nurse.id,
      aspiratedResidualUl: 15_000,
      reservoirAfterUl: 20_000,
      discrepancyFlag: 'none',
      drugLot: 'LOT-123',
    });
    expect(Math.abs(visit!.expectedResidualUl! - 15_000)).toBeLessThan(10);
    const audits = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, 'refill_visit'), eq(s.auditLog.entityId, String(visit!.id))))
      .all();
    expect(audits).toHaveLength(1);
    // The stored forecast (worklist) was refreshed in the same transaction.
    const storedAfter = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get();
    expect(storedAfter!.refillDueOn).toBe(r.body.forecast.refillDueOn);
  });

  it('computes the discrepancy flag itself and ignores one sent by the client', async () => {
    const { pumpId } = addPump();
    // 19 mL aspirated where 15 mL were expected: 4 mL too much left, under-infusion (tolerance 2 mL).
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({
        aspiratedResidualMl: 19,
        discrepancyFlag: 'none',
        expectedResidualMl: 19,
        discrepancyMl: 0,
        discrepancySeverity: null,
        confirmDiscrepancy: true,
      }),
    );
    expect(r.status).toBe(201);
    expect(r.body.assessment.flag).toBe('under-infusion');
    expect(r.body.assessment.alerts.map((a: { code: string }) => a.code)).toContain('E5');
    const visit = visitsOf(pumpId).find((v) => v.kind === 'refill')!;
    expect(visit.discrepancyFlag).toBe('under-infusion');
    expect(visit.discrepancySeverity).toBe('critical');
    expect(visit.discrepancyUl).toBeLessThan(-3_900);
    expect(Math.abs(visit.expectedResidualUl! - 15_000)).toBeLessThan(10);
  });

  it('flags an over-delivery when less drug is left than expected', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.physician, pumpId, visitBody({ aspiratedResidualMl: 11 }));
    expect(r.status).toBe(201);
    expect(r.body.visit.discrepancyFlag).toBe('over-delivery');
    expect(r.body.visit.discrepancyMl).toBeCloseTo(4, 1);
    // 4 mL of the 5 mL delivered since the fill.
    expect(r.body.visit.discrepancyPct).toBeCloseTo(80, 0);
  });

  it('refuses roles without refills:write and anonymous callers, writing nothing', async () => {
    const { pumpId } = addPump();
    expect((await post(ctx.tokens['front-desk'], pumpId, visitBody())).status).toBe(403);
    expect((await post(ctx.tokens.admin, pumpId, visitBody())).status).toBe(403);
    expect((await post(null, pumpId, visitBody())).status).toBe(401);
    expect(visitsOf(pumpId)).toHaveLength(1);
  });

  it("answers 404 for another clinic's pump, both ways", async () => {
    const foreign = addPump(ctx.otherClinic.id);
    const ours = addPump();
    expect((await post(ctx.tokens.nurse, foreign.pumpId, visitBody())).status).toBe(404);
    expect((await post(ctx.tokens.otherClinicNurse, ours.pumpId, visitBody())).status).toBe(404);
    expect((await post(ctx.tokens.nurse, 99_999_999, visitBody())).status).toBe(404);
    expect(visitsOf(foreign.pumpId)).toHaveLength(1);
    expect(visitsOf(ours.pumpId)).toHaveLength(1);
  });

  it('answers 400 naming each invalid field, and writes nothing', async () => {
    const { pumpId } = addPump();
    const audits = auditCount();
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({
        aspiratedResidualMl: -1,
        volumeFilledMl: 'lots',
        drugLot: '',
        drugExpiresOn: '2026-02-30',
      }),
    );
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.fields).sort()).toEqual([
      'aspiratedResidualMl',
      'drugExpiresOn',
      'drugLot',
      'volumeFilledMl',
    ]);
    expect(r.body.fields.aspiratedResidualMl).toMatch(/0 mL or more/);
    expect(visitsOf(pumpId)).toHaveLength(1);
    expect(auditCount()).toBe(audits);
  });

  it('refuses a fill above the reservoir capacity with a clear field message', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ volumeFilledMl: 21 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.volumeFilledMl).toMatch(/at most 20 mL/);
    expect(visitsOf(pumpId)).toHaveLength(1);
  });

  it('warns, but saves, a fill within 2 mL of the capacity', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ volumeFilledMl: 19.5 }));
    expect(r.status).toBe(201);
    expect(r.body.warnings.join(' ')).toMatch(/within 2 mL/);
  });

  it('rejects an expired drug', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ drugExpiresOn: addDaysToLocalDate(localDateOf(Date.now(), TZ), -1) }),
    );
    expect(r.status).toBe(400);
    expect(r.body.fields.drugExpiresOn).toMatch(/expired/);
    expect(visitsOf(pumpId)).toHaveLength(1);
  });

  it('rejects a concentration the product does not come in, and a change of drug', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ concentrationMcgPerMl: 700 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.concentrationMcgPerMl).toMatch(/one of 50 mcg\/mL, 500 mcg\/mL, 2000 mcg\/mL/);
    const morphine = ctx.catalog.drugs.get('Infumorph (preservative-free morphine)')!;
    const r2 = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ drugId: morphine.id, concentrationMcgPerMl: 10_000 }),
    );
    expect(r2.status).toBe(400);
    expect(r2.body.fields.drugId).toMatch(/a change of drug is a physician's order/);
  });

  it('needs a bridge bolus or an explicit confirmation to save a concentration change (E8)', async () => {
    const { pumpId, programId } = addPump();
    const r = await post(ctx.tokens.physician, pumpId, visitBody({ concentrationMcgPerMl: 2000 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.confirmNoBridgeBolus).toMatch(/E8/);
    expect(programsOf(pumpId)).toHaveLength(1);

    const confirmed = await post(
      ctx.tokens.physician,
      pumpId,
      visitBody({ concentrationMcgPerMl: 2000, confirmNoBridgeBolus: true }),
    );
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.assessment.alerts.map((a: { code: string }) => a.code)).toContain('E8');
    expect(confirmed.body.newProgramVersionNo).toBe(2);
    const programs = programsOf(pumpId).sort((a, b) => a.versionNo - b.versionNo);
    expect(programs[0]).toMatchObject({ id: programId, supersededAt: confirmed.body.visit.performedAt });
    expect(programs[1]).toMatchObject({
      versionNo: 2,
      concentrationNgPerMl: 2_000_000,
      doseNgPerDay: 250_000,
      supersededAt: null,
    });
    const visit = visitsOf(pumpId).find((v) => v.kind === 'refill')!;
    expect(visit).toMatchObject({
      programChanged: true,
      programId: programs[1]!.id,
      concentrationNgPerMl: 2_000_000,
    });
  });

  it('saves a concentration change with a bridge bolus recorded, without E8', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      visitBody({
        concentrationMcgPerMl: 2000,
        bridgeBolusGiven: true,
        bridgeBolusMl: 0.25,
        bridgeBolusNote: 'over 12 h',
      }),
    );
    expect(r.status).toBe(201);
    expect(r.body.assessment.alerts.map((a: { code: string }) => a.code)).not.toContain('E8');
  });

  it('requires a second person for a dose change beyond the usual step (E7)', async () => {
    const { pumpId } = addPump();
    // 250 → 400 mcg/day is +60 %, beyond the 40 % usual at a refill for spinal origin.
    const r = await post(ctx.tokens.physician, pumpId, visitBody({ newDoseMcgPerDay: 400 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.secondPerson).toMatch(/E7/);
    const self = await post(
      ctx.tokens.physician,
      pumpId,
      visitBody({ newDoseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users.physician) }),
    );
    expect(self.status).toBe(400);
    expect(self.body.fields['secondPerson.userId']).toMatch(/someone other than you/);
    const desk = await post(
      ctx.tokens.physician,
      pumpId,
      visitBody({ newDoseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users['front-desk']) }),
    );
    expect(desk.status).toBe(400);
    expect(programsOf(pumpId)).toHaveLength(1);

    const ok = await post(
      ctx.tokens.physician,
      pumpId,
      visitBody({ newDoseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users.nurse) }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.visit.verifiedByName).toBe(ctx.users.nurse.name);
    const active = ctx.db
      .select()
      .from(s.drugPrograms)
      .where(and(eq(s.drugPrograms.pumpId, pumpId), isNull(s.drugPrograms.supersededAt)))
      .get()!;
    expect(active).toMatchObject({ versionNo: 2, doseNgPerDay: 400_000 });
  });

  it('saves a usual dose step without a second person', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.physician, pumpId, visitBody({ newDoseMcgPerDay: 300 }));
    expect(r.status).toBe(201);
    expect(r.body.programChanged).toBe(true);
  });

  it("marks the day's booked refill appointment done", async () => {
    const { pumpId } = addPump();
    const appt = createAppointment(ctx.db, { pumpId, startsAt: Date.now() - 60_000 });
    const r = await post(ctx.tokens.nurse, pumpId, visitBody());
    expect(r.status).toBe(201);
    const after = ctx.db.select().from(s.appointments).where(eq(s.appointments.id, appt.id)).get()!;
    expect(after).toMatchObject({ status: 'done', sequence: 1, version: 2 });
  });

  it('refuses a visit time before the last fill or in the future', async () => {
    const { pumpId } = addPump();
    const early = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ performedAt: new Date(Date.now() - 20 * DAY_MS).toISOString() }),
    );
    expect(early.status).toBe(400);
    expect(early.body.fields.performedAt).toMatch(/after the last fill/);
    const late = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ performedAt: new Date(Date.now() + DAY_MS).toISOString() }),
    );
    expect(late.status).toBe(400);
    expect(late.body.fields.performedAt).toMatch(/future/);
  });

  it('refuses a visit to an explanted pump', async () => {
    const { pumpId } = addPump();
    ctx.db
      .update(s.pumps)
      .set({ status: 'explanted', explantedOn: '2025-01-01' })
      .where(eq(s.pumps.id, pumpId))
      .run();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody());
    expect(r.status).toBe(400);
    expect(visitsOf(pumpId)).toHaveLength(1);
  });
});

describe('POST /api/v1/pumps/{id}/visits: the refill real time (issue item 4)', () => {
  /** A clinic-local wall time as the ISO string with offset the form sends. */
  const chicago = (date: string, time: string) => {
    const at = localDateTimeToInstant(date, time, TZ);
    return { at, iso: formatInstantIso(at, TZ) };
  };

  it('saves a refill backdated to yesterday evening with that time, and forecasts from it', async () => {
    const { pumpId } = addPump();
    const yesterday = addDaysToLocalDate(localDateOf(Date.now(), TZ), -1);
    const { at, iso } = chicago(yesterday, '19:30');
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ performedAt: iso, aspiratedResidualMl: 15.5 }));
    expect(r.status).toBe(201);
    const visit = visitsOf(pumpId).find((v) => v.kind === 'refill')!;
    expect(visit.performedAt).toBe(at);
    expect(r.body.visit.performedAt).toBe(at);
    // The fill is counted from yesterday evening, not from now: the alarm is 36 days after it (B7-1).
    expect(Date.parse(r.body.forecast.lowReservoirAlarmAt) - at).toBeCloseTo(36 * DAY_MS, -4);
  });

  it('tolerates a tablet clock 4 minutes ahead of the server, refuses one 6 minutes ahead', async () => {
    const ahead = addPump();
    const at = Date.now() + 4 * 60_000;
    const r = await post(ctx.tokens.nurse, ahead.pumpId, visitBody({ performedAt: new Date(at).toISOString() }));
    expect(r.status).toBe(201);
    expect(visitsOf(ahead.pumpId).find((v) => v.kind === 'refill')!.performedAt).toBe(at);
    const tooFar = addPump();
    const r2 = await post(
      ctx.tokens.nurse,
      tooFar.pumpId,
      visitBody({ performedAt: new Date(Date.now() + 6 * 60_000).toISOString() }),
    );
    expect(r2.status).toBe(400);
    expect(r2.body.fields.performedAt).toMatch(/future/);
    expect(visitsOf(tooFar.pumpId)).toHaveLength(1);
  });
});

describe('POST /api/v1/pumps/{id}/visits: the bridge bolus volume (issue item 1, B5)', () => {
  it('stores the bolus and starts the next forecast from the fill less it: the alarm comes bolus/daily volume earlier', async () => {
    const withBolus = addPump();
    const without = addPump();
    const change = { concentrationMcgPerMl: 2000 };
    const a = await post(
      ctx.tokens.physician,
      withBolus.pumpId,
      visitBody({ ...change, bridgeBolusGiven: true, bridgeBolusMl: 0.9, bridgeBolusNote: 'over 6 h' }),
    );
    const b = await post(ctx.tokens.physician, without.pumpId, visitBody({ ...change, confirmNoBridgeBolus: true }));
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    const visit = visitsOf(withBolus.pumpId).find((v) => v.kind === 'refill')!;
    expect(visit).toMatchObject({ volumeFilledUl: 20_000, bridgeBolusUl: 900, reservoirAfterUl: 19_100 });
    const alarmAfterVisit = (r: typeof a) => Date.parse(r.body.forecast.lowReservoirAlarmAt) - r.body.visit.performedAt;
    // 250 mcg/day at 2000 mcg/mL = 0.125 mL/day: 0.9 mL is 7.2 days of delivery.
    expect((alarmAfterVisit(b) - alarmAfterVisit(a)) / DAY_MS).toBeCloseTo(0.9 / 0.125, 3);
  });

  it('requires the volume of a bridge bolus given, more than 0 and less than the fill', async () => {
    const { pumpId } = addPump();
    const given = { concentrationMcgPerMl: 2000, bridgeBolusGiven: true };
    const missing = await post(ctx.tokens.nurse, pumpId, visitBody(given));
    expect(missing.status).toBe(400);
    expect(missing.body.fields.bridgeBolusMl).toMatch(/required/);
    const tooMuch = await post(ctx.tokens.nurse, pumpId, visitBody({ ...given, bridgeBolusMl: 20 }));
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.fields.bridgeBolusMl).toMatch(/less than the volume filled/);
    const zero = await post(ctx.tokens.nurse, pumpId, visitBody({ ...given, bridgeBolusMl: 0 }));
    expect(zero.body.fields.bridgeBolusMl).toMatch(/more than 0/);
    expect(visitsOf(pumpId)).toHaveLength(1);
  });
});

describe('POST /api/v1/pumps/{id}/visits: a critical discrepancy stays on record (issue item 5)', () => {
  it('refuses an unconfirmed critical discrepancy, then stores its severity and the confirmation', async () => {
    // The case: 20 mL at 0.5 mL/day, 33.12 days ago → 3.44 mL expected; 8.0 mL aspirated (baclofen).
    const { pumpId } = addPump(ctx.clinic.id, { daysAgo: 33.12 });
    const audits = auditCount();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ aspiratedResidualMl: 8 }));
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.fields)).toEqual(['confirmDiscrepancy']);
    expect(r.body.fields.confirmDiscrepancy).toMatch(/re-measure the aspirated volume.*confirm/);
    expect(visitsOf(pumpId)).toHaveLength(1);
    expect(auditCount()).toBe(audits);

    const ok = await post(ctx.tokens.nurse, pumpId, visitBody({ aspiratedResidualMl: 8, confirmDiscrepancy: true }));
    expect(ok.status).toBe(201);
    expect(ok.body.assessment.expectedResidualMl).toBeCloseTo(3.44, 2);
    const visit = visitsOf(pumpId).find((v) => v.kind === 'refill')!;
    expect(visit).toMatchObject({
      discrepancyFlag: 'under-infusion',
      discrepancySeverity: 'critical',
      discrepancyConfirmed: true,
    });
  });

  it("stores 'high' for an over-delivery (no confirmation needed) and null when nothing is flagged", async () => {
    const over = addPump();
    expect((await post(ctx.tokens.nurse, over.pumpId, visitBody({ aspiratedResidualMl: 11 }))).status).toBe(201);
    expect(visitsOf(over.pumpId).find((v) => v.kind === 'refill')).toMatchObject({
      discrepancyFlag: 'over-delivery',
      discrepancySeverity: 'high',
      discrepancyConfirmed: false,
    });
    const fine = addPump();
    expect((await post(ctx.tokens.nurse, fine.pumpId, visitBody())).status).toBe(201);
    expect(visitsOf(fine.pumpId).find((v) => v.kind === 'refill')).toMatchObject({
      discrepancyFlag: 'none',
      discrepancySeverity: null,
    });
  });
});

describe('POST /api/v1/pumps/{id}/visits: pocket-fill safeguards (issue item 10, E6)', () => {
  it('refuses a fill without the residual check, the needle placement and a method, naming each', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({
        residualCheckedBeforeFill: undefined,
        needlePlacementConfirmed: false,
        fillConfirmationMethod: undefined,
        templateUsed: undefined,
      }),
    );
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.fields).sort()).toEqual([
      'fillConfirmationMethod',
      'needlePlacementConfirmed',
      'residualCheckedBeforeFill',
    ]);
    const bad = await post(ctx.tokens.nurse, pumpId, visitBody({ fillConfirmationMethod: 'palpation' }));
    expect(bad.status).toBe(400);
    expect(bad.body.fields.fillConfirmationMethod).toMatch(/aspiration-back, ultrasound or fluoroscopy/);
    expect(visitsOf(pumpId)).toHaveLength(1);
  });

  it('records the safeguards; the template is recorded but not required', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ templateUsed: false, fillConfirmationMethod: 'ultrasound' }),
    );
    expect(r.status).toBe(201);
    expect(visitsOf(pumpId).find((v) => v.kind === 'refill')).toMatchObject({
      residualCheckedBeforeFill: true,
      needlePlacementConfirmed: true,
      templateUsed: false,
      fillConfirmationMethod: 'ultrasound',
    });
  });
});

describe('POST /api/v1/pumps/{id}/visits: the appointment the refill was for (issue item 6)', () => {
  const apptOf = (id: number) => ctx.db.select().from(s.appointments).where(eq(s.appointments.id, id)).get()!;
  const tomorrowAt10 = () =>
    localDateTimeToInstant(addDaysToLocalDate(localDateOf(Date.now(), TZ), 1), '10:00', TZ);

  it("an early refill closes tomorrow's booked refill appointment (SEQUENCE up), and E3 sees none is booked", async () => {
    const { pumpId } = addPump();
    const appt = createAppointment(ctx.db, { pumpId, startsAt: tomorrowAt10() });
    const r = await post(ctx.tokens.nurse, pumpId, visitBody());
    expect(r.status).toBe(201);
    expect(apptOf(appt.id)).toMatchObject({ status: 'done', sequence: 1, version: 2 });
    expect(r.body.appointments).toEqual([expect.objectContaining({ id: appt.id, action: 'done' })]);
    expect(r.body.forecast.nextAppointmentAt ?? null).toBeNull();
    const stored = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()!;
    expect(stored.nextAppointmentId).toBeNull();
  });

  it('does what the nurse chose: cancel or keep', async () => {
    const cancelled = addPump();
    const a1 = createAppointment(ctx.db, { pumpId: cancelled.pumpId, startsAt: tomorrowAt10() });
    const r1 = await post(
      ctx.tokens.nurse,
      cancelled.pumpId,
      visitBody({ replacedAppointments: [{ appointmentId: a1.id, action: 'cancel' }] }),
    );
    expect(r1.status).toBe(201);
    expect(apptOf(a1.id)).toMatchObject({ status: 'cancelled', sequence: 1 });
    const kept = addPump();
    const a2 = createAppointment(ctx.db, { pumpId: kept.pumpId, startsAt: tomorrowAt10() });
    const r2 = await post(
      ctx.tokens.nurse,
      kept.pumpId,
      visitBody({ replacedAppointments: [{ appointmentId: a2.id, action: 'keep' }] }),
    );
    expect(r2.status).toBe(201);
    expect(apptOf(a2.id)).toMatchObject({ status: 'booked', sequence: 0 });
  });

  it('keeps by default an appointment after the previous due date, and refuses one it does not replace', async () => {
    const { pumpId } = addPump();
    // Due about 19 days from now (alarm at day 36 of the fill 10 days ago, less the 7-day buffer): day 25 is later.
    const later = createAppointment(ctx.db, { pumpId, startsAt: Date.now() + 25 * DAY_MS });
    const other = addPump();
    const foreign = createAppointment(ctx.db, { pumpId: other.pumpId, startsAt: tomorrowAt10() });
    const refused = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ replacedAppointments: [{ appointmentId: foreign.id, action: 'done' }] }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.fields.replacedAppointments).toMatch(/not a booked appointment this refill replaces/);
    expect(apptOf(foreign.id).status).toBe('booked');
    const r = await post(ctx.tokens.nurse, pumpId, visitBody());
    expect(r.status).toBe(201);
    expect(r.body.appointments).toEqual([expect.objectContaining({ id: later.id, action: 'keep' })]);
    expect(apptOf(later.id).status).toBe('booked');
  });
});

describe('GET /api/v1/pumps/{id}/visits', () => {
  it('lists the visits newest first for the clinical staff of the clinic, 404 elsewhere, not for the front desk', async () => {
    const { pumpId } = addPump();
    await post(ctx.tokens.nurse, pumpId, visitBody({ aspiratedResidualMl: 14 }));
    const get = (token: string) => call(GET, { token, params: { id: String(pumpId) } });
    expect((await get(ctx.tokens['front-desk'])).status).toBe(403);
    const r = await get(ctx.tokens.physician);
    expect(r.status).toBe(200);
    expect(r.body.visits.map((v: { kind: string }) => v.kind)).toEqual(['refill', 'initial-fill']);
    expect(r.body.visits[0].aspiratedResidualMl).toBe(14);
    expect((await get(ctx.tokens.otherClinicNurse)).status).toBe(404);
    expect((await get(ctx.tokens.admin)).status).toBe(403);
  });
});

describe("POST /api/v1/pumps/{id}/visits: a dose or concentration change is a physician's order (issue item 2)", () => {
  /** A physician orders a program for the next refill through the API, as the program page does. */
  async function orderForNextRefill(pumpId: number, program: Record<string, unknown>) {
    const r = await call(ORDER, {
      method: 'POST',
      token: ctx.tokens.physician,
      params: { id: String(pumpId) },
      body: {
        expectedVersionNo: 1,
        drugId: lioresal().id,
        mode: 'simple',
        reason: 'Fewer refills',
        timing: 'next-refill',
        ...program,
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.order as { id: number };
  }

  it('refuses a nurse who changes the dose or the concentration without an order, naming the field', async () => {
    const { pumpId } = addPump();
    const dose = await post(ctx.tokens.nurse, pumpId, visitBody({ newDoseMcgPerDay: 300 }));
    expect(dose.status).toBe(400);
    expect(dose.body.fields.newDoseMcgPerDay).toMatch(/physician's order/);
    const conc = await post(ctx.tokens.nurse, pumpId, visitBody({ concentrationMcgPerMl: 2000, confirmNoBridgeBolus: true }));
    expect(conc.status).toBe(400);
    expect(conc.body.fields.concentrationMcgPerMl).toMatch(/no physician's order for a new concentration/);
    expect(programsOf(pumpId)).toHaveLength(1);
    expect(visitsOf(pumpId).filter((v) => v.kind === 'refill')).toHaveLength(0);
  });

  it("a nurse applies the physician's order: the version records who ordered, who entered, and the order is applied", async () => {
    const { pumpId } = addPump();
    const order = await orderForNextRefill(pumpId, { concentrationMcgPerMl: 2000, doseMcgPerDay: 300 });
    const pending = ctx.db.select().from(s.programOrders).where(eq(s.programOrders.id, order.id)).get()!;
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ applyOrderId: order.id, concentrationMcgPerMl: 2000, bridgeBolusGiven: true, bridgeBolusMl: 0.3 }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const active = ctx.db
      .select()
      .from(s.drugPrograms)
      .where(and(eq(s.drugPrograms.pumpId, pumpId), isNull(s.drugPrograms.supersededAt)))
      .get()!;
    expect(active).toMatchObject({
      versionNo: 2,
      concentrationNgPerMl: 2_000_000,
      doseNgPerDay: 300_000,
      prescriberId: ctx.users.physician.id,
      createdById: ctx.users.nurse.id,
      orderId: order.id,
    });
    const stored = ctx.db.select().from(s.programOrders).where(eq(s.programOrders.id, order.id)).get()!;
    // Its version moves on: a physician's withdrawal read before the refill is stale (409), not applied over it.
    expect(stored).toMatchObject({ status: 'applied', appliedProgramId: active.id, appliedById: ctx.users.nurse.id, version: pending.version + 1 });
    expect(visitsOf(pumpId).find((v) => v.kind === 'refill')?.orderId).toBe(order.id);
  });

  it('refuses an order applied with another concentration than ordered, and a withdrawn order (409)', async () => {
    const { pumpId } = addPump();
    const order = await orderForNextRefill(pumpId, { concentrationMcgPerMl: 2000, doseMcgPerDay: 300 });
    const wrong = await post(ctx.tokens.nurse, pumpId, visitBody({ applyOrderId: order.id, concentrationMcgPerMl: 500 }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.fields.concentrationMcgPerMl).toMatch(/order is for 2,?000 mcg\/mL/);
    ctx.db.update(s.programOrders).set({ status: 'cancelled' }).where(eq(s.programOrders.id, order.id)).run();
    const withdrawn = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ applyOrderId: order.id, concentrationMcgPerMl: 2000, confirmNoBridgeBolus: true }),
    );
    expect(withdrawn.status).toBe(409);
    expect(programsOf(pumpId)).toHaveLength(1);
  });

  it('refuses an order that a newer order replaced while the nurse was recording (409), and a fill of another drug than ordered', async () => {
    const { pumpId } = addPump();
    const first = await orderForNextRefill(pumpId, { concentrationMcgPerMl: 2000, doseMcgPerDay: 300 });
    await orderForNextRefill(pumpId, { concentrationMcgPerMl: 2000, doseMcgPerDay: 320 });
    const stale = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ applyOrderId: first.id, concentrationMcgPerMl: 2000, bridgeBolusGiven: true, bridgeBolusMl: 0.3 }),
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/withdrawn or replaced while you were recording the refill/);
    const current = ctx.db.select().from(s.programOrders).where(and(eq(s.programOrders.pumpId, pumpId), eq(s.programOrders.status, 'pending'))).get()!;
    const morphine = ctx.catalog.drugs.get('Infumorph (preservative-free morphine)')!;
    const otherDrug = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ applyOrderId: current.id, drugId: morphine.id, concentrationMcgPerMl: 10_000, bridgeBolusGiven: true, bridgeBolusMl: 0.3 }),
    );
    expect(otherDrug.status).toBe(400);
    expect(otherDrug.body.fields.drugId).toBe('The order is for Lioresal Intrathecal (baclofen): fill that drug, or do not apply the order');
    expect(programsOf(pumpId)).toHaveLength(1);
  });

  it('an order applied is audited as applied, and the new version says which order of which day', async () => {
    const { pumpId } = addPump();
    const order = await orderForNextRefill(pumpId, { concentrationMcgPerMl: 2000, doseMcgPerDay: 300 });
    const r = await post(
      ctx.tokens.nurse,
      pumpId,
      visitBody({ applyOrderId: order.id, concentrationMcgPerMl: 2000, bridgeBolusGiven: true, bridgeBolusMl: 0.3 }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const visit = visitsOf(pumpId).find((v) => v.kind === 'refill')!;
    const version = programsOf(pumpId).find((p) => p.versionNo === 2)!;
    const stored = ctx.db.select().from(s.programOrders).where(eq(s.programOrders.id, order.id)).get()!;
    const day = (t: number) => localDateOf(t, TZ);
    expect(version.reason).toBe(`Order of ${day(stored.orderedAt)} applied at the refill of ${day(visit.performedAt)}: Fewer refills`);
    const orderAudit = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, 'program_order'), eq(s.auditLog.entityId, String(order.id)), eq(s.auditLog.action, 'update')))
      .all();
    expect(orderAudit).toHaveLength(1);
    expect(orderAudit[0]).toMatchObject({
      actorId: ctx.users.nurse.id,
      before: { status: 'pending' },
      after: { status: 'applied', programId: version.id, visitId: visit.id },
    });
    const versionAudit = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, 'drug_program'), eq(s.auditLog.entityId, String(version.id))))
      .get()!;
    expect(versionAudit.action).toBe('create');
    expect(versionAudit.after).toMatchObject({ orderId: order.id, orderedById: ctx.users.physician.id, enteredById: ctx.users.nurse.id });
  });

  it('a dose change beyond the usual step records its second person on the new version', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      visitBody({ newDoseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users.nurse) }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const version = programsOf(pumpId).find((p) => p.versionNo === 2)!;
    expect(version).toMatchObject({ verifiedById: ctx.users.nurse.id, prescriberId: ctx.users.physician.id });
    expect(visitsOf(pumpId).find((v) => v.kind === 'refill')).toMatchObject({ verifiedById: ctx.users.nurse.id, verifiedByName: ctx.users.nurse.name });
  });
});

describe('POST /api/v1/pumps/{id}/visits: the audit trail of a refill (what an incident review reads)', () => {
  const auditOf = (entity: string, entityId: number) =>
    ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, entity), eq(s.auditLog.entityId, String(entityId))))
      .all();

  it('records what was measured, filled and confirmed, and the appointment it closed', async () => {
    const { pumpId } = addPump();
    const appt = createAppointment(ctx.db, {
      pumpId,
      startsAt: localDateTimeToInstant(addDaysToLocalDate(localDateOf(Date.now(), TZ), 1), '10:00', TZ),
    });
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ aspiratedResidualMl: 14.5, drugLot: 'LOT-777' }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const visit = visitsOf(pumpId).find((v) => v.kind === 'refill')!;
    const [row] = auditOf('refill_visit', visit.id);
    expect(row).toMatchObject({ action: 'create', actorId: ctx.users.nurse.id, before: null });
    expect(row!.after).toEqual({
      pumpId,
      performedAt: visit.performedAt,
      expectedResidualUl: visit.expectedResidualUl,
      aspiratedResidualUl: 14_500,
      discrepancyUl: visit.expectedResidualUl! - 14_500,
      discrepancyFlag: 'none',
      volumeFilledUl: 20_000,
      drugId: lioresal().id,
      drugLot: 'LOT-777',
      concentrationNgPerMl: 500_000,
      verifiedById: null,
      alerts: r.body.assessment.alerts.map((a: { code: string }) => a.code),
      confirmedNoBridgeBolus: false,
      bridgeBolusUl: null,
      reservoirAfterUl: 20_000,
      discrepancySeverity: null,
      discrepancyConfirmed: false,
      needlePlacementConfirmed: true,
      residualCheckedBeforeFill: true,
      templateUsed: true,
      fillConfirmationMethod: 'aspiration-back',
      appointments: [{ id: appt.id, action: 'done' }],
    });
    // The appointment's own row says why it closed.
    const apptAudit = auditOf('appointment', appt.id).at(-1)!;
    expect(apptAudit.before).toMatchObject({ status: 'booked' });
    expect(apptAudit.after).toMatchObject({ status: 'done', visitId: visit.id, reason: 'replaced by refill' });
  });

  it('records a concentration change saved knowingly without a bridge bolus, and the program version it brought', async () => {
    const { pumpId, programId } = addPump();
    const r = await post(ctx.tokens.physician, pumpId, visitBody({ concentrationMcgPerMl: 2000, confirmNoBridgeBolus: true }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const visit = visitsOf(pumpId).find((v) => v.kind === 'refill')!;
    expect(auditOf('refill_visit', visit.id)[0]!.after).toMatchObject({
      concentrationNgPerMl: 2_000_000,
      confirmedNoBridgeBolus: true,
      bridgeBolusUl: null,
      alerts: expect.arrayContaining(['E8']),
    });
    const version = programsOf(pumpId).find((p) => p.id !== programId)!;
    expect(version.reason).toBe(`Changed at the refill of ${localDateOf(visit.performedAt, TZ)}`);
    const [programAudit] = auditOf('drug_program', version.id);
    expect(programAudit).toMatchObject({ action: 'create', actorId: ctx.users.physician.id });
    expect(programAudit!.before).toMatchObject({ concentrationNgPerMl: 500_000 });
    expect(programAudit!.after).toMatchObject({
      concentrationNgPerMl: 2_000_000,
      visitId: visit.id,
      orderId: null,
      // The physician refilling with a new concentration is its prescriber.
      orderedById: ctx.users.physician.id,
      enteredById: ctx.users.physician.id,
      secondPersonId: null,
    });
  });

  it('records a bridge bolus given from the fill', async () => {
    const { pumpId } = addPump();
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      visitBody({ concentrationMcgPerMl: 2000, bridgeBolusGiven: true, bridgeBolusMl: 0.25, bridgeBolusNote: 'over 12 h', notes: 'Fewer refills' }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const visit = visitsOf(pumpId).find((v) => v.kind === 'refill')!;
    expect(visit).toMatchObject({ bridgeBolusUl: 250, reservoirAfterUl: 19_750, bridgeBolusNote: 'over 12 h' });
    expect(auditOf('refill_visit', visit.id)[0]!.after).toMatchObject({
      confirmedNoBridgeBolus: false,
      bridgeBolusUl: 250,
      reservoirAfterUl: 19_750,
    });
    const version = programsOf(pumpId).find((p) => p.versionNo === 2)!;
    expect(version.reason).toBe(`Changed at the refill of ${localDateOf(visit.performedAt, TZ)}: Fewer refills`);
  });
});

describe('POST /api/v1/pumps/{id}/visits: refusals name the field and the reason', () => {
  it('refuses a drug not in the list, and a residual larger than the reservoir', async () => {
    const { pumpId } = addPump();
    const unknown = await post(ctx.tokens.nurse, pumpId, visitBody({ drugId: 999_999 }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields.drugId).toBe('Drug product must be chosen from the list');
    const tooMuch = await post(ctx.tokens.nurse, pumpId, visitBody({ aspiratedResidualMl: 20.5 }));
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.fields.aspiratedResidualMl).toBe('Aspirated residual cannot be more than the reservoir holds (20 mL)');
    expect(visitsOf(pumpId)).toHaveLength(1);
  });

  it('accepts a drug on its expiry date (usable through that day)', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ drugExpiresOn: localDateOf(Date.now(), TZ) }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });

  it('says the pump is explanted', async () => {
    const { pumpId } = addPump();
    ctx.db.update(s.pumps).set({ status: 'explanted', explantedOn: '2025-01-01' }).where(eq(s.pumps.id, pumpId)).run();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody());
    expect(r.body.fields['(body)']).toBe('This pump is explanted: a refill cannot be recorded.');
  });

  it("tells a nurse which concentration the pump holds, and the critical discrepancy's expected residual", async () => {
    const { pumpId } = addPump();
    const conc = await post(ctx.tokens.nurse, pumpId, visitBody({ concentrationMcgPerMl: 2000, confirmNoBridgeBolus: true }));
    expect(conc.body.fields.concentrationMcgPerMl).toMatch(/^The pump holds 500 mcg\/mL and no physician's order .*: fill 500 mcg\/mL,/);
    const stalled = addPump(ctx.clinic.id, { daysAgo: 33.12 });
    const e5 = await post(ctx.tokens.nurse, stalled.pumpId, visitBody({ aspiratedResidualMl: 8 }));
    expect(e5.body.fields.confirmDiscrepancy).toMatch(/^The residual discrepancy is critical \(E5: expected 3\.44 mL, aspirated 8 mL\)/);
  });

  it('refuses a new dose typed by a physician on a flex program: it is changed step by step', async () => {
    seq++;
    const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: `V-${seq}`, spasticityOrigin: 'spinal', backupOralPlan: 'oral baclofen' });
    const { pump } = createPump(ctx.db, {
      patientId: patient.id,
      model: ctx.catalog.models.get('8637-20')!,
      serial: `SER-${seq}`,
      implantedOn: '2024-01-01',
      program: {
        drugId: lioresal().id,
        concentrationMcgPerMl: 500,
        mode: 'flex',
        flexSteps: [
          { start: '00:00', doseMcgPerHour: 10 },
          { start: '08:00', doseMcgPerHour: 12 },
        ],
      },
      filledAt: Date.now() - 10 * DAY_MS,
      fillMl: 20,
    });
    const r = await post(ctx.tokens.physician, pump.id, visitBody({ newDoseMcgPerDay: 300, aspiratedResidualMl: 14.9 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.newDoseMcgPerDay).toMatch(/flex program is changed step by step/);
    expect(programsOf(pump.id)).toHaveLength(1);
  });
});

describe('POST /api/v1/pumps/{id}/visits: a refill that changes nothing', () => {
  it('writes no program version, keeps the active one on the visit, and warns of nothing', async () => {
    const { pumpId, programId } = addPump();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ volumeFilledMl: 15, confirmDiscrepancy: true }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.programChanged).toBe(false);
    expect(r.body.newProgramVersionNo).toBeNull();
    expect(programsOf(pumpId)).toEqual([expect.objectContaining({ id: programId, supersededAt: null })]);
    expect(r.body.visit).toMatchObject({ drugProduct: 'Lioresal Intrathecal', doseUnit: 'mcg', volumeFilledMl: 15 });
    // 15 mL in a 20 mL reservoir is not near its capacity, and there are open slots before the due date.
    expect(r.body.slots.length).toBeGreaterThan(0);
    expect(r.body.warnings).toEqual([]);
    // A confirmation sent for a discrepancy that was not critical is not recorded as one.
    expect(visitsOf(pumpId).find((v) => v.kind === 'refill')).toMatchObject({
      programId,
      programChanged: false,
      discrepancyConfirmed: false,
      verifiedById: null,
      verifiedByName: '',
    });
  });

  it('a physician refilling the same product, concentration and dose writes no version either', async () => {
    const { pumpId } = addPump();
    const r = await post(ctx.tokens.physician, pumpId, visitBody());
    expect(r.status).toBe(201);
    expect(r.body.programChanged).toBe(false);
    expect(programsOf(pumpId)).toHaveLength(1);
  });
});

describe('POST /api/v1/pumps/{id}/visits: the program the refill leaves in the pump', () => {
  function addSimplePump(model: string, program: Record<string, unknown>) {
    seq++;
    const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: `V-${seq}`, spasticityOrigin: 'spinal', backupOralPlan: 'oral baclofen' });
    const { pump, program: p } = createPump(ctx.db, {
      patientId: patient.id,
      model: ctx.catalog.models.get(model)!,
      serial: `SER-${seq}`,
      implantedOn: '2024-01-01',
      program: { drugId: lioresal().id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250, ...program },
      filledAt: Date.now() - 10 * DAY_MS,
      fillMl: 20,
    });
    return { pumpId: pump.id, programId: p.id };
  }

  it('keeps the patient-bolus allowance when a physician changes the concentration at the refill', async () => {
    const { pumpId } = addSimplePump('13827', { patientBolus: { doseMcg: 25, maxPerDay: 4 } });
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      visitBody({ aspiratedResidualMl: 14, concentrationMcgPerMl: 2000, bridgeBolusGiven: true, bridgeBolusMl: 0.2 }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const version = programsOf(pumpId).find((p) => p.versionNo === 2)!;
    expect(version).toMatchObject({
      concentrationNgPerMl: 2_000_000,
      doseNgPerDay: 250_000,
      patientBolusDoseNg: 25_000,
      patientBolusMaxPerDay: 4,
    });
  });

  it('a switch to another product of the same drug and concentration writes a version that keeps the prescriber', async () => {
    const { pumpId, programId } = addSimplePump('8637-20', { prescriberId: ctx.users.physician.id });
    const gablofen = ctx.catalog.drugs.get('Gablofen')!;
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ drugId: gablofen.id }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.programChanged).toBe(true);
    const version = programsOf(pumpId).find((p) => p.id !== programId)!;
    expect(version).toMatchObject({
      drugId: gablofen.id,
      concentrationNgPerMl: 500_000,
      doseNgPerDay: 250_000,
      prescriberId: ctx.users.physician.id,
      createdById: ctx.users.nurse.id,
    });
    expect(r.body.visit.drugProduct).toBe('Gablofen');
  });

  it('refuses a new dose typed over an applied order', async () => {
    const { pumpId } = addSimplePump('8637-20', {});
    const order = await call(ORDER, {
      method: 'POST',
      token: ctx.tokens.physician,
      params: { id: String(pumpId) },
      body: { expectedVersionNo: 1, drugId: lioresal().id, mode: 'simple', reason: 'More relief', timing: 'next-refill', concentrationMcgPerMl: 500, doseMcgPerDay: 280 },
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const r = await post(ctx.tokens.physician, pumpId, visitBody({ applyOrderId: order.body.order.id, newDoseMcgPerDay: 300 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.newDoseMcgPerDay).toBe('The applied order sets the dose: do not change it here as well');
  });
});

describe('POST /api/v1/pumps/{id}/visits: a constant-flow pump (Codman 3000, reference.md B6)', () => {
  /** 30 mL, 1 mL/day of baclofen 500 mcg/mL (500 mcg/day), a 3 mL reserve, filled with 30 mL ten days ago. */
  function addCodman() {
    seq++;
    const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: `CF-${seq}`, spasticityOrigin: 'spinal', backupOralPlan: 'oral baclofen' });
    const { pump } = createPump(ctx.db, {
      patientId: patient.id,
      model: ctx.catalog.models.get('3000')!,
      serial: `CF-${seq}`,
      implantedOn: '2024-01-01',
      reservoirMl: 30,
      alarmMl: 3,
      flowMlPerDay: 1,
      program: { drugId: lioresal().id, concentrationMcgPerMl: 500, mode: 'constant-flow' },
      filledAt: Date.now() - 10 * DAY_MS,
      fillMl: 30,
    });
    return pump.id;
  }

  it('expects the residual from the fixed flow, and keeps the program at the same concentration', async () => {
    const pumpId = addCodman();
    const r = await post(ctx.tokens.nurse, pumpId, visitBody({ aspiratedResidualMl: 20, volumeFilledMl: 30 }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // 30 mL − 10 days × 1 mL/day.
    expect(r.body.assessment.expectedResidualMl).toBeCloseTo(20, 1);
    expect(r.body.assessment.flag).toBe('none');
    expect(r.body.programChanged).toBe(false);
    expect(programsOf(pumpId)).toHaveLength(1);
  });

  it('refuses a typed dose: the dose changes only with the concentration filled', async () => {
    const pumpId = addCodman();
    const r = await post(ctx.tokens.physician, pumpId, visitBody({ aspiratedResidualMl: 20, volumeFilledMl: 30, newDoseMcgPerDay: 600 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.newDoseMcgPerDay).toBe("A constant-flow pump's dose changes only with the concentration of the drug filled");
    expect(visitsOf(pumpId).filter((v) => v.kind === 'refill')).toHaveLength(0);
  });

  it('a new concentration is a new dose, the flow times the concentration, and is checked as a dose change', async () => {
    const pumpId = addCodman();
    const body = visitBody({ aspiratedResidualMl: 20, volumeFilledMl: 30, concentrationMcgPerMl: 2000, confirmNoBridgeBolus: true });
    // 500 → 2000 mcg/day at the same 1 mL/day: four times the dose, beyond the usual step (E7).
    const unconfirmed = await post(ctx.tokens.physician, pumpId, body);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.fields.secondPerson).toMatch(/E7/);
    expect(programsOf(pumpId)).toHaveLength(1);
    const r = await post(ctx.tokens.physician, pumpId, { ...body, secondPerson: await credentialsOf(ctx, ctx.users.nurse) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.programChanged).toBe(true);
    const active = programsOf(pumpId).find((p) => p.supersededAt == null)!;
    expect(active).toMatchObject({ versionNo: 2, mode: 'constant-flow', concentrationNgPerMl: 2_000_000, doseNgPerDay: 2_000_000 });
  });
});
