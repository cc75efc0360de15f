/**
 * POST /api/v1/pumps/{id}/visits/{visitId}/review: a critical residual discrepancy (E5) stays open on the
 * patient page, the forecast API and the worklist until a physician reviews it with a note.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRefillVisit, DAY_MS } from '@/db/factories';
import { refreshForecasts } from '@/db/queries/forecasts';
import { patientDetail } from '@/db/queries/patients';
import { listWorklist } from '@/db/queries/worklist';
import * as s from '@/db/schema';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { POST } = await import('./route');
const alertsRoute = await import('../../../alerts/route');
const forecastRoute = await import('../../../forecast/route');

let ctx: ApiTestContext;

/**
 * The case: expected residual 3.44 mL, aspirated 8.0 mL on a baclofen pump (possible motor stall),
 * stored as the refill helper stores it (discrepancySeverity 'critical'), yesterday.
 */
function addStalledPump(severity: 'critical' | 'high' | null = 'critical') {
  const { pump, program, patient } = addBaclofenPump(ctx, { filledDaysAgo: 40, patient: { backupOralPlan: 'oral' } });
  const visit = createRefillVisit(ctx.db, {
    pumpId: pump.id,
    drugId: program.drugId,
    performedAt: Date.now() - DAY_MS,
    expectedResidualMl: 3.44,
    aspiratedResidualMl: 8,
    fillMl: 20,
    concentrationMcgPerMl: 500,
    programId: program.id,
    discrepancyFlag: 'under-infusion',
  });
  ctx.db.update(s.refillVisits).set({ discrepancySeverity: severity }).where(eq(s.refillVisits.id, visit.id)).run();
  refreshForecasts(ctx.db, { pumpIds: [pump.id] }, Date.now());
  return { pumpId: pump.id, visitId: visit.id, patientId: patient.id };
}

const review = (token: string, pumpId: number, visitId: number, body: unknown) =>
  call(POST, { method: 'POST', token, body, params: { id: String(pumpId), visitId: String(visitId) } });
type AlertOut = { code: string; severity: string; message: string; acknowledged: boolean; review?: { visitId: number } };
const e5Of = (alerts: AlertOut[]) => alerts.filter((a) => a.code === 'E5');
const codes = (alerts: AlertOut[]) => alerts.map((a) => `${a.code}:${a.severity}`).sort();
const pageAlerts = (patientId: number) =>
  patientDetail(ctx.db, ctx.clinic.id, patientId, Date.now()).pumps[0]!.forecast!.alerts;
const worklistRow = (pumpId: number) =>
  listWorklist(ctx.db, ctx.clinic.id, { pageSize: 200 }, Date.now()).rows.find((r) => r.pumpId === pumpId)!;

beforeAll(() => {
  ctx = setupApiTest();
});

