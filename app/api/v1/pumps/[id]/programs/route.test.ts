/** GET/POST /api/v1/pumps/{id}/programs: a physician's program change, versioned and checked. */
import { and, eq, isNull } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPatient, createPump, createRefillVisit, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { call, credentialsOf, setupApiTest, type ApiTestContext } from '@/tests/api';

const { GET, POST } = await import('./route');
const { PATCH: patchPump } = await import('../route');

let ctx: ApiTestContext;
let seq = 0;

function addPump(clinicId = ctx.clinic.id, model = '8637-20') {
  seq++;
  const patient = createPatient(ctx.db, { clinicId, mrn: `P-${seq}`, spasticityOrigin: 'spinal' });
  const constantFlow = model === '3000';
  const { pump } = createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get(model)!,
    serial: `PS-${seq}`,
    implantedOn: '2024-01-01',
    reservoirMl: constantFlow ? 30 : undefined,
    alarmMl: constantFlow ? 3 : undefined,
    flowMlPerDay: constantFlow ? 1 : undefined,
    program: constantFlow
      ? { drugId: drugId(), concentrationMcgPerMl: 500, mode: 'constant-flow' }
      : { drugId: drugId(), concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
    filledAt: Date.now() - 5 * DAY_MS,
    fillMl: 20,
  });
  return pump.id;
}

const drugId = () => ctx.catalog.drugs.get('Lioresal Intrathecal')!.id;
const body = (overrides: Record<string, unknown> = {}) => ({
  expectedVersionNo: 1,
  drugId: drugId(),
  concentrationMcgPerMl: 500,
  mode: 'simple',
  doseMcgPerDay: 300,
  reason: 'Titration: spasticity at night',
  ...overrides,
});
const post = (token: string | null, pumpId: number, b: unknown) =>
  call(POST, { method: 'POST', token, body: b, params: { id: String(pumpId) } });
const active = (pumpId: number) =>
  ctx.db
    .select()
    .from(s.drugPrograms)
    .where(and(eq(s.drugPrograms.pumpId, pumpId), isNull(s.drugPrograms.supersededAt)))
    .get()!;
const versions = (pumpId: number) =>
  ctx.db.select().from(s.drugPrograms).where(eq(s.drugPrograms.pumpId, pumpId)).all();

beforeAll(() => {
  ctx = setupApiTest();
});

