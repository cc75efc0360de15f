/**
 * Open appointment slots and the places taken per day. Slots are on clinic days, inside opening hours, under the
 * daily capacity, and do not overlap a booked appointment. `findOpenSlots` offers the next refill right after a
 * visit is saved (db/queries/refills.ts) and feeds GET /api/v1/slots; `placesTaken` is the one count that both the
 * slot search and booking (db/queries/appointments.ts assertSchedulable) use, so a slot offered is a slot bookable.
 */
import { and, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { STATUSES_TAKING_A_PLACE, placesLeft } from '@/lib/domain/booking';
import { addDaysToLocalDate, isClinicDay, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import type { Db } from '../client';
import * as s from '../schema';

type Reader = Pick<Db, 'select'>;

export interface Slot {
  startsAt: number;
  date: string;
  time: string;
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const dayStart = (date: string, timeZone: string) => localDateTimeToInstant(date, '00:00', timeZone);

/**
 * Places taken (booked and done appointments, lib/domain/booking STATUSES_TAKING_A_PLACE) on each clinic-local day
 * from `from` to `to` inclusive, for the whole clinic; `excludeId` is an appointment being moved. Days with none
 * are absent from the map.
 */
export function placesTakenByDay(
  db: Reader,
  clinic: { id: number; timeZone: string },
  from: string,
  to: string,
  excludeId?: number,
): Map<string, number> {
  const rows = db
    .select({ startsAt: s.appointments.startsAt })
    .from(s.appointments)
    .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(
      and(
        eq(s.patients.clinicId, clinic.id),
        inArray(s.appointments.status, [...STATUSES_TAKING_A_PLACE]),
        gte(s.appointments.startsAt, dayStart(from, clinic.timeZone)),
        lt(s.appointments.startsAt, dayStart(addDaysToLocalDate(to, 1), clinic.timeZone)),
        excludeId ? ne(s.appointments.id, excludeId) : undefined,
      ),
    )
    .all();
  const taken = new Map<string, number>();
  for (const r of rows) {
    const date = localDateOf(r.startsAt, clinic.timeZone);
    taken.set(date, (taken.get(date) ?? 0) + 1);
  }
  return taken;
}

/** Places taken on one clinic-local date (see placesTakenByDay). */
export function placesTaken(
  db: Reader,
  clinic: { id: number; timeZone: string },
  date: string,
  excludeId?: number,
): number {
  return placesTakenByDay(db, clinic, date, date, excludeId).get(date) ?? 0;
}

/** The earliest `count` open slots from `after` up to and including the clinic-local date `onOrBefore`. */
export function findOpenSlots(
  db: Reader,
  clinicId: number,
  options: { after: number; onOrBefore: string; count: number; durationMinutes?: number },
): Slot[] {
  const clinic = db.select().from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) return [];
  const duration = options.durationMinutes ?? clinic.slotMinutes;
  const slots: Slot[] = [];
  let date = localDateOf(options.after, clinic.timeZone);
  for (
    let guard = 0;
    guard < 400 && date <= options.onOrBefore && slots.length < options.count;
    guard++, date = addDaysToLocalDate(date, 1)
  ) {
    if (!isClinicDay(date, clinic)) continue;
    // A visit already done today took a place too: counting booked ones only offered slots that booking refused.
    let room = placesLeft(placesTaken(db, clinic, date), clinic.dailyCapacity);
    if (room === 0) continue;
    const booked = db
      .select({ startsAt: s.appointments.startsAt, durationMinutes: s.appointments.durationMinutes })
      .from(s.appointments)
      .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
      .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
      .where(
        and(
          eq(s.patients.clinicId, clinicId),
          eq(s.appointments.status, 'booked'),
          gte(s.appointments.startsAt, dayStart(date, clinic.timeZone)),
          lt(s.appointments.startsAt, dayStart(addDaysToLocalDate(date, 1), clinic.timeZone)),
        ),
      )
      .orderBy(sql`${s.appointments.startsAt}`)
      .all();
    for (
      let m = minutesOf(clinic.dayStartsAt);
      m + duration <= minutesOf(clinic.dayEndsAt) && slots.length < options.count && room > 0;
      m += clinic.slotMinutes
    ) {
      const startsAt = localDateTimeToInstant(date, hhmm(m), clinic.timeZone);
      if (startsAt <= options.after) continue;
      const endsAt = startsAt + duration * 60_000;
      const clash = booked.some(
        (b) => b.startsAt < endsAt && startsAt < b.startsAt + b.durationMinutes * 60_000,
      );
      if (!clash) {
        slots.push({ startsAt, date, time: hhmm(m) });
        room--;
      }
    }
  }
  return slots;
}
