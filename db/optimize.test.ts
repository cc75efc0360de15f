import { describe, expect, it } from 'vitest';
import { freshDb } from '../tests/db';
import { seedDemo } from './seed';

const planOf = (db: ReturnType<typeof freshDb>, query: string) =>
  (db.$client.prepare(`explain query plan ${query}`).all() as { detail: string }[])
    .map((r) => r.detail)
    .join(' | ');

describe('planner statistics after seeding', () => {
  it("look a patient's pumps up by patient, not by scanning every active pump", async () => {
    const db = freshDb();
    const patientScoped = `select p.id from pump_forecasts f join pumps p on p.id = f.pump_id where p.patient_id = 5 and p.status = 'active' and f.clinic_id = 1`;
    // Without statistics SQLite prefers the pumps(status) index: one patient's feed then reads every pump.
    const cacheSize = db.$client.pragma('cache_size', { simple: true });
    await seedDemo(db, { now: Date.UTC(2026, 10, 26, 15), patients: 300 });
    // The seed's larger page cache is given back.
    expect(db.$client.pragma('cache_size', { simple: true })).toBe(cacheSize);
    const stats = db.$client.prepare("select count(*) as n from sqlite_stat1 where tbl = 'pumps'").get() as {
      n: number;
    };
    expect(stats.n).toBeGreaterThan(0);
    expect(planOf(db, patientScoped)).toContain('pumps_patient_idx');
  });
});
