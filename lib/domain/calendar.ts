/**
 * Clinic-local calendar helpers.
 *
 * A refill due date is a calendar date in the clinic's zone (`YYYY-MM-DD`); an alarm crossing is an instant. The
 * helpers convert between the two through the cached ZoneClock (zone rules from Intl). Calendar arithmetic
 * on dates works on day numbers (days since 1970-01-01), which is what `Date.UTC` counts: adding days or finding a
 * weekday is then integer arithmetic with no time zone at all, so the server's own TZ can never shift a date.
 * calendar.test.ts checks every helper against Temporal.PlainDate (`add`, `dayOfWeek`, `until`).
 */
import { InvalidInputError, NoClinicDayError } from './errors';
import type { ClinicPolicy, EpochMs, LocalDate, LocalTime } from './types';
import { DAY_MS, MINUTE_MS, zoneClock } from './zone';

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Day number of a `YYYY-MM-DD` date; throws for a malformed or impossible date (2026-02-30). */
export function dayNumberOf(date: LocalDate, field = 'date'): number {
  // Parsed by hand rather than by RegExp or Date.parse: this runs several times per pump on the worklist.
  if (typeof date === 'string' && date.length === 10 && date[4] === '-' && date[7] === '-') {
    const y = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
    const m = digit(date, 5) * 10 + digit(date, 6);
    const d = digit(date, 8) * 10 + digit(date, 9);
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return Date.UTC(y, m - 1, d) / DAY_MS;
  }
  throw new InvalidInputError(field, `${field} must be a date written YYYY-MM-DD, got "${date}"`, {
    value: date,
  });
}

const localDateCache = new Map<number, LocalDate>();

/** `YYYY-MM-DD` of a day number (memoised: a clinic's forecasts share a few hundred distinct days). */
export function localDateOfDayNumber(day: number): LocalDate {
  let s = localDateCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (localDateCache.size > 100_000) localDateCache.clear();
    localDateCache.set(day, s);
  }
  return s;
}

/** Minutes after local midnight of an `HH:MM` time; throws for anything else. */
export function minutesOfLocalTime(time: LocalTime, field = 'time'): number {
  if (typeof time === 'string' && time.length === 5 && time[2] === ':') {
    const h = digit(time, 0) * 10 + digit(time, 1);
    const m = digit(time, 3) * 10 + digit(time, 4);
    if (h >= 0 && h <= 23 && m >= 0 && m <= 59) return h * 60 + m;
  }
  throw new InvalidInputError(field, `${field} must be a time written HH:MM (00:00–23:59), got "${time}"`, {
    value: time,
  });
}

/** Clinic-local calendar date of an instant. */
export function localDateOf(at: EpochMs, timeZone: string): LocalDate {
  return localDateOfDayNumber(zoneClock(timeZone, at).dayOf(at));
}