describe('POST /api/v1/pumps/{id}/programs', () => {
  it('creates version 2 for a physician, supersedes version 1, audits and refreshes the stored forecast', async () => {
    const pumpId = addPump();
    const r = await post(ctx.tokens.physician, pumpId, body());
    expect(r.status).toBe(201);
    expect(r.body.program).toMatchObject({
      versionNo: 2,
      dailyDoseMcg: 300,
      concentrationMcgPerMl: 500,
      mode: 'simple',
      reason: 'Titration: spasticity at night',
      prescriberName: ctx.users.physician.name,
    });
    // 250 → 300 mcg/day is +20 %, within the usual titration step: no second person needed.
    expect(r.body.doseChange.exceedsUsualStep).toBe(false);
    // More drug per day: the due date can only come earlier.
    expect(r.body.forecast.refillDueOn <= r.body.previousDueOn).toBe(true);
    const all = versions(pumpId).sort((a, b) => a.versionNo - b.versionNo);
    expect(all).toHaveLength(2);
    expect(all[0]!.supersededAt).toBe(all[1]!.effectiveAt);
    expect(all[1]).toMatchObject({
      supersededAt: null,
      doseNgPerDay: 300_000,
      prescriberId: ctx.users.physician.id,
      createdById: ctx.users.physician.id,
    });
    const audit = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, 'drug_program'), eq(s.auditLog.entityId, String(all[1]!.id))))
      .get();
    expect(audit?.actorId).toBe(ctx.users.physician.id);
    expect(
      ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()?.refillDueOn,
    ).toBe(r.body.forecast.refillDueOn);
  });

  it('is for physicians only', async () => {
    const pumpId = addPump();
    for (const role of ['nurse', 'front-desk', 'admin'] as const)
      expect((await post(ctx.tokens[role], pumpId, body())).status).toBe(403);
    expect((await post(null, pumpId, body())).status).toBe(401);
    expect(versions(pumpId)).toHaveLength(1);
  });

  it("answers 404 for another clinic's pump", async () => {
    const foreign = addPump(ctx.otherClinic.id);
    expect((await post(ctx.tokens.physician, foreign, body())).status).toBe(404);
    expect(versions(foreign)).toHaveLength(1);
  });

  it('answers 409 when the active version changed since it was read, and writes nothing', async () => {
    const pumpId = addPump();
    expect((await post(ctx.tokens.physician, pumpId, body())).status).toBe(201);
    const stale = await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 320 }));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/changed by someone else/);
    expect(versions(pumpId)).toHaveLength(2);
    expect(active(pumpId).doseNgPerDay).toBe(300_000);
  });

  it('answers 400 naming the invalid fields, and writes nothing', async () => {
    const pumpId = addPump();
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      body({ concentrationMcgPerMl: 0, doseMcgPerDay: undefined, reason: '' }),
    );
    expect(r.status).toBe(400);
    expect(r.body.fields).toMatchObject({
      concentrationMcgPerMl: expect.stringMatching(/more than 0 mcg\/mL/),
      doseMcgPerDay: expect.stringMatching(/required/),
      reason: expect.stringMatching(/required/),
    });
    const flex = await post(
      ctx.tokens.physician,
      pumpId,
      body({
        mode: 'flex',
        flexSteps: [
          { start: '07:00', doseMcgPerHour: 10 },
          { start: '07:00', doseMcgPerHour: 12 },
        ],
      }),
    );
    expect(flex.status).toBe(400);
    expect(flex.body.fields.flexSteps).toMatch(/differ/);
    const cf = await post(ctx.tokens.physician, pumpId, body({ mode: 'constant-flow' }));
    expect(cf.status).toBe(400);
    expect(cf.body.fields.mode).toMatch(/constant-flow pump/);
    expect(versions(pumpId)).toHaveLength(1);
  });

  it('requires a second person for a dose step beyond the usual titration step (E7)', async () => {
    const pumpId = addPump();
    // 250 → 400 mcg/day is +60 %, beyond the 30 % per 24 h for spinal origin.
    const r = await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 400 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.secondPerson).toMatch(/E7/);
    expect(versions(pumpId)).toHaveLength(1);
    // Picking a colleague is not a confirmation: their own password is.
    const wrong = await post(
      ctx.tokens.physician,
      pumpId,
      body({ doseMcgPerDay: 400, secondPerson: { userId: ctx.users.nurse.id, password: 'not theirs at all' } }),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.fields['secondPerson.password']).toMatch(/own password/);
    expect(versions(pumpId)).toHaveLength(1);
    const ok = await post(
      ctx.tokens.physician,
      pumpId,
      body({ doseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users.nurse) }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.doseChange.exceedsUsualStep).toBe(true);
    expect(ok.body.program).toMatchObject({
      prescriberName: ctx.users.physician.name,
      enteredByName: ctx.users.physician.name,
      verifiedByName: ctx.users.nurse.name,
    });
    expect(active(pumpId).verifiedById).toBe(ctx.users.nurse.id);
  });

  it('judges the step over the rolling 24 hours (E7): four small steps in a minute are one large change', async () => {
    const pumpId = addPump();
    // 250 → 325 is exactly +30 %: allowed alone.
    expect((await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 325 }))).status).toBe(201);
    // 325 → 400 is +23 % on its own, but +60 % over the 24 h since 250 mcg/day.
    const second = await post(ctx.tokens.physician, pumpId, body({ expectedVersionNo: 2, doseMcgPerDay: 400 }));
    expect(second.status).toBe(400);
    expect(second.body.fields.secondPerson).toMatch(/over 24 hours.*250 mcg\/day/);
    expect(versions(pumpId)).toHaveLength(2);
    const confirmed = await post(
      ctx.tokens.physician,
      pumpId,
      body({ expectedVersionNo: 2, doseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users.nurse) }),
    );
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.doseChange.baselineMcgPerDay).toBe(250);
  });

  it('never takes the person making the change, or a disabled account, as the second person', async () => {
    const pumpId = addPump();
    const self = await post(
      ctx.tokens.physician,
      pumpId,
      body({ doseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users.physician) }),
    );
    expect(self.status).toBe(400);
    expect(self.body.fields['secondPerson.userId']).toMatch(/someone other than you/);
    const nurse = await credentialsOf(ctx, ctx.users.nurse);
    ctx.db.update(s.users).set({ banned: true }).where(eq(s.users.id, ctx.users.nurse.id)).run();
    try {
      const disabled = await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 400, secondPerson: nurse }));
      expect(disabled.status).toBe(400);
      expect(disabled.body.fields['secondPerson.userId']).toMatch(/active nurse or physician/);
    } finally {
      ctx.db.update(s.users).set({ banned: false }).where(eq(s.users.id, ctx.users.nurse.id)).run();
    }
    const frontDesk = await post(
      ctx.tokens.physician,
      pumpId,
      body({ doseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users['front-desk']) }),
    );
    expect(frontDesk.status).toBe(400);
    expect(versions(pumpId)).toHaveLength(1);
  });

  it('refuses a new concentration or drug outside a refill, naming the field, and writes nothing', async () => {
    const pumpId = addPump();
    // 500 → 2000 mcg/mL while the reservoir still holds 500 mcg/mL would move the due date months later.
    const conc = await post(ctx.tokens.physician, pumpId, body({ concentrationMcgPerMl: 2000, doseMcgPerDay: 250 }));
    expect(conc.status).toBe(400);
    expect(conc.body.fields.concentrationMcgPerMl).toMatch(/reservoir holds 500 mcg\/mL.*refill/);
    const morphine = ctx.catalog.drugs.get('Infumorph (preservative-free morphine)')!;
    const drug = await post(
      ctx.tokens.physician,
      pumpId,
      body({ drugId: morphine.id, concentrationMcgPerMl: 10_000, doseMcgPerDay: 1000 }),
    );
    expect(drug.status).toBe(400);
    expect(drug.body.fields.drugId).toMatch(/reservoir holds Lioresal.*refill/);
    expect(versions(pumpId)).toHaveLength(1);
    expect(ctx.db.select().from(s.programOrders).where(eq(s.programOrders.pumpId, pumpId)).all()).toHaveLength(0);
  });

  it('orders a new concentration for the next refill: pending, the program and forecast unchanged until then', async () => {
    const pumpId = addPump();
    const before = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get();
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      body({ timing: 'next-refill', concentrationMcgPerMl: 2000, doseMcgPerDay: 300 }),
    );
    expect(r.status).toBe(201);
    expect(r.body.program).toBeNull();
    expect(r.body.order).toMatchObject({
      status: 'pending',
      timing: 'next-refill',
      concentrationMcgPerMl: 2000,
      dailyDoseMcg: 300,
      orderedByName: ctx.users.physician.name,
    });
    expect(versions(pumpId)).toHaveLength(1);
    expect(ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()?.refillDueOn).toBe(
      before?.refillDueOn,
    );
    // A later order replaces it: one pending order per pump, the physician's latest intent.
    const again = await post(
      ctx.tokens.physician,
      pumpId,
      body({ timing: 'next-refill', concentrationMcgPerMl: 2000, doseMcgPerDay: 280 }),
    );
    expect(again.status).toBe(201);
    const orders = ctx.db.select().from(s.programOrders).where(eq(s.programOrders.pumpId, pumpId)).all();
    expect(orders.map((o) => o.status).sort()).toEqual(['cancelled', 'pending']);
    // A change of drug needs a second person, even for the next refill.
    const morphine = ctx.catalog.drugs.get('Infumorph (preservative-free morphine)')!;
    const drug = await post(
      ctx.tokens.physician,
      pumpId,
      body({ timing: 'next-refill', drugId: morphine.id, concentrationMcgPerMl: 10_000, doseMcgPerDay: 1000 }),
    );
    expect(drug.status).toBe(400);
    expect(drug.body.fields.secondPerson).toMatch(/change of drug/);
  });

  it('stores a flex program with its steps and boluses, and the daily dose they add up to', async () => {
    const pumpId = addPump();
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      body({
        mode: 'flex',
        doseMcgPerDay: undefined,
        flexSteps: [
          { start: '00:00', doseMcgPerHour: 10 },
          { start: '12:00', doseMcgPerHour: 11 },
        ],
        periodicBoluses: [{ at: '08:00', doseMcg: 20 }],
      }),
    );
    expect(r.status).toBe(201);
    // 12 h × 10 + 12 h × 11 + 20 = 272 mcg/day (+8.8 %).
    expect(r.body.program.dailyDoseMcg).toBe(272);
    expect(active(pumpId).flexSteps).toEqual([
      { start: '00:00', doseNgPerHour: 10_000 },
      { start: '12:00', doseNgPerHour: 11_000 },
    ]);
  });

  it('changes a constant-flow pump only in constant-flow mode, and its dose only at a refill', async () => {
    const pumpId = addPump(ctx.clinic.id, '3000');
    const simple = await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 500 }));
    expect(simple.status).toBe(400);
    expect(simple.body.fields.mode).toMatch(/constant-flow/);
    const odd = await post(
      ctx.tokens.physician,
      pumpId,
      body({ mode: 'constant-flow', doseMcgPerDay: undefined, concentrationMcgPerMl: 550 }),
    );
    expect(odd.status).toBe(400);
    expect(odd.body.fields.concentrationMcgPerMl).toMatch(/one of 50, 500, 2000/);
    const cf = { mode: 'constant-flow', doseMcgPerDay: undefined, concentrationMcgPerMl: 2000 };
    // Its dose is its concentration: that changes only with the drug filled at a refill.
    const now = await post(ctx.tokens.physician, pumpId, body(cf));
    expect(now.status).toBe(400);
    expect(now.body.fields.concentrationMcgPerMl).toMatch(/refill/);
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      body({ ...cf, timing: 'next-refill', secondPerson: await credentialsOf(ctx, ctx.users.nurse) }),
    );
    expect(r.status).toBe(201);
    // 1 mL/day × 2000 mcg/mL: the dose follows the concentration.
    expect(r.body.order.dailyDoseMcg).toBe(2000);
  });
});

