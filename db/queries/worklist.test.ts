/**
 * The worklist ranks by what is most dangerous: the worst open alert (stored as pump_forecasts.worstAlertRank,
 * E5 included) combined in SQL with the time-driven status, and no chip milder than the row's worst alert.
 */
import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAppointment, createRefillVisit, DAY_MS } from '@/db/factories';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { worklistQueryFor } from '@/lib/validation/worklist';
import * as s from '@/db/schema';
import { addBaclofenPump, setupApiTest, type ApiTestContext } from '@/tests/api';
import { acknowledgeAlert } from './alerts';
import { refreshForecasts, RANK_LOOKAHEAD_MS } from './forecasts';
import { listWorklist } from './worklist';

let ctx: ApiTestContext;
let clinicId: number;

beforeEach(() => {
  ctx ??= setupApiTest();
  // A clinic per test: each test ranks only its own pumps.
  clinicId = ctx.db
    .insert(s.clinics)
    .values({ name: `Clinic ${Math.random()}`, timeZone: 'America/Chicago', phone24h: '1', address: 'x', clinicWeekdays: [1, 2, 3, 4, 5], holidays: [] })
    .returning()
    .get().id;
});

/** 20 mL at 0.5 mL/day: `filledDaysAgo` 5 is OK (E3 warn: no appointment), 32 is overdue (E1 HIGH). */
function pump(filledDaysAgo: number, mrn: string) {
  return addBaclofenPump(ctx, { clinicId, filledDaysAgo, mrn: `${mrn}-${clinicId}`, patient: { backupOralPlan: 'oral' } });
}

function discrepancy(p: ReturnType<typeof pump>, opts: { severity: 'high' | 'critical' | null; daysAgo: number; flag?: 'under-infusion' | 'over-delivery' }) {
  const visit = createRefillVisit(ctx.db, {
    pumpId: p.pump.id,
    drugId: p.program.drugId,
    performedAt: Date.now() - opts.daysAgo * DAY_MS,
    expectedResidualMl: 3.44,
    aspiratedResidualMl: 8,
    fillMl: 20,
    concentrationMcgPerMl: 500,
    programId: p.program.id,
    discrepancyFlag: opts.flag ?? 'under-infusion',
  });
  ctx.db.update(s.refillVisits).set({ discrepancySeverity: opts.severity }).where(eq(s.refillVisits.id, visit.id)).run();
  refreshForecasts(ctx.db, { pumpIds: [p.pump.id] }, Date.now());
  return visit;
}

const list = (filter: Parameters<typeof listWorklist>[2] = {}, now = Date.now()) => listWorklist(ctx.db, clinicId, filter, now);
const stored = (pumpId: number) =>
  ctx.db.select({ r: s.pumpForecasts.worstAlertRank }).from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()!.r;

