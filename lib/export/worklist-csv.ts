/**
 * The worklist as a CSV file (issue 18, item 2): every pump the filter selects, in the worklist's order, for a
 * spreadsheet or the huddle. Times are clinic-local wall time ("2026-12-03 14:05"), so a spreadsheet reads them
 * as the clinic does; the file name and the first data columns say which filter it was.
 */
import { alertPhrases } from '@/lib/domain/alerts';
import { formatInstantIso } from '@/lib/domain/calendar';
import type { AlertCode } from '@/lib/domain/types';
import type { WorklistRow } from '@/db/queries/worklist';
import { worklistTierLabels } from '@/lib/format';
import { tableCsv, type ExportTableSpec } from './clinic-zip';

const c = (name: string, description: string) => ({ name, description });

export const worklistTable = {
  file: 'worklist.csv',
  description: 'The worklist: one row per active pump, most urgent first.',
  columns: [
    c('rank', 'Position on the worklist, 1 = most urgent.'),
    c('tier', 'The worklist tier (status made more urgent by the worst open alert).'),
    c('patient', 'Family name, given name.'),
    c('mrn', 'Medical record number.'),
    c('phone', 'The patient\'s phone.'),
    c('physician', 'Managing physician.'),
    c('pump', 'Pump model.'),
    c('refill_due_on', 'Refill due date (clinic day).'),
    c('low_reservoir_alarm_at', 'Forecast low-reservoir alarm (clinic time).'),
    c('empty_at', 'Forecast empty (clinic time).'),
    c('days_to_alarm', 'Days of drug left before the alarm (0 when passed).'),
    c('next_appointment_at', 'Next booked appointment (clinic time).'),
    c('appointment_late', 'The appointment is after the due date or the alarm.'),
    c('worst_alert', 'The worst open alert, as a short phrase.'),
    c('open_alerts', 'Every open alert: code and severity.'),
    c('card_outdated', 'The emergency card must be reprinted.'),
  ],
} as const satisfies ExportTableSpec;

const local = (at: number | null, timeZone: string) =>
  at == null ? '' : formatInstantIso(at, timeZone).slice(0, 16).replace('T', ' ');

export function worklistCsv(rows: readonly WorklistRow[], timeZone: string): string {
  return tableCsv(
    worklistTable,
    rows.map((r, i) => {
      const open = r.alerts.filter((a) => !a.acknowledged);
      return {
        rank: i + 1,
        tier: worklistTierLabels[r.status],
        patient: r.patientName,
        mrn: r.mrn,
        phone: r.phone,
        physician: r.physicianName ?? '',
        pump: r.pumpLabel,
        refill_due_on: r.refillDueOn,
        low_reservoir_alarm_at: local(r.lowReservoirAlarmAt, timeZone),
        empty_at: local(r.emptyAt, timeZone),
        days_to_alarm: r.daysOfDrugLeft,
        next_appointment_at: local(r.nextAppointmentAt, timeZone),
        appointment_late: r.appointmentLate,
        worst_alert: r.worstAlert ? (alertPhrases[r.worstAlert.code as AlertCode] ?? r.worstAlert.code) : '',
        open_alerts: open.map((a) => `${a.code} ${a.severity}`).join('; '),
        card_outdated: r.cardOutdated,
      };
    }),
  );
}
