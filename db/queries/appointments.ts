/**
 * Appointments: the clinic calendar, booking, and changes (move, cancel, done, no-show). Every change runs in
 * one transaction with the version check, an audit row and a refresh of the pump's stored forecast, so the
 * worklist sees at once whether the pump still has an upcoming appointment. `sequence` goes up whenever the start,
 * duration or status changes, so subscribed calendars update the event in place (RFC 5545 SEQUENCE).
 */
import { and, eq, gte, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import {
  addDaysToLocalDate,
  dayNumberOf,
  formatDayNumberForHumans,
  formatInstantForHumans,
  formatInstantIso,
  isoWeekdayOf,
  localDateOf,
  localDateTimeToInstant,
} from '@/lib/domain/calendar';
import { NotFoundError, ValidationError } from '@/lib/errors';
import type { AppointmentPatch, AppointmentRange, BookAppointmentInput } from '@/lib/validation/appointment';
import type { Db } from '../client';
import * as s from '../schema';
import { audit, type Actor } from './audit';
import { refreshForecasts } from './forecasts';
import { findOpenSlots } from './slots';
import { assertSameVersion } from './versioning';

type Reader = Pick<Db, 'select'>;

/** Statuses that take one of the day's places: a cancelled or missed visit frees its place. */
const CAPACITY_STATUSES = ['booked', 'done'] as const;
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
  /** A booked appointment after the pump's due date (alert E2). */
  late: boolean;
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

function loadClinic(db: Reader, clinicId: number): ClinicRow {
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
  refillDueOn: s.pumpForecasts.refillDueOn,
};

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
    late: row.status === 'booked' && row.refillDueOn != null && start.date > row.refillDueOn,
  };
}

const dayStart = (date: string, timeZone: string) => localDateTimeToInstant(date, '00:00', timeZone);

export function isHoliday(clinic: Pick<s.Clinic, 'holidays'>, date: string): boolean {
  return clinic.holidays.includes(date);
}

