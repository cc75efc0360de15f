/** DELETE /api/v1/pumps/{id}/orders/{orderId}: a physician withdraws an order still waiting for the refill. */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPatient, createPump, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { call, credentialsOf, setupApiTest, type ApiTestContext } from '@/tests/api';

const { DELETE } = await import('./route');
const { POST: postProgram } = await import('../../programs/route');

let ctx: ApiTestContext;
let seq = 0;

const drugId = () => ctx.catalog.drugs.get('Lioresal Intrathecal')!.id;

function addPump(model = '8637-20', clinicId = ctx.clinic.id) {
  seq++;
  const patient = createPatient(ctx.db, { clinicId, mrn: `O-${seq}`, spasticityOrigin: 'spinal' });
  const constantFlow = model === '3000';
  const { pump } = createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get(model)!,
    serial: `OS-${seq}`,
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

/** A physician's order for the pump: pending for the next refill unless `timing: 'now'`. */
async function order(pumpId: number, overrides: Record<string, unknown> = {}) {
  const r = await call(postProgram, {
    method: 'POST',
    token: ctx.tokens.physician,
    params: { id: String(pumpId) },
    body: {
      expectedVersionNo: 1,
      drugId: drugId(),
      concentrationMcgPerMl: 500,
      mode: 'simple',
      doseMcgPerDay: 300,
      reason: 'Titration at the next refill',
      timing: 'next-refill',
      ...overrides,
    },
  });
  expect(r.status).toBe(201);
  return r.body.order as { id: number; version: number };
}

const withdraw = (token: string | null, pumpId: number, orderId: number) =>
  call(DELETE, { method: 'DELETE', token, params: { id: String(pumpId), orderId: String(orderId) } });
const row = (orderId: number) =>
  ctx.db.select().from(s.programOrders).where(eq(s.programOrders.id, orderId)).get()!;

beforeAll(() => {
  ctx = setupApiTest();
});

describe('DELETE /api/v1/pumps/{id}/orders/{orderId}', () => {
  it('withdraws a pending order: cancelled, by whom and when, its version moved on, audited', async () => {
    const pumpId = addPump();
    const o = await order(pumpId);
    const r = await withdraw(ctx.tokens.physician, pumpId, o.id);
    expect(r.status).toBe(200);
    expect(r.body.order).toMatchObject({
      id: o.id,
      status: 'cancelled',
      dailyDoseMcg: 300,
      drugName: 'baclofen',
      orderedByName: ctx.users.physician.name,
      version: o.version + 1,
    });
    expect(r.body.order.cancelledAt).toEqual(expect.any(Number));
    expect(row(o.id)).toMatchObject({
      status: 'cancelled',
      cancelledById: ctx.users.physician.id,
      version: o.version + 1,
    });
    const trail = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.entity, 'program_order'), eq(s.auditLog.entityId, String(o.id))))
      .all();
    expect(trail.map((a) => a.action)).toEqual(['create', 'update']);
    expect(trail[1]).toMatchObject({
      actorId: ctx.users.physician.id,
      before: { status: 'pending' },
      after: { status: 'cancelled' },
    });
  });

  it('answers with the daily dose of a constant-flow order, which its flow sets', async () => {
    const pumpId = addPump('3000');
    const o = await order(pumpId, {
      mode: 'constant-flow',
      doseMcgPerDay: undefined,
      concentrationMcgPerMl: 2000,
      secondPerson: await credentialsOf(ctx, ctx.users.nurse),
    });
    const r = await withdraw(ctx.tokens.physician, pumpId, o.id);
    expect(r.status).toBe(200);
    // 1 mL/day × 2000 mcg/mL.
    expect(r.body.order.dailyDoseMcg).toBe(2000);
  });

  it('cannot withdraw an order twice, or one already applied (409), and leaves it as it was', async () => {
    const pumpId = addPump();
    const o = await order(pumpId);
    expect((await withdraw(ctx.tokens.physician, pumpId, o.id)).status).toBe(200);
    const again = await withdraw(ctx.tokens.physician, pumpId, o.id);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/already cancelled/);
    expect(row(o.id).version).toBe(o.version + 1);
    const applied = await order(pumpId, { timing: 'now' });
    const late = await withdraw(ctx.tokens.physician, pumpId, applied.id);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(/already applied/);
    expect(row(applied.id).status).toBe('applied');
  });

  it("answers 404 for an unknown order, another pump's order, or another clinic's pump", async () => {
    const pumpId = addPump();
    const other = addPump();
    const o = await order(pumpId);
    expect((await withdraw(ctx.tokens.physician, pumpId, 999_999)).status).toBe(404);
    const wrongPump = await withdraw(ctx.tokens.physician, other, o.id);
    expect(wrongPump.status).toBe(404);
    expect(wrongPump.body.error).toMatch(/No such order/);
    const foreign = addPump('8637-20', ctx.otherClinic.id);
    expect((await withdraw(ctx.tokens.physician, foreign, o.id)).status).toBe(404);
    expect(row(o.id).status).toBe('pending');
  });

  it('is for physicians only', async () => {
    const pumpId = addPump();
    const o = await order(pumpId);
    for (const role of ['nurse', 'front-desk', 'admin'] as const)
      expect((await withdraw(ctx.tokens[role], pumpId, o.id)).status).toBe(403);
    expect((await withdraw(null, pumpId, o.id)).status).toBe(401);
    expect(row(o.id).status).toBe('pending');
  });
});
