/**
 * Appointments: the clinic calendar, booking, and changes (move, cancel, done, no-show). Every change runs in
 * one transaction with the version check, an audit row and a refresh of the pump's stored forecast, so the
 * worklist sees at once whether the pump still has an upcoming appointment. `sequence` goes up whenever the start,
 * duration or status changes, so subscribed calendars update the event in place (RFC 5545 SEQUENCE).
 */
import { and, eq, gte, lt, ne, sql, type SQL } from 'drizzle-orm';
import {
  appointmentLateness,
  isConfirmationReason,
  latenessWarning,
  missingLateConfirmation,
  passedStartMessage,
  placesLeft,
  startHasPassed,
  type Lateness,
  type LateConfirmation,
  type PumpDeadlines,
} from '@/lib/domain/booking';
import {
  addDaysToLocalDate,
  dayNumberOf,
  formatDayNumberForHumans,
  formatInstantForHumans,
  formatInstantIso,
  isClinicDay,
  isClinicHoliday,
  isoWeekdayOf,
  localDateOf,
  localDateTimeToInstant,
} from '@/lib/domain/calendar';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { type AppointmentRange } from '@/lib/validation/appointment';
import { type Db } from '../client';
import * as s from '../schema';
import { findOpenSlots, placesTaken, placesTakenByDay } from './slots';

type Reader = Pick<Db, 'select'>;

const MINUTE_MS = 60_000;
const WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface AppointmentDto {
  id: number;
  pumpId: number;
  patientId: number;
  patientName: string;
  mrn: string;
  pumpLabel: string;
  /** Epoch ms, and the same instant as ISO 8601 with the clinic's offset. */
  startsAt: number;
  startsAtIso: string;
  /** Clinic-local date and times. */
  date: string;
  time: string;
  endTime: string;
  durationMinutes: number;
  type: s.Appointment['type'];
  status: s.Appointment['status'];
  sequence: number;
  version: number;
  notes: string;
  /** The pump's stored refill due date (null for an explanted pump). */
  refillDueOn: string | null;
  /** The pump's forecast low-reservoir alarm and empty instants (epoch ms; null when not forecast). */
  lowReservoirAlarmAt: number | null;
  emptyAt: number | null;
  /** How late a booked appointment is for its pump (lib/domain/booking appointmentLateness; alert E2). */
  lateness: Lateness;
  /** A booked appointment after the due date, the alarm or the empty date (lateness is not 'on-time'). */
  late: boolean;
  /** What the booker was warned of, with the dates (null when on time). */
  lateWarning: string | null;
  /** The reasons the booker gave when booking late or on a full day. */
  lateReason: string | null;
  overbookReason: string | null;
  /**
   * The patient's answer through the reminder's attendance link (issue 16 item 5) for the time it is booked at now:
   * confirmed, or asked for another time (with their note, and whether the front desk has dealt with it).
   */
  attendance: { response: s.AttendanceResponse; respondedAt: number; note: string; handled: boolean } | null;
}

export interface CalendarDay {
  date: string;
  weekday: number;
  /** A clinic weekday that is not a holiday. */
  open: boolean;
  holiday: boolean;
  /** Booked and done appointments: the places taken. */
  taken: number;
  capacity: number;
}

export interface AppointmentList {
  timeZone: string;
  today: string;
  from: string;
  to: string;
  dailyCapacity: number;
  dayStartsAt: string;
  dayEndsAt: string;
  slotMinutes: number;
  days: CalendarDay[];
  appointments: AppointmentDto[];
}

type ClinicRow = Pick<
  s.Clinic,
  | 'id'
  | 'timeZone'
  | 'clinicWeekdays'
  | 'holidays'
  | 'dailyCapacity'
  | 'dayStartsAt'
  | 'dayEndsAt'
  | 'slotMinutes'
>;

export function loadClinic(db: Reader, clinicId: number): ClinicRow {
  const clinic = db
    .select({
      id: s.clinics.id,
      timeZone: s.clinics.timeZone,
      clinicWeekdays: s.clinics.clinicWeekdays,
      holidays: s.clinics.holidays,
      dailyCapacity: s.clinics.dailyCapacity,
      dayStartsAt: s.clinics.dayStartsAt,
      dayEndsAt: s.clinics.dayEndsAt,
      slotMinutes: s.clinics.slotMinutes,
    })
    .from(s.clinics)
    .where(eq(s.clinics.id, clinicId))
    .get();
  if (!clinic) throw new NotFoundError('No such clinic.');
  return clinic;
}

