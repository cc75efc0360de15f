/**
 * Regression (product issue item 11, "a clock that steps back"): a refill recorded while the server clock was
 * 20 days ahead made the worklist answer 500, the pump impossible to refill or book, and, after a restart, every
 * page answer 500 until the clock passed the bad date. A record dated in the future must never stop the app.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DAY_MS } from '@/db/factories';
import { refreshForecasts } from '@/db/queries/forecasts';
import * as s from '@/db/schema';
import { addDaysToLocalDate, localDateOf } from '@/lib/domain/calendar';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from './api';

const NOW = Date.parse('2026-03-10T15:00:00Z'); // Tue 10 Mar 2026, 10:00 in Chicago
const TZ = 'America/Chicago';

const { GET: WORKLIST } = await import('@/app/api/v1/worklist/route');
const { POST: VISIT } = await import('@/app/api/v1/pumps/[id]/visits/route');
const { POST: BOOK } = await import('@/app/api/v1/appointments/route');

let ctx: ApiTestContext;
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ctx = setupApiTest();
});
afterAll(() => vi.useRealTimers());

const lioresal = () => ctx.catalog.drugs.get('Lioresal Intrathecal')!;
const refill = (pumpId: number, extra: Record<string, unknown> = {}) =>
  call(VISIT, {
    method: 'POST',
    token: ctx.tokens.nurse,
    params: { id: String(pumpId) },
    url: `/api/v1/pumps/${pumpId}/visits`,
    body: {
      aspiratedResidualMl: 17.5,
      volumeFilledMl: 20,
      drugId: lioresal().id,
      drugLot: 'LOT-1',
      drugExpiresOn: addDaysToLocalDate(localDateOf(Date.now(), TZ), 200),
      concentrationMcgPerMl: 500,
      residualCheckedBeforeFill: true,
      needlePlacementConfirmed: true,
      fillConfirmationMethod: 'aspiration-back',
      notes: '',
      ...extra,
    },
  });
const worklistRow = async (pumpId: number) => {
  const res = await call(WORKLIST, { token: ctx.tokens.nurse, url: '/api/v1/worklist?pageSize=200' });
  expect(res.status).toBe(200);
  return (res.body.rows as { pumpId: number; alerts: { code: string; severity: string; message: string }[] }[]).find(
    (r) => r.pumpId === pumpId,
  );
};

describe('a refill recorded with the server clock 20 days ahead, then the clock corrected', () => {
  let pumpId: number;

  beforeAll(async () => {
    pumpId = addBaclofenPump(ctx, { filledDaysAgo: 5 }).pump.id;
    vi.setSystemTime(NOW + 20 * DAY_MS); // the clock is 20 days ahead
    // 20 days "later" the residual looks like an under-infusion: the nurse confirms what she measured.
    const res = await refill(pumpId, { confirmDiscrepancy: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    vi.setSystemTime(NOW); // corrected
  });

  it('the worklist still answers, and flags the pump for a person to check the clock (CLOCK, HIGH)', async () => {
    const row = await worklistRow(pumpId);
    expect(row).toBeDefined();
    expect(row!.alerts.find((a) => a.code === 'CLOCK')).toMatchObject({
      severity: 'high',
      message: expect.stringMatching(/after the server's clock.*check the server time and the visit time/),
    });
  });

  it('the forecast refresh of every pump (as the hourly job and start-up run it) does not throw', () => {
    expect(() => ctx.db.transaction((tx) => refreshForecasts(tx, { all: true }, Date.now()))).not.toThrow();
    const stored = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get();
    expect(stored).toBeDefined();
    // Counted from now (the fill happened no later than now): 18 mL to the alarm at 0.5 mL/day.
    expect(stored!.lowReservoirAlarmAt).toBe(NOW + 36 * DAY_MS);
  });

  it('start-up completes (sign-in and the public emergency page depend on it)', async () => {
    const { startup } = await import('@/db/startup');
    await expect(startup()).resolves.toBeUndefined();
  });

  it('the pump can still be booked', async () => {
    const res = await call(BOOK, {
      method: 'POST',
      token: ctx.tokens['front-desk'],
      body: { pumpId, date: '2026-03-12', time: '09:00' },
    });
    expect(res.status).toBe(201);
  });

  it('a refill now is refused with a message that says what to do, naming the visit time, writing nothing', async () => {
    const before = ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, pumpId)).all().length;
    const res = await refill(pumpId);
    expect(res.status).toBe(400);
    expect(res.body.fields.performedAt).toMatch(/after the server's clock.*Check the server time and the visit time/);
    expect(ctx.db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, pumpId)).all()).toHaveLength(before);
  });
});

describe('a 2-minute step back', () => {
  it('keeps the worklist and the refresh working, and the CLOCK alert clears once the clock passes the record', async () => {
    vi.setSystemTime(NOW);
    const pumpId = addBaclofenPump(ctx, { filledDaysAgo: 5 }).pump.id;
    vi.setSystemTime(NOW + 2 * 60_000);
    expect((await refill(pumpId)).status).toBe(201);
    vi.setSystemTime(NOW);
    expect(() => ctx.db.transaction((tx) => refreshForecasts(tx, { all: true }, Date.now()))).not.toThrow();
    expect((await worklistRow(pumpId))!.alerts.map((a) => a.code)).toContain('CLOCK');
    vi.setSystemTime(NOW + 3 * 60_000);
    expect((await worklistRow(pumpId))!.alerts.map((a) => a.code)).not.toContain('CLOCK');
    vi.setSystemTime(NOW);
  });
});
