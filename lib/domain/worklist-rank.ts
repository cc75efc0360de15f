/**
 * How long a pump's stored worklist rank key stays true (docs/decisions/025-stored-worklist-rank-key.md).
 *
 * The worklist's rank (decision 006) is a function of the stored forecast columns and of the time-driven status,
 * and the status is a function of the instant and of the clinic-local date (db/queries/worklist-rank.ts
 * statusSql):
 *   empty     emptyAt <= now
 *   critical  lowReservoirAlarmAt < the start of tomorrow (clinic-local)
 *   overdue   refillDueOn < today
 *   due soon  refillDueOn <= today + dueSoonDays
 * Each condition, once true, stays true as time goes on (the instant and "today" only grow), so the status, and
 * with it the rank key, can change only when one of the conditions still false at the refresh becomes true. The
 * key stored at a refresh is therefore valid from the refresh until the earliest such instant, which this module
 * computes; the worklist ranks a pump from its stored key only inside that window and from the live SQL rank
 * outside it, so it never shows a stale rank.
 *
 * An instant returned here may be earlier than the real change, never later: early only costs the worklist a
 * few rows ranked live until the next refresh.
 */
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from './calendar';
import type { EpochMs, LocalDate } from './types';

const HOUR_MS = 3_600_000;

export interface RankedForecast {
  emptyAt: EpochMs | null;
  lowReservoirAlarmAt: EpochMs | null;
  refillDueOn: LocalDate;
}

export interface RankCalendar {
  timeZone: string;
  dueSoonDays: number;
}

/** The start of the clinic-local day `date`, as the worklist's status uses it (the next midnight). */
function dayStart(date: LocalDate, timeZone: string): EpochMs {
  return localDateTimeToInstant(date, '00:00', timeZone);
}

/**
 * An instant at or before the first instant whose clinic-local date is `date` or later. dayStart is that instant
 * in every zone we know, but a zone whose midnight is skipped or repeated (or a day skipped outright, as Samoa's
 * 2011-12-30) must not make the key outlive the change: step back until the instant before is still on an
 * earlier date.
 */
function notAfterFirstInstantOf(date: LocalDate, timeZone: string): EpochMs {
  let at = dayStart(date, timeZone);
  for (let i = 0; i < 72 && localDateOf(at - 1, timeZone) >= date; i++) at -= HOUR_MS;
  return at;
}

/** The first clinic-local date `d` on which the alarm falls before the start of `d + 1` (the "critical" test). */
function firstCriticalDate(alarmAt: EpochMs, timeZone: string): LocalDate | null {
  const critical = (d: LocalDate) => alarmAt < dayStart(addDaysToLocalDate(d, 1), timeZone);
  let d = localDateOf(alarmAt, timeZone);
  for (let i = 0; i < 4 && !critical(d); i++) d = addDaysToLocalDate(d, 1);
  for (let i = 0; i < 4 && critical(addDaysToLocalDate(d, -1)); i++) d = addDaysToLocalDate(d, -1);
  return critical(d) && !critical(addDaysToLocalDate(d, -1)) ? d : null;
}

/**
 * Until when (exclusive) the rank key computed at `now` holds: the earliest instant at which the time-driven
 * status can change. Infinity when it never changes (an empty pump). `now` itself when the change cannot be
 * placed, so that the pump is ranked live.
 */
export function rankKeyValidUntil(f: RankedForecast, now: EpochMs, clinic: RankCalendar): EpochMs {
  if (f.emptyAt != null && f.emptyAt <= now) return Number.POSITIVE_INFINITY; // empty stays empty
  const today = localDateOf(now, clinic.timeZone);
  let until = Number.POSITIVE_INFINITY;
  if (f.emptyAt != null) until = f.emptyAt;
  /** Dates on which a condition still false today becomes true. */
  const dates: LocalDate[] = [];
  if (f.lowReservoirAlarmAt != null && !(f.lowReservoirAlarmAt < dayStart(addDaysToLocalDate(today, 1), clinic.timeZone))) {
    const d = firstCriticalDate(f.lowReservoirAlarmAt, clinic.timeZone);
    if (d == null) return now;
    dates.push(d);
  }
  if (!(f.refillDueOn < today)) dates.push(addDaysToLocalDate(f.refillDueOn, 1));
  if (!(f.refillDueOn <= addDaysToLocalDate(today, clinic.dueSoonDays)))
    dates.push(addDaysToLocalDate(f.refillDueOn, -clinic.dueSoonDays));
  for (const d of dates) {
    // Each date is after today (its condition is false today and true on it); otherwise rank live.
    if (d <= today) return now;
    until = Math.min(until, notAfterFirstInstantOf(d, clinic.timeZone));
  }
  return until;
}

/**
 * What the stored column holds for "never": SQLite integers are 64-bit, and a key valid until 9999 is as good as
 * valid forever for a pump.
 */
export const RANK_VALID_FOREVER = Date.UTC(9999, 11, 31);

export function storedRankValidUntil(f: RankedForecast, now: EpochMs, clinic: RankCalendar): EpochMs {
  return Math.min(rankKeyValidUntil(f, now, clinic), RANK_VALID_FOREVER);
}
