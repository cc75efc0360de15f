/**
 * The records behind the FHIR API (app/api/fhir/r4), scoped to one clinic and optionally one patient, loaded
 * only for the resource types asked for. Returned as lib/fhir's plain records: the mapping to resources is
 * lib/fhir/resources.ts.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { FhirResourceType } from '@/lib/fhir/resources';
import type {
  FhirAlertRecord,
  FhirAppointmentRecord,
  FhirClinicRecords,
  FhirPatientRecord,
  FhirProgramRecord,
  FhirPumpRecord,
} from '@/lib/fhir/types';
import { NotFoundError } from '@/lib/errors';
import type { Db } from '../client';
import * as s from '../schema';
import { activeAcknowledgements, isCovered, openDiscrepancyAlerts, withRecordAlerts, type PumpAlert } from './alerts';
import { computeForecasts, loadForecastContexts } from './forecasts';
import { staffNamesOf } from './dtos';

const ml = (ul: number) => ul / 1000;
const mcg = (ng: number) => ng / 1000;

export interface FhirScope {
  /** Only this patient's records (a patient of another clinic gives nothing). */
  patientId?: number | null;
  types: ReadonlySet<FhirResourceType>;
}

/** The clinic's records for the FHIR types asked for; NotFoundError if the clinic does not exist. */
export function loadFhirRecords(db: Db, clinicId: number, scope: FhirScope, now: number): FhirClinicRecords {
  const clinic = db
    .select({ id: s.clinics.id, name: s.clinics.name, timeZone: s.clinics.timeZone, phone24h: s.clinics.phone24h })
    .from(s.clinics)
    .where(eq(s.clinics.id, clinicId))
    .get();
  if (!clinic) throw new NotFoundError('No such clinic.');
  const names = staffNamesOf(db, clinicId);
  const staff = (id: string | null) => (id && names.has(id) ? { id, name: names.get(id)! } : null);
  const patientFilter = and(
    eq(s.patients.clinicId, clinicId),
    scope.patientId != null ? eq(s.patients.id, scope.patientId) : undefined,
  );
  const want = (t: FhirResourceType) => scope.types.has(t);

  const patients: FhirPatientRecord[] = want('Patient')
    ? db
        .select({
          id: s.patients.id,
          mrn: s.patients.mrn,
          givenName: s.patients.givenName,
          familyName: s.patients.familyName,
          dateOfBirth: s.patients.dateOfBirth,
          phone: s.patients.phone,
          address: s.patients.address,
          caregiverName: s.patients.caregiverName,
          caregiverPhone: s.patients.caregiverPhone,
          managingPhysicianId: s.patients.managingPhysicianId,
        })
        .from(s.patients)
        .where(patientFilter)
        .orderBy(asc(s.patients.id))
        .all()
        .map(({ managingPhysicianId, ...p }) => ({ ...p, managingPhysician: staff(managingPhysicianId) }))
    : [];

  const needPumps = want('Device') || want('MedicationRequest') || want('Appointment') || want('Flag');
  const pumpRows = needPumps
    ? db
        .select({
          id: s.pumps.id,
          patientId: s.pumps.patientId,
          serial: s.pumps.serial,
          implantedOn: s.pumps.implantedOn,
          explantedOn: s.pumps.explantedOn,
          eriRecordedOn: s.pumps.eriRecordedOn,
          status: s.pumps.status,
          reservoirUl: s.pumps.reservoirUl,
          alarmUl: s.pumps.alarmUl,
          flowUlPerDay: s.pumps.flowUlPerDay,
          model: {
            manufacturer: s.pumpModels.manufacturer,
            name: s.pumpModels.name,
            modelNumber: s.pumpModels.modelNumber,
            kind: s.pumpModels.kind,
          },
        })
        .from(s.pumps)
        .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
        .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
        .where(patientFilter)
        .orderBy(asc(s.pumps.id))
        .all()
    : [];
  const pumps: FhirPumpRecord[] = want('Device')
    ? pumpRows.map(({ reservoirUl, alarmUl, flowUlPerDay: _flow, ...p }) => ({ ...p, reservoirMl: ml(reservoirUl), alarmMl: ml(alarmUl) }))
    : [];
  const pumpById = new Map(pumpRows.map((p) => [p.id, p]));
  const activeIds = pumpRows.filter((p) => p.status === 'active').map((p) => p.id);
  const allIds = pumpRows.map((p) => p.id);

  const programs: FhirProgramRecord[] =
    want('MedicationRequest') && activeIds.length
      ? db
          .select({
            program: s.drugPrograms,
            drug: { id: s.drugs.id, name: s.drugs.name, product: s.drugs.product, doseUnit: s.drugs.doseUnit },
          })
          .from(s.drugPrograms)
          .innerJoin(s.drugs, eq(s.drugs.id, s.drugPrograms.drugId))
          .where(and(inArray(s.drugPrograms.pumpId, activeIds), isNull(s.drugPrograms.supersededAt)))
          .orderBy(asc(s.drugPrograms.id))
          .all()
          .map(({ program: p, drug }) => {
            const pump = pumpById.get(p.pumpId)!;
            return {
              id: p.id,
              pumpId: p.pumpId,
              patientId: pump.patientId,
              versionNo: p.versionNo,
              drug,
              concentrationMcgPerMl: mcg(p.concentrationNgPerMl),
              mode: p.mode,
              dailyDoseMcg: mcg(p.doseNgPerDay),
              flexSteps: (p.flexSteps ?? []).map((st) => ({ start: st.start, doseMcgPerHour: mcg(st.doseNgPerHour) })),
              periodicBoluses: (p.periodicBoluses ?? []).map((b) => ({ at: b.at, doseMcg: mcg(b.doseNg) })),
              patientBolus:
                p.patientBolusDoseNg != null && p.patientBolusMaxPerDay != null
                  ? { doseMcg: mcg(p.patientBolusDoseNg), maxPerDay: p.patientBolusMaxPerDay }
                  : null,
              flowMlPerDay: pump.flowUlPerDay == null ? null : ml(pump.flowUlPerDay),
              effectiveAt: p.effectiveAt,
              prescriber: staff(p.prescriberId),
              reason: p.reason,
            };
          })
      : [];

  const appointments: FhirAppointmentRecord[] =
    want('Appointment') && allIds.length
      ? db
          .select({
            id: s.appointments.id,
            pumpId: s.appointments.pumpId,
            startsAt: s.appointments.startsAt,
            durationMinutes: s.appointments.durationMinutes,
            type: s.appointments.type,
            status: s.appointments.status,
            notes: s.appointments.notes,
          })
          .from(s.appointments)
          .where(inArray(s.appointments.pumpId, allIds))
          .orderBy(asc(s.appointments.startsAt), asc(s.appointments.id))
          .all()
          .map((a) => ({ ...a, patientId: pumpById.get(a.pumpId)!.patientId }))
      : [];

  const alerts = want('Flag') && activeIds.length ? openAlerts(db, activeIds, pumpById, now) : [];
  return { clinic, patients, pumps, programs, appointments, alerts };
}