export function addDaysToLocalDate(date: LocalDate, days: number): LocalDate {
  return localDateOfDayNumber(dayNumberOf(date) + days);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (day 0, 1970-01-01, was a Thursday). */
export function isoWeekdayOfDayNumber(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function isoWeekdayOf(date: LocalDate): number {
  return isoWeekdayOfDayNumber(dayNumberOf(date));
}

/**
 * The day a fixed-date holiday is observed when it falls on a weekend: Saturday's on the Friday before, Sunday's on
 * the Monday after (the US federal rule, 5 U.S.C. 6103(b); Independence Day 2026, Sat 4 Jul, is observed Fri 3 Jul).
 */
export function observedHoliday(date: LocalDate): LocalDate {
  const weekday = isoWeekdayOf(date);
  return weekday === 6 ? addDaysToLocalDate(date, -1) : weekday === 7 ? addDaysToLocalDate(date, 1) : date;
}

/** `to − from` in calendar days. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return dayNumberOf(to) - dayNumberOf(from);
}

type ClinicCalendar = Pick<ClinicPolicy, 'clinicWeekdays' | 'holidays'>;

interface CompiledCalendar {
  weekdays: boolean[];
  holidays: Set<number>;
}

// The last calendar compiled is kept, compared by content: a worklist forecasts many pumps of one clinic in a row,
// and a caller that mutates the arrays in place never gets a stale calendar. (A WeakMap keyed by the arrays was
// tried: with a fresh policy object per pump, as a data layer may build them, its inserts and the garbage
// collector's ephemeron work cost more than compiling again.)
let lastWeekdaysCopy: number[] | null = null;
let lastWeekdays: boolean[] = [];
let lastHolidaysCopy: string[] | null = null;
let lastHolidays: Set<number> = new Set();

function sameArray<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compileWeekdays(clinicWeekdays: readonly number[]): boolean[] {
  const weekdays = [false, false, false, false, false, false, false, false];
  let any = false;
  for (const wd of clinicWeekdays) {
    if (!Number.isInteger(wd) || wd < 1 || wd > 7) {
      throw new InvalidInputError(
        'clinicWeekdays',
        `Clinic weekdays must be 1 (Monday) to 7 (Sunday), got ${wd}`,
        {
          value: clinicWeekdays,
        },
      );
    }
    weekdays[wd] = true;
    any = true;
  }
  if (!any)
    throw new NoClinicDayError('The clinic has no refill weekdays configured', { field: 'clinicWeekdays' });
  return weekdays;
}

function compileCalendar(policy: ClinicCalendar): CompiledCalendar {
  const w = policy.clinicWeekdays;
  if (lastWeekdaysCopy === null || !sameArray(lastWeekdaysCopy, w)) {
    lastWeekdays = compileWeekdays(w);
    lastWeekdaysCopy = w.slice();
  }
  const h = policy.holidays;
  if (lastHolidaysCopy === null || !sameArray(lastHolidaysCopy, h)) {
    const set = new Set<number>();
    for (const d of h) set.add(dayNumberOf(d, 'holidays'));
    lastHolidays = set;
    lastHolidaysCopy = h.slice();
  }
  return { weekdays: lastWeekdays, holidays: lastHolidays };
}

function isOpen(cal: CompiledCalendar, day: number): boolean {
  return cal.weekdays[isoWeekdayOfDayNumber(day)] === true && !cal.holidays.has(day);
}

export function isClinicDayNumber(day: number, policy: ClinicCalendar): boolean {
  return isOpen(compileCalendar(policy), day);
}

/**
 * A clinic day: one of the clinic's refill weekdays that is not one of its holidays (reference.md E17). The one
 * rule behind due dates, the open-slot search, booking and the calendar's open/closed days.
 */
export function isClinicDay(date: LocalDate, policy: ClinicCalendar): boolean {
  return isClinicDayNumber(dayNumberOf(date), policy);
}

/** One of the clinic's holidays (says why a weekday is not a clinic day). */
export function isClinicHoliday(date: LocalDate, policy: ClinicCalendar): boolean {
  return compileCalendar(policy).holidays.has(dayNumberOf(date));
}

/**
 * The latest clinic day on or before `day`. A due date on a weekend or holiday moves EARLIER, never later:
 * a later refill risks an empty pump (reference.md E17).
 */
export function latestClinicDayNumberOnOrBefore(day: number, policy: ClinicCalendar): number {
  const cal = compileCalendar(policy);
  // A year of consecutive holidays would be a configuration error; stop rather than search forever.
  for (let d = day; d > day - 400; d--) {
    if (isOpen(cal, d)) return d;
  }
  throw new NoClinicDayError(`No clinic day in the 400 days up to ${localDateOfDayNumber(day)}`, {
    field: 'holidays',
    date: localDateOfDayNumber(day),
  });
}

export function latestClinicDayOnOrBefore(date: LocalDate, policy: ClinicCalendar): LocalDate {
  return localDateOfDayNumber(latestClinicDayNumberOnOrBefore(dayNumberOf(date), policy));
}

/**
 * The instant a clinic-local date and time occurs. In the spring-forward gap (a time the clock skips) this is the
 * first instant after the gap; in the repeated autumn hour it is the first occurrence. See ZoneClock.instantOfWall.
 */
export function localDateTimeToInstant(date: LocalDate, time: LocalTime, timeZone: string): EpochMs {
  const wall = dayNumberOf(date) * DAY_MS + minutesOfLocalTime(time) * MINUTE_MS;
  return zoneClock(timeZone, wall).instantOfWall(wall);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** ISO 8601 with the clinic's UTC offset, e.g. `2026-04-07T09:00:00-05:00` (milliseconds only when not zero). */
export function formatInstantIso(at: EpochMs, timeZone: string): string {
  const offset = zoneClock(timeZone, at).offsetAt(at);
  const local = new Date(at + offset).toISOString(); // wall clock, read through UTC getters
  const ms = local.slice(19, 23) === '.000' ? '' : local.slice(19, 23);
  const offsetMinutes = Math.round(Math.abs(offset) / MINUTE_MS);
  const sign = offset < 0 ? '-' : '+';
  return `${local.slice(0, 19)}${ms}${sign}${pad(Math.floor(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
}

const WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const humanDayCache = new Map<number, string>();

/** A day for nurse-facing text: `Tue 7 Apr 2026` (month as a word, so no day/month order confusion). */
export function formatDayNumberForHumans(day: number): string {
  let s = humanDayCache.get(day);
  if (s === undefined) {
    const d = new Date(day * DAY_MS);
    s = `${WEEKDAY_NAMES[isoWeekdayOfDayNumber(day)]} ${d.getUTCDate()} ${MONTH_NAMES[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
    if (humanDayCache.size > 100_000) humanDayCache.clear();
    humanDayCache.set(day, s);
  }
  return s;
}

/** The clinic-local clock time of an instant, `14:05` (24-hour). */
export function localTimeOf(at: EpochMs, timeZone: string): LocalTime {
  const wall = zoneClock(timeZone, at).wallAt(at);
  const minutes = Math.floor((wall - Math.floor(wall / DAY_MS) * DAY_MS) / MINUTE_MS);
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** An instant for nurse-facing text in clinic-local time: `Tue 7 Apr 2026 14:05`. */
export function formatInstantForHumans(at: EpochMs, timeZone: string): string {
  return `${formatDayNumberForHumans(zoneClock(timeZone, at).dayOf(at))} ${localTimeOf(at, timeZone)}`;
}

/** Adds calendar months to a `YYYY-MM-DD`, clamping to the month's last day (see addMonthsToDayNumber). */
export function addMonthsToLocalDate(date: LocalDate, months: number): LocalDate {
  return localDateOfDayNumber(addMonthsToDayNumber(dayNumberOf(date), months));
}

/**
 * Adds calendar months to a day number, clamping to the month's last day (31 Aug + 6 months = 28/29 Feb).
 * Year and month come from the proleptic Gregorian day count (Hinnant's civil_from_days, the algorithm behind
 * C++ <chrono>) instead of a Date object: it runs twice per pump with an implant date.
 */
export function addMonthsToDayNumber(day: number, months: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const total = y * 12 + (m - 1) + months;
  const ty = Math.floor(total / 12);
  const tm = total - ty * 12 + 1;
  return Date.UTC(ty, tm - 1, Math.min(d, daysInMonth(ty, tm))) / DAY_MS;
}
