/** POST /api/v1/pumps/{id}/alerts: acknowledge or snooze an alert with a reason; a worse one comes back. */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@/db/factories';
import { patientDetail } from '@/db/queries/patients';
import * as s from '@/db/schema';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { POST } = await import('./route');
const { PATCH: patchPump } = await import('../route');

let ctx: ApiTestContext;

/** 0.5 mL/day from 20 mL: no appointment booked, so E3 (no next appointment) is raised. */
function addPump(clinicId = ctx.clinic.id, daysAgo = 5) {
  return addBaclofenPump(ctx, {
    clinicId,
    filledDaysAgo: daysAgo,
    patient: { backupOralPlan: 'oral baclofen' },
  }).pump.id;
}

const post = (token: string | null, pumpId: number, body: unknown) =>
  call(POST, { method: 'POST', token, body, params: { id: String(pumpId) } });
type AlertOut = {
  code: string;
  severity: string;
  acknowledged: boolean;
  cover: { action: string; reason: string; byName: string } | null;
};
const e3 = (alerts: AlertOut[]) => alerts.find((a) => a.code === 'E3')!;

beforeAll(() => {
  ctx = setupApiTest();
});

describe('POST /api/v1/pumps/{id}/alerts', () => {
  it('acknowledges an alert at its current severity, with who and why, and audits it', async () => {
    const pumpId = addPump();
    const r = await post(ctx.tokens.nurse, pumpId, {
      code: 'E3',
      action: 'acknowledge',
      reason: 'Patient will call to book',
      severity: 'critical',
    });
    expect(r.status).toBe(201);
    expect(e3(r.body.alerts)).toMatchObject({
      acknowledged: true,
      cover: { action: 'acknowledge', reason: 'Patient will call to book', byName: ctx.users.nurse.name },
    });
    const ack = ctx.db
      .select()
      .from(s.alertAcknowledgements)
      .where(eq(s.alertAcknowledgements.pumpId, pumpId))
      .get()!;
    // The severity stored is the one raised now (warn), not the one a client claimed.
    expect(ack.severity).toBe(e3(r.body.alerts).severity);
    expect(ack.severity).not.toBe('critical');
    expect(
      ctx.db
        .select()
        .from(s.auditLog)
        .where(eq(s.auditLog.entityId, `${pumpId}:E3`))
        .all(),
    ).toHaveLength(1);
  });

  it('snoozes for the days asked; the alert comes back when it worsens', async () => {
    const pumpId = addPump(ctx.clinic.id, 5);
    const r = await post(ctx.tokens.physician, pumpId, {
      code: 'E3',
      action: 'snooze',
      snoozeDays: 3,
      reason: 'Calling the family',
    });
    expect(r.status).toBe(201);
    expect(e3(r.body.alerts)).toMatchObject({
      severity: 'warn',
      acknowledged: true,
      cover: { action: 'snooze' },
    });
    const ack = ctx.db
      .select()
      .from(s.alertAcknowledgements)
      .where(eq(s.alertAcknowledgements.pumpId, pumpId))
      .get()!;
    expect(ack.snoozedUntil! - ack.at).toBeGreaterThan(3 * DAY_MS - 5_000);
    expect(ack.snoozedUntil! - ack.at).toBeLessThan(3 * DAY_MS + 5_000);

    // Make it worse: as if the fill had been 30 days ago, the refill is overdue and E3 is no longer a mere warning.
    const patientId = ctx.db.select().from(s.pumps).where(eq(s.pumps.id, pumpId)).get()!.patientId;
    ctx.db
      .update(s.refillVisits)
      .set({ performedAt: Date.now() - 30 * DAY_MS })
      .where(eq(s.refillVisits.pumpId, pumpId))
      .run();
    ctx.db
      .update(s.drugPrograms)
      .set({ effectiveAt: Date.now() - 30 * DAY_MS })
      .where(eq(s.drugPrograms.pumpId, pumpId))
      .run();
    const detail = patientDetail(ctx.db, ctx.clinic.id, patientId, Date.now());
    const worse = e3(detail.pumps[0]!.forecast!.alerts as AlertOut[]);
    expect(worse.severity).toBe('high');
    expect(worse.acknowledged).toBe(false);
  });

  it('refuses an alert the pump does not raise now, and invalid input, with field messages', async () => {
    const pumpId = addPump();
    const none = await post(ctx.tokens.nurse, pumpId, { code: 'E10', action: 'acknowledge', reason: 'n/a' });
    expect(none.status).toBe(400);
    expect(none.body.fields.code).toMatch(/not raised/);
    const bad = await post(ctx.tokens.nurse, pumpId, { code: 'X', action: 'snooze', reason: '' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['code', 'reason', 'snoozeDays']);
    expect(
      ctx.db.select().from(s.alertAcknowledgements).where(eq(s.alertAcknowledgements.pumpId, pumpId)).all(),
    ).toHaveLength(0);
  });

  it('is for nurses and physicians of the clinic only', async () => {
    const pumpId = addPump();
    const b = { code: 'E3', action: 'acknowledge', reason: 'ok then' };
    expect((await post(ctx.tokens['front-desk'], pumpId, b)).status).toBe(403);
    expect((await post(ctx.tokens.admin, pumpId, b)).status).toBe(403);
    expect((await post(ctx.tokens.otherClinicNurse, pumpId, b)).status).toBe(404);
  });
});

describe('POST /api/v1/pumps/{id}/alerts: what an acknowledgement records and changes', () => {
  const storedRank = (pumpId: number) =>
    ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()?.worstAlertRank;

  it("records this pump's alert as raised for it, wording included, and an acknowledgement with no end", async () => {
    // Filled 20 days ago: its E3 names another due date than the other pumps of the clinic.
    const pumpId = addPump(ctx.clinic.id, 20);
    const r = await post(ctx.tokens.nurse, pumpId, { code: 'E3', action: 'acknowledge', reason: 'Family will call' });
    expect(r.status).toBe(201);
    const raised = e3(r.body.alerts) as AlertOut & { message: string };
    const ack = ctx.db
      .select()
      .from(s.alertAcknowledgements)
      .where(eq(s.alertAcknowledgements.pumpId, pumpId))
      .get()!;
    // An acknowledgement lasts until the alert worsens; only a snooze ends by itself.
    expect(ack).toMatchObject({ action: 'acknowledge', snoozedUntil: null, byUserId: ctx.users.nurse.id });
    const [row] = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entityId, `${pumpId}:E3`)).all();
    expect(row).toMatchObject({ entity: 'alert', action: 'acknowledge', actorId: ctx.users.nurse.id, before: null });
    expect(row!.after).toEqual({
      ackId: ack.id,
      severity: raised.severity,
      reason: 'Family will call',
      snoozedUntil: null,
      message: raised.message,
    });
  });

  it('takes the acknowledged alert out of the worklist rank at once', async () => {
    const pumpId = addPump();
    const before = storedRank(pumpId)!;
    expect(before).toBeGreaterThan(0);
    expect((await post(ctx.tokens.nurse, pumpId, { code: 'E3', action: 'acknowledge', reason: 'Booked by phone' })).status).toBe(201);
    expect(storedRank(pumpId)).toBeLessThan(before);
  });

  it('refuses an explanted pump: it raises no alerts', async () => {
    const pumpId = addPump();
    const explant = await call(patchPump, {
      method: 'PATCH',
      token: ctx.tokens.physician,
      body: { version: 1, explantedOn: '2025-06-01', reason: 'Infection' },
      params: { id: String(pumpId) },
    });
    expect(explant.status).toBe(200);
    const r = await post(ctx.tokens.nurse, pumpId, { code: 'E3', action: 'acknowledge', reason: 'n/a' });
    expect(r.status).toBe(400);
    expect(r.body.fields['(body)']).toMatch(/no forecast \(explanted, or no fill recorded\)/);
  });
});
