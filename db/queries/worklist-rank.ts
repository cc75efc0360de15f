/**
 * The worklist's rank in SQL (docs/decisions/006 for the rule, 025 for the stored key).
 *
 * The rank of a pump at an instant is a function of its stored forecast row and of the time-driven status at that
 * instant. `rankKeySql` writes the whole order (tier, worst alert, status, appointment, due date, alarm) as one
 * text key whose byte order is that order (ties broken by the pump id, its last part).
 * refreshForecasts stores the key with the instant until which it holds (lib/domain/worklist-rank.ts), so the
 * first page of the worklist is a range read of the index (clinic_id, rank_key); a row whose key has run out
 * (its status changed since the refresh) is ranked with the same expression, live.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import type { Db } from '../client';
import * as s from '../schema';

/**
 * The engine's status (lib/domain/forecast.ts) in SQL: 0 empty … 4 ok. `tomorrowStart` is the instant of the
 * clinic's next midnight: the status is critical from the start of the alarm's clinic-local day (E1: CRITICAL at
 * LRA_date).
 */
export function statusSql(now: number, today: string, dueSoonLimit: string, tomorrowStart: number): SQL<number> {
  return sql<number>`case
    when ${s.pumpForecasts.emptyAt} <= ${now} then 0
    when ${s.pumpForecasts.lowReservoirAlarmAt} < ${tomorrowStart} then 1
    when ${s.pumpForecasts.refillDueOn} < ${today} then 2
    when ${s.pumpForecasts.refillDueOn} <= ${dueSoonLimit} then 3
    else 4 end`;
}

/** statusSql for a clinic at `now`: today and the due-soon limit in the clinic's own calendar. */
export function clinicStatusSql(clinic: Pick<s.Clinic, 'timeZone' | 'dueSoonDays'>, now: number): { today: string; status: SQL<number> } {
  const today = localDateOf(now, clinic.timeZone);
  const tomorrowStart = localDateTimeToInstant(addDaysToLocalDate(today, 1), '00:00', clinic.timeZone);
  return { today, status: statusSql(now, today, addDaysToLocalDate(today, clinic.dueSoonDays), tomorrowStart) };
}

/** The worst open alert rank (0 none … 4 critical): the stored one, or the time-driven E1 if worse. */
export function alertRankSql(status: SQL<number>): SQL<number> {
  return sql<number>`max(${s.pumpForecasts.worstAlertRank}, case when ${status} <= 1 then 4 when ${status} = 2 then 3 else 0 end)`;
}

/** The tier index (worklistStatuses): the time-driven status, made more urgent by the worst alert. */
export function tierSql(status: SQL<number>, alertRank: SQL<number>): SQL<number> {
  return sql<number>`min(${status}, case when ${alertRank} >= 4 then 1 when ${alertRank} = 3 then 2 when ${alertRank} = 2 then 3 else 4 end)`;
}

/** No appointment booked first, then one booked after the due date (E2), then one in time. */
export const appointmentRankSql = sql<number>`case when ${s.pumpForecasts.nextAppointmentAt} is null then 0 when ${s.pumpForecasts.appointmentLate} then 1 else 2 end`;

/**
 * Shifts an epoch-ms alarm (any safe integer, negative included) into [0, 2^54) so that 17 zero-padded digits
 * sort as the numbers do.
 */
const ALARM_OFFSET = sql.raw(String(2 ** 53)); // a literal: SQLite's 64-bit integer sum (a bound JS number is a REAL)

/**
 * The rank as one text key, in the order of decision 006: tier, worst alert (worst first), status, appointment,
 * refill due date, low-reservoir alarm (none first, as SQLite sorts a null), pump id. One character for each
 * small rank, the due date as its fixed-width ISO text, the alarm as '0' (none) or '1' and 17 digits, the pump id
 * in 15 digits: every key is unique and sorting by it alone is the whole order. The first character is the
 * tier, so a tier is a key range.
 */
export function rankKeySql(status: SQL<number>): SQL<string> {
  const alertRank = alertRankSql(status);
  return sql<string>`printf('%d%d%d%d%s%s%015d', ${tierSql(status, alertRank)}, 4 - ${alertRank}, ${status}, ${appointmentRankSql},
    ${s.pumpForecasts.refillDueOn},
    case when ${s.pumpForecasts.lowReservoirAlarmAt} is null then '0' else printf('1%017d', ${s.pumpForecasts.lowReservoirAlarmAt} + ${ALARM_OFFSET}) end,
    ${s.pumpForecasts.pumpId})`;
}

/** The tier index (worklistStatuses) of a rank key. */
export function tierOfKeySql(key: SQL<string>): SQL<number> {
  return sql<number>`cast(substr(${key}, 1, 1) as integer)`;
}

/**
 * Stores the rank key of the given clinic's pumps (all of them, or `pumpIds`) as it is at `now`. Called by
 * refreshForecasts right after it writes the rows (with `rankValidUntil`), in the same transaction: the key is
 * kept in this one place, wherever a forecast is recomputed.
 */
export function storeRankKeys(db: Pick<Db, 'update'>, clinic: Pick<s.Clinic, 'id' | 'timeZone' | 'dueSoonDays'>, now: number, pumpIds?: number[]): void {
  const { status } = clinicStatusSql(clinic, now);
  db.update(s.pumpForecasts)
    .set({ rankKey: rankKeySql(status) })
    .where(and(eq(s.pumpForecasts.clinicId, clinic.id), pumpIds ? inArray(s.pumpForecasts.pumpId, pumpIds.length ? pumpIds : [-1]) : undefined))
    .run();
}
