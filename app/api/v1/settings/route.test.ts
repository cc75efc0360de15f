import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DAY_MS, createPatient, createPump } from '@/db/factories';
import { refreshForecasts } from '@/db/queries/forecasts';
import * as s from '@/db/schema';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';
import { GET, PATCH } from './route';

const NOW = Date.parse('2026-03-10T15:00:00Z'); // Tue 10 Mar 2026, 10:00 in Chicago

let ctx: ApiTestContext;
let pumpId: number;

const clinicRow = () => ctx.db.select().from(s.clinics).where(eq(s.clinics.id, ctx.clinic.id)).get()!;
const dueOn = () =>
  ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()!.refillDueOn;
const current = async () => (await call(GET, { token: ctx.tokens.admin })).body;

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ctx = setupApiTest();
  const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'S-1' });
  // 0.5 mL/day from 20 mL, filled 10 days ago: alarm (2 mL) in 26 days, due 7 days before it.
  pumpId = createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get('8637-20')!,
    serial: 'X1',
    implantedOn: '2025-01-01',
    program: {
      drugId: ctx.catalog.drugs.get('Lioresal Intrathecal')!.id,
      concentrationMcgPerMl: 500,
      mode: 'simple',
      doseMcgPerDay: 250,
    },
    filledAt: NOW - 10 * DAY_MS,
    fillMl: 20,
  }).pump.id;
  refreshForecasts(ctx.db, { pumpIds: [pumpId] }, NOW);
});
afterAll(() => vi.useRealTimers());

describe('GET /api/v1/settings', () => {
  it('shows every role the clinic’s settings, with the discrepancy in mL', async () => {
    for (const role of ['admin', 'physician', 'nurse', 'front-desk'] as const) {
      const res = await call(GET, { token: ctx.tokens[role] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: ctx.clinic.id,
        name: 'Test Clinic',
        timeZone: 'America/Chicago',
        bufferDays: 7,
        discrepancyFloorMl: 0.5,
        discrepancyLimitSmallMl: 1,
        discrepancyLimitLargeMl: 2,
        stabilityBufferDays: 0,
        clinicWeekdays: [1, 2, 3, 4, 5],
        version: 1,
      });
    }
    const other = await call(GET, { token: ctx.tokens.otherClinicNurse });
    expect(other.body.name).toBe('Other Clinic');
  });
});

