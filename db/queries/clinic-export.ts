/**
 * The rows of the clinic's full export (lib/export/tables.ts names and explains the columns): every patient,
 * pump, program version, visit, appointment and audit row of one clinic, in the export's units.
 */
import { asc, eq } from 'drizzle-orm';
import type { ExportTableSpec, ExportValue } from '@/lib/export/clinic-zip';
import { appointmentsTable, auditTable, patientsTable, programsTable, pumpsTable, visitsTable } from '@/lib/export/tables';
import { NotFoundError } from '@/lib/errors';
import type { Db } from '../client';
import * as s from '../schema';
import { staffNamesOf } from './dtos';

const ml = (ul: number | null) => (ul == null ? null : ul / 1000);
const mcg = (ng: number | null) => (ng == null ? null : ng / 1000);
const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

export interface ClinicExport {
  clinicName: string;
  tables: { spec: ExportTableSpec; rows: Record<string, ExportValue>[] }[];
}

export function loadClinicExport(db: Db, clinicId: number): ClinicExport {
  const clinic = db.select({ name: s.clinics.name }).from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic) throw new NotFoundError('No such clinic.');
  const names = staffNamesOf(db, clinicId);
  const who = (id: string | null) => (id ? (names.get(id) ?? id) : null);
  const inClinic = eq(s.patients.clinicId, clinicId);

  const patients = db.select().from(s.patients).where(inClinic).orderBy(asc(s.patients.id)).all();
  const patientRows = patients.map((p) => ({
    id: p.id,
    mrn: p.mrn,
    given_name: p.givenName,
    family_name: p.familyName,
    name_order: p.nameOrder,
    date_of_birth: p.dateOfBirth,
    phone: p.phone,
    address: p.address,
    caregiver_name: p.caregiverName,
    caregiver_phone: p.caregiverPhone,
    spasticity_origin: p.spasticityOrigin,
    risk_injury_t6_or_above: p.riskInjuryT6OrAbove,
    risk_communication: p.riskCommunication,
    risk_prior_withdrawal: p.riskPriorWithdrawal,
    risk_hearing_impaired: p.riskHearingImpaired,
    backup_oral_plan: p.backupOralPlan,
    allergies: p.allergies,
    managing_physician: who(p.managingPhysicianId),
    notes: p.notes,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  }));
  const mrnOf = new Map(patients.map((p) => [p.id, p.mrn]));

  const pumps = db
    .select({ pump: s.pumps, model: s.pumpModels })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
    .where(inClinic)
    .orderBy(asc(s.pumps.id))
    .all();
  const pumpKeys = new Map(
    pumps.map(({ pump }) => [pump.id, { pump_id: pump.id, pump_serial: pump.serial, patient_mrn: mrnOf.get(pump.patientId) ?? null }]),
  );
  const keysOf = (pumpId: number) => pumpKeys.get(pumpId)!;
  const pumpRows = pumps.map(({ pump, model }) => ({
    id: pump.id,
    patient_id: pump.patientId,
    patient_mrn: mrnOf.get(pump.patientId) ?? null,
    manufacturer: model.manufacturer,
    model_name: model.name,
    model_number: model.modelNumber,
    serial: pump.serial,
    status: pump.status,
    implanted_on: pump.implantedOn,
    explanted_on: pump.explantedOn,
    eri_recorded_on: pump.eriRecordedOn,
    reservoir_ml: ml(pump.reservoirUl),
    alarm_ml: ml(pump.alarmUl),
    flow_ml_per_day: ml(pump.flowUlPerDay),
    catheter_volume_ml: ml(pump.catheterVolumeUl),
    pathway_volume_ml: ml(pump.pathwayVolumeUl),
  }));

  const programRows = db
    .select({ program: s.drugPrograms, drug: { name: s.drugs.name, product: s.drugs.product } })
    .from(s.drugPrograms)
    .innerJoin(s.drugs, eq(s.drugs.id, s.drugPrograms.drugId))
    .innerJoin(s.pumps, eq(s.pumps.id, s.drugPrograms.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(inClinic)
    .orderBy(asc(s.drugPrograms.pumpId), asc(s.drugPrograms.versionNo))
    .all()
    .map(({ program: p, drug }) => ({
      id: p.id,
      ...keysOf(p.pumpId),
      version_no: p.versionNo,
      drug: drug.name,
      product: drug.product,
      concentration_mcg_per_ml: mcg(p.concentrationNgPerMl),
      mode: p.mode,
      dose_mcg_per_day: mcg(p.doseNgPerDay),
      flex_steps: p.flexSteps?.length ? p.flexSteps.map((st) => ({ start: st.start, doseMcgPerHour: mcg(st.doseNgPerHour) })) : null,
      periodic_boluses: p.periodicBoluses?.length ? p.periodicBoluses.map((b) => ({ at: b.at, doseMcg: mcg(b.doseNg) })) : null,
      patient_bolus_dose_mcg: mcg(p.patientBolusDoseNg),
      patient_bolus_max_per_day: p.patientBolusMaxPerDay,
      effective_at: iso(p.effectiveAt),
      superseded_at: iso(p.supersededAt),
      prescriber: who(p.prescriberId),
      verified_by: who(p.verifiedById),
      entered_by: who(p.createdById),
      reason: p.reason,
    }));

  const visitRows = db
    .select({ visit: s.refillVisits, drug: { name: s.drugs.name, product: s.drugs.product } })
    .from(s.refillVisits)
    .innerJoin(s.drugs, eq(s.drugs.id, s.refillVisits.drugId))
    .innerJoin(s.pumps, eq(s.pumps.id, s.refillVisits.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(inClinic)
    .orderBy(asc(s.refillVisits.performedAt), asc(s.refillVisits.id))
    .all()
    .map(({ visit: v, drug }) => ({
      id: v.id,
      ...keysOf(v.pumpId),
      kind: v.kind,
      performed_at: iso(v.performedAt),
      performed_by: v.performedByName || who(v.performedById),
      verified_by: v.verifiedByName || who(v.verifiedById),
      expected_residual_ml: ml(v.expectedResidualUl),
      aspirated_residual_ml: ml(v.aspiratedResidualUl),
      discrepancy_ml: ml(v.discrepancyUl),
      discrepancy_flag: v.discrepancyFlag,
      discrepancy_reviewed_at: iso(v.discrepancyReviewedAt),
      discrepancy_review_note: v.discrepancyReviewNote,
      volume_filled_ml: ml(v.volumeFilledUl),
      reservoir_after_ml: ml(v.reservoirAfterUl),
      drug: drug.name,
      product: drug.product,
      drug_lot: v.drugLot,
      drug_expires_on: v.drugExpiresOn,
      concentration_mcg_per_ml: mcg(v.concentrationNgPerMl),
      program_id: v.programId,
      program_changed: v.programChanged,
      bridge_bolus_given: v.bridgeBolusGiven,
      bridge_bolus_ml: ml(v.bridgeBolusUl),
      bridge_bolus_note: v.bridgeBolusNote,
      fill_confirmation_method: v.fillConfirmationMethod,
      notes: v.notes,
    }));

  const appointmentRows = db
    .select({ a: s.appointments })
    .from(s.appointments)
    .innerJoin(s.pumps, eq(s.pumps.id, s.appointments.pumpId))
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(inClinic)
    .orderBy(asc(s.appointments.startsAt), asc(s.appointments.id))
    .all()
    .map(({ a }) => ({
      id: a.id,
      ...keysOf(a.pumpId),
      starts_at: iso(a.startsAt),
      duration_minutes: a.durationMinutes,
      type: a.type,
      status: a.status,
      notes: a.notes,
      late_reason: a.lateReason,
      overbook_reason: a.overbookReason,
    }));

  const auditRows = db
    .select()
    .from(s.auditLog)
    .where(eq(s.auditLog.clinicId, clinicId))
    .orderBy(asc(s.auditLog.at), asc(s.auditLog.id))
    .all()
    .map((r) => ({
      id: r.id,
      at: iso(r.at),
      actor: r.actorLabel,
      actor_id: r.actorId,
      action: r.action,
      entity: r.entity,
      entity_id: r.entityId,
      before: r.before as ExportValue,
      after: r.after as ExportValue,
    }));

  return {
    clinicName: clinic.name,
    tables: [
      { spec: patientsTable, rows: patientRows },
      { spec: pumpsTable, rows: pumpRows },
      { spec: programsTable, rows: programRows },
      { spec: visitsTable, rows: visitRows },
      { spec: appointmentsTable, rows: appointmentRows },
      { spec: auditTable, rows: auditRows },
    ],
  };
}
