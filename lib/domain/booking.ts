/**
 * Booking rules, one home each (docs: conventions "One home per rule"): when an appointment is late for its pump,
 * what a late or overbooked booking must confirm, and the clinic's daily capacity. Called by the booking API
 * (db/queries/appointments.ts), the open-slot search (db/queries/slots.ts), the stored forecast and alert E2
 * (db/queries/forecasts.ts, lib/domain/forecast.ts), the patient page and the booking forms' live checks.
 *
 * Source: reference.md B3 (the due date is a clinic-local calendar date) and E2 (an appointment after the due date,
 * after the low-reservoir alarm, or after the reservoir is calculated empty; CRITICAL at empty), E0 (abrupt
 * discontinuation of intrathecal baclofen can kill).
 */
import { dayNumberOf, formatDayNumberForHumans, formatInstantForHumans, localDateOf } from './calendar';
import type { EpochMs, LocalDate } from './types';

/**
 * An appointment is after the refill due date when its clinic-local date is later than the due date. The time of
 * day does not matter: a visit at 23:59 on the due date is on time, one at 00:00 the next day is late.
 */
export function isAfterRefillDueDate(appointmentDate: LocalDate, refillDueOn: LocalDate): boolean {
  return dayNumberOf(appointmentDate, 'date') > dayNumberOf(refillDueOn, 'refillDueOn');
}

/** How late an appointment is for its pump, from least to most dangerous. */
export type Lateness = 'on-time' | 'after-due' | 'after-alarm' | 'after-empty';

/** The pump's stored forecast: the due date is a clinic-local date, the alarm and empty crossings are instants. */
export interface PumpDeadlines {
  refillDueOn: LocalDate | null;
  lowReservoirAlarmAt: EpochMs | null;
  emptyAt: EpochMs | null;
}

/**
 * E2's tiers for an appointment starting at `startsAt`. The alarm and empty tiers compare instants (the pump
 * delivers in elapsed time: a visit at 15:00 on the day the alarm sounds at 09:00 is after the alarm); the due-date
 * tier compares clinic-local dates (isAfterRefillDueDate).
 */
export function appointmentLateness(startsAt: EpochMs, timeZone: string, pump: PumpDeadlines): Lateness {
  if (pump.emptyAt !== null && startsAt >= pump.emptyAt) return 'after-empty';
  if (pump.lowReservoirAlarmAt !== null && startsAt >= pump.lowReservoirAlarmAt) return 'after-alarm';
  if (pump.refillDueOn !== null && isAfterRefillDueDate(localDateOf(startsAt, timeZone), pump.refillDueOn))
    return 'after-due';
  return 'on-time';
}

const isoAndHuman = (date: LocalDate) => `${date} (${formatDayNumberForHumans(dayNumberOf(date))})`;
const instantDate = (at: EpochMs, timeZone: string) => {
  const date = localDateOf(at, timeZone);
  return `${date} (${formatInstantForHumans(at, timeZone)})`;
};

/**
 * What the booker must read before booking a late appointment, or null when it is on time. The dates are written
 * `YYYY-MM-DD` and in words, so nobody confuses day and month.
 */
export function latenessWarning(
  lateness: Lateness,
  startsAt: EpochMs,
  timeZone: string,
  pump: PumpDeadlines,
): string | null {
  if (lateness === 'on-time') return null;
  const when = formatInstantForHumans(startsAt, timeZone);
  const due = pump.refillDueOn ? ` The refill is due ${isoAndHuman(pump.refillDueOn)}.` : '';
  if (lateness === 'after-due')
    return `${when} is after the refill due date ${pump.refillDueOn ? isoAndHuman(pump.refillDueOn) : ''}.`;
  const alarm =
    pump.lowReservoirAlarmAt !== null
      ? `the pump alarms on ${instantDate(pump.lowReservoirAlarmAt, timeZone)}`
      : '';
  const empty =
    pump.emptyAt !== null ? `the reservoir is empty on ${instantDate(pump.emptyAt, timeZone)}` : '';
  const dates = [alarm, empty].filter(Boolean).join(' and ');
  if (lateness === 'after-alarm')
    return `${when} is after the low-reservoir alarm: ${dates}.${due} Book this only if no earlier visit is possible.`;
  return `${when} is after the reservoir is calculated to be EMPTY: ${dates}. The patient will be without the drug before this visit; abrupt withdrawal can be life-threatening.${due} Book this only if no earlier visit is possible, and arrange the patient’s backup plan now.`;
}