describe('GET /api/v1/pumps/{id}/programs', () => {
  it('lists versions newest first for readers, 404 for another clinic', async () => {
    const pumpId = addPump();
    await post(ctx.tokens.physician, pumpId, body());
    // Doses and concentrations are the clinical record: not the front desk's (issue 14).
    expect((await call(GET, { token: ctx.tokens['front-desk'], params: { id: String(pumpId) } })).status).toBe(403);
    const r = await call(GET, { token: ctx.tokens.nurse, params: { id: String(pumpId) } });
    expect(r.status).toBe(200);
    expect(
      r.body.programs.map((p: { versionNo: number; supersededAt: number | null }) => [
        p.versionNo,
        p.supersededAt === null,
      ]),
    ).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(
      (await call(GET, { token: ctx.tokens.otherClinicNurse, params: { id: String(pumpId) } })).status,
    ).toBe(404);
  });
});
const ordersOf = (pumpId: number) =>
  ctx.db.select().from(s.programOrders).where(eq(s.programOrders.pumpId, pumpId)).all();
const auditOf = (entity: string, entityId: number | string) =>
  ctx.db
    .select()
    .from(s.auditLog)
    .where(and(eq(s.auditLog.entity, entity), eq(s.auditLog.entityId, String(entityId))))
    .all();