describe('worklist rank', () => {
  it('puts a critical discrepancy on a just-refilled pump above overdue (HIGH) pumps, with a Critical chip', () => {
    const overdue = pump(32, 'OVER');
    const fine = pump(5, 'FINE');
    const stalled = pump(40, 'STALL');
    discrepancy(stalled, { severity: 'critical', daysAgo: 1 });
    expect(stored(stalled.pump.id)).toBe(4);
    const page = list();
    expect(page.rows.map((r) => r.pumpId)).toEqual([stalled.pump.id, overdue.pump.id, fine.pump.id]);
    expect(page.rows.map((r) => [r.status, r.forecastStatus])).toEqual([
      ['critical', 'ok'],
      ['overdue', 'overdue'],
      ['due-soon', 'ok'],
    ]);
    expect(page.counts).toMatchObject({ critical: 1, overdue: 1, 'due-soon': 1, ok: 0 });
    // The status filter selects by the same tier.
    expect(list({ status: 'critical' }).rows.map((r) => r.pumpId)).toEqual([stalled.pump.id]);
    expect(list({ status: 'ok' }).rows).toEqual([]);
  });

  it('within a tier, the worse alert ranks first: a HIGH discrepancy beside an overdue pump', () => {
    const overdue = pump(32, 'OVER');
    const over = pump(40, 'OVERDEL');
    discrepancy(over, { severity: 'high', daysAgo: 1, flag: 'over-delivery' });
    const rows = list().rows;
    // Both are in the HIGH tier; the overdue pump's E1 and E3 are HIGH too, so the time-driven status breaks the tie.
    expect(rows.map((r) => r.status)).toEqual(['overdue', 'overdue']);
    expect(rows.map((r) => r.pumpId)).toEqual([overdue.pump.id, over.pump.id]);
    expect(rows[1]!.worstAlert).toEqual({ code: 'E5', severity: 'high' });
  });

  it('a visit stored before severities were (severity null, flag set) opens E5 from its flag and the drug, when it is the latest visit', () => {
    const legacy = pump(40, 'LEGACY');
    discrepancy(legacy, { severity: null, daysAgo: 2 });
    expect(list().rows[0]).toMatchObject({ pumpId: legacy.pump.id, status: 'critical', worstAlert: { code: 'E5', severity: 'critical' } });
    // A later refill within tolerance checked the residual again: the old, unstored flag no longer raises E5.
    createRefillVisit(ctx.db, {
      pumpId: legacy.pump.id,
      drugId: legacy.program.drugId,
      performedAt: Date.now() - DAY_MS,
      expectedResidualMl: 19.5,
      aspiratedResidualMl: 19.4,
      fillMl: 20,
      concentrationMcgPerMl: 500,
      programId: legacy.program.id,
      discrepancyFlag: 'none',
    });
    refreshForecasts(ctx.db, { pumpIds: [legacy.pump.id] }, Date.now());
    expect(list().rows[0]!.alerts.some((a) => a.code === 'E5')).toBe(false);
  });

  it('a stored severity stays open even after later refills, until reviewed', () => {
    const p = pump(40, 'KEEP');
    discrepancy(p, { severity: 'critical', daysAgo: 3 });
    createRefillVisit(ctx.db, {
      pumpId: p.pump.id,
      drugId: p.program.drugId,
      performedAt: Date.now() - DAY_MS,
      expectedResidualMl: 19,
      aspiratedResidualMl: 19,
      fillMl: 20,
      concentrationMcgPerMl: 500,
      programId: p.program.id,
      discrepancyFlag: 'none',
    });
    refreshForecasts(ctx.db, { pumpIds: [p.pump.id] }, Date.now());
    expect(list().rows[0]!.status).toBe('critical');
  });

  it('an acknowledged alert stops driving the rank; the time-driven status still ranks', () => {
    const overdue = pump(32, 'ACK');
    const e3 = list().rows[0]!.alerts.find((a) => a.code === 'E3')!;
    expect(e3.severity).toBe('high');
    acknowledgeAlert(ctx.db, { pumpId: overdue.pump.id, code: 'E3', severity: 'high', action: 'acknowledge', reason: 'Called', snoozedUntil: null, byUserId: ctx.users.nurse.id });
    refreshForecasts(ctx.db, { pumpIds: [overdue.pump.id] }, Date.now());
    // E1 (overdue, HIGH) is still open: acknowledging E3 cannot make the refill less overdue.
    expect(list().rows[0]).toMatchObject({ status: 'overdue', forecastStatus: 'overdue' });

    const fine = pump(5, 'ACK2');
    acknowledgeAlert(ctx.db, { pumpId: fine.pump.id, code: 'E3', severity: 'warn', action: 'acknowledge', reason: 'Will call', snoozedUntil: null, byUserId: ctx.users.nurse.id });
    refreshForecasts(ctx.db, { pumpIds: [fine.pump.id] }, Date.now());
    expect(stored(fine.pump.id)).toBeLessThanOrEqual(1); // an INFO note at most
    expect(list().rows.find((r) => r.pumpId === fine.pump.id)!.status).toBe('ok');
  });

  it('a snooze that ends before the next refresh does not lower the stored rank (the look-ahead)', () => {
    const fine = pump(5, 'SNOOZE');
    const now = Date.now();
    acknowledgeAlert(ctx.db, { pumpId: fine.pump.id, code: 'E3', severity: 'warn', action: 'snooze', reason: 'Later', snoozedUntil: now + RANK_LOOKAHEAD_MS / 2, byUserId: ctx.users.nurse.id });
    refreshForecasts(ctx.db, { pumpIds: [fine.pump.id] }, now);
    expect(stored(fine.pump.id)).toBe(2);
    // An hour later, with no refresh in between, the snooze is over and the row's chip matches its open E3.
    const later = list({}, now + RANK_LOOKAHEAD_MS * 0.75).rows[0]!;
    expect(later.alerts.find((a) => a.code === 'E3')!.acknowledged).toBe(false);
    expect(later.status).toBe('due-soon');

    // A long snooze does lower it.
    ctx.db.delete(s.alertAcknowledgements).where(and(eq(s.alertAcknowledgements.pumpId, fine.pump.id))).run();
    acknowledgeAlert(ctx.db, { pumpId: fine.pump.id, code: 'E3', severity: 'warn', action: 'snooze', reason: 'Later', snoozedUntil: now + 3 * DAY_MS, byUserId: ctx.users.nurse.id });
    refreshForecasts(ctx.db, { pumpIds: [fine.pump.id] }, now);
    expect(stored(fine.pump.id)).toBeLessThanOrEqual(1);
  });

  it('a high-risk patient turning overdue at midnight ranks Critical before the next refresh (E1 CRITICAL, E13)', () => {
    const p = addBaclofenPump(ctx, { clinicId, filledDaysAgo: 5, mrn: `RISK-${clinicId}`, patient: { riskCommunication: true, backupOralPlan: 'oral' } });
    const due = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, p.pump.id)).get()!.refillDueOn;
    // The last refresh ran an hour before the clinic's midnight that ends the due date; the list is read an hour after.
    const midnight = localDateTimeToInstant(addDaysToLocalDate(due, 1), '00:00', 'America/Chicago');
    expect(midnight - 3_600_000).toBeGreaterThan(Date.now());
    refreshForecasts(ctx.db, { pumpIds: [p.pump.id] }, midnight - 3_600_000);
    expect(stored(p.pump.id)).toBe(4);
    const row = list({}, midnight + 3_600_000 + 60_000).rows[0]!;
    expect(row.forecastStatus).toBe('overdue');
    expect(row.alerts.find((a) => a.code === 'E1')!.severity).toBe('critical');
    expect(row.status).toBe('critical');
    expect(list({ status: 'critical' }, midnight + 3_600_000 + 60_000).rows).toHaveLength(1);
  });
});

