/** Display formatting: dates in the clinic's zone, volumes and doses with their units. Pure. */
import { dayNumberOf, formatDayNumberForHumans, formatInstantForHumans, localTimeOf } from '@/lib/domain/calendar';

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

function trim(value: number, decimals: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

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
