/** Display formatting: dates in the clinic's zone, volumes and doses with their units. Pure. */
import { alertPhrases } from '@/lib/domain/alerts';
import { formatDecimal } from '@/lib/domain/numbers';
import { dayNumberOf, formatDayNumberForHumans, formatInstantForHumans, localTimeOf } from '@/lib/domain/calendar';
import type { AlertCode } from '@/lib/domain/types';

// Dates and instants are printed by the domain's formatters, so that page text and alert text say the same
// instant the same way (`Tue 7 Apr 2026 14:05`, clinic-local).

/** A clinic-local date for pages: `Tue 7 Apr 2026`. */
export function formatLocalDate(date: string | null | undefined): string {
  if (!date) return '—';
  return formatDayNumberForHumans(dayNumberOf(date));
}

/** An instant for pages, in the clinic's zone: `Tue 7 Apr 2026 14:05` (as alerts print it). */
export function formatInstant(at: number | null | undefined, timeZone: string): string {
  if (at == null) return '—';
  return formatInstantForHumans(at, timeZone);
}

/**
 * How long ago, for "last synced": `never`, `within the last 5 minutes` (the resolution it is stored at), `40 min
 * ago`, `2 h ago`, `3 days ago`.
 */
export function formatAgo(at: number | null | undefined, now: number): string {
  if (at == null) return 'never';
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 5) return 'within the last 5 minutes';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** The clock time of an instant, in the clinic's zone: `14:05`. */
export function formatTime(at: number, timeZone: string): string {
  return localTimeOf(at, timeZone);
}

/** Microlitres or millilitres to "12.5 mL" (two decimals at most, trailing zeros dropped). */
export function formatMl(ml: number | null | undefined): string {
  if (ml == null || Number.isNaN(ml)) return '—';
  return `${trim(ml, 2)} mL`;
}

export const formatUl = (ul: number | null | undefined) => formatMl(ul == null ? ul : ul / 1000);

/** Numbers are written one way everywhere (lib/domain/numbers.ts): "2000", "12.5", never "2,000" or "2.0". */
const trim = formatDecimal;
export { formatDecimal };

/** A dose in the drug's unit: baclofen "250 mcg/day", morphine "3 mg/day". */
export function formatDose(ng: number, unit: 'mcg' | 'mg', per = '/day'): string {
  const value = unit === 'mg' ? ng / 1_000_000 : ng / 1000;
  return `${trim(value, unit === 'mg' ? 3 : 2)} ${unit}${per}`;
}

export function formatConcentration(ngPerMl: number, unit: 'mcg' | 'mg'): string {
  const value = unit === 'mg' ? ngPerMl / 1_000_000 : ngPerMl / 1000;
  return `${trim(value, 3)} ${unit}/mL`;
}

export function formatMlPerDay(ml: number): string {
  return `${trim(ml, 3)} mL/day`;
}

/**
 * The worklist's chips: a tier is the time-driven status made more urgent by the worst open alert
 * (db/queries/worklist.ts tierOfAlertRank), so a CRITICAL alert shows "Critical" at least, a HIGH one
 * "Overdue or high alert", a warning "Due soon or warning".
 */
export const worklistTierLabels = {
  empty: 'Empty: withdrawal risk',
  critical: 'Critical',
  overdue: 'Overdue or high alert',
  'due-soon': 'Due soon or warning',
  ok: 'OK',
} as const;

export const statusLabels = {
  empty: 'Empty: withdrawal risk',
  critical: 'Past alarm date',
  overdue: 'Overdue',
  'due-soon': 'Due soon',
  ok: 'OK',
} as const;

/**
 * A clinic-local date for a dense row: `Wed 2 Dec`, the year only when it is not the current one
 * (`Mon 4 Jan 2027`), so that a worklist row stays on one line.
 */
export function formatShortDate(date: string | null | undefined, today: string): string {
  if (!date) return '—';
  const full = formatLocalDate(date);
  return date.slice(0, 4) === today.slice(0, 4) ? full.slice(0, -5) : full;
}

/** A chart's day label: `2 Dec`, or `2 Dec 26` with the year (formatLocalDate without the weekday). */
export function formatDayMonth(date: string, withYear = false): string {
  const full = formatLocalDate(date); // `Wed 2 Dec 2026`
  const dayMonth = full.slice(full.indexOf(' ') + 1, -5);
  return withYear ? `${dayMonth} ${full.slice(-2)}` : dayMonth;
}

/** An instant for a dense row, clinic-local: `Wed 2 Dec 14:05` (the year as formatShortDate). */
export function formatShortInstant(at: number | null | undefined, timeZone: string, today: string): string {
  if (at == null) return '—';
  const full = formatInstantForHumans(at, timeZone); // `Wed 2 Dec 2026 14:05`
  const year = full.slice(-10, -6);
  return year === today.slice(0, 4) ? `${full.slice(0, -11)} ${full.slice(-5)}` : full;
}

/**
 * The label of a pump's alarm volume. A constant-flow pump (Codman 3000, IsoMed) has no alarm electronics
 * (reference.md S46): its volume is the clinic's reserve, and the date is when the reserve is reached, so it must
 * never read as an alarm the patient will hear (the emergency card says the same: lib/cards/view.ts).
 */
export function alarmVolumeLabel(constantFlow: boolean, alarmMl: number): string {
  return constantFlow ? `Reserve (${formatMl(alarmMl)}), no alarm` : `Alarm (${formatMl(alarmMl)})`;
}

/** What a row shows in the alarm column of a constant-flow pump, in place of an alarm instant. */
export const noAlarmText = 'Reserve, no alarm';

/**
 * "Drug left" on a worklist row: the worst-case volume now and the days to the alarm (or, for a constant-flow
 * pump, to the reserve). A passed alarm says "alarm passed", never "0 d to alarm"; a pump forecast empty says
 * "empty".
 */
export function drugLeftText(input: {
  volumeNowMl: number | null;
  /** Whole days to the alarm (or reserve) volume; null when it is not reached within the forecast's horizon. */
  daysToAlarm: number | null;
  lowReservoirAlarmAt: number | null;
  emptyAt: number | null;
  constantFlow: boolean;
  now: number;
}): string {
  const { volumeNowMl, daysToAlarm, lowReservoirAlarmAt, emptyAt, constantFlow, now } = input;
  if ((emptyAt != null && emptyAt <= now) || volumeNowMl === 0) return 'empty';
  // One decimal: a worst-case estimate, and the row must stay on one line.
  const volume = volumeNowMl == null ? '' : `${formatMl(Math.round(volumeNowMl * 10) / 10)} · `;
  const what = constantFlow ? 'reserve' : 'alarm';
  if (lowReservoirAlarmAt != null && lowReservoirAlarmAt <= now) return `${volume}${what} passed`;
  if (daysToAlarm == null || lowReservoirAlarmAt == null) return volumeNowMl == null ? '—' : formatMl(volumeNowMl);
  if (daysToAlarm === 0) return `${volume}${what} today`;
  return `${volume}${daysToAlarm} d to ${what}`;
}

/**
 * A phone number as a `tel:` link target (RFC 3966): the digits and a leading +, or null when there are no
 * digits to dial. The number is shown as the clinic typed it; only the link is normalised.
 */
export function telHref(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 3) return null;
  return `tel:${trimmed.startsWith('+') ? '+' : ''}${digits}`;
}

/** An alert as the few words a row has room for (lib/domain/alerts.ts alertPhrases); the code if it has none. */
export function alertShortText(code: string): string {
  return alertPhrases[code as AlertCode] ?? code;
}