describe('PATCH /api/v1/settings', () => {
  it('is refused to the front desk, nurses and physicians (settings:write is admin only)', async () => {
    for (const role of ['front-desk', 'nurse', 'physician'] as const) {
      const res = await call(PATCH, {
        method: 'PATCH',
        token: ctx.tokens[role],
        body: { version: 1, bufferDays: 3 },
      });
      expect(res.status).toBe(403);
    }
    expect(clinicRow().bufferDays).toBe(7);
  });

  it('a buffer change moves the stored due dates in the same transaction, audited with before and after', async () => {
    const before = dueOn();
    const { version } = await current();
    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: { version, bufferDays: 14, discrepancyLimitLargeMl: 1.5 },
    });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ bufferDays: 14, discrepancyLimitLargeMl: 1.5, version: version + 1 });
    expect(res.body.forecastsRefreshed).toBe(1);
    expect(clinicRow().discrepancyLimitLargeUl).toBe(1500);
    const after = dueOn();
    expect(after < before).toBe(true);
    // 7 more days of buffer: the due date is a week earlier (or earlier still, to reach a clinic day).
    expect(Date.parse(before) - Date.parse(after)).toBeGreaterThanOrEqual(7 * DAY_MS);
    const row = ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entity, 'clinic-settings'))
      .all()
      .at(-1)!;
    expect(row).toMatchObject({
      action: 'update',
      before: { bufferDays: 7, discrepancyLimitLargeMl: 2 },
      after: { bufferDays: 14, discrepancyLimitLargeMl: 1.5 },
    });
  });

  it('a holiday on the due date moves it to the clinic day before', async () => {
    const due = dueOn();
    const { version } = await current();
    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: { version, holidays: [due] },
    });
    expect(res.status).toBe(200);
    expect(dueOn() < due).toBe(true);
  });

  it('answers 409 when someone else saved first, and writes nothing', async () => {
    const { version } = await current();
    expect(
      (
        await call(PATCH, {
          method: 'PATCH',
          token: ctx.tokens.admin,
          body: { version, name: 'Renamed Clinic' },
        })
      ).status,
    ).toBe(200);
    const stale = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: { version, name: 'Lost Update' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/changed by someone else/);
    expect(clinicRow().name).toBe('Renamed Clinic');
  });

  it('refuses invalid values with a message per field that says what is allowed, and writes nothing', async () => {
    const before = clinicRow();
    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: {
        version: before.version,
        timeZone: 'Mars/Olympus',
        bufferDays: 90,
        accuracyPct: 12.5,
        clinicWeekdays: [],
        holidays: ['2026-02-30'],
        dayStartsAt: '7am',
        dailyCapacity: 0,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({
      timeZone: 'must be an IANA time zone, e.g. America/Chicago',
      bufferDays: 'Buffer must be a whole number from 0 to 60 days',
      accuracyPct: 'Accuracy must be a whole number from 0 to 50 %',
      clinicWeekdays: 'needs at least one clinic day',
      'holidays.0': 'is not a real calendar date',
      dailyCapacity: 'Daily capacity must be a whole number from 1 to 500 appointments',
    });
    expect(res.body.fields.dayStartsAt).toMatch(/HH:MM/);
    expect(clinicRow()).toEqual(before);
  });

  it('edits the three discrepancy values and the stability buffer with bounds and field-named errors', async () => {
    const before = clinicRow();
    const bad = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: {
        version: before.version,
        discrepancyFloorMl: -1,
        discrepancyLimitSmallMl: 11,
        discrepancyLimitLargeMl: 0.0001,
        stabilityBufferDays: 30,
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toMatchObject({
      discrepancyFloorMl: 'Measurement floor must be a number from 0 to 5 mL',
      discrepancyLimitSmallMl: 'Limit for reservoirs up to 20 mL must be a number from 0.1 to 10 mL',
      discrepancyLimitLargeMl: 'Limit for larger reservoirs must be a number from 0.1 to 20 mL',
      stabilityBufferDays: 'Stability buffer must be a whole number from 0 to 10 days',
    });
    const crossed = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: { version: before.version, discrepancyFloorMl: 1.5 },
    });
    expect(crossed.status).toBe(400);
    expect(crossed.body.fields.discrepancyFloorMl).toMatch(/must not be above the absolute limits/);
    expect(clinicRow()).toEqual(before);

    const ok = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: {
        version: before.version,
        discrepancyFloorMl: 0.25,
        discrepancyLimitSmallMl: 0.75,
        discrepancyLimitLargeMl: 1.5,
        stabilityBufferDays: 7,
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.forecastsRefreshed).toBe(1);
    expect(clinicRow()).toMatchObject({
      discrepancyFloorUl: 250,
      discrepancyLimitSmallUl: 750,
      discrepancyLimitLargeUl: 1500,
      stabilityBufferDays: 7,
    });
  });

  it('checks the opening hours against what is stored (closing after opening)', async () => {
    const before = clinicRow();
    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: { version: before.version, dayEndsAt: '08:00' },
    });
    expect(res.status).toBe(400);
    expect(res.body.fields.dayEndsAt).toBe('Closing time must be after the opening time (08:30)');
    expect(clinicRow()).toEqual(before);
  });

  it('a change that is not policy does not touch the forecasts', async () => {
    const computedAt = ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()!
      .computedAt;
    vi.setSystemTime(NOW + 60_000);
    const { version } = await current();
    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: { version, dailyCapacity: 20, idleTimeoutMinutes: 20 },
    });
    expect(res.body.forecastsRefreshed).toBeNull();
    expect(
      ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()!.computedAt,
    ).toBe(computedAt);
    vi.setSystemTime(NOW);
  });

  it('reads dates typed in numbers month first by default; switching to day first is audited and not a policy change', async () => {
    expect((await current()).dateOrder).toBe('m/d/y');
    const { version } = await current();
    const res = await call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { version, dateOrder: 'd/m/y' } });
    expect(res.status).toBe(200);
    expect(res.body.settings.dateOrder).toBe('d/m/y');
    expect(res.body.forecastsRefreshed).toBeNull();
    expect(clinicRow().dateOrder).toBe('d/m/y');
    const row = ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'clinic-settings')).all().at(-1)!;
    expect(row).toMatchObject({ action: 'update', before: { dateOrder: 'm/d/y' }, after: { dateOrder: 'd/m/y' } });

    const refused = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.admin,
      body: { version: version + 1, dateOrder: 'y/m/d' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.fields.dateOrder).toBe('Date order must be d/m/y (day first) or m/d/y (month first)');
    expect(clinicRow().dateOrder).toBe('d/m/y');
  });
});

