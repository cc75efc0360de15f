/**
 * A patient's record as the patient page and GET /api/v1/patients/{id} show it: details and risk flags, pumps,
 * programs, the live forecast with its alerts, the volume curve, refill history and appointments. Everything is
 * scoped to the caller's clinic (another clinic's patient is "not found"), and converted to DTOs with units in
 * their names (db/queries/dtos.ts): rows never leave this module whole. Changing a patient or a pump is a use case
 * in lib/clinic/.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { localDateOf } from '@/lib/domain/calendar';
import { type DiscrepancyPolicy } from '@/lib/domain/refill';
import { NotFoundError } from '@/lib/errors';
import { recordRead } from '../audit-read';
import { type Db } from '../client';
import * as s from '../schema';
import { ordersOf } from './orders';
import {
  activeAcknowledgements, openDiscrepancyAlerts,
  withRecordAlerts
} from './alerts';
import { type Actor } from './audit';
import {
  computeForecasts,
  loadForecastContexts
} from './forecasts';
import { type PumpDto, staffNamesOf, type ProgramDto, programDto, forecastDto, visitDtos } from '@/db/queries/dtos';

const ml = (microlitres: number) => microlitres / 1000;
const mlOrNull = (microlitres: number | null) => (microlitres == null ? null : microlitres / 1000);

export interface PatientDetail {
  clinic: { id: number; name: string; timeZone: string; phone24h: string };
  today: string;
  now: number;
  patient: {
    id: number;
    mrn: string;
    givenName: string;
    familyName: string;
    nameOrder: s.Patient['nameOrder'];
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

export type {
  AlertDto,
  AppointmentDto,
  CurvePoint,
  ForecastDto,
  ProgramDto,
  PumpDto,
  StaffOption,
  VisitDto,
} from './dtos';

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
export function patientDetail(db: Db, clinicId: number, patientId: number, now: number): PatientDetail {
  const row = db
    .select({
      patient: {
        id: s.patients.id,
        mrn: s.patients.mrn,
        givenName: s.patients.givenName,
        familyName: s.patients.familyName,
        nameOrder: s.patients.nameOrder,
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

/**
 * Logs a view of a patient record: who looked at whom, when, from where. One row per request (issue 14, item 7):
 * a refresh is a read too. A full disk must not stop the read: the row is kept until there is space
 * (db/audit-read.ts).
 */
export function recordPatientView(db: Db, actor: Actor, patientId: number, now: number, detail?: Record<string, unknown>): void {
  recordRead(db, actor, { resource: 'patient', entityId: patientId, patientIds: [patientId], detail }, now);
}

