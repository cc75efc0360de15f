/**
 * The app's types for what the database holds (DTOs): units in their names (mL, mcg), staff named, instants as
 * epoch ms or ISO with the clinic's offset. Every read and every use case answers with these, never with rows.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { formatInstantIso } from '@/lib/domain/calendar';
import { volumeCurve } from '@/lib/domain/curve';
import { type Alert, type Forecast, type ForecastInput } from '@/lib/domain/types';
import { discrepancyToleranceMl, type DiscrepancyPolicy } from '@/lib/domain/refill';
import { type Db } from '../client';
import * as s from '../schema';
import { type OrderDto } from './orders';
import {
  activeAcknowledgements,
  coveringAck,
  openDiscrepancyAlerts,
  withRecordAlerts,
  type Ack,
  type PumpAlert,
} from './alerts';
import { type PumpForecastContext } from './forecasts';

const ml = (microlitres: number) => microlitres / 1000;
const mlOrNull = (microlitres: number | null) => (microlitres == null ? null : microlitres / 1000);
const mcg = (nanograms: number) => nanograms / 1000;

const DAY_MS = 86_400_000;

export interface CurvePoint {
  at: number;
  volumeMl: number;
}

/** The worst-case volume from the last fill until the pump would be empty (or a year past the alarm). */
export function forecastCurve(input: ForecastInput, f: Forecast, maxPoints = 120): CurvePoint[] {
  const from = input.lastRefill.at;
  const end = f.emptyAt ?? (f.lowReservoirAlarmAt ?? Math.max(input.now, from)) + 365 * DAY_MS;
  const to = Math.max(end, input.now, from + DAY_MS);
  return volumeCurve(input, from, to, maxPoints).map((p) => ({
    at: p.at,
    volumeMl: Math.round(p.volumeMl * 1000) / 1000,
  }));
}

export interface StaffOption {
  id: string;
  name: string;
  role: s.StaffRole;
}

export interface ProgramDto {
  id: number;
  versionNo: number;
  drugId: number;
  drugName: string;
  drugProduct: string;
  doseUnit: 'mcg' | 'mg';
  concentrationMcgPerMl: number;
  mode: s.DrugProgram['mode'];
  /** The programmed daily dose (flex: steps and periodic boluses over 24 h; constant flow: flow × concentration). */
  dailyDoseMcg: number;
  /** Simple mode: the continuous dose without periodic boluses. */
  continuousDoseMcgPerDay: number | null;
  flexSteps: { start: string; doseMcgPerHour: number }[];
  periodicBoluses: { at: string; doseMcg: number }[];
  patientBolus: { doseMcg: number; maxPerDay: number } | null;
  effectiveAt: number;
  supersededAt: number | null;
  reason: string;
  /** The physician who ordered this version; null when none was recorded (e.g. a nurse transcribed it). */
  prescriberName: string | null;
  /** Who entered it into the record. */
  enteredByName: string | null;
  /** The second person who confirmed it with their own credentials (E7, S55). */
  verifiedByName: string | null;
  /** The physician's order it applied, if any. */
  orderId: number | null;
}

export interface VisitDto {
  id: number;
  kind: s.RefillVisit['kind'];
  performedAt: number;
  performedByName: string;
  verifiedByName: string;
  expectedResidualMl: number | null;
  aspiratedResidualMl: number | null;
  /** Expected − aspirated: positive when more drug left the reservoir than programmed. */
  discrepancyMl: number | null;
  /** The discrepancy as a percentage of the volume programmed since the previous fill. */
  discrepancyPct: number | null;
  discrepancyFlag: s.RefillVisit['discrepancyFlag'];
  /** The B4 tolerance this visit's discrepancy was judged against (discrepancyToleranceMl), when known. */
  toleranceMl: number | null;
  volumeFilledMl: number;
  reservoirAfterMl: number;
  drugProduct: string;
  drugLot: string;
  drugExpiresOn: string | null;
  concentrationMcgPerMl: number;
  doseUnit: 'mcg' | 'mg';
  programChanged: boolean;
  bridgeBolusGiven: boolean;
  bridgeBolusNote: string;
  notes: string;
}

export interface AppointmentDto {
  id: number;
  pumpId: number;
  startsAt: number;
  durationMinutes: number;
  type: s.Appointment['type'];
  status: s.Appointment['status'];
  notes: string;
  version: number;
}

export interface AlertDto extends PumpAlert {
  acknowledged: boolean;
  /** The acknowledgement or snooze that currently covers the alert. */
  cover: {
    action: 'acknowledge' | 'snooze';
    reason: string;
    byName: string | null;
    at: number;
    snoozedUntil: number | null;
    severity: string;
  } | null;
}

export interface ForecastDto {
  dailyVolumeMl: number;
  worstCaseDailyVolumeMl: number;
  dailyDoseMcg: number;
  volumeNowMl: number;
  lowReservoirAlarmAt: number | null;
  emptyAt: number | null;
  stabilityExpiresOn: string;
  stabilityBinding: boolean;
  refillDueOn: string;
  unadjustedDueOn: string;
  status: 'empty' | 'critical' | 'overdue' | 'due-soon' | 'ok';
  daysToAlarm: number | null;
  alerts: AlertDto[];
  lastRefillAt: number;
  lastRefillVolumeMl: number;
  nextAppointmentAt: number | null;
  /** Worst-case reservoir volume from the last fill to empty (lib/domain/curve.ts). */
  curve: CurvePoint[];
}