/** A reason must say something: at least this many characters after trimming. */
export const MIN_CONFIRMATION_REASON = 3;

export interface LateConfirmation {
  lateReason?: string | undefined;
  confirmAfterAlarm?: boolean | undefined;
}

const hasReason = (reason: string | undefined) => (reason?.trim().length ?? 0) >= MIN_CONFIRMATION_REASON;

/**
 * The confirmations a late booking still lacks, as field messages (empty when none is needed or all are given).
 * After the due date: a reason. After the alarm (or empty): the reason AND an explicit `confirmAfterAlarm: true`.
 */
export function missingLateConfirmation(
  lateness: Lateness,
  warning: string | null,
  confirmation: LateConfirmation,
): Partial<Record<'lateReason' | 'confirmAfterAlarm', string>> {
  const fields: Partial<Record<'lateReason' | 'confirmAfterAlarm', string>> = {};
  if (lateness === 'on-time') return fields;
  if (!hasReason(confirmation.lateReason))
    fields.lateReason =
      `${warning ?? ''} To book it anyway, give the reason (at least ${MIN_CONFIRMATION_REASON} characters).`.trim();
  if ((lateness === 'after-alarm' || lateness === 'after-empty') && confirmation.confirmAfterAlarm !== true)
    fields.confirmAfterAlarm =
      lateness === 'after-empty'
        ? 'Confirm that you are booking after the reservoir is calculated to be empty.'
        : 'Confirm that you are booking after the low-reservoir alarm.';
  return fields;
}

/** Appointment statuses that take one of the day's places: a cancelled or missed visit frees its place. */
export const STATUSES_TAKING_A_PLACE = ['booked', 'done'] as const;

export function takesAPlace(status: string): boolean {
  return (STATUSES_TAKING_A_PLACE as readonly string[]).includes(status);
}

/** Places left on a day under the clinic's daily capacity (0 when full or overbooked). */
export function placesLeft(taken: number, dailyCapacity: number): number {
  return Math.max(0, dailyCapacity - taken);
}

/** Whether an overbooking reason is long enough (the same rule as a late reason). */
export function isConfirmationReason(reason: string | undefined): boolean {
  return hasReason(reason);
}

/**
 * A start time that has already passed cannot be booked or moved to: a visit booked for 09:00 at 11:00 never
 * happens, yet it would count as the pump's next appointment and hide alert E3 ("none booked"). The minute now
 * started is still bookable (a walk-in seen at once).
 */
export function startHasPassed(startsAt: EpochMs, now: EpochMs): boolean {
  return startsAt < now - (now % 60_000);
}

/** What the booking form says of a start that has passed (field "time"), in clinic time. */
export function passedStartMessage(time: string, now: EpochMs, timeZone: string): string {
  const clock = formatInstantForHumans(now, timeZone).slice(-5);
  return `${time} today has already passed (it is ${clock} now). Choose a later time or another day.`;
}

/**
 * How long a no-show can be taken back, in ms: a slip of the finger on the day's list is undone by the person who
 * made it, at once; after that it is the record, and a late arrival is booked again. One minute (issue 18).
 */
export const NO_SHOW_UNDO_MS = 60_000;

/** Whether a no-show recorded at `markedAt` may still be undone at `now`. */
export function mayUndoNoShow(markedAt: EpochMs, now: EpochMs): boolean {
  return now >= markedAt && now - markedAt <= NO_SHOW_UNDO_MS;
}