const dtoColumns = {
  id: s.appointments.id,
  pumpId: s.appointments.pumpId,
  patientId: s.patients.id,
  givenName: s.patients.givenName,
  familyName: s.patients.familyName,
  mrn: s.patients.mrn,
  modelName: s.pumpModels.name,
  modelNumber: s.pumpModels.modelNumber,
  startsAt: s.appointments.startsAt,
  durationMinutes: s.appointments.durationMinutes,
  type: s.appointments.type,
  status: s.appointments.status,
  sequence: s.appointments.sequence,
  version: s.appointments.version,
  notes: s.appointments.notes,
  lateReason: s.appointments.lateReason,
  overbookReason: s.appointments.overbookReason,
  refillDueOn: s.pumpForecasts.refillDueOn,
  lowReservoirAlarmAt: s.pumpForecasts.lowReservoirAlarmAt,
  emptyAt: s.pumpForecasts.emptyAt,
  // The latest answer to a link issued for the time the appointment is booked at now (a moved one starts afresh).
  attendance: sql<string | null>`(select json_object('response', l.response, 'respondedAt', l.responded_at, 'note', l.note, 'handledAt', l.handled_at)
    from attendance_links l where l.appointment_id = ${s.appointments.id} and l.appointment_starts_at = ${s.appointments.startsAt} and l.response is not null
    order by l.responded_at desc limit 1)`,
};

function attendanceOf(json: string | null): AppointmentDto['attendance'] {
  if (!json) return null;
  const a = JSON.parse(json) as { response: s.AttendanceResponse; respondedAt: number; note: string; handledAt: number | null };
  return { response: a.response, respondedAt: a.respondedAt, note: a.note, handled: a.handledAt != null };
}

function selectAppointments(db: Reader, where: SQL | undefined) {
  return db
    .select(dtoColumns)
    .from(s.appointments)
    .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
    .leftJoin(s.pumpForecasts, eq(s.pumpForecasts.pumpId, s.pumps.id))
    .where(where)
    .orderBy(s.appointments.startsAt, s.appointments.id)
    .all();
}

type DtoRow = ReturnType<typeof selectAppointments>[number];