export interface PumpDto {
  id: number;
  serial: string;
  implantedOn: string;
  status: s.Pump['status'];
  explantedOn: string | null;
  eriRecordedOn: string | null;
  alarmMl: number;
  reservoirMl: number;
  flowMlPerDay: number | null;
  catheterVolumeMl: number | null;
  version: number;
  model: {
    id: number;
    manufacturer: string;
    name: string;
    modelNumber: string;
    kind: s.PumpModel['kind'];
    maxServiceYears: number | null;
    mriRule: s.PumpModel['mriRule'];
    mriNote: string | null;
  };
  program: ProgramDto | null;
  programHistory: ProgramDto[];
  /** A physician's order waiting for the next refill. */
  pendingOrder: OrderDto | null;
  forecast: ForecastDto | null;
  visits: VisitDto[];
  appointments: AppointmentDto[];
}

/**
 * The colleagues who may be named as the second person (E7): active nurses and physicians of the clinic, never
 * the person filling in the form (`viewerId`), whom the server refuses anyway (lib/auth/second-person.ts).
 */
export function verifierOptions(db: Pick<Db, 'select'>, clinicId: number, viewerId?: string): StaffOption[] {
  return db
    .select({ id: s.users.id, name: s.users.name, role: s.users.role })
    .from(s.users)
    .where(
      and(
        eq(s.users.clinicId, clinicId),
        inArray(s.users.role, ['nurse', 'physician']),
        ne(s.users.banned, true),
        viewerId ? ne(s.users.id, viewerId) : undefined,
      ),
    )
    .orderBy(asc(s.users.name))
    .all();
}

/** Staff names of a clinic by id, for the people on program versions. */
export function staffNamesOf(db: Pick<Db, 'select'>, clinicId: number): Map<string, string> {
  return new Map(
    db
      .select({ id: s.users.id, name: s.users.name })
      .from(s.users)
      .where(eq(s.users.clinicId, clinicId))
      .all()
      .map((u) => [u.id, u.name]),
  );
}

export function programDto(
  row: s.DrugProgram,
  drug: Pick<s.Drug, 'name' | 'product' | 'doseUnit'>,
  names: ReadonlyMap<string, string>,
): ProgramDto {
  const name = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  const boluses = (row.periodicBoluses ?? []).map((b) => ({ at: b.at, doseMcg: mcg(b.doseNg) }));
  const bolusTotal = boluses.reduce((sum, b) => sum + b.doseMcg, 0);
  return {
    id: row.id,
    versionNo: row.versionNo,
    drugId: row.drugId,
    drugName: drug.name,
    drugProduct: drug.product,
    doseUnit: drug.doseUnit,
    concentrationMcgPerMl: mcg(row.concentrationNgPerMl),
    mode: row.mode,
    dailyDoseMcg: mcg(row.doseNgPerDay),
    continuousDoseMcgPerDay:
      row.mode === 'simple' ? Math.round((mcg(row.doseNgPerDay) - bolusTotal) * 1000) / 1000 : null,
    flexSteps: (row.flexSteps ?? []).map((st) => ({
      start: st.start,
      doseMcgPerHour: mcg(st.doseNgPerHour),
    })),
    periodicBoluses: boluses,
    patientBolus:
      row.patientBolusDoseNg != null && row.patientBolusMaxPerDay != null
        ? { doseMcg: mcg(row.patientBolusDoseNg), maxPerDay: row.patientBolusMaxPerDay }
        : null,
    effectiveAt: row.effectiveAt,
    supersededAt: row.supersededAt,
    reason: row.reason,
    prescriberName: name(row.prescriberId),
    enteredByName: name(row.createdById),
    verifiedByName: name(row.verifiedById),
    orderId: row.orderId,
  };
}

