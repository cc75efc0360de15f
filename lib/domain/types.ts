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

export type { PumpKind, ProgramMode, SpasticityOrigin, WithdrawalRisk } from './vocabulary';
import type { ProgramMode, PumpKind, WithdrawalRisk } from './vocabulary';
/** Severity levels of reference.md section E: INFO < WARN < HIGH < CRITICAL. */
export type Severity = 'info' | 'warn' | 'high' | 'critical';
export type ForecastStatus = 'empty' | 'critical' | 'overdue' | 'due-soon' | 'ok';
/** Which delivery rate a volume integration uses: the programmed rate, or every allowed patient bolus taken. */
export type RateBasis = 'programmed' | 'worst-case';
/** Codes of reference.md section E raised by this engine. */
export type AlertCode =
  'E1' | 'E2' | 'E3' | 'E4' | 'E5' | 'E7' | 'E8' | 'E9' | 'E10' | 'E12' | 'E16' | 'E17' | 'E19'
  /** A record (fill, program) is dated after the forecast's "now": the server clock was wrong (item 11). */
  | 'CLOCK';

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
  /** Discrepancy tolerance never below this, mL (default 0.5; reference.md B4). */
  discrepancyFloorMl?: number;
  /** Absolute discrepancy limit for reservoirs up to 20 mL, mL (default 1; S34). */
  discrepancyLimitSmallMl?: number;
  /** Absolute discrepancy limit for larger reservoirs, mL (default 2; S33, S34). */
  discrepancyLimitLargeMl?: number;
  /**
   * Days before the drug-stability expiry date that the refill is due (default 0: due on or before the expiry date
   * itself, as the product issue states; reference.md B3 allows a separate stability buffer).
   */
  stabilityBufferDays?: number;
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
  /** Days from the elective replacement indicator to the pump stopping (default 90, SynchroMed II). */
  eriToStopDays?: number | null;
  /** Generic names of the drugs the pump model is labeled for (E12); undefined or null: not known, no alert. */
  labeledDrugs?: readonly string[] | null;
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
  /** Highest maintenance dose reported in the literature (baclofen 2003 mcg/day); E9 says so when exceeded. */
  highestReportedDoseMcgPerDay?: number | null;
  /** Default 'severe': an unknown drug is treated like baclofen, the most dangerous to interrupt. */
  withdrawalRisk?: WithdrawalRisk;
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
  /** Whether a backup oral baclofen plan is documented (E19). Undefined: not known, no alert. */
  hasBackupOralPlan?: boolean;
  /**
   * The latest time stamp among the pump's stored records (visits, program versions), if the caller knows it.
   * One after `now` raises the CLOCK alert; the fill time itself is always checked.
   */
  latestRecordAt?: EpochMs | null;
  /** Only used to name the pump in error messages. */
  pumpId?: number | string;
}

export interface Alert {
  code: string;
  severity: Severity;
  message: string;
}

export interface Forecast {
  /** Programmed daily volume of the program in effect now, for a 24 h day (flex: steps + periodic boluses). */
  dailyVolumeMl: number;
  /** `dailyVolumeMl` plus every allowed patient bolus (reference.md B1, S28). */
  worstCaseDailyVolumeMl: number;
  /** Programmed daily dose of the program in effect now (patient boluses not included). */
  dailyDoseMcg: number;
  /** Worst-case calculated reservoir volume now, clamped to [0, reservoirMl]. */
  volumeNowMl: number;
  /**
   * The instant the worst-case volume reaches the pump's alarm volume, or `null` when it does not within
   * `horizonAt` (a program that delivers nothing, or so little that 5 years pass first). Never a made-up date:
   * a consumer that sorts or exports alarm dates must handle `null` explicitly.
   */
  lowReservoirAlarmAt: EpochMs | null;
  /** Clinic-local date of `lowReservoirAlarmAt` (the "LRA date" on the pump printout, reference.md S9). */
  lowReservoirAlarmOn: LocalDate | null;
  /** The instant the worst-case volume reaches 0 mL, or `null` as for `lowReservoirAlarmAt`. */
  emptyAt: EpochMs | null;
  /** Crossings later than this instant are reported as `null`: the simulation stops here. */
  horizonAt: EpochMs;
  stabilityExpiresOn: LocalDate;
  /** The due date before it was moved back to a clinic day (E17 when they differ). */
  unadjustedDueOn: LocalDate;
  refillDueOn: LocalDate;
  /** Whether the stability limit, rather than the alarm date, sets the due date (E4). */
  stabilityBinding: boolean;
  status: ForecastStatus;
  /** Whole days of drug left until the alarm volume is reached, as of now (never negative); `null` with no alarm. */
  daysToAlarm: number | null;
  alerts: Alert[];
}

export interface VolumePoint {
  at: EpochMs;
  volumeMl: number;
}