describe('a critical residual discrepancy (E5)', () => {
  it('stays open after the refill is saved: patient page, forecast API and worklist, at CRITICAL', async () => {
    const { pumpId, visitId, patientId } = addStalledPump();
    expect(e5Of(pageAlerts(patientId))).toMatchObject([
      { severity: 'critical', acknowledged: false, review: { visitId } },
    ]);
    expect(e5Of(pageAlerts(patientId))[0]!.message).toMatch(/expected 3\.4 mL, aspirated 8 mL/);
    const f = await call(forecastRoute.GET, { token: ctx.tokens.nurse, params: { id: String(pumpId) } });
    expect(f.status).toBe(200);
    expect(e5Of(f.body.alerts)).toMatchObject([{ severity: 'critical' }]);
    // Just refilled, so the time-driven status is OK: the alert alone makes it Critical on the worklist.
    const row = worklistRow(pumpId);
    expect(row.forecastStatus).toBe('ok');
    expect(row.status).toBe('critical');
    expect(row.worstAlert).toEqual({ code: 'E5', severity: 'critical' });
  });

  it('cannot be acknowledged or snoozed, by anyone', async () => {
    const { pumpId } = addStalledPump();
    for (const action of ['acknowledge', 'snooze'] as const) {
      const r = await call(alertsRoute.POST, {
        method: 'POST',
        token: ctx.tokens.physician,
        params: { id: String(pumpId) },
        body: { code: 'E5', action, reason: 'Seen it', snoozeDays: action === 'snooze' ? 3 : undefined },
      });
      expect(r.status).toBe(400);
      expect(r.body.fields.code).toMatch(/physician reviews it/);
    }
    expect(worklistRow(pumpId).status).toBe('critical');
  });

  it('is refused to nurses and the front desk (403), and a note of 3 to 1000 characters is required', async () => {
    const { pumpId, visitId } = addStalledPump();
    for (const role of ['nurse', 'front-desk', 'admin'] as const) {
      expect((await review(ctx.tokens[role], pumpId, visitId, { note: 'Catheter study ordered' })).status).toBe(403);
    }
    for (const note of ['', 'ok', 'x'.repeat(1001)]) {
      const r = await review(ctx.tokens.physician, pumpId, visitId, { note });
      expect(r.status).toBe(400);
      expect(r.body.fields.note).toBeTruthy();
    }
    expect(ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.id, visitId)).get()!.discrepancyReviewedAt).toBeNull();
    expect(worklistRow(pumpId).status).toBe('critical');
  });

  it('closes when a physician reviews it with a note: stored, audited, gone from every list and the rank', async () => {
    const { pumpId, visitId, patientId } = addStalledPump();
    const r = await review(ctx.tokens.physician, pumpId, visitId, { note: '  Pump interrogated: motor stall log; catheter study booked.  ' });
    expect(r.status).toBe(201);
    expect(e5Of(r.body.alerts)).toEqual([]);
    const row = ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.id, visitId)).get()!;
    expect(row).toMatchObject({
      discrepancyReviewedById: ctx.users.physician.id,
      discrepancyReviewNote: 'Pump interrogated: motor stall log; catheter study booked.',
    });
    expect(row.discrepancyReviewedAt).toBeGreaterThan(0);
    const audit = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entityId, String(visitId))).all();
    expect(audit.filter((a) => a.action === 'review' && a.entity === 'refill_visit')).toHaveLength(1);
    expect(e5Of(pageAlerts(patientId))).toEqual([]);
    // What is left is the warning that no appointment is booked (E3).
    expect(worklistRow(pumpId)).toMatchObject({ status: 'due-soon', forecastStatus: 'ok', worstAlert: { code: 'E3', severity: 'warn' } });
    // A second review of the same visit is a conflict, not a second record.
    expect((await review(ctx.tokens.physician, pumpId, visitId, { note: 'again' })).status).toBe(409);
  });

  it('is not reviewable through another clinic or another pump (404), nor on a visit without a discrepancy (400)', async () => {
    const { pumpId, visitId } = addStalledPump();
    const other = addStalledPump();
    expect((await review(ctx.tokens.physician, other.pumpId, visitId, { note: 'Wrong pump' })).status).toBe(404);
    const clean = addStalledPump(null);
    ctx.db.update(s.refillVisits).set({ discrepancyFlag: 'none' }).where(eq(s.refillVisits.id, clean.visitId)).run();
    expect((await review(ctx.tokens.physician, clean.pumpId, clean.visitId, { note: 'Nothing here' })).status).toBe(400);
    expect(worklistRow(pumpId).status).toBe('critical');
  });
});

