/**
 * The titration visits offered after an implant (issue 18, item 5): for each of the clinic's days after the implant
 * (lib/domain/titration.ts), the first open slot from that day on (db/queries/slots.ts findOpenSlots: clinic days,
 * opening hours, daily capacity, no overlap), each visit on a later day than the one before. Booking goes through
 * lib/clinic/titration.ts, which checks every visit again with the booking rules.
 */
import { and, eq, ne } from 'drizzle-orm';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { titrationTargets } from '@/lib/domain/titration';
import type { Db } from '../client';
import * as s from '../schema';
import { findOpenSlots, type Slot } from './slots';

type Reader = Pick<Db, 'select'>;

/** A visit is placed at most this many days after its target day (a full fortnight: no slot, nothing proposed). */
const SEARCH_DAYS = 14;

export interface TitrationVisitOffer {
  offsetDays: number;
  label: string;
  targetDate: string;
  /** The proposed slot; null when the target day has passed or no slot is open within 14 days of it. */
  slot: Slot | null;
  /** The target day is before today: nothing is proposed for it. */
  passed: boolean;
}

export interface TitrationOffer {
  pumpId: number;
  implantedOn: string;
  visits: TitrationVisitOffer[];
}

/**
 * The offer for a pump, or null when there is none to make: the pump is not an active pump of the clinic, the
 * clinic lists no titration days, a titration visit is already booked or done for the pump, or every target day
 * has passed.
 */
export function titrationOffer(db: Reader, clinicId: number, pumpId: number, now: number): TitrationOffer | null {
  const pump = db
    .select({
      id: s.pumps.id,
      implantedOn: s.pumps.implantedOn,
      status: s.pumps.status,
      timeZone: s.clinics.timeZone,
      offsets: s.clinics.titrationDayOffsets,
      slotMinutes: s.clinics.slotMinutes,
    })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.clinics, eq(s.clinics.id, s.patients.clinicId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!pump || pump.status !== 'active' || pump.offsets.length === 0) return null;
  const titrationSeen = db
    .select({ id: s.appointments.id })
    .from(s.appointments)
    .where(
      and(
        eq(s.appointments.pumpId, pumpId),
        eq(s.appointments.type, 'titration'),
        ne(s.appointments.status, 'cancelled'),
      ),
    )
    .get();
  if (titrationSeen) return null;

  const today = localDateOf(now, pump.timeZone);
  let after = now;
  const visits = titrationTargets(pump.implantedOn, pump.offsets).map((target): TitrationVisitOffer => {
    if (target.targetDate < today) return { ...target, slot: null, passed: true };
    // From the target day on (and after the visit before it, on a later day).
    const from = Math.max(after, localDateTimeToInstant(target.targetDate, '00:00', pump.timeZone) - 1);
    const [slot] = findOpenSlots(db, clinicId, {
      after: from,
      onOrBefore: addDaysToLocalDate(target.targetDate, SEARCH_DAYS),
      count: 1,
    });
    if (slot) after = localDateTimeToInstant(addDaysToLocalDate(slot.date, 1), '00:00', pump.timeZone) - 1;
    return { ...target, slot: slot ?? null, passed: false };
  });
  if (visits.every((v) => v.passed)) return null;
  return { pumpId, implantedOn: pump.implantedOn, visits };
}