/** Visits of one pump, newest first, with the discrepancy in mL and as a % of the volume programmed since the fill before. */
export function visitDtos(
  rows: s.RefillVisit[],
  drugs: Map<number, Pick<s.Drug, 'product' | 'doseUnit'>>,
  tolerance?: { reservoirMl: number; policy: DiscrepancyPolicy },
): VisitDto[] {
  const ascending = [...rows].sort((a, b) => a.performedAt - b.performedAt || a.id - b.id);
  const out = ascending.map((v, i): VisitDto => {
    const previous = ascending[i - 1];
    const delivered =
      previous && v.expectedResidualUl != null ? previous.reservoirAfterUl - v.expectedResidualUl : null;
    const drug = drugs.get(v.drugId);
    return {
      id: v.id,
      kind: v.kind,
      performedAt: v.performedAt,
      performedByName: v.performedByName,
      verifiedByName: v.verifiedByName,
      expectedResidualMl: mlOrNull(v.expectedResidualUl),
      aspiratedResidualMl: mlOrNull(v.aspiratedResidualUl),
      discrepancyMl: mlOrNull(v.discrepancyUl),
      discrepancyPct:
        v.discrepancyUl != null && delivered != null && delivered > 0
          ? Math.round((v.discrepancyUl / delivered) * 1000) / 10
          : null,
      discrepancyFlag: v.discrepancyFlag,
      toleranceMl:
        tolerance && delivered != null
          ? discrepancyToleranceMl(delivered / 1000, tolerance.reservoirMl, tolerance.policy)
          : null,
      volumeFilledMl: ml(v.volumeFilledUl),
      reservoirAfterMl: ml(v.reservoirAfterUl),
      drugProduct: drug?.product ?? '',
      drugLot: v.drugLot,
      drugExpiresOn: v.drugExpiresOn,
      concentrationMcgPerMl: mcg(v.concentrationNgPerMl),
      doseUnit: drug?.doseUnit ?? 'mcg',
      programChanged: v.programChanged,
      bridgeBolusGiven: v.bridgeBolusGiven,
      bridgeBolusNote: v.bridgeBolusNote,
      notes: v.notes,
    };
  });
  return out.reverse();
}

export function alertDtos(
  alerts: PumpAlert[],
  acks: Ack[],
  now: number,
  names: Map<string, string>,
): AlertDto[] {
  return alerts.map((a) => {
    const cover = coveringAck(a, acks, now);
    const acknowledged = cover !== undefined;
    return {
      ...a,
      acknowledged,
      cover: cover
        ? {
            action: cover.action,
            reason: cover.reason,
            byName: cover.byUserId ? (names.get(cover.byUserId) ?? null) : null,
            at: cover.at,
            snoozedUntil: cover.snoozedUntil,
            severity: cover.severity,
          }
        : null,
    };
  });
}

export function forecastDto(
  context: PumpForecastContext,
  f: Forecast,
  acks: Ack[],
  now: number,
  names: Map<string, string>,
): ForecastDto {
  return {
    dailyVolumeMl: f.dailyVolumeMl,
    worstCaseDailyVolumeMl: f.worstCaseDailyVolumeMl,
    dailyDoseMcg: f.dailyDoseMcg,
    volumeNowMl: f.volumeNowMl,
    lowReservoirAlarmAt: f.lowReservoirAlarmAt,
    emptyAt: f.emptyAt,
    stabilityExpiresOn: f.stabilityExpiresOn,
    stabilityBinding: f.stabilityBinding,
    refillDueOn: f.refillDueOn,
    unadjustedDueOn: f.unadjustedDueOn,
    status: f.status,
    daysToAlarm: f.daysToAlarm,
    alerts: alertDtos(f.alerts, acks, now, names),
    lastRefillAt: context.lastVisit.performedAt,
    lastRefillVolumeMl: ml(context.lastVisit.reservoirAfterUl),
    nextAppointmentAt: context.nextAppointment?.startsAt ?? null,
    curve: forecastCurve(context.input, f),
  };
}

/** The whole record of one patient of the clinic, or NotFoundError. */
/** A pump's alerts as the patient page lists them: the engine's given, its open E5 alerts, with their covers. */
export function pumpAlertDtos(
  db: Pick<Db, 'select'>,
  clinicId: number,
  pumpId: number,
  engineAlerts: Alert[],
  now: number,
): AlertDto[] {
  const names = new Map(
    db
      .select({ id: s.users.id, name: s.users.name })
      .from(s.users)
      .where(eq(s.users.clinicId, clinicId))
      .all()
      .map((u) => [u.id, u.name]),
  );
  return alertDtos(
    withRecordAlerts(engineAlerts, openDiscrepancyAlerts(db, [pumpId]).get(pumpId)),
    activeAcknowledgements(db, [pumpId], now).get(pumpId) ?? [],
    now,
    names,
  );
}

/** The engine's forecast as JSON: instants as ISO 8601 with the clinic's offset, volumes rounded to 1 nL. */

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function forecastJson(f: Forecast, timeZone: string) {
  return {
    dailyVolumeMl: round(f.dailyVolumeMl),
    worstCaseDailyVolumeMl: round(f.worstCaseDailyVolumeMl),
    dailyDoseMcg: round(f.dailyDoseMcg),
    volumeNowMl: round(f.volumeNowMl),
    lowReservoirAlarmAt:
      f.lowReservoirAlarmAt == null ? null : formatInstantIso(f.lowReservoirAlarmAt, timeZone),
    emptyAt: f.emptyAt == null ? null : formatInstantIso(f.emptyAt, timeZone),
    stabilityExpiresOn: f.stabilityExpiresOn,
    refillDueOn: f.refillDueOn,
    stabilityBinding: f.stabilityBinding,
    status: f.status,
    daysToAlarm: f.daysToAlarm,
    alerts: f.alerts,
  };
}

/**
 * The one order of every drug list (refill, program, new patient): by drug, then product, as a reader scans
 * them (baclofen Gablofen, baclofen Lioresal Intrathecal, morphine …, ziconotide …).
 */
export const drugListOrder = [asc(s.drugs.name), asc(s.drugs.product), asc(s.drugs.id)] as const;
