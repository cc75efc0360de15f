/**
 * The worklist ranks 10,000 pumps in SQL (statusSql) from the stored forecast instead of forecasting each one.
 * Property: for any pump, clinic time zone and instant, at the refresh and any time until the next one, the
 * SQL status equals the engine's status (lib/domain/forecast.ts) for the same pump at the same instant.
 */
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { createClinic, createPatient, createPump, DAY_MS, ensureCatalog } from '@/db/factories';
import * as s from '@/db/schema';
import { freshDb } from '@/tests/db';
import { computeForecasts, loadForecastContexts, refreshForecasts } from './forecasts';
import { clinicStatusSql, worklistStatuses } from './worklist';

let db: Db;
let catalog: ReturnType<typeof ensureCatalog>;
let seq = 0;

beforeAll(() => {
  db = freshDb();
  catalog = ensureCatalog(db);
});

const zones = ['America/Chicago', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Auckland', 'UTC', 'America/St_Johns', 'Australia/Lord_Howe'];
// 2026-01-05 … 2027-12-31: both daylight-saving changes of every zone above, several times.
const instant = fc.integer({ min: Date.UTC(2026, 0, 5), max: Date.UTC(2027, 11, 31) });

const pumpCase = fc.record({
  timeZone: fc.constantFrom(...zones),
  refreshAt: instant,
  filledHoursAgo: fc.integer({ min: 0, max: 24 * 200 }),
  /** Read the worklist this long after the refresh (up to the hourly refresh, and days later for a stalled job). */
  readAfterMinutes: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 * 24 * 5 })),
  doseMcgPerDay: fc.integer({ min: 25, max: 1200 }),
  concentrationMcgPerMl: fc.constantFrom(500, 1000, 2000),
  fillMl: fc.integer({ min: 3, max: 20 }),
  alarmMl: fc.constantFrom(2, 4),
  model: fc.constantFrom('8637-20', '8637-40'),
  holidays: fc.boolean(),
});

type PumpCase = typeof pumpCase extends fc.Arbitrary<infer T> ? T : never;

function insert(c: PumpCase) {
  seq++;
  const clinic = createClinic(db, { timeZone: c.timeZone, name: `P${seq}`, holidays: c.holidays ? ['2026-12-25', '2027-01-01', '2027-07-05'] : [] });
  const patient = createPatient(db, { clinicId: clinic.id, mrn: `PROP-${seq}` });
  const model = catalog.models.get(c.model)!;
  const { pump } = createPump(db, {
    patientId: patient.id,
    model,
    serial: `PS-${seq}`,
    implantedOn: '2025-06-01',
    alarmMl: c.alarmMl,
    program: {
      drugId: catalog.drugs.get('Lioresal Intrathecal')!.id,
      concentrationMcgPerMl: c.concentrationMcgPerMl,
      mode: 'simple',
      doseMcgPerDay: c.doseMcgPerDay,
    },
    filledAt: c.refreshAt - c.filledHoursAgo * 3_600_000,
    fillMl: Math.min(c.fillMl, (model.reservoirUl ?? 20_000) / 1000),
  });
  return { clinic, pumpId: pump.id };
}

function sqlStatus(clinic: s.Clinic, pumpId: number, now: number) {
  const { status } = clinicStatusSql(clinic, now);
  const row = db.select({ st: status }).from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get();
  return worklistStatuses[row!.st];
}

describe('statusSql', () => {
  it('equals the engine status over many pumps, zones and instants, at the refresh and until the next one', () => {
    fc.assert(
      fc.property(pumpCase, (c) => {
        const { clinic, pumpId } = insert(c);
        refreshForecasts(db, { pumpIds: [pumpId] }, c.refreshAt);
        for (const now of [c.refreshAt, c.refreshAt + c.readAfterMinutes * 60_000]) {
          const [engine] = computeForecasts(loadForecastContexts(db, { pumpIds: [pumpId] }, now));
          expect(sqlStatus(clinic, pumpId, now)).toBe(engine!.forecast.status);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('covers every status in those runs (the generator is not stuck on one)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(pumpCase, (c) => {
        const { clinic, pumpId } = insert(c);
        refreshForecasts(db, { pumpIds: [pumpId] }, c.refreshAt);
        seen.add(sqlStatus(clinic, pumpId, c.refreshAt)!);
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...seen].sort()).toEqual([...worklistStatuses].sort());
  });

  it('agrees on the boundaries: the instant of the alarm and of empty, and the clinic midnight ending the due date', () => {
    const { clinic, pumpId } = insert({
      timeZone: 'Europe/Berlin',
      refreshAt: Date.UTC(2026, 2, 20),
      filledHoursAgo: 24 * 20,
      readAfterMinutes: 0,
      doseMcgPerDay: 500,
      concentrationMcgPerMl: 500,
      fillMl: 20,
      alarmMl: 2,
      model: '8637-20',
      holidays: false,
    });
    refreshForecasts(db, { pumpIds: [pumpId] }, Date.UTC(2026, 2, 20));
    const f = db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get()!;
    for (const t of [f.lowReservoirAlarmAt! - 1, f.lowReservoirAlarmAt!, f.emptyAt! - 1, f.emptyAt!, f.emptyAt! + DAY_MS]) {
      const [engine] = computeForecasts(loadForecastContexts(db, { pumpIds: [pumpId] }, t));
      expect(sqlStatus(clinic, pumpId, t)).toBe(engine!.forecast.status);
    }
  });
});