describe('PATCH /api/v1/settings: what is stored and what is refreshed', () => {
  const patch = async (body: Record<string, unknown>) =>
    call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { version: (await current()).version, ...body } });
  const settingsAudits = () => ctx.db.select().from(s.auditLog).where(eq(s.auditLog.entity, 'clinic-settings')).all();

  it('names the settings in a 409 and the fields in a refusal', async () => {
    const { version } = await current();
    expect((await patch({ name: `Test Clinic ${version}` })).status).toBe(200);
    const stale = await call(PATCH, { method: 'PATCH', token: ctx.tokens.admin, body: { version, bufferDays: 3 } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/^This clinic settings record was changed by someone else/);
    // A rule across fields, checked on the merged record.
    const bad = await patch({ dayEndsAt: '08:00' });
    expect(bad.body.error).toBe('Invalid settings: Closing time must be after the opening time (08:30)');
  });

  it('stores clinic days and holidays in order, so the same days in another order are no change', async () => {
    const res = await patch({ clinicWeekdays: [5, 1, 3], holidays: ['2026-12-25', '2026-07-03'] });
    expect(res.status).toBe(200);
    expect(clinicRow()).toMatchObject({ clinicWeekdays: [1, 3, 5], holidays: ['2026-07-03', '2026-12-25'] });
    const audits = settingsAudits().length;
    const { version } = await current();
    const same = await patch({ clinicWeekdays: [3, 5, 1], holidays: ['2026-12-25', '2026-07-03'] });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ forecastsRefreshed: null, settings: { version } });
    expect(clinicRow().version).toBe(version);
    expect(settingsAudits()).toHaveLength(audits);
    expect((await patch({ clinicWeekdays: [1, 2, 3, 4, 5], holidays: [] })).status).toBe(200);
  });

  it('stores an emptied office phone as none', async () => {
    expect((await patch({ phoneOffice: '+1 312 555 0100' })).status).toBe(200);
    expect(clinicRow().phoneOffice).toBe('+1 312 555 0100');
    expect((await patch({ phoneOffice: '' })).status).toBe(200);
    expect(clinicRow().phoneOffice).toBeNull();
  });

  it("refreshes this clinic's forecasts when any policy field is among the changes, and no other clinic's", async () => {
    const patient = createPatient(ctx.db, { clinicId: ctx.otherClinic.id, mrn: 'S-OTHER' });
    const otherPump = createPump(ctx.db, {
      patientId: patient.id,
      model: ctx.catalog.models.get('8637-20')!,
      serial: 'X-OTHER',
      implantedOn: '2025-01-01',
      program: { drugId: ctx.catalog.drugs.get('Lioresal Intrathecal')!.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
      filledAt: NOW - 10 * DAY_MS,
      fillMl: 20,
    }).pump.id;
    refreshForecasts(ctx.db, { pumpIds: [otherPump] }, NOW);
    const computedAt = (id: number) => ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, id)).get()!.computedAt;
    const othersBefore = computedAt(otherPump);
    vi.setSystemTime(NOW + 120_000);
    try {
      const res = await patch({ dailyCapacity: 14, dueSoonDays: 10 });
      expect(res.status).toBe(200);
      expect(res.body.forecastsRefreshed).toBe(1);
      expect(computedAt(pumpId)).toBe(NOW + 120_000);
      expect(computedAt(otherPump)).toBe(othersBefore);
    } finally {
      vi.setSystemTime(NOW);
    }
  });

  it('refuses holidays that leave the forecast no clinic day to place a due date on, naming the field, and saves nothing', async () => {
    // Mondays only, and every Monday of 2025 and 2026 a holiday.
    const mondays: string[] = [];
    for (let t = Date.UTC(2025, 0, 6); t < Date.UTC(2027, 0, 1); t += 7 * DAY_MS) mondays.push(new Date(t).toISOString().slice(0, 10));
    const before = clinicRow();
    const res = await patch({ clinicWeekdays: [1], holidays: mondays });
    expect(res.status).toBe(400);
    expect(res.body.fields.holidays).toMatch(/^No clinic day in the 400 days up to 2026-/);
    expect(res.body.error).toBe(`These settings leave the forecast unable to place a due date: ${res.body.fields.holidays}`);
    expect(clinicRow()).toEqual(before);
  });
});