export function isOpenDay(clinic: Pick<s.Clinic, 'holidays' | 'clinicWeekdays'>, date: string): boolean {
  return clinic.clinicWeekdays.includes(isoWeekdayOf(date)) && !isHoliday(clinic, date);
}

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

  const taken = new Map<string, number>();
  for (const a of rows)
    if ((CAPACITY_STATUSES as readonly string[]).includes(a.status))
      taken.set(a.date, (taken.get(a.date) ?? 0) + 1);
  const days: CalendarDay[] = [];
  for (let d = range.from; d <= range.to; d = addDaysToLocalDate(d, 1)) {
    days.push({
      date: d,
      weekday: isoWeekdayOf(d),
      open: isOpenDay(clinic, d),
      holiday: isHoliday(clinic, d),
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

/** Places taken on a clinic-local date, not counting `excludeId` (the appointment being moved). */
function placesTaken(db: Reader, clinic: ClinicRow, date: string, excludeId?: number): number {
  const row = db
    .select({ n: sql<number>`count(*)` })
    .from(s.appointments)
    .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(
      and(
        eq(s.patients.clinicId, clinic.id),
        inArray(s.appointments.status, [...CAPACITY_STATUSES]),
        gte(s.appointments.startsAt, dayStart(date, clinic.timeZone)),
        lt(s.appointments.startsAt, dayStart(addDaysToLocalDate(date, 1), clinic.timeZone)),
        excludeId ? ne(s.appointments.id, excludeId) : undefined,
      ),
    )
    .get();
  return row?.n ?? 0;
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const humanDate = (date: string) => formatDayNumberForHumans(dayNumberOf(date));

export function weekdayList(weekdays: readonly number[]): string {
  return [...weekdays]
    .sort((a, b) => a - b)
    .map((d) => WEEKDAY_NAMES[d])
    .join(', ');
}

/**
 * The scheduling rules, with a message per field that says what is allowed: a clinic day (weekday, not a holiday),
 * inside opening hours, not on a past day, under the daily capacity, and no overlap with another booked appointment
 * of the same pump.
 */
export function assertSchedulable(
  db: Reader,
  clinic: ClinicRow,
  slot: { pumpId: number; date: string; time: string; durationMinutes: number; excludeId?: number },
  now: number,
): number {
  const fields: Record<string, string> = {};
  const today = localDateOf(now, clinic.timeZone);
  if (slot.date < today) {
    fields.date = `${humanDate(slot.date)} is in the past. Choose today (${humanDate(today)}) or a later day.`;
  } else if (!clinic.clinicWeekdays.includes(isoWeekdayOf(slot.date))) {
    fields.date = `The clinic books appointments on ${weekdayList(clinic.clinicWeekdays)} only; ${humanDate(slot.date)} is not a clinic day.`;
  } else if (isHoliday(clinic, slot.date)) {
    fields.date = `${humanDate(slot.date)} is a clinic holiday. Choose another day.`;
  }

  const start = minutesOf(slot.time);
  const end = start + slot.durationMinutes;
  if (start < minutesOf(clinic.dayStartsAt) || end > minutesOf(clinic.dayEndsAt)) {
    fields.time = `Appointments must start at ${clinic.dayStartsAt} or later and end by ${clinic.dayEndsAt} (clinic hours); ${slot.time}–${end >= 1440 ? 'after midnight' : hhmm(end)} does not fit.`;
  }

  if (!fields.date) {
    const taken = placesTaken(db, clinic, slot.date, slot.excludeId);
    if (taken >= clinic.dailyCapacity) {
      fields.date = `${humanDate(slot.date)} is full: ${taken} of ${clinic.dailyCapacity} places are taken (the clinic’s daily capacity). Choose another day.`;
    }
  }

  const startsAt = localDateTimeToInstant(slot.date, slot.time, clinic.timeZone);
  const endsAt = startsAt + slot.durationMinutes * MINUTE_MS;
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

  if (Object.keys(fields).length > 0) throw new ValidationError(Object.values(fields).join(' '), fields);
  return startsAt;
}

/** The pump, if it belongs to the clinic (404 otherwise) and is still implanted. */
function bookablePump(db: Reader, clinicId: number, pumpId: number) {
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

const auditView = (a: AppointmentDto) => ({
  pumpId: a.pumpId,
  startsAt: a.startsAtIso,
  durationMinutes: a.durationMinutes,
  type: a.type,
  status: a.status,
  sequence: a.sequence,
  notes: a.notes,
});

export function bookAppointment(
  db: Db,
  actor: Actor,
  input: BookAppointmentInput,
  now: number,
): AppointmentDto {
  return db.transaction((tx) => {
    bookablePump(tx, actor.clinicId, input.pumpId);
    const clinic = loadClinic(tx, actor.clinicId);
    const durationMinutes = input.durationMinutes ?? clinic.slotMinutes;
    const startsAt = assertSchedulable(
      tx,
      clinic,
      { pumpId: input.pumpId, date: input.date, time: input.time, durationMinutes },
      now,
    );
    const row = tx
      .insert(s.appointments)
      .values({
        pumpId: input.pumpId,
        startsAt,
        durationMinutes,
        type: input.type,
        status: 'booked',
        sequence: 0,
        notes: input.notes,
        createdById: actor.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: s.appointments.id })
      .get();
    refreshForecasts(tx, { pumpIds: [input.pumpId] }, now);
    const created = getAppointment(tx, actor.clinicId, row.id);
    audit(tx, actor, 'create', 'appointment', row.id, null, auditView(created));
    return created;
  });
}

const refuse = (message: string, field = 'action'): never => {
  throw new ValidationError(message, { [field]: message });
};

/** Move, cancel, mark done or mark no-show, with the version the caller read. */
export function changeAppointment(
  db: Db,
  actor: Actor,
  id: number,
  patch: AppointmentPatch,
  now: number,
): AppointmentDto {
  return db.transaction((tx) => {
    const before = getAppointment(tx, actor.clinicId, id);
    assertSameVersion('appointment', patch.version, before.version);
    const clinic = loadClinic(tx, actor.clinicId);
    const label = `${before.status === 'no-show' ? 'a no-show' : before.status}`;
    if (before.status !== 'booked') {
      refuse(
        `This appointment is ${label}; only a booked appointment can be ${patch.action === 'move' ? 'moved' : patch.action === 'cancel' ? 'cancelled' : `marked ${patch.action}`}.`,
      );
    }

    let set: Partial<typeof s.appointments.$inferInsert>;
    switch (patch.action) {
      case 'move': {
        const durationMinutes = patch.durationMinutes ?? before.durationMinutes;
        if (
          patch.date === before.date &&
          patch.time === before.time &&
          durationMinutes === before.durationMinutes
        )
          return before;
        const startsAt = assertSchedulable(
          tx,
          clinic,
          { pumpId: before.pumpId, date: patch.date, time: patch.time, durationMinutes, excludeId: id },
          now,
        );
        set = { startsAt, durationMinutes };
        break;
      }
      case 'cancel': {
        const reason = patch.reason?.trim();
        set = {
          status: 'cancelled',
          notes: reason ? [before.notes, `Cancelled: ${reason}`].filter(Boolean).join('\n') : before.notes,
        };
        break;
      }
      case 'done': {
        if (before.date > localDateOf(now, clinic.timeZone))
          refuse(
            `This appointment is on ${humanDate(before.date)}; it can be marked done on that day or later.`,
          );
        set = { status: 'done' };
        break;
      }
      case 'no-show': {
        if (before.startsAt > now)
          refuse(
            `This appointment starts at ${formatInstantForHumans(before.startsAt, clinic.timeZone)}; a no-show can be recorded once that time has passed.`,
          );
        set = { status: 'no-show' };
        break;
      }
    }
    tx.update(s.appointments)
      // Every change here alters the start, the duration or the status: calendars must replace the event.
      .set({ ...set, sequence: before.sequence + 1, version: before.version + 1, updatedAt: now })
      .where(and(eq(s.appointments.id, id), eq(s.appointments.version, before.version)))
      .run();
    // A no-show or cancellation leaves the pump without an upcoming visit: the worklist must rank it as unbooked now.
    refreshForecasts(tx, { pumpIds: [before.pumpId] }, now);
    const after = getAppointment(tx, actor.clinicId, id);
    audit(tx, actor, 'update', 'appointment', id, auditView(before), {
      ...auditView(after),
      action: patch.action,
    });
    return after;
  });
}

/**
 * Changes an appointment as a side effect of another action (a refill marks it done, an explant cancels it, a
 * replacement moves it to the new pump): SEQUENCE goes up so that calendars replace the event, the optimistic
 * version goes up so that an open edit of it gets a 409, and the change is audited.
 */
export function reviseAppointment(
  tx: Pick<Db, 'update' | 'insert'>,
  actor: Actor,
  appointment: Pick<s.Appointment, 'id' | 'sequence' | 'version'>,
  set: Partial<Pick<s.Appointment, 'status' | 'pumpId'>>,
  audited: { before: Record<string, unknown>; after: Record<string, unknown> },
  now: number,
): void {
  tx.update(s.appointments)
    .set({ ...set, sequence: appointment.sequence + 1, version: appointment.version + 1, updatedAt: now })
    .where(eq(s.appointments.id, appointment.id))
    .run();
  audit(tx, actor, 'update', 'appointment', appointment.id, audited.before, audited.after);
}

export interface OpenSlot {
  startsAt: number;
  startsAtIso: string;
  date: string;
  time: string;
}

export interface PumpSlots {
  pumpId: number;
  timeZone: string;
  refillDueOn: string | null;
  durationMinutes: number;
  /** False when no slot is left on or before the due date and the earliest later slots are offered instead. */
  beforeDueDate: boolean;
  slots: OpenSlot[];
}

/** Days searched past today when no slot is left before the due date (an overdue pump needs the earliest one). */
const FALLBACK_DAYS = 28;

/** Open slots for a pump on or before its stored refill due date (db/queries/slots.ts findOpenSlots). */
export function openSlotsForPump(
  db: Reader,
  clinicId: number,
  pumpId: number,
  options: { count: number; durationMinutes?: number },
  now: number,
): PumpSlots {
  bookablePump(db, clinicId, pumpId);
  const clinic = loadClinic(db, clinicId);
  const due = db
    .select({ refillDueOn: s.pumpForecasts.refillDueOn })
    .from(s.pumpForecasts)
    .where(eq(s.pumpForecasts.pumpId, pumpId))
    .get();
  const durationMinutes = options.durationMinutes ?? clinic.slotMinutes;
  const today = localDateOf(now, clinic.timeZone);
  const search = (onOrBefore: string) =>
    withinCapacity(
      db,
      clinic,
      findOpenSlots(db, clinicId, { after: now, onOrBefore, count: options.count, durationMinutes }),
    );
  let slots = due ? search(due.refillDueOn) : [];
  const beforeDueDate = slots.length > 0;
  if (!beforeDueDate) slots = search(addDaysToLocalDate(today, FALLBACK_DAYS));
  return {
    pumpId,
    timeZone: clinic.timeZone,
    refillDueOn: due?.refillDueOn ?? null,
    durationMinutes,
    beforeDueDate,
    slots: slots.map((sl) => ({
      startsAt: sl.startsAt,
      startsAtIso: formatInstantIso(sl.startsAt, clinic.timeZone),
      date: sl.date,
      time: sl.time,
    })),
  };
}

/** findOpenSlots counts booked appointments only; a visit already done today also took a place. */
function withinCapacity<T extends { date: string }>(db: Reader, clinic: ClinicRow, slots: T[]): T[] {
  const room = new Map<string, number>();
  return slots.filter((sl) => {
    const left = room.get(sl.date) ?? clinic.dailyCapacity - placesTaken(db, clinic, sl.date);
    room.set(sl.date, left - 1);
    return left > 0;
  });
}
