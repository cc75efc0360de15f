/**
 * What the front desk reads (issue 14, docs/security.md "Roles"): enough to book and move appointments and to call
 * patients, nothing of the treatment. A role with `patients:read` but not `clinical:read` gets these narrowed DTOs
 * from every route and page that serves both, on the server: the full record never reaches its browser.
 *
 * Kept: name, date of birth, MRN, phone, the pumps (model only), the appointments, the refill due date, the alarm
 * and empty dates (the latest safe dates), the urgency (status, tier) and the scheduling alerts as short phrases.
 * Left out: doses, concentrations, programs and orders, visits and their notes, volumes, allergies, caregivers,
 * address, risk flags, backup plan, serials, discrepancies and every other clinical alert, the alerts' sentences
 * (which carry doses and volumes) and acknowledgement notes.
 */
import { can } from '@/lib/auth/permissions';
import { alertPhrases } from '@/lib/domain/alerts';
import type { AlertCode, ForecastStatus } from '@/lib/domain/types';
import type { StaffRole } from '@/lib/domain/vocabulary';
import type { PatientDetail } from './patients';
import type { WorklistPage, WorklistRow } from './worklist';

/**
 * The alerts that are about the calendar: when the refill must happen and whether one is booked in time
 * (reference.md section E). The others (a residual discrepancy, a dose step, a concentration change, a drug not
 * labelled for the pump, no oral backup plan…) are clinical; their weight still shows in the row's tier.
 */
export const schedulingAlertCodes: ReadonlySet<string> = new Set<AlertCode>(['E1', 'E2', 'E3', 'E4', 'E10', 'E17']);

/** The full record, or the scheduling view (the front desk). */
export function readsClinicalRecord(role: StaffRole): boolean {
  return can(role, 'clinical:read');
}

export interface SchedulingAlert {
  code: string;
  severity: WorklistRow['alerts'][number]['severity'];
  /** The short phrase (lib/domain/alerts.ts alertPhrases), never the sentence with its numbers. */
  message: string;
  acknowledged: boolean;
}

/** The scheduling alerts of a list, each as its phrase: no numbers, no review, no acknowledgement note. */
export function schedulingAlerts(alerts: readonly { code: string; severity: SchedulingAlert['severity']; acknowledged: boolean }[]): SchedulingAlert[] {
  return alerts
    .filter((a) => schedulingAlertCodes.has(a.code))
    .map((a) => ({ code: a.code, severity: a.severity, message: alertPhrases[a.code as AlertCode] ?? a.code, acknowledged: a.acknowledged }));
}

/** A worklist row as the front desk reads it: no volume, and only the scheduling alerts as phrases. */
export function worklistRowForScheduling(row: WorklistRow): WorklistRow {
  return {
    ...row,
    volumeNowMl: null,
    alerts: schedulingAlerts(row.alerts),
    worstAlert: row.worstAlert && schedulingAlertCodes.has(row.worstAlert.code) ? row.worstAlert : null,
  };
}

/** The worklist page for a role: unchanged for clinical staff, narrowed for the front desk. */
export function worklistFor<T extends Pick<WorklistPage, 'rows'>>(role: StaffRole, page: T): T {
  return readsClinicalRecord(role) ? page : { ...page, rows: page.rows.map(worklistRowForScheduling) };
}

export interface SchedulingPump {
  id: number;
  status: PatientDetail['pumps'][number]['status'];
  /** Manufacturer and model, to tell two pumps apart (no serial). */
  label: string;
  constantFlow: boolean;
  forecast: {
    status: ForecastStatus;
    refillDueOn: string;
    lowReservoirAlarmAt: number | null;
    emptyAt: number | null;
    nextAppointmentAt: number | null;
    alerts: SchedulingAlert[];
  } | null;
  appointments: PatientDetail['pumps'][number]['appointments'];
}

/** GET /api/v1/patients/{id} and the patient page for the front desk. */
export interface PatientSchedulingDetail {
  view: 'scheduling';
  clinic: PatientDetail['clinic'];
  today: string;
  now: number;
  patient: Pick<PatientDetail['patient'], 'id' | 'mrn' | 'givenName' | 'familyName' | 'nameOrder' | 'dateOfBirth' | 'phone'>;
  pumps: SchedulingPump[];
}

export function patientForScheduling(detail: PatientDetail): PatientSchedulingDetail {
  const { id, mrn, givenName, familyName, nameOrder, dateOfBirth, phone } = detail.patient;
  return {
    view: 'scheduling',
    clinic: detail.clinic,
    today: detail.today,
    now: detail.now,
    patient: { id, mrn, givenName, familyName, nameOrder, dateOfBirth, phone },
    pumps: detail.pumps.map((p) => ({
      id: p.id,
      status: p.status,
      label: `${p.model.manufacturer} ${p.model.name}`,
      constantFlow: p.model.kind === 'constant-flow',
      forecast: p.forecast
        ? {
            status: p.forecast.status,
            refillDueOn: p.forecast.refillDueOn,
            lowReservoirAlarmAt: p.forecast.lowReservoirAlarmAt,
            emptyAt: p.forecast.emptyAt,
            nextAppointmentAt: p.forecast.nextAppointmentAt,
            alerts: schedulingAlerts(p.forecast.alerts),
          }
        : null,
      appointments: p.appointments.map(appointmentForScheduling),
    })),
  };
}

type PumpAppointment = PatientDetail['pumps'][number]['appointments'][number];

/** An appointment as booked: the booking note stays (the front desk writes it), nothing else is clinical. */
function appointmentForScheduling(a: PumpAppointment): PumpAppointment {
  const { id, pumpId, startsAt, durationMinutes, type, status, notes, version } = a;
  return { id, pumpId, startsAt, durationMinutes, type, status, notes, version };
}

/** The patient record for a role: the full record for clinical staff, the scheduling view for the front desk. */
export function patientFor(role: StaffRole, detail: PatientDetail): PatientDetail | PatientSchedulingDetail {
  return readsClinicalRecord(role) ? detail : patientForScheduling(detail);
}
