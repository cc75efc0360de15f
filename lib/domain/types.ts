/**
 * The forecast engine's contract. Pure data: no next, react, drizzle or db imports.
 *
 * Units are in the names. Inside the engine volumes are in mL and doses in mcg as JavaScript numbers
 * (the database stores integer microlitres and nanograms; the data layer converts at the boundary).
 * Instants are epoch milliseconds (`...At`); clinic calendar dates are `YYYY-MM-DD` strings (`...On`).
 */

export type EpochMs = number;
/** A clinic-local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;
/** A clinic-local time of day, `HH:MM` (24 h). */
export type LocalTime = string;

export type PumpKind = 'programmable' | 'constant-flow';
export type ProgramMode = 'simple' | 'flex' | 'constant-flow';
export type SpasticityOrigin = 'spinal' | 'cerebral' | 'other';
/** Severity levels of reference.md section E: INFO < WARN < HIGH < CRITICAL. */
export type Severity = 'info' | 'warn' | 'high' | 'critical';
export type ForecastStatus = 'empty' | 'critical' | 'overdue' | 'due-soon' | 'ok';

export interface ClinicPolicy {
  timeZone: string;
  /** Days before the low-reservoir alarm date that the refill is due. */
  bufferDays: number;
  /** A due date within this many days makes the pump `due-soon`. */
  dueSoonDays: number;
  /** ISO weekdays the clinic refills on, 1 = Monday … 7 = Sunday. */
  clinicWeekdays: number[];
  holidays: LocalDate[];
  /** Device accuracy used in the discrepancy tolerance, percent (default 15). */
  accuracyPct?: number;
  /** Minimum discrepancy tolerance in mL (default 2). */
  discrepancyMinMl?: number;
}

export interface PumpInput {
  kind: PumpKind;
  reservoirMl: number;
  /** This patient's low-reservoir alarm volume (default 2 mL; may be raised, e.g. to 4 mL). */
  alarmMl: number;
  /** Constant-flow pumps only: fixed flow rate. */
  flowMlPerDay?: number;
  implantedOn?: LocalDate | null;
  maxServiceYears?: number | null;
  eriRecordedOn?: LocalDate | null;
}

export interface FlexStep {
  /** Clinic-local start time of the step; the step runs until the next step's start (wrapping at midnight). */
  start: LocalTime;
  doseMcgPerHour: number;
}

export interface PeriodicBolus {
  at: LocalTime;
  doseMcg: number;
}

export interface PatientBolus {
  doseMcg: number;
  maxPerDay: number;
}

export interface ProgramVersion {
  /** The instant this version took effect. */
  from: EpochMs;
  concentrationMcgPerMl: number;
  mode: ProgramMode;
  /** Simple continuous mode. */
  doseMcgPerDay?: number;
  /** Flex mode. */
  steps?: FlexStep[];
  periodicBoluses?: PeriodicBolus[];
  patientBolus?: PatientBolus | null;
}

export interface DrugInput {
  name: string;
  stabilityDays: number;
  /** Soft upper limit of the usual daily dose (E9), mcg/day. */
  usualMaxDoseMcgPerDay?: number | null;
}

export interface ForecastInput {
  now: EpochMs;
  clinic: ClinicPolicy;
  pump: PumpInput;
  lastRefill: { at: EpochMs; volumeMl: number };
  drug: DrugInput;
  /** Program versions in effect since the last refill, sorted by `from`; the first applies from the refill. */
  programs: ProgramVersion[];
  nextAppointmentAt: EpochMs | null;
  /** Patient risk (E13): raises the severity of E1/E2. */
  highRisk?: boolean;
}

export interface Alert {
  code: string;
  severity: Severity;
  message: string;
}

export interface Forecast {
  dailyVolumeMl: number;
  worstCaseDailyVolumeMl: number;
  dailyDoseMcg: number;
  volumeNowMl: number;
  lowReservoirAlarmAt: EpochMs;
  emptyAt: EpochMs;
  stabilityExpiresOn: LocalDate;
  refillDueOn: LocalDate;
  /** Whether the stability limit, rather than the alarm date, sets the due date (E4). */
  stabilityBinding: boolean;
  status: ForecastStatus;
  /** Whole days of drug left until the alarm volume is reached, as of now (never negative). */
  daysToAlarm: number;
  alerts: Alert[];
}
