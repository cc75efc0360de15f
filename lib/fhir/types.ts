/**
 * What the FHIR mapping reads: plain records in the app's units (mL, mcg, epoch ms, clinic dates), loaded by
 * db/queries/fhir.ts. No database or framework types: lib/fhir stays pure, like lib/domain.
 */
import type { Severity } from '@/lib/domain/types';

export interface FhirClinic {
  id: number;
  name: string;
  timeZone: string;
  phone24h: string;
}

export interface FhirPatientRecord {
  id: number;
  mrn: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  phone: string;
  address: string;
  caregiverName: string;
  caregiverPhone: string;
  managingPhysician: { id: string; name: string } | null;
}

export interface FhirPumpRecord {
  id: number;
  patientId: number;
  serial: string;
  /** YYYY-MM-DD, clinic calendar date */
  implantedOn: string;
  explantedOn: string | null;
  eriRecordedOn: string | null;
  status: 'active' | 'explanted';
  reservoirMl: number;
  alarmMl: number;
  model: { manufacturer: string; name: string; modelNumber: string; kind: 'programmable' | 'constant-flow' };
}

export interface FhirProgramRecord {
  id: number;
  pumpId: number;
  patientId: number;
  versionNo: number;
  drug: { id: number; name: string; product: string; doseUnit: 'mcg' | 'mg' };
  concentrationMcgPerMl: number;
  mode: 'simple' | 'flex' | 'constant-flow';
  /** The programmed daily dose in mcg (flex: steps and periodic boluses over 24 h). */
  dailyDoseMcg: number;
  flexSteps: { start: string; doseMcgPerHour: number }[];
  periodicBoluses: { at: string; doseMcg: number }[];
  patientBolus: { doseMcg: number; maxPerDay: number } | null;
  /** Constant-flow pumps: the flow in mL/day. */
  flowMlPerDay: number | null;
  effectiveAt: number;
  prescriber: { id: string; name: string } | null;
  reason: string;
}

export interface FhirAppointmentRecord {
  id: number;
  pumpId: number;
  patientId: number;
  startsAt: number;
  durationMinutes: number;
  type: 'refill' | 'replacement' | 'titration';
  status: 'booked' | 'done' | 'cancelled' | 'no-show';
  notes: string;
}

/** An alert nobody has acknowledged or snoozed (reference.md E), with the pump it is about. */
export interface FhirAlertRecord {
  pumpId: number;
  patientId: number;
  code: string;
  severity: Severity;
  message: string;
  /** When the alert is known to have started: a flagged refill's time (E5); else null (computed now). */
  since: number | null;
}

export interface FhirClinicRecords {
  clinic: FhirClinic;
  patients: FhirPatientRecord[];
  pumps: FhirPumpRecord[];
  programs: FhirProgramRecord[];
  appointments: FhirAppointmentRecord[];
  alerts: FhirAlertRecord[];
}
