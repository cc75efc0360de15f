/**
 * A patient's record as the patient page and GET /api/v1/patients/{id} show it: details and risk flags, pumps,
 * programs, the live forecast with its alerts, the volume curve, refill history and appointments. Everything is
 * scoped to the caller's clinic (another clinic's patient is "not found"), and converted to DTOs with units in
 * their names: rows never leave this module whole.
 */
import { and, asc, desc, eq, gt, inArray, ne } from 'drizzle-orm';
import { localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { volumeCurve } from '@/lib/domain/curve';
import { InvalidInputError } from '@/lib/domain/errors';
import type { Alert, Forecast, ForecastInput } from '@/lib/domain/types';
import { discrepancyToleranceMl, type DiscrepancyPolicy } from '@/lib/domain/refill';
import { alarmVolumeProblem, fillVolumeProblem } from '@/lib/domain/volumes';
import { NotFoundError, ValidationError } from '@/lib/errors';
import type {
  AlertActionInput,
  ReplacePumpInput,
  UpdatePatientInput,
  UpdatePumpInput,
} from '@/lib/validation/patient';
import { auditRead } from '../audit-read';
import { writeTransaction, type Db } from '../client';
import { createPump } from '../factories';
import * as s from '../schema';
import { ordersOf, type OrderDto } from './orders';
import { drugOption } from './drugs';
import {
  acknowledgeAlert,
  activeAcknowledgements,
  coveringAck,
  openDiscrepancyAlerts,
  withRecordAlerts,
  type Ack,
  type PumpAlert,
} from './alerts';
import { reviseAppointment } from './appointments';
import { audit, type Actor } from './audit';
import {
  computeForecasts,
  loadForecastContexts,
  refreshForecasts,
  type PumpForecastContext,
} from './forecasts';
import { pumpInClinic } from './pumps';
import { assertSameVersion } from './versioning';

const ml = (microlitres: number) => microlitres / 1000;
const mlOrNull = (microlitres: number | null) => (microlitres == null ? null : microlitres / 1000);
const mcg = (nanograms: number) => nanograms / 1000;

const DAY_MS = 86_400_000;

// ---- DTOs ----

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

export interface PatientDetail {
  clinic: { id: number; name: string; timeZone: string; phone24h: string };
  today: string;
  now: number;
  patient: {
    id: number;
    mrn: string;
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    phone: string;
    address: string;
    caregiverName: string;
    caregiverPhone: string;
    spasticityOrigin: s.Patient['spasticityOrigin'];
    riskInjuryT6OrAbove: boolean;
    riskCommunication: boolean;
    riskPriorWithdrawal: boolean;
    riskHearingImpaired: boolean;
    backupOralPlan: string;
    allergies: string;
    notes: string;
    managingPhysician: { id: string; name: string } | null;
    version: number;
  };
  pumps: PumpDto[];
}

// ---- Reading ----

export function patientInClinic(db: Pick<Db, 'select'>, clinicId: number, patientId: number) {
  const row = db
    .select({ id: s.patients.id, version: s.patients.version })
    .from(s.patients)
    .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such patient.');
  return row;
}

/** Nurses and physicians of a clinic who can verify a refill or a program change (the second person). */
export function verifierOptions(db: Pick<Db, 'select'>, clinicId: number): StaffOption[] {
  return db
    .select({ id: s.users.id, name: s.users.name, role: s.users.role })
    .from(s.users)
    .where(
      and(
        eq(s.users.clinicId, clinicId),
        inArray(s.users.role, ['nurse', 'physician']),
        ne(s.users.banned, true),
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

export function alertDtos(alerts: PumpAlert[], acks: Ack[], now: number, names: Map<string, string>): AlertDto[] {
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
export function patientDetail(db: Db, clinicId: number, patientId: number, now: number): PatientDetail {
  const row = db
    .select({
      patient: {
        id: s.patients.id,
        mrn: s.patients.mrn,
        givenName: s.patients.givenName,
        familyName: s.patients.familyName,
        dateOfBirth: s.patients.dateOfBirth,
        phone: s.patients.phone,
        address: s.patients.address,
        caregiverName: s.patients.caregiverName,
        caregiverPhone: s.patients.caregiverPhone,
        spasticityOrigin: s.patients.spasticityOrigin,
        riskInjuryT6OrAbove: s.patients.riskInjuryT6OrAbove,
        riskCommunication: s.patients.riskCommunication,
        riskPriorWithdrawal: s.patients.riskPriorWithdrawal,
        riskHearingImpaired: s.patients.riskHearingImpaired,
        backupOralPlan: s.patients.backupOralPlan,
        allergies: s.patients.allergies,
        notes: s.patients.notes,
        managingPhysicianId: s.patients.managingPhysicianId,
        version: s.patients.version,
      },
      clinic: {
        id: s.clinics.id,
        name: s.clinics.name,
        timeZone: s.clinics.timeZone,
        phone24h: s.clinics.phone24h,
      },
      discrepancy: {
        accuracyPct: s.clinics.accuracyPct,
        discrepancyFloorUl: s.clinics.discrepancyFloorUl,
        discrepancyLimitSmallUl: s.clinics.discrepancyLimitSmallUl,
        discrepancyLimitLargeUl: s.clinics.discrepancyLimitLargeUl,
      },
    })
    .from(s.patients)
    .innerJoin(s.clinics, eq(s.clinics.id, s.patients.clinicId))
    .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, clinicId)))
    .get();
  if (!row) throw new NotFoundError('No such patient.');

  const staffNames = staffNamesOf(db, clinicId);
  const pumpRows = db
    .select({ pump: s.pumps, model: s.pumpModels })
    .from(s.pumps)
    .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
    .where(eq(s.pumps.patientId, patientId))
    .orderBy(asc(s.pumps.status), desc(s.pumps.implantedOn), desc(s.pumps.id))
    .all();
  const pumpIds = pumpRows.map((r) => r.pump.id);
  const ids = pumpIds.length ? pumpIds : [-1];
  const drugs = new Map(
    db
      .select({ id: s.drugs.id, name: s.drugs.name, product: s.drugs.product, doseUnit: s.drugs.doseUnit })
      .from(s.drugs)
      .all()
      .map((d) => [d.id, d]),
  );
  const programs = db
    .select()
    .from(s.drugPrograms)
    .where(inArray(s.drugPrograms.pumpId, ids))
    .orderBy(desc(s.drugPrograms.versionNo))
    .all();
  const visits = db.select().from(s.refillVisits).where(inArray(s.refillVisits.pumpId, ids)).all();
  const appointments = db
    .select({
      id: s.appointments.id,
      pumpId: s.appointments.pumpId,
      startsAt: s.appointments.startsAt,
      durationMinutes: s.appointments.durationMinutes,
      type: s.appointments.type,
      status: s.appointments.status,
      notes: s.appointments.notes,
      version: s.appointments.version,
    })
    .from(s.appointments)
    .where(inArray(s.appointments.pumpId, ids))
    .orderBy(desc(s.appointments.startsAt))
    .all();

  const activeIds = pumpRows.filter((r) => r.pump.status === 'active').map((r) => r.pump.id);
  const forecasts = new Map(
    computeForecasts(loadForecastContexts(db, { pumpIds: activeIds }, now)).map((r) => [r.context.pumpId, r]),
  );
  const acks = activeAcknowledgements(db, activeIds, now);
  const record = openDiscrepancyAlerts(db, activeIds);

  const toProgram = (p: s.DrugProgram): ProgramDto => {
    const drug = drugs.get(p.drugId) ?? { name: '?', product: '?', doseUnit: 'mcg' as const };
    return programDto(p, drug, staffNames);
  };

  const d = row.discrepancy;
  const discrepancyPolicy: DiscrepancyPolicy = {
    accuracyPct: d.accuracyPct,
    discrepancyFloorMl: ml(d.discrepancyFloorUl),
    discrepancyLimitSmallMl: ml(d.discrepancyLimitSmallUl),
    discrepancyLimitLargeMl: ml(d.discrepancyLimitLargeUl),
  };
  const pending = ordersOf(db, activeIds, staffNames, 'pending');
  const pumps = pumpRows.map(({ pump, model }): PumpDto => {
    const history = programs.filter((p) => p.pumpId === pump.id);
    const active = history.find((p) => p.supersededAt == null);
    const f = forecasts.get(pump.id);
    return {
      id: pump.id,
      serial: pump.serial,
      implantedOn: pump.implantedOn,
      status: pump.status,
      explantedOn: pump.explantedOn,
      eriRecordedOn: pump.eriRecordedOn,
      alarmMl: ml(pump.alarmUl),
      reservoirMl: ml(pump.reservoirUl),
      flowMlPerDay: mlOrNull(pump.flowUlPerDay),
      catheterVolumeMl: mlOrNull(pump.catheterVolumeUl),
      version: pump.version,
      model: {
        id: model.id,
        manufacturer: model.manufacturer,
        name: model.name,
        modelNumber: model.modelNumber,
        kind: model.kind,
        maxServiceYears: model.maxServiceYears,
        mriRule: model.mriRule,
        mriNote: model.mriNote,
      },
      program: active ? toProgram(active) : null,
      programHistory: history.map(toProgram),
      pendingOrder: pending.find((o) => o.pumpId === pump.id) ?? null,
      forecast: f
        ? forecastDto(
            f.context,
            { ...f.forecast, alerts: withRecordAlerts(f.forecast.alerts, record.get(pump.id)) },
            acks.get(pump.id) ?? [],
            now,
            staffNames,
          )
        : null,
      visits: visitDtos(
        visits.filter((v) => v.pumpId === pump.id),
        drugs,
        { reservoirMl: ml(pump.reservoirUl), policy: discrepancyPolicy },
      ),
      appointments: appointments.filter((a) => a.pumpId === pump.id),
    };
  });

  const { managingPhysicianId, ...patient } = row.patient;
  return {
    clinic: row.clinic,
    today: localDateOf(now, row.clinic.timeZone),
    now,
    patient: {
      ...patient,
      managingPhysician: managingPhysicianId
        ? { id: managingPhysicianId, name: staffNames.get(managingPhysicianId) ?? 'Unknown' }
        : null,
    },
    pumps,
  };
}

/** Seconds within which a repeated view by the same person is not logged again (page refreshes after an edit). */
export const VIEW_DEDUP_MS = 60_000;

/** Logs a view of a patient record: who looked at whom, when (once a minute per person and patient). */
export function recordPatientView(
  db: Db,
  actor: Actor,
  patientId: number,
  now: number,
): boolean {
  const recent = db
    .select({ id: s.auditLog.id })
    .from(s.auditLog)
    .where(
      and(
        eq(s.auditLog.actorId, actor.id),
        eq(s.auditLog.action, 'view'),
        eq(s.auditLog.entity, 'patient'),
        eq(s.auditLog.entityId, String(patientId)),
        gt(s.auditLog.at, now - VIEW_DEDUP_MS),
      ),
    )
    .get();
  if (recent) return false;
  // A full disk must not stop the read: auditRead keeps the row until there is space (db/audit-read.ts).
  auditRead(db, actor, 'patient', patientId);
  return true;
}

// ---- Writing ----

const editableColumns = [
  'givenName',
  'familyName',
  'dateOfBirth',
  'phone',
  'address',
  'caregiverName',
  'caregiverPhone',
  'spasticityOrigin',
  'riskInjuryT6OrAbove',
  'riskCommunication',
  'riskPriorWithdrawal',
  'riskHearingImpaired',
  'backupOralPlan',
  'allergies',
  'managingPhysicianId',
  'notes',
] as const;

/**
 * Changes a patient's details and risk flags if nobody saved in between (409 otherwise). Risk flags and the backup
 * oral plan feed the forecast's alerts, so the stored forecasts of the patient's pumps are refreshed too.
 */
export function updatePatient(
  db: Db,
  actor: Actor,
  patientId: number,
  input: UpdatePatientInput,
  now: number,
) {
  return writeTransaction(db, (tx) => {
    const current = tx
      .select()
      .from(s.patients)
      .where(and(eq(s.patients.id, patientId), eq(s.patients.clinicId, actor.clinicId)))
      .get();
    if (!current) throw new NotFoundError('No such patient.');
    assertSameVersion('patient record', input.version, current.version);
    if (input.managingPhysicianId) {
      const physician = tx
        .select({ id: s.users.id })
        .from(s.users)
        .where(
          and(
            eq(s.users.id, input.managingPhysicianId),
            eq(s.users.clinicId, actor.clinicId),
            eq(s.users.role, 'physician'),
          ),
        )
        .get();
      if (!physician)
        throw new ValidationError('Invalid input', {
          managingPhysicianId: 'Managing physician must be a physician of this clinic',
        });
    }
    if (input.dateOfBirth && input.dateOfBirth > localDateOf(now, 'UTC'))
      throw new ValidationError('Invalid input', { dateOfBirth: 'Date of birth cannot be in the future' });

    const changes: Partial<Record<(typeof editableColumns)[number], unknown>> = {};
    const before: Record<string, unknown> = {};
    for (const key of editableColumns) {
      const value = input[key];
      if (value !== undefined && value !== current[key]) {
        changes[key] = value;
        before[key] = current[key];
      }
    }
    const updated = tx
      .update(s.patients)
      .set({
        ...(changes as Partial<typeof s.patients.$inferInsert>),
        version: current.version + 1,
        updatedAt: now,
      })
      .where(and(eq(s.patients.id, patientId), eq(s.patients.version, current.version)))
      .returning({ id: s.patients.id, version: s.patients.version })
      .get();
    if (!updated) assertSameVersion('patient record', input.version, current.version + 1);
    audit(tx, actor, 'update', 'patient', patientId, before, changes);
    const pumpIds = tx
      .select({ id: s.pumps.id })
      .from(s.pumps)
      .where(and(eq(s.pumps.patientId, patientId), eq(s.pumps.status, 'active')))
      .all()
      .map((p) => p.id);
    if (pumpIds.length) refreshForecasts(tx, { pumpIds }, now);
    return { id: patientId, version: updated?.version ?? current.version + 1, changed: Object.keys(changes) };
  });
}

// ---- Pumps: edits, explant, replacement ----

function fail(field: string, message: string): never {
  throw new ValidationError(message, { [field]: message });
}

function pumpSummary(p: s.Pump) {
  return {
    serial: p.serial,
    status: p.status,
    alarmUl: p.alarmUl,
    catheterVolumeUl: p.catheterVolumeUl,
    eriRecordedOn: p.eriRecordedOn,
    explantedOn: p.explantedOn,
    version: p.version,
  };
}

function clinicOf(db: Pick<Db, 'select'>, clinicId: number) {
  return db.select({ timeZone: s.clinics.timeZone }).from(s.clinics).where(eq(s.clinics.id, clinicId)).get()!;
}

/** Booked appointments of a pump from now on. */
function futureBooked(db: Pick<Db, 'select'>, pumpId: number, now: number) {
  return db
    .select({
      id: s.appointments.id,
      sequence: s.appointments.sequence,
      version: s.appointments.version,
      startsAt: s.appointments.startsAt,
    })
    .from(s.appointments)
    .where(
      and(
        eq(s.appointments.pumpId, pumpId),
        eq(s.appointments.status, 'booked'),
        gt(s.appointments.startsAt, now),
      ),
    )
    .all();
}

function explantChecks(pump: s.Pump, explantedOn: string, today: string): void {
  if (explantedOn < pump.implantedOn)
    fail('explantedOn', `Explant date cannot be before the implant date (${pump.implantedOn})`);
  if (explantedOn > today) fail('explantedOn', 'Explant date cannot be in the future');
}

/**
 * Edits a pump (alarm volume, catheter volume, ERI date) or explants it, if nobody saved in between. An explanted
 * pump leaves the worklist (its stored forecast is removed) and its booked appointments are cancelled.
 */
export function updatePump(db: Db, actor: Actor, pumpId: number, input: UpdatePumpInput, now: number) {
  return writeTransaction(db, (tx) => {
    const pump = pumpInClinic(tx, actor.clinicId, pumpId);
    assertSameVersion('pump', input.version, pump.version);
    if (pump.status === 'explanted')
      fail(
        '(body)',
        `This pump was explanted on ${pump.explantedOn ?? 'an earlier date'}: it can no longer be changed.`,
      );
    const today = localDateOf(now, clinicOf(tx, actor.clinicId).timeZone);
    const changes: Partial<typeof s.pumps.$inferInsert> = {};
    if (input.alarmMl !== undefined) {
      const model = tx
        .select({ defaultAlarmUl: s.pumpModels.defaultAlarmUl })
        .from(s.pumpModels)
        .where(eq(s.pumpModels.id, pump.modelId))
        .get();
      const problem = alarmVolumeProblem(input.alarmMl, pump.reservoirUl / 1000, mlOrNull(model?.defaultAlarmUl ?? null));
      if (problem) fail('alarmMl', problem);
      changes.alarmUl = Math.round(input.alarmMl * 1000);
    }
    if (input.catheterVolumeMl !== undefined)
      changes.catheterVolumeUl =
        input.catheterVolumeMl == null ? null : Math.round(input.catheterVolumeMl * 1000);
    if (input.eriRecordedOn !== undefined) {
      if (input.eriRecordedOn && input.eriRecordedOn > today)
        fail('eriRecordedOn', 'ERI date cannot be in the future');
      if (input.eriRecordedOn && input.eriRecordedOn < pump.implantedOn)
        fail('eriRecordedOn', `ERI date cannot be before the implant date (${pump.implantedOn})`);
      changes.eriRecordedOn = input.eriRecordedOn;
    }
    if (input.explantedOn !== undefined) {
      explantChecks(pump, input.explantedOn, today);
      changes.status = 'explanted';
      changes.explantedOn = input.explantedOn;
    }
    const updated = tx
      .update(s.pumps)
      .set({ ...changes, version: pump.version + 1, updatedAt: now })
      .where(and(eq(s.pumps.id, pumpId), eq(s.pumps.version, pump.version)))
      .returning()
      .get();
    if (!updated) return assertSameVersion('pump', input.version, pump.version + 1) as never;
    audit(tx, actor, 'update', 'pump', pumpId, pumpSummary(pump), {
      ...pumpSummary(updated),
      reason: input.reason ?? '',
    });
    if (changes.status === 'explanted') {
      for (const a of futureBooked(tx, pumpId, now)) {
        reviseAppointment(
          tx,
          actor,
          a,
          { status: 'cancelled' },
          { before: { status: 'booked' }, after: { status: 'cancelled', reason: 'Pump explanted' } },
          now,
        );
      }
    }
    refreshForecasts(tx, { pumpIds: [pumpId] }, now);
    return { id: updated.id, version: updated.version, status: updated.status, patientId: updated.patientId };
  });
}

/**
 * Explants a pump and implants its replacement in one transaction: the new pump (model from the catalogue, alarm
 * and reservoir defaulting to the model's), its first program and initial fill. Booked refills move to the new pump.
 */
export function replacePump(db: Db, actor: Actor, pumpId: number, input: ReplacePumpInput, now: number) {
  return writeTransaction(db, (tx) => {
    const old = pumpInClinic(tx, actor.clinicId, pumpId);
    assertSameVersion('pump', input.version, old.version);
    if (old.status === 'explanted')
      fail('(body)', `This pump was already explanted on ${old.explantedOn ?? 'an earlier date'}.`);
    const timeZone = clinicOf(tx, actor.clinicId).timeZone;
    const today = localDateOf(now, timeZone);
    explantChecks(old, input.explantedOn, today);
    const n = input.newPump;
    if (n.implantedOn > today) fail('newPump.implantedOn', 'Implant date cannot be in the future');
    const model = tx.select().from(s.pumpModels).where(eq(s.pumpModels.id, n.modelId)).get();
    if (!model) fail('newPump.modelId', 'Pump model must be chosen from the catalogue');
    const reservoirMl = n.reservoirMl ?? (model.reservoirUl != null ? model.reservoirUl / 1000 : null);
    if (reservoirMl == null)
      fail('newPump.reservoirMl', `Reservoir volume is required: the ${model.name} catalogue entry has none`);
    const alarmMl = n.alarmMl ?? (model.defaultAlarmUl != null ? model.defaultAlarmUl / 1000 : null);
    if (alarmMl == null)
      fail('newPump.alarmMl', `Alarm volume is required: the ${model.name} has no default alarm volume`);
    const alarmProblem = alarmVolumeProblem(alarmMl, reservoirMl, mlOrNull(model.defaultAlarmUl));
    if (alarmProblem) fail('newPump.alarmMl', alarmProblem);
    if (model.kind === 'constant-flow' && n.flowMlPerDay == null)
      fail('newPump.flowMlPerDay', 'Flow rate is required for a constant-flow pump (mL/day)');
    if (model.kind === 'constant-flow' && input.program.mode !== 'constant-flow')
      fail('program.mode', 'Mode must be constant-flow for a constant-flow pump');
    if (model.kind === 'programmable' && input.program.mode === 'constant-flow')
      fail('program.mode', 'Constant-flow mode needs a constant-flow pump: choose simple or flex');
    const fillProblem = fillVolumeProblem(input.initialFill.volumeMl, reservoirMl, alarmMl, 'Initial fill');
    if (fillProblem) fail('initialFill.volumeMl', fillProblem);
    const drug = tx.select().from(s.drugs).where(eq(s.drugs.id, input.program.drugId)).get();
    if (!drug) fail('program.drugId', 'Drug must be chosen from the list');
    if (!drug.concentrationsNgPerMl.includes(Math.round(input.program.concentrationMcgPerMl * 1000)))
      fail(
        'program.concentrationMcgPerMl',
        `Concentration must be one of ${drug.concentrationsNgPerMl.map((c) => c / 1000).join(', ')} mcg/mL for ${drug.product}`,
      );
    if (input.initialFill.drugExpiresOn < n.implantedOn)
      fail(
        'initialFill.drugExpiresOn',
        `This drug expired on ${input.initialFill.drugExpiresOn}: do not use it`,
      );
    if (n.serial === old.serial && model.id === old.modelId)
      fail('newPump.serial', 'The new pump has the same model and serial number as the one explanted');

    // Explant the old pump.
    const explanted = tx
      .update(s.pumps)
      .set({ status: 'explanted', explantedOn: input.explantedOn, version: old.version + 1, updatedAt: now })
      .where(and(eq(s.pumps.id, pumpId), eq(s.pumps.version, old.version)))
      .returning()
      .get();
    if (!explanted) return assertSameVersion('pump', input.version, old.version + 1) as never;
    audit(tx, actor, 'update', 'pump', pumpId, pumpSummary(old), {
      ...pumpSummary(explanted),
      reason: input.reason,
    });

    // Implant the new one, filled now (or at noon of an earlier implant day, when recorded afterwards).
    const filledAt = n.implantedOn === today ? now : localDateTimeToInstant(n.implantedOn, '12:00', timeZone);
    const isPhysician =
      tx.select({ role: s.users.role }).from(s.users).where(eq(s.users.id, actor.id)).get()?.role ===
      'physician';
    const { pump, program } = createPump(tx, {
      patientId: old.patientId,
      model,
      serial: n.serial,
      implantedOn: n.implantedOn,
      alarmMl,
      reservoirMl,
      flowMlPerDay: model.kind === 'constant-flow' ? (n.flowMlPerDay ?? null) : null,
      catheterVolumeMl: n.catheterVolumeMl ?? null,
      program: {
        drugId: drug.id,
        concentrationMcgPerMl: input.program.concentrationMcgPerMl,
        mode: input.program.mode,
        doseMcgPerDay:
          input.program.mode === 'simple' ? (input.program.doseMcgPerDay ?? undefined) : undefined,
        flexSteps: input.program.mode === 'flex' ? (input.program.flexSteps ?? undefined) : undefined,
        periodicBoluses:
          input.program.mode === 'constant-flow' ? undefined : (input.program.periodicBoluses ?? undefined),
        patientBolus: input.program.mode === 'constant-flow' ? null : (input.program.patientBolus ?? null),
        reason: `Replacement of pump ${old.serial}: ${input.reason}`,
        prescriberId: isPhysician ? actor.id : null,
      },
      filledAt,
      fillMl: input.initialFill.volumeMl,
      drugLot: input.initialFill.drugLot,
    });
    tx.update(s.drugPrograms).set({ createdById: actor.id }).where(eq(s.drugPrograms.id, program.id)).run();
    tx.update(s.refillVisits)
      .set({
        performedById: actor.id,
        performedByName: actor.name,
        drugExpiresOn: input.initialFill.drugExpiresOn,
      })
      .where(and(eq(s.refillVisits.pumpId, pump.id), eq(s.refillVisits.kind, 'initial-fill')))
      .run();
    audit(tx, actor, 'create', 'pump', pump.id, null, {
      ...pumpSummary(pump),
      modelId: model.id,
      replaces: pumpId,
      programId: program.id,
      fillUl: Math.round(input.initialFill.volumeMl * 1000),
    });

    // Booked refills follow the patient to the new pump.
    for (const a of futureBooked(tx, pumpId, now)) {
      reviseAppointment(
        tx,
        actor,
        a,
        { pumpId: pump.id },
        { before: { pumpId }, after: { pumpId: pump.id, reason: 'Pump replaced' } },
        now,
      );
    }
    try {
      refreshForecasts(tx, { pumpIds: [pumpId, pump.id] }, now);
    } catch (error) {
      if (error instanceof InvalidInputError)
        fail(`program.${error.field.replace(/^programs\[\d+\]\./, '')}`, error.message);
      throw error;
    }
    return { oldPumpId: pumpId, newPumpId: pump.id, patientId: old.patientId };
  });
}

// ---- Alerts: acknowledge or snooze, with a reason ----

/**
 * Acknowledges or snoozes an alert the pump raises NOW, at its current severity (never a severity a client
 * claims): a worse severity later brings it back (db/queries/alerts.ts isCovered), and a snooze ends at its time.
 */
export function actOnAlert(
  db: Db,
  actor: Actor,
  pumpId: number,
  input: AlertActionInput,
  now: number,
): AlertDto[] {
  return writeTransaction(db, (tx) => {
    pumpInClinic(tx, actor.clinicId, pumpId);
    const [result] = computeForecasts(loadForecastContexts(tx, { pumpIds: [pumpId] }, now));
    if (!result)
      fail('(body)', 'This pump has no forecast (explanted, or no fill recorded): it raises no alerts.');
    if (input.code === 'E5')
      fail(
        'code',
        'A residual discrepancy (E5) cannot be acknowledged or snoozed: it stays open until a physician reviews it with a note',
      );
    const alert = result.forecast.alerts.find((a) => a.code === input.code);
    if (!alert) fail('code', `Alert ${input.code} is not raised for this pump now`);
    const snoozedUntil = input.action === 'snooze' ? now + (input.snoozeDays ?? 1) * DAY_MS : null;
    const ack = acknowledgeAlert(tx, {
      pumpId,
      code: alert.code,
      severity: alert.severity,
      action: input.action,
      reason: input.reason,
      snoozedUntil,
      byUserId: actor.id,
    });
    audit(tx, actor, input.action, 'alert', `${pumpId}:${alert.code}`, null, {
      ackId: ack.id,
      severity: alert.severity,
      reason: input.reason,
      snoozedUntil,
      message: alert.message,
    });
    // The acknowledged alert stops driving the worklist rank (pump_forecasts.worstAlertRank).
    refreshForecasts(tx, { pumpIds: [pumpId] }, now);
    return pumpAlertDtos(tx, actor.clinicId, pumpId, result.forecast.alerts, now);
  });
}

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

/** The pump-model and drug catalogue for the replacement form. */
export function catalogOptions(db: Pick<Db, 'select'>) {
  const models = db
    .select()
    .from(s.pumpModels)
    .orderBy(asc(s.pumpModels.manufacturer), asc(s.pumpModels.modelNumber))
    .all()
    .map((m) => ({
      id: m.id,
      label: `${m.manufacturer} ${m.name} ${m.modelNumber}`,
      kind: m.kind,
      reservoirMl: m.reservoirUl == null ? null : m.reservoirUl / 1000,
      defaultAlarmMl: m.defaultAlarmUl == null ? null : m.defaultAlarmUl / 1000,
    }));
  const drugs = db
    .select()
    .from(s.drugs)
    .orderBy(asc(s.drugs.id))
    .all()
    .map(drugOption);
  return { models, drugs };
}
