/**
 * The demo seed's calendar (issue 18, item 8): past refills on clinic days only, fixed-date holidays closed on their
 * observed day, and each scenario's state now (its alarm date) the same whatever weekday the demo is seeded on.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { freshDb } from '@/tests/db';
import { isClinicDay, localDateOf } from '@/lib/domain/calendar';
import * as s from './schema';
import { seedClinic } from './seed';

const TZ = 'America/Chicago';

function seed(now: number) {
  const db = freshDb();
  const { clinicId } = seedClinic(db, { now, patients: 24, timeZone: TZ });
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get()!;
  return { db, clinic };
}

describe('the demo seed', () => {
  // Tue 14 Jul 2026 09:00 in Chicago: the refills of the weeks before fall on every weekday, and on 3 July.
  const tuesday = Date.UTC(2026, 6, 14, 14, 0);

  it('closes a fixed-date holiday on its observed day: Sat 4 Jul 2026 on Fri 3 Jul', () => {
    const { clinic } = seed(tuesday);
    expect(clinic.holidays).toContain('2026-07-03');
    expect(clinic.holidays).not.toContain('2026-07-04');
    expect(clinic.holidays).toContain('2027-07-05'); // Sun 4 Jul 2027
    expect(clinic.holidays).toContain('2026-12-25');
  });

  it('puts every past refill and initial fill on a clinic day', () => {
    for (const now of [tuesday, Date.UTC(2026, 6, 18, 14, 0), Date.UTC(2026, 6, 20, 14, 0)]) {
      const { db, clinic } = seed(now);
      const visits = db.select({ at: s.refillVisits.performedAt }).from(s.refillVisits).all();
      expect(visits.length).toBeGreaterThan(100);
      const offDays = visits.map((v) => localDateOf(v.at, TZ)).filter((d) => !isClinicDay(d, clinic));
      expect(offDays).toEqual([]);
      expect(visits.every((v) => v.at <= now)).toBe(true);
    }
  });

  it('keeps each scenario’s alarm date, counted from now, whatever weekday it is seeded on', () => {
    const alarmsFrom = (now: number) => {
      const { db } = seed(now);
      return db
        .select({ pumpId: s.pumpForecasts.pumpId, at: s.pumpForecasts.lowReservoirAlarmAt })
        .from(s.pumpForecasts)
        .all()
        .sort((a, b) => a.pumpId - b.pumpId)
        .map((f) => (f.at == null ? null : Math.round((f.at - now) / 60_000)));
    };
    const week = [0, 1, 2].map((d) => alarmsFrom(tuesday + d * 86_400_000));
    expect(week[1]).toEqual(week[0]);
    expect(week[2]).toEqual(week[0]);
  });
});