describe('POST /api/v1/pumps/{id}/programs: the order and its record', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('records an order applied now as applied, by whom and when, linked to the version it wrote, with its audit rows', async () => {
    const pumpId = addPump();
    const nurse = await credentialsOf(ctx, ctx.users.nurse);
    const r = await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 400, secondPerson: nurse }));
    expect(r.status).toBe(201);
    const version = active(pumpId);
    const [order] = ordersOf(pumpId);
    expect(order).toMatchObject({
      status: 'applied',
      timing: 'now',
      orderedById: ctx.users.physician.id,
      verifiedById: ctx.users.nurse.id,
      appliedAt: version.effectiveAt,
      appliedById: ctx.users.physician.id,
      appliedProgramId: version.id,
    });
    expect(r.body.order).toMatchObject({ status: 'applied', appliedByName: ctx.users.physician.name });
    // The order's audit row says who confirmed it and how large the step was (+60 % over 250 mcg/day).
    const [orderAudit] = auditOf('program_order', order!.id);
    expect(orderAudit).toMatchObject({ action: 'create', actorId: ctx.users.physician.id });
    expect(orderAudit!.after).toMatchObject({
      pumpId,
      timing: 'now',
      reason: 'Titration: spasticity at night',
      orderedById: ctx.users.physician.id,
      verifiedById: ctx.users.nurse.id,
      doseChangePct: 60,
      baselineMcgPerDay: 250,
      spec: { drugId: drugId(), concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 400 },
    });
    // The version's audit row: what it replaced, and the order, the second person and the step behind it.
    const [versionAudit] = auditOf('drug_program', version.id);
    expect(versionAudit).toMatchObject({ action: 'create' });
    expect(versionAudit!.before).toMatchObject({ versionNo: 1, doseNgPerDay: 250_000 });
    expect(versionAudit!.after).toMatchObject({
      versionNo: 2,
      doseNgPerDay: 400_000,
      reason: 'Titration: spasticity at night',
      orderId: order!.id,
      orderedById: ctx.users.physician.id,
      enteredById: ctx.users.physician.id,
      secondPersonId: ctx.users.nurse.id,
      doseChangePct: 60,
    });
  });

  it('answers with the dose step it judged: the change, the usual step, and the E7 alert beyond it', async () => {
    const small = await post(ctx.tokens.physician, addPump(), body({ doseMcgPerDay: 300 }));
    expect(small.body.doseChange).toEqual({
      changePct: 20,
      limitPct: 30,
      exceedsUsualStep: false,
      alert: null,
      baselineMcgPerDay: 250,
    });
    const large = await post(
      ctx.tokens.physician,
      addPump(),
      body({ doseMcgPerDay: 400, secondPerson: await credentialsOf(ctx, ctx.users.nurse) }),
    );
    expect(large.body.doseChange).toMatchObject({ changePct: 60, limitPct: 30, exceedsUsualStep: true });
    expect(large.body.doseChange.alert).toMatchObject({
      code: 'E7',
      message: expect.stringMatching(/250 → 400 mcg\/day/),
    });
  });

  it('names the single step, not the last 24 hours, when one change alone is beyond the usual step', async () => {
    const r = await post(ctx.tokens.physician, addPump(), body({ doseMcgPerDay: 400 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.secondPerson).toMatch(/beyond the usual step \(E7\)/);
    expect(r.body.fields.secondPerson).not.toMatch(/24 h/);
  });

  it('judges an order for the next refill against the usual step at a refill (40 % for spinal origin), not the 24-hour one', async () => {
    const pumpId = addPump();
    // 250 → 340 mcg/day is +36 %: beyond the 30 % of a day's titration, within the 40 % of a refill.
    const within = await post(
      ctx.tokens.physician,
      pumpId,
      body({ timing: 'next-refill', doseMcgPerDay: 340 }),
    );
    expect(within.status).toBe(201);
    expect(within.body.doseChange).toMatchObject({
      changePct: 36,
      limitPct: 40,
      exceedsUsualStep: false,
      baselineMcgPerDay: 250,
    });
    // 250 → 375 is +50 %: beyond it, so a second person confirms even an order that waits for the refill.
    const beyond = await post(
      ctx.tokens.physician,
      pumpId,
      body({ timing: 'next-refill', doseMcgPerDay: 375 }),
    );
    expect(beyond.status).toBe(400);
    expect(beyond.body.fields.secondPerson).toMatch(/E7/);
  });

  it('records a pending order with nobody applying it yet, and the order it replaces as withdrawn in the audit trail', async () => {
    const pumpId = addPump();
    const first = await post(
      ctx.tokens.physician,
      pumpId,
      body({ timing: 'next-refill', doseMcgPerDay: 300 }),
    );
    const second = await post(
      ctx.tokens.physician,
      pumpId,
      body({ timing: 'next-refill', doseMcgPerDay: 280 }),
    );
    expect(second.status).toBe(201);
    const pending = ordersOf(pumpId).find((o) => o.id === second.body.order.id)!;
    expect(pending).toMatchObject({
      status: 'pending',
      appliedAt: null,
      appliedById: null,
      verifiedById: null,
    });
    const replaced = ordersOf(pumpId).find((o) => o.id === first.body.order.id)!;
    // Its version moves on, so a client still holding the pending order sees that it changed.
    expect(replaced).toMatchObject({
      status: 'cancelled',
      cancelledById: ctx.users.physician.id,
      version: first.body.order.version + 1,
    });
    const trail = auditOf('program_order', replaced.id);
    expect(trail.map((a) => a.action)).toEqual(['create', 'update']);
    expect(trail[1]).toMatchObject({
      before: { status: 'pending' },
      after: { status: 'cancelled', supersededByNewOrder: true },
    });
  });

  it('keeps the flex steps, boluses and patient bolus of an order for the next refill, for the nurse to apply', async () => {
    const pumpId = addPump();
    const program = {
      mode: 'flex',
      doseMcgPerDay: undefined,
      flexSteps: [
        { start: '00:00', doseMcgPerHour: 10 },
        { start: '12:00', doseMcgPerHour: 11 },
      ],
      periodicBoluses: [{ at: '08:00', doseMcg: 20 }],
      patientBolus: { doseMcg: 25, maxPerDay: 4 },
    };
    const r = await post(ctx.tokens.physician, pumpId, body({ timing: 'next-refill', ...program }));
    expect(r.status).toBe(201);
    const [order] = ordersOf(pumpId);
    expect(order!.spec).toEqual({
      drugId: drugId(),
      concentrationMcgPerMl: 500,
      mode: 'flex',
      doseMcgPerDay: null,
      flexSteps: program.flexSteps,
      periodicBoluses: program.periodicBoluses,
      patientBolus: program.patientBolus,
    });
    expect(r.body.order.dailyDoseMcg).toBe(272);
  });

  it('answers a change of drug for the next refill, once confirmed, with no dose step judged across drugs', async () => {
    const pumpId = addPump();
    const morphine = ctx.catalog.drugs.get('Infumorph (preservative-free morphine)')!;
    const r = await post(
      ctx.tokens.physician,
      pumpId,
      body({
        timing: 'next-refill',
        drugId: morphine.id,
        concentrationMcgPerMl: 10_000,
        doseMcgPerDay: 1000,
        secondPerson: await credentialsOf(ctx, ctx.users.nurse),
      }),
    );
    expect(r.status).toBe(201);
    expect(r.body.drugChanged).toBe(true);
    expect(r.body.doseChange).toEqual({
      changePct: null,
      limitPct: 0,
      exceedsUsualStep: false,
      alert: null,
      baselineMcgPerDay: null,
    });
    expect(r.body.order).toMatchObject({
      status: 'pending',
      drugName: morphine.name,
      verifiedByName: ctx.users.nurse.name,
    });
  });

  it("answers with this pump's new forecast, not another pump's", async () => {
    // Filled 12 days ago, unlike the other pumps of this file (5 days): its due date is its own.
    const pumpId = addPump();
    ctx.db
      .update(s.refillVisits)
      .set({ performedAt: Date.now() - 12 * DAY_MS })
      .where(eq(s.refillVisits.pumpId, pumpId))
      .run();
    ctx.db
      .update(s.drugPrograms)
      .set({ effectiveAt: Date.now() - 12 * DAY_MS })
      .where(eq(s.drugPrograms.pumpId, pumpId))
      .run();
    const r = await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 260 }));
    expect(r.status).toBe(201);
    const stored = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()!;
    expect(r.body.forecast.refillDueOn).toBe(stored.refillDueOn);
    const first = ctx.db.select().from(s.pumpForecasts).all()[0]!;
    expect(first.pumpId).not.toBe(pumpId);
    expect(r.body.forecast.refillDueOn).not.toBe(first.refillDueOn);
  });

  it('refuses a drug that is not in the catalogue, naming the field', async () => {
    const pumpId = addPump();
    const r = await post(ctx.tokens.physician, pumpId, body({ drugId: 999_999 }));
    expect(r.status).toBe(400);
    expect(r.body.fields.drugId).toMatch(/chosen from the list/);
    expect(versions(pumpId)).toHaveLength(1);
  });

  it('refuses a program that rounds to no drug at all in the record (under 1 ng a day), naming the field', async () => {
    const pumpId = addPump();
    const simple = await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 0.0004 }));
    expect(simple.status).toBe(400);
    expect(simple.body.fields.doseMcgPerDay).toMatch(/must deliver some drug/);
    const flex = await post(
      ctx.tokens.physician,
      pumpId,
      body({
        mode: 'flex',
        doseMcgPerDay: undefined,
        flexSteps: [{ start: '00:00', doseMcgPerHour: 0.00001 }],
      }),
    );
    expect(flex.status).toBe(400);
    expect(flex.body.fields.flexSteps).toMatch(/must deliver some drug/);
    expect(versions(pumpId)).toHaveLength(1);
  });

  it('refuses a change to an explanted pump and writes nothing', async () => {
    const pumpId = addPump();
    const explant = await call(patchPump, {
      method: 'PATCH',
      token: ctx.tokens.physician,
      body: { version: 1, explantedOn: '2025-06-01', reason: 'Infection' },
      params: { id: String(pumpId) },
    });
    expect(explant.status).toBe(200);
    const r = await post(ctx.tokens.physician, pumpId, body());
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/explanted/);
    expect(r.body.fields['(body)']).toMatch(/explanted/);
    expect(versions(pumpId)).toHaveLength(1);
    expect(ordersOf(pumpId)).toHaveLength(0);
  });

  it('starts a change in the same millisecond as the last version or fill just after it, so versions never overlap', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = Date.now();
    vi.setSystemTime(t);
    const pumpId = addPump();
    expect((await post(ctx.tokens.physician, pumpId, body({ doseMcgPerDay: 260 }))).status).toBe(201);
    expect(
      (await post(ctx.tokens.physician, pumpId, body({ expectedVersionNo: 2, doseMcgPerDay: 270 }))).status,
    ).toBe(201);
    const [, v2, v3] = versions(pumpId).sort((a, b) => a.versionNo - b.versionNo);
    expect(v3!.effectiveAt).toBeGreaterThan(v2!.effectiveAt);
    expect(v2!.supersededAt).toBe(v3!.effectiveAt);
    // A refill recorded at this very millisecond, after those versions: the next change starts after it.
    const fillAt = v3!.effectiveAt + 5;
    vi.setSystemTime(fillAt);
    createRefillVisit(ctx.db, {
      pumpId,
      drugId: drugId(),
      performedAt: fillAt,
      expectedResidualMl: null,
      aspiratedResidualMl: null,
      fillMl: 20,
      concentrationMcgPerMl: 500,
      programId: v3!.id,
    });
    expect(
      (await post(ctx.tokens.physician, pumpId, body({ expectedVersionNo: 3, doseMcgPerDay: 280 }))).status,
    ).toBe(201);
    expect(active(pumpId).effectiveAt).toBe(fillAt + 1);
  });
});