describe('the review of one visit', () => {
  it('answers with the reviewed pump\'s own alerts, as the forecast shows them', async () => {
    const { pumpId, visitId } = addStalledPump();
    const r = await review(ctx.tokens.physician, pumpId, visitId, { note: 'Catheter study booked for Monday.' });
    expect(r.status).toBe(201);
    const f = await call(forecastRoute.GET, { token: ctx.tokens.physician, params: { id: String(pumpId) } });
    // The no-appointment warning (E3) is still there: the answer is the pump's alerts, not an empty list.
    expect(codes(r.body.alerts)).toContain('E3:warn');
    expect(codes(r.body.alerts)).toEqual(codes(f.body.alerts));
  });

  it("answers with this pump's alerts, not those of another pump entered before it", async () => {
    // A pump with other alerts (filled 200 days ago: empty), entered before the reviewed one: an answer built from
    // the clinic's first pump, or any other, would not be this pump's.
    const other = addBaclofenPump(ctx, { filledDaysAgo: 200 });
    const { pumpId, visitId } = addStalledPump();
    const r = await review(ctx.tokens.physician, pumpId, visitId, { note: 'Catheter study booked for Monday.' });
    expect(r.status).toBe(201);
    const own = await call(forecastRoute.GET, { token: ctx.tokens.physician, params: { id: String(pumpId) } });
    const others = await call(forecastRoute.GET, { token: ctx.tokens.physician, params: { id: String(other.pump.id) } });
    expect(codes(others.body.alerts)).not.toEqual(codes(own.body.alerts));
    expect(codes(r.body.alerts)).toEqual(codes(own.body.alerts));
  });

  it('is audited with what was reviewed: the alert, its severity, the discrepancy and the note', async () => {
    const { pumpId, visitId } = addStalledPump();
    const note = 'Motor stall in the pump log; catheter study booked.';
    expect((await review(ctx.tokens.physician, pumpId, visitId, { note })).status).toBe(201);
    const row = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entityId, String(visitId))).all()
      .find((a) => a.action === 'review' && a.entity === 'refill_visit')!;
    expect(row.before).toEqual({ discrepancyReviewedAt: null });
    expect(row.after).toMatchObject({
      pumpId,
      code: 'E5',
      severity: 'critical',
      discrepancyFlag: 'under-infusion',
      note,
    });
    expect((row.after as { message: string }).message).toMatch(/expected 3\.4 mL, aspirated 8 mL/);
  });

  it('of an earlier visit without a discrepancy does not close the E5 of the latest refill', async () => {
    const { pumpId, visitId, patientId } = addStalledPump();
    const latest = ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.id, visitId)).get()!;
    const older = createRefillVisit(ctx.db, {
      pumpId,
      drugId: latest.drugId,
      programId: latest.programId,
      performedAt: Date.now() - 90 * DAY_MS,
      expectedResidualMl: 5,
      aspiratedResidualMl: 5.2,
      fillMl: 20,
      concentrationMcgPerMl: 500,
      discrepancyFlag: 'none',
    });
    const r = await review(ctx.tokens.physician, pumpId, older.id, { note: 'Reviewed the wrong visit.' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(new RegExp(`Visit ${older.id} has no open residual discrepancy`));
    expect(r.body.fields.visitId).toMatch(/no open residual discrepancy/);
    expect(e5Of(pageAlerts(patientId))).toMatchObject([{ severity: 'critical', review: { visitId } }]);
    expect(worklistRow(pumpId).status).toBe('critical');
  });

  it('says why it is refused: an unknown visit, or a discrepancy already reviewed', async () => {
    const { pumpId, visitId } = addStalledPump();
    const other = addStalledPump();
    const notHere = await review(ctx.tokens.physician, pumpId, other.visitId, { note: 'Wrong pump' });
    expect(notHere.body.error).toBe(`Pump ${pumpId} has no refill visit ${other.visitId}.`);
    expect((await review(ctx.tokens.physician, pumpId, visitId, { note: 'Reviewed today.' })).status).toBe(201);
    const again = await review(ctx.tokens.physician, pumpId, visitId, { note: 'Reviewed twice.' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe(`The discrepancy of visit ${visitId} is already reviewed.`);
  });
});