/** The alerts of the given active pumps that nobody has acknowledged or snoozed: what the patient page shows open. */
function openAlerts(db: Db, pumpIds: number[], pumps: Map<number, { patientId: number }>, now: number): FhirAlertRecord[] {
  const forecasts = computeForecasts(loadForecastContexts(db, { pumpIds }, now));
  const record = openDiscrepancyAlerts(db, pumpIds);
  const acks = activeAcknowledgements(db, pumpIds, now);
  const out: FhirAlertRecord[] = [];
  for (const { context, forecast } of forecasts) {
    const alerts: PumpAlert[] = withRecordAlerts(forecast.alerts, record.get(context.pumpId));
    const seen = new Set<string>();
    for (const alert of alerts) {
      // One Flag per pump and code: of several unreviewed E5 refills, the most severe (then the newest) stands for all.
      if (seen.has(alert.code) || isCovered(alert, acks.get(context.pumpId) ?? [], now)) continue;
      seen.add(alert.code);
      out.push({
        pumpId: context.pumpId,
        patientId: pumps.get(context.pumpId)!.patientId,
        code: alert.code,
        severity: alert.severity,
        message: alert.message,
        since: alert.review?.performedAt ?? null,
      });
    }
  }
  return out.sort((a, b) => a.pumpId - b.pumpId || a.code.localeCompare(b.code));
}

/**
 * The patient a resource of this clinic belongs to, from its FHIR id (Flag ids are `{pumpId}-{code}`), or null
 * when there is no such resource here: a read then loads one patient's records, not the clinic's.
 */
export function patientOfResource(db: Pick<Db, 'select'>, clinicId: number, type: FhirResourceType, id: string): number | null {
  const numeric = /^([1-9]\d{0,15})(?:-[a-z0-9]+)?$/.exec(id);
  if (!numeric || (type === 'Flag') !== id.includes('-')) return null;
  const n = Number(numeric[1]);
  const pumpPatient = (pumpId: number | undefined) =>
    pumpId == null
      ? null
      : (db
          .select({ patientId: s.pumps.patientId })
          .from(s.pumps)
          .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
          .where(and(eq(s.pumps.id, pumpId), eq(s.patients.clinicId, clinicId)))
          .get()?.patientId ?? null);
  switch (type) {
    case 'Patient':
      return (
        db
          .select({ id: s.patients.id })
          .from(s.patients)
          .where(and(eq(s.patients.id, n), eq(s.patients.clinicId, clinicId)))
          .get()?.id ?? null
      );
    case 'Device':
    case 'Flag':
      return pumpPatient(n);
    case 'MedicationRequest':
      return pumpPatient(db.select({ pumpId: s.drugPrograms.pumpId }).from(s.drugPrograms).where(eq(s.drugPrograms.id, n)).get()?.pumpId);
    case 'Appointment':
      return pumpPatient(db.select({ pumpId: s.appointments.pumpId }).from(s.appointments).where(eq(s.appointments.id, n)).get()?.pumpId);
  }
}
