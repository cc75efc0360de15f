/** The clinic reports as CSV (issue 18, item 3): the monthly table or the pump-model table, spreadsheet-safe. */
import type { ClinicReport } from '@/db/queries/reports';
import { tableCsv, type ExportTableSpec } from './clinic-zip';

const c = (name: string, description: string) => ({ name, description });

export const monthsReportTable = {
  file: 'report-months.csv',
  description: 'Per clinic month: refills on time and late, days of drug left at refill, appointments attended and missed.',
  columns: [
    c('month', 'Clinic calendar month, YYYY-MM.'),
    c('refills', 'Refills performed.'),
    c('on_time', 'Refills on or before the due date of the fill before them.'),
    c('late', 'Refills after that due date.'),
    c('unjudged', 'Refills without an earlier fill or program on record to judge them by.'),
    c('late_pct', 'Late refills, % of those judged.'),
    c('median_margin_days', 'Median days of drug left at refill.'),
    c('min_margin_days', 'Fewest days of drug left at a refill.'),
    c('attended', 'Appointments attended.'),
    c('no_shows', 'Appointments missed.'),
    c('no_show_pct', 'Missed, % of attended and missed.'),
  ],
} as const satisfies ExportTableSpec;

export const modelsReportTable = {
  file: 'report-models.csv',
  description: 'Per pump model, over the same months: refills and residual discrepancies outside the tolerance.',
  columns: [
    c('model', 'Pump model.'),
    c('refills', 'Refills performed.'),
    c('discrepancies', 'Refills with a residual outside the tolerance.'),
    c('discrepancy_pct', 'Discrepancies, % of refills.'),
  ],
} as const satisfies ExportTableSpec;

/** A share as a percentage with one decimal, or null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;
}

export function reportMonthsCsv(report: ClinicReport): string {
  return tableCsv(
    monthsReportTable,
    report.months.map((m) => ({
      month: m.month,
      refills: m.refills,
      on_time: m.onTime,
      late: m.late,
      unjudged: m.unjudged,
      late_pct: percent(m.late, m.onTime + m.late),
      median_margin_days: m.medianMarginDays,
      min_margin_days: m.minMarginDays,
      attended: m.attended,
      no_shows: m.noShows,
      no_show_pct: percent(m.noShows, m.attended + m.noShows),
    })),
  );
}

export function reportModelsCsv(report: ClinicReport): string {
  return tableCsv(
    modelsReportTable,
    report.models.map((m) => ({ model: m.model, refills: m.refills, discrepancies: m.discrepancies, discrepancy_pct: percent(m.discrepancies, m.refills) })),
  );
}