describe('worklist views', () => {
  it('"today" lists the pumps booked today (clinic-local) and every pump overdue or worse, in the usual order', () => {
    const now = Date.now();
    const today = localDateOf(now, 'America/Chicago');
    const at = (date: string, time: string) => localDateTimeToInstant(date, time, 'America/Chicago');
    const overdue = pump(32, 'OVER');
    const bookedToday = pump(5, 'TODAY');
    const bookedEarly = pump(5, 'EARLY');
    const bookedTomorrow = pump(5, 'TOMORROW');
    const cancelledToday = pump(5, 'CANCEL');
    pump(5, 'NONE');
    createAppointment(ctx.db, { pumpId: bookedToday.pump.id, startsAt: at(today, '23:30') });
    createAppointment(ctx.db, { pumpId: bookedEarly.pump.id, startsAt: at(today, '00:00') });
    createAppointment(ctx.db, { pumpId: bookedTomorrow.pump.id, startsAt: at(addDaysToLocalDate(today, 1), '00:00') });
    createAppointment(ctx.db, { pumpId: cancelledToday.pump.id, startsAt: at(today, '12:00'), status: 'cancelled' });
    refreshForecasts(ctx.db, { clinicId }, now);

    const page = list({ view: 'today' }, now);
    const all = list({}, now).rows.map((r) => r.pumpId);
    const expected = [overdue.pump.id, bookedToday.pump.id, bookedEarly.pump.id];
    expect(new Set(page.rows.map((r) => r.pumpId))).toEqual(new Set(expected));
    // The ranking is the worklist's own: the view only selects.
    expect(page.rows.map((r) => r.pumpId)).toEqual(all.filter((id) => expected.includes(id)));
    expect(page.total).toBe(3);
    expect(Object.values(page.counts).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('"mine" lists the patients the signed-in physician manages, and only a physician may ask for it', () => {
    const physician = ctx.users.physician;
    const mine = addBaclofenPump(ctx, { clinicId, filledDaysAgo: 5, mrn: `MINE-${clinicId}`, patient: { backupOralPlan: 'oral', managingPhysicianId: physician.id } });
    pump(32, 'OTHER');
    expect(list({ view: 'mine', viewerId: physician.id }).rows.map((r) => r.pumpId)).toEqual([mine.pump.id]);
    expect(() => list({ view: 'mine' })).toThrow(/signed-in user/);

    expect(worklistQueryFor({ view: 'mine' }, physician).success).toBe(true);
    const nurse = worklistQueryFor({ view: 'mine' }, ctx.users.nurse);
    expect(nurse.success).toBe(false);
    expect(nurse.error?.issues.map((i) => i.path.join('.'))).toEqual(['view']);
    const other = worklistQueryFor({ view: 'mine', physicianId: 'someone-else' }, physician);
    expect(other.error?.issues.map((i) => i.path.join('.'))).toEqual(['physicianId']);
    expect(worklistQueryFor({ view: 'week' }, physician).error?.issues[0]?.message).toBe('must be today or mine');
  });

  it('gives each row the volume now and whether the pump is constant-flow (no alarm)', () => {
    const p = pump(5, 'VOL');
    const row = list().rows.find((r) => r.pumpId === p.pump.id)!;
    // 20 mL filled 5 days ago at 0.5 mL/day, worst case (the pump's accuracy) a little less than 17.5 mL.
    expect(row.volumeNowMl).toBeGreaterThan(16);
    expect(row.volumeNowMl).toBeLessThan(17.5);
    expect(row.constantFlow).toBe(false);
  });
});