/** Clinic-local `YYYY-MM-DD` and `HH:MM` of an instant. */
function localParts(at: number, timeZone: string): { date: string; time: string } {
  const iso = formatInstantIso(at, timeZone);
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

function toDto(row: DtoRow, timeZone: string): AppointmentDto {
  const start = localParts(row.startsAt, timeZone);
  const end = localParts(row.startsAt + row.durationMinutes * MINUTE_MS, timeZone);
  const deadlines: PumpDeadlines = {
    refillDueOn: row.refillDueOn,
    lowReservoirAlarmAt: row.lowReservoirAlarmAt,
    emptyAt: row.emptyAt,
  };
  // Only an upcoming visit can still be late: a done one refilled the pump (and the forecast moved on).
  const lateness =
    row.status === 'booked' ? appointmentLateness(row.startsAt, timeZone, deadlines) : 'on-time';
  return {
    id: row.id,
    pumpId: row.pumpId,
    patientId: row.patientId,
    patientName: `${row.familyName}, ${row.givenName}`,
    mrn: row.mrn,
    pumpLabel: `${row.modelName} ${row.modelNumber}`,
    startsAt: row.startsAt,
    startsAtIso: formatInstantIso(row.startsAt, timeZone),
    date: start.date,
    time: start.time,
    endTime: end.time,
    durationMinutes: row.durationMinutes,
    type: row.type,
    status: row.status,
    sequence: row.sequence,
    version: row.version,
    notes: row.notes,
    refillDueOn: row.refillDueOn,
    lowReservoirAlarmAt: row.lowReservoirAlarmAt,
    emptyAt: row.emptyAt,
    lateness,
    late: lateness !== 'on-time',
    lateWarning: latenessWarning(lateness, row.startsAt, timeZone, deadlines),
    lateReason: row.lateReason,
    overbookReason: row.overbookReason,
    attendance: attendanceOf(row.attendance),
  };
}

const dayStart = (date: string, timeZone: string) => localDateTimeToInstant(date, '00:00', timeZone);

/** The clinic's appointments between two clinic-local dates (inclusive), with each day's places taken. */
export function listAppointments(
  db: Reader,
  clinicId: number,
  range: AppointmentRange,
  now: number,
): AppointmentList {
  const clinic = loadClinic(db, clinicId);
  const tz = clinic.timeZone;
  const rows = selectAppointments(
    db,
    and(
      eq(s.patients.clinicId, clinicId),
      gte(s.appointments.startsAt, dayStart(range.from, tz)),
      lt(s.appointments.startsAt, dayStart(addDaysToLocalDate(range.to, 1), tz)),
      range.pumpId ? eq(s.appointments.pumpId, range.pumpId) : undefined,
    ),
  ).map((r) => toDto(r, tz));

  // The whole clinic's places, also when the list is filtered to one pump.
  const taken = placesTakenByDay(db, clinic, range.from, range.to);
  const days: CalendarDay[] = [];
  for (let d = range.from; d <= range.to; d = addDaysToLocalDate(d, 1)) {
    days.push({
      date: d,
      weekday: isoWeekdayOf(d),
      open: isClinicDay(d, clinic),
      holiday: isClinicHoliday(d, clinic),
      taken: taken.get(d) ?? 0,
      capacity: clinic.dailyCapacity,
    });
  }
  return {
    timeZone: tz,
    today: localDateOf(now, tz),
    from: range.from,
    to: range.to,
    dailyCapacity: clinic.dailyCapacity,
    dayStartsAt: clinic.dayStartsAt,
    dayEndsAt: clinic.dayEndsAt,
    slotMinutes: clinic.slotMinutes,
    days,
    appointments: range.status ? rows.filter((a) => a.status === range.status) : rows,
  };
}

export function getAppointment(db: Reader, clinicId: number, id: number): AppointmentDto {
  const clinic = loadClinic(db, clinicId);
  const row = selectAppointments(db, and(eq(s.appointments.id, id), eq(s.patients.clinicId, clinicId)))[0];
  if (!row) throw new NotFoundError('No such appointment.');
  return toDto(row, clinic.timeZone);
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
export const humanDate = (date: string) => formatDayNumberForHumans(dayNumberOf(date));

export function weekdayList(weekdays: readonly number[]): string {
  return [...weekdays]
    .sort((a, b) => a - b)
    .map((d) => WEEKDAY_NAMES[d])
    .join(', ');
}

/** The pump's stored forecast deadlines (all null when it has none). */
function pumpDeadlines(db: Reader, pumpId: number): PumpDeadlines {
  const row = db
    .select({
      refillDueOn: s.pumpForecasts.refillDueOn,
      lowReservoirAlarmAt: s.pumpForecasts.lowReservoirAlarmAt,
      emptyAt: s.pumpForecasts.emptyAt,
    })
    .from(s.pumpForecasts)
    .where(eq(s.pumpForecasts.pumpId, pumpId))
    .get();
  return row ?? { refillDueOn: null, lowReservoirAlarmAt: null, emptyAt: null };
}

export interface SchedulingConfirmation extends LateConfirmation {
  overbookReason?: string | undefined;
}

export interface Schedulable {
  startsAt: number;
  lateness: Lateness;
  /** The confirmed reasons to store: null when the booking did not need them. */
  lateReason: string | null;
  overbookReason: string | null;
}

/**
 * The scheduling rules, with a message per field that says what is allowed: a clinic day (weekday, not a holiday),
 * inside opening hours, not on a past day, and no overlap with another booked appointment of the same pump. A full
 * day (the daily capacity) needs an `overbookReason`; a date after the refill due date needs a `lateReason`, and
 * after the low-reservoir alarm also `confirmAfterAlarm` (lib/domain/booking.ts, reference.md E2).
 */
export function assertSchedulable(
  db: Reader,
  clinic: ClinicRow,
  slot: { pumpId: number; date: string; time: string; durationMinutes: number; excludeId?: number },
  confirmation: SchedulingConfirmation,
  now: number,
): Schedulable {
  const fields: Record<string, string> = {};
  const today = localDateOf(now, clinic.timeZone);
  if (slot.date < today) {
    fields.date = `${humanDate(slot.date)} is in the past. Choose today (${humanDate(today)}) or a later day.`;
  } else if (isClinicHoliday(slot.date, clinic)) {
    fields.date = `${humanDate(slot.date)} is a clinic holiday. Choose another day.`;
  } else if (!isClinicDay(slot.date, clinic)) {
    fields.date = `The clinic books appointments on ${weekdayList(clinic.clinicWeekdays)} only; ${humanDate(slot.date)} is not a clinic day.`;
  }

  const start = minutesOf(slot.time);
  const end = start + slot.durationMinutes;
  if (start < minutesOf(clinic.dayStartsAt) || end > minutesOf(clinic.dayEndsAt)) {
    fields.time = `Appointments must start at ${clinic.dayStartsAt} or later and end by ${clinic.dayEndsAt} (clinic hours); ${slot.time}–${end >= 1440 ? 'after midnight' : hhmm(end)} does not fit.`;
  }

  let overbookReason: string | null = null;
  if (!fields.date) {
    const taken = placesTaken(db, clinic, slot.date, slot.excludeId);
    if (placesLeft(taken, clinic.dailyCapacity) === 0) {
      if (isConfirmationReason(confirmation.overbookReason)) {
        overbookReason = confirmation.overbookReason!.trim();
      } else {
        fields.date = `${humanDate(slot.date)} is full: ${taken} of ${clinic.dailyCapacity} places are taken (the clinic’s daily capacity). Choose another day, or give a reason to overbook an urgent patient.`;
        fields.overbookReason = `${humanDate(slot.date)} is full. To book an urgent patient anyway, give the reason for overbooking (at least 3 characters).`;
      }
    }
  }

  const startsAt = localDateTimeToInstant(slot.date, slot.time, clinic.timeZone);
  const endsAt = startsAt + slot.durationMinutes * MINUTE_MS;
  if (!fields.date && !fields.time && startHasPassed(startsAt, now))
    fields.time = passedStartMessage(slot.time, now, clinic.timeZone);
  if (!fields.time) {
    const clash = db
      .select({ startsAt: s.appointments.startsAt, durationMinutes: s.appointments.durationMinutes })
      .from(s.appointments)
      .where(
        and(
          eq(s.appointments.pumpId, slot.pumpId),
          eq(s.appointments.status, 'booked'),
          lt(s.appointments.startsAt, endsAt),
          sql`${s.appointments.startsAt} + ${s.appointments.durationMinutes} * 60000 > ${startsAt}`,
          slot.excludeId ? ne(s.appointments.id, slot.excludeId) : undefined,
        ),
      )
      .get();
    if (clash) {
      fields.time = `This pump already has an appointment at ${formatInstantForHumans(clash.startsAt, clinic.timeZone)} (${clash.durationMinutes} min) that overlaps. Move or cancel that one instead of booking twice.`;
    }
  }

  const deadlines = pumpDeadlines(db, slot.pumpId);
  const lateness = appointmentLateness(startsAt, clinic.timeZone, deadlines);
  Object.assign(
    fields,
    missingLateConfirmation(
      lateness,
      latenessWarning(lateness, startsAt, clinic.timeZone, deadlines),
      confirmation,
    ),
  );

  if (Object.keys(fields).length > 0) throw new ValidationError(Object.values(fields).join(' '), fields);
  return {
    startsAt,
    lateness,
    lateReason: lateness === 'on-time' ? null : confirmation.lateReason!.trim(),
    overbookReason,
  };
}

/** The pump, if it belongs to the clinic (404 otherwise) and is still implanted. */
export function bookablePump(db: Reader, clinicId: number, pumpId: number) {
  const pump = db
    .select({ id: s.pumps.id, status: s.pumps.status, explantedOn: s.pumps.explantedOn })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!pump) throw new NotFoundError('No such pump.');
  if (pump.status !== 'active') {
    const msg = `This pump was explanted${pump.explantedOn ? ` on ${humanDate(pump.explantedOn)}` : ''}; book the patient’s current pump.`;
    throw new ValidationError(msg, { pumpId: msg });
  }
  return pump;
}

export interface OpenSlot {
  startsAt: number;
  startsAtIso: string;
  date: string;
  time: string;
  /** How late this slot is for the pump (booking a late one needs a confirmation). */
  lateness: Lateness;
}

export interface PumpSlots extends PumpDeadlines {
  pumpId: number;
  timeZone: string;
  durationMinutes: number;
  /** False when no slot is left on or before the due date and the earliest later slots are offered instead. */
  beforeDueDate: boolean;
  slots: OpenSlot[];
}

/** Days searched past today when no slot is left before the due date (an overdue pump needs the earliest one). */
const FALLBACK_DAYS = 28;

/**
 * Open slots for a pump on or before its stored refill due date (db/queries/slots.ts findOpenSlots), with the
 * pump's deadlines so that the booking form can warn before a late booking.
 */
export function openSlotsForPump(
  db: Reader,
  clinicId: number,
  pumpId: number,
  options: { count: number; durationMinutes?: number },
  now: number,
): PumpSlots {
  bookablePump(db, clinicId, pumpId);
  const clinic = loadClinic(db, clinicId);
  const deadlines = pumpDeadlines(db, pumpId);
  const durationMinutes = options.durationMinutes ?? clinic.slotMinutes;
  const today = localDateOf(now, clinic.timeZone);
  const search = (onOrBefore: string) =>
    findOpenSlots(db, clinicId, { after: now, onOrBefore, count: options.count, durationMinutes });
  let slots = deadlines.refillDueOn ? search(deadlines.refillDueOn) : [];
  const beforeDueDate = slots.length > 0;
  if (!beforeDueDate) slots = search(addDaysToLocalDate(today, FALLBACK_DAYS));
  return {
    pumpId,
    timeZone: clinic.timeZone,
    ...deadlines,
    durationMinutes,
    beforeDueDate,
    slots: slots.map((sl) => ({
      startsAt: sl.startsAt,
      startsAtIso: formatInstantIso(sl.startsAt, clinic.timeZone),
      date: sl.date,
      time: sl.time,
      lateness: appointmentLateness(sl.startsAt, clinic.timeZone, deadlines),
    })),
  };
}
