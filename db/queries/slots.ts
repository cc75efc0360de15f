/**
 * Open appointment slots: clinic days, inside opening hours, under the daily capacity, not overlapping a
 * booked appointment. Used to offer the next refill right after a visit is saved.
 */
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant, latestClinicDayOnOrBefore } from '@/lib/domain/calendar';
import type { Db } from '../client';
import * as s from '../schema';

export interface Slot {
  startsAt: number;
  date: string;
  time: string;
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The earliest `count` open slots from `after` up to and including the clinic-local date `onOrBefore`. */
export function findOpenSlots(
  db: Pick<Db, 'select'>,
  clinicId: number,
  options: { after: number; onOrBefore: string; count: number; durationMinutes?: number },
): Slot[] {
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) return [];
  const duration = options.durationMinutes ?? clinic.slotMinutes;
  const policy = { timeZone: clinic.timeZone, bufferDays: clinic.bufferDays, dueSoonDays: clinic.dueSoonDays, clinicWeekdays: clinic.clinicWeekdays, holidays: clinic.holidays };
  const slots: Slot[] = [];
  let date = localDateOf(options.after, clinic.timeZone);
  for (let guard = 0; guard < 400 && date <= options.onOrBefore && slots.length < options.count; guard++, date = addDaysToLocalDate(date, 1)) {
    if (latestClinicDayOnOrBefore(date, policy) !== date) continue; // not a clinic day
    const dayStart = localDateTimeToInstant(date, '00:00', clinic.timeZone);
    const dayEnd = localDateTimeToInstant(addDaysToLocalDate(date, 1), '00:00', clinic.timeZone);
    const booked = db
      .select({ startsAt: s.appointments.startsAt, durationMinutes: s.appointments.durationMinutes })
      .from(s.appointments)
      .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
      .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
      .where(and(eq(s.patients.clinicId, clinicId), eq(s.appointments.status, 'booked'), gte(s.appointments.startsAt, dayStart), lt(s.appointments.startsAt, dayEnd)))
      .orderBy(sql`${s.appointments.startsAt}`)
      .all();
    let room = clinic.dailyCapacity - booked.length;
    for (let m = minutesOf(clinic.dayStartsAt); m + duration <= minutesOf(clinic.dayEndsAt) && slots.length < options.count; m += clinic.slotMinutes) {
      const startsAt = localDateTimeToInstant(date, hhmm(m), clinic.timeZone);
      if (startsAt <= options.after) continue;
      const endsAt = startsAt + duration * 60_000;
      const clash = booked.some((b) => b.startsAt < endsAt && startsAt < b.startsAt + b.durationMinutes * 60_000);
      if (!clash && room > 0) {
        slots.push({ startsAt, date, time: hhmm(m) });
        room--;
      }
    }
  }
  return slots;
}
