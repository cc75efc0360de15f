import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { addBaclofenPump, setupApiTest, type ApiTestContext } from '@/tests/api';
import { createAppointment, DAY_MS } from '../factories';
import * as s from '../schema';
import { daySheet } from './day-sheet';

let ctx: ApiTestContext;
let date: string;
const now = Date.now();

function lastFill(pumpId: number) {
  const visit = ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, pumpId)).get()!;
  return { at: visit.performedAt, ml: visit.reservoirAfterUl / 1000 };
}

beforeAll(() => {
  ctx = setupApiTest();
  date = addDaysToLocalDate(localDateOf(now, ctx.clinic.timeZone), 1);
});

describe('the day sheet (issue 18, item 2)', () => {
  it('lists the day’s appointments in time order with the pump, the drug, the dose and the residual the program leaves then', () => {
    const late = addBaclofenPump(ctx, { mrn: 'DS-2', filledDaysAgo: 10, patient: { familyName: 'Later', allergies: 'Latex' } });
    const early = addBaclofenPump(ctx, { mrn: 'DS-1', filledDaysAgo: 10, patient: { familyName: 'Earlier', phone: '555-0101' } });
    const at10 = localDateTimeToInstant(date, '10:00', ctx.clinic.timeZone);
    const at08 = localDateTimeToInstant(date, '08:30', ctx.clinic.timeZone);
    createAppointment(ctx.db, { pumpId: late.pump.id, startsAt: at10 });
    createAppointment(ctx.db, { pumpId: early.pump.id, startsAt: at08 });
    // Not on the sheet: a cancelled appointment, another day, another clinic.
    createAppointment(ctx.db, { pumpId: early.pump.id, startsAt: at10 + 30 * 60_000, status: 'cancelled' });
    createAppointment(ctx.db, { pumpId: early.pump.id, startsAt: at10 + DAY_MS });
    const other = addBaclofenPump(ctx, { mrn: 'DS-X', clinicId: ctx.otherClinic.id });
    createAppointment(ctx.db, { pumpId: other.pump.id, startsAt: at10 });

    const sheet = daySheet(ctx.db, ctx.clinic.id, date, now);
    expect(sheet.rows.map((r) => r.appointment.mrn)).toEqual(['DS-1', 'DS-2']);
    expect(sheet.cancelled).toBe(1);
    const [first, second] = sheet.rows;
    expect(first!.appointment.time).toBe('08:30');
    expect(first!.phone).toBe('555-0101');
    expect(first!.pump).toMatchObject({ serial: early.pump.serial, reservoirMl: 20, kind: 'programmable', explanted: false });
    expect(first!.program).toMatchObject({ drugProduct: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, dailyDoseMcg: 250 });
    // 250 mcg/day at 500 mcg/mL is 0.5 mL/day, from the fill to the appointment's start.
    for (const [row, pump, startsAt] of [[first!, early, at08], [second!, late, at10]] as const) {
      const fill = lastFill(pump.pump.id);
      expect(row.expectedResidualMl).toBeCloseTo(fill.ml - (0.5 * (startsAt - fill.at)) / DAY_MS, 6);
    }
    expect(second!.checks).toContainEqual({ severity: 'info', text: 'Allergies: Latex' });
    expect(first!.checks.some((c) => c.text.startsWith('Allergies'))).toBe(false);
  });

  it('says what to check for a pump that is overdue and would be empty by the appointment', () => {
    const empty = addBaclofenPump(ctx, { mrn: 'DS-EMPTY', filledDaysAgo: 45, patient: { riskPriorWithdrawal: true } });
    const startsAt = localDateTimeToInstant(date, '13:00', ctx.clinic.timeZone);
    createAppointment(ctx.db, { pumpId: empty.pump.id, startsAt });
    const row = daySheet(ctx.db, ctx.clinic.id, date, now).rows.find((r) => r.appointment.mrn === 'DS-EMPTY')!;
    expect(row.expectedResidualMl).toBe(0);
    const texts = row.checks.map((c) => c.text);
    expect(texts).toContain('Refill overdue');
    expect(texts).toContain('Reservoir expected empty by then: look for withdrawal signs');
    expect(texts).toContain('High-risk patient: prior baclofen withdrawal');
    // Most urgent first: the engine's critical alerts before the reminders.
    expect(row.checks[0]!.severity).toBe('critical');
  });

  it('is empty on a day without appointments', () => {
    const sheet = daySheet(ctx.db, ctx.clinic.id, addDaysToLocalDate(date, 30), now);
    expect(sheet.rows).toEqual([]);
    expect(sheet.cancelled).toBe(0);
  });
});
