/**
 * Factories shared by the seed and the tests: each inserts one aggregate with sensible defaults, inside the
 * caller's transaction. Quantities are given in the units staff use (mL, mcg) and stored exactly (µL, ng).
 */
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { drugCatalog, pumpModelCatalog } from './catalog';
import * as s from './schema';
import { insertOne } from './fast-insert';
import {
  discrepancyAlertSeverity,
  reservoirAfterRefillMl,
  type FillConfirmationMethod,
} from '../lib/domain/refill';

export const ul = (ml: number) => Math.round(ml * 1000);
export const ng = (mcg: number) => Math.round(mcg * 1000);
export const DAY_MS = 86_400_000;

type Tx = Pick<Db, 'insert' | 'select' | 'update'>;

export function ensureCatalog(db: Tx): { models: Map<string, s.PumpModel>; drugs: Map<string, s.Drug> } {
  let models = db.select().from(s.pumpModels).all();
  if (models.length === 0) {
    db.insert(s.pumpModels).values(pumpModelCatalog).run();
    models = db.select().from(s.pumpModels).all();
  }
  let drugRows = db.select().from(s.drugs).all();
  if (drugRows.length === 0) {
    db.insert(s.drugs).values(drugCatalog).run();
    drugRows = db.select().from(s.drugs).all();
  }
  return {
    models: new Map(models.map((m) => [m.modelNumber, m])),
    drugs: new Map(drugRows.map((d) => [d.product, d])),
  };
}

export interface ClinicFactoryInput {
  name?: string;
  timeZone?: string;
  phone24h?: string;
  address?: string;
  holidays?: string[];
  isDemo?: boolean;
  mfaRequiredRoles?: s.StaffRole[];
}

export function createClinic(db: Tx, input: ClinicFactoryInput = {}): s.Clinic {
  return insertOne(db, s.clinics, {
    name: input.name ?? 'Test Clinic',
    timeZone: input.timeZone ?? 'America/Chicago',
    phone24h: input.phone24h ?? '+1 555 010 0247',
    address: input.address ?? '1 Test Street, Springfield',
    clinicWeekdays: [1, 2, 3, 4, 5],
    holidays: input.holidays ?? [],
    isDemo: input.isDemo ?? false,
    ...(input.mfaRequiredRoles ? { mfaRequiredRoles: input.mfaRequiredRoles } : {}),
  });
}

export interface PatientFactoryInput {
  clinicId: number;
  mrn: string;
  givenName?: string;
  familyName?: string;
  nameOrder?: (typeof s.nameOrders)[number];
  dateOfBirth?: string;
  spasticityOrigin?: (typeof s.spasticityOrigins)[number];
  riskInjuryT6OrAbove?: boolean;
  riskCommunication?: boolean;
  riskPriorWithdrawal?: boolean;
  riskHearingImpaired?: boolean;
  backupOralPlan?: string;
  managingPhysicianId?: string | null;
  phone?: string;
  caregiverName?: string;
  caregiverPhone?: string;
  allergies?: string;
}

export function createPatient(db: Tx, input: PatientFactoryInput): s.Patient {
  return insertOne(db, s.patients, {
    clinicId: input.clinicId,
    mrn: input.mrn,
    givenName: input.givenName ?? 'Alex',
    familyName: input.familyName ?? 'Doe',
    nameOrder: input.nameOrder ?? 'given-first',
    dateOfBirth: input.dateOfBirth ?? '1980-01-01',
    spasticityOrigin: input.spasticityOrigin ?? 'spinal',
    riskInjuryT6OrAbove: input.riskInjuryT6OrAbove ?? false,
    riskCommunication: input.riskCommunication ?? false,
    riskPriorWithdrawal: input.riskPriorWithdrawal ?? false,
    riskHearingImpaired: input.riskHearingImpaired ?? false,
    backupOralPlan: input.backupOralPlan ?? '',
    managingPhysicianId: input.managingPhysicianId ?? null,
    phone: input.phone ?? '',
    caregiverName: input.caregiverName ?? '',
    caregiverPhone: input.caregiverPhone ?? '',
    allergies: input.allergies ?? '',
  });
}

export interface ProgramSpec {
  drugId: number;
  concentrationMcgPerMl: number;
  mode: (typeof s.programModes)[number];
  doseMcgPerDay?: number;
  flexSteps?: { start: string; doseMcgPerHour: number }[];
  periodicBoluses?: { at: string; doseMcg: number }[];
  patientBolus?: { doseMcg: number; maxPerDay: number } | null;
  reason?: string;
  prescriberId?: string | null;
}

/** The programmed daily dose of a spec, in ng (flex: the sum of steps and periodic boluses over 24 h). */
export function programDoseNgPerDay(spec: ProgramSpec, flowMlPerDay?: number | null): number {
  if (spec.mode === 'constant-flow') return ng((flowMlPerDay ?? 0) * spec.concentrationMcgPerMl);
  const boluses = (spec.periodicBoluses ?? []).reduce((sum, b) => sum + b.doseMcg, 0);
  if (spec.mode === 'simple') return ng((spec.doseMcgPerDay ?? 0) + boluses);
  const steps = spec.flexSteps ?? [];
  const minutes = steps.map((st) => {
    const [h, m] = st.start.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  });
  let total = 0;
  steps.forEach((st, i) => {
    const start = minutes[i] ?? 0;
    const next = i + 1 < steps.length ? (minutes[i + 1] ?? 1440) : (minutes[0] ?? 0) + 1440;
    total += (st.doseMcgPerHour * (next - start)) / 60;
  });
  return ng(total + boluses);
}

export function programValues(
  pumpId: number,
  versionNo: number,
  spec: ProgramSpec,
  effectiveAt: number,
  flowMlPerDay?: number | null,
) {
  return {
    pumpId,
    versionNo,
    drugId: spec.drugId,
    concentrationNgPerMl: ng(spec.concentrationMcgPerMl),
    mode: spec.mode,
    doseNgPerDay: programDoseNgPerDay(spec, flowMlPerDay),
    flexSteps:
      spec.flexSteps?.map((st) => ({ start: st.start, doseNgPerHour: ng(st.doseMcgPerHour) })) ?? null,
    periodicBoluses: spec.periodicBoluses?.map((b) => ({ at: b.at, doseNg: ng(b.doseMcg) })) ?? null,
    patientBolusDoseNg: spec.patientBolus ? ng(spec.patientBolus.doseMcg) : null,
    patientBolusMaxPerDay: spec.patientBolus?.maxPerDay ?? null,
    effectiveAt,
    prescriberId: spec.prescriberId ?? null,
    reason: spec.reason ?? '',
  } satisfies typeof s.drugPrograms.$inferInsert;
}

export interface PumpFactoryInput {
  patientId: number;
  model: s.PumpModel;
  serial: string;
  implantedOn: string;
  alarmMl?: number;
  reservoirMl?: number;
  flowMlPerDay?: number | null;
  catheterVolumeMl?: number | null;
  eriRecordedOn?: string | null;
  program: ProgramSpec;
  /** The initial fill (or the latest refill when no history is given). */
  filledAt: number;
  fillMl: number;
  drugLot?: string;
}

/** A pump with its first program and its initial fill, as at implant. */
export function createPump(db: Tx, input: PumpFactoryInput): { pump: s.Pump; program: s.DrugProgram } {
  const reservoirUl = input.reservoirMl !== undefined ? ul(input.reservoirMl) : input.model.reservoirUl;
  if (reservoirUl == null) throw new Error(`Pump model ${input.model.modelNumber} needs a reservoir volume`);
  const alarmUl = input.alarmMl !== undefined ? ul(input.alarmMl) : (input.model.defaultAlarmUl ?? ul(2));
  const pump = insertOne(db, s.pumps, {
    patientId: input.patientId,
    modelId: input.model.id,
    serial: input.serial,
    implantedOn: input.implantedOn,
    alarmUl,
    reservoirUl,
    flowUlPerDay: input.flowMlPerDay != null ? ul(input.flowMlPerDay) : null,
    catheterVolumeUl: input.catheterVolumeMl != null ? ul(input.catheterVolumeMl) : null,
    eriRecordedOn: input.eriRecordedOn ?? null,
  });
  const program = insertOne(
    db,
    s.drugPrograms,
    programValues(pump.id, 1, input.program, input.filledAt, input.flowMlPerDay),
  );
  insertOne(db, s.refillVisits, {
    pumpId: pump.id,
    kind: 'initial-fill',
    performedAt: input.filledAt,
    volumeFilledUl: ul(input.fillMl),
    reservoirAfterUl: ul(input.fillMl),
    drugId: input.program.drugId,
    drugLot: input.drugLot ?? 'LOT-INIT',
    concentrationNgPerMl: ng(input.program.concentrationMcgPerMl),
    programId: program.id,
  });
  return { pump, program };
}

export interface VisitFactoryInput {
  pumpId: number;
  drugId: number;
  performedAt: number;
  expectedResidualMl: number | null;
  aspiratedResidualMl: number | null;
  fillMl: number;
  concentrationMcgPerMl: number;
  programId: number | null;
  performedByName?: string;
  verifiedByName?: string;
  drugLot?: string;
  drugExpiresOn?: string | null;
  discrepancyFlag?: 'none' | 'over-delivery' | 'under-infusion' | null;
  /** Defaults to E5's severity for the flag and the drug (lib/domain/refill.ts discrepancyAlertSeverity). */
  discrepancySeverity?: 'high' | 'critical' | null;
  discrepancyConfirmed?: boolean;
  /** Volume the bridge bolus drew from the reservoir: the reservoir after the visit is the fill less it (B5). */
  bridgeBolusMl?: number | null;
  /** Pocket-fill safeguards (G1, E6): a recorded refill did them unless a test says otherwise. */
  needlePlacementConfirmed?: boolean;
  residualCheckedBeforeFill?: boolean;
  templateUsed?: boolean;
  fillConfirmationMethod?: FillConfirmationMethod | null;
  notes?: string;
}

export function createRefillVisit(db: Tx, input: VisitFactoryInput): s.RefillVisit {
  const expected = input.expectedResidualMl;
  const aspirated = input.aspiratedResidualMl;
  const withdrawalRisk =
    db.select({ risk: s.drugs.withdrawalRisk }).from(s.drugs).where(eq(s.drugs.id, input.drugId)).get()?.risk ??
    'severe';
  const severity =
    input.discrepancySeverity !== undefined
      ? input.discrepancySeverity
      : discrepancyAlertSeverity(input.discrepancyFlag ?? 'none', withdrawalRisk);
  return insertOne(db, s.refillVisits, {
    pumpId: input.pumpId,
    kind: 'refill',
    performedAt: input.performedAt,
    performedByName: input.performedByName ?? '',
    verifiedByName: input.verifiedByName ?? '',
    expectedResidualUl: expected != null ? ul(expected) : null,
    aspiratedResidualUl: aspirated != null ? ul(aspirated) : null,
    volumeFilledUl: ul(input.fillMl),
    reservoirAfterUl: ul(reservoirAfterRefillMl(input.fillMl, input.bridgeBolusMl)),
    bridgeBolusGiven: input.bridgeBolusMl != null,
    bridgeBolusUl: input.bridgeBolusMl != null ? ul(input.bridgeBolusMl) : null,
    drugId: input.drugId,
    drugLot: input.drugLot ?? '',
    drugExpiresOn: input.drugExpiresOn ?? null,
    concentrationNgPerMl: ng(input.concentrationMcgPerMl),
    programId: input.programId,
    discrepancyUl: expected != null && aspirated != null ? ul(expected) - ul(aspirated) : null,
    discrepancyFlag: input.discrepancyFlag ?? null,
    discrepancySeverity: severity,
    discrepancyConfirmed: input.discrepancyConfirmed ?? severity === 'critical',
    needlePlacementConfirmed: input.needlePlacementConfirmed ?? true,
    residualCheckedBeforeFill: input.residualCheckedBeforeFill ?? true,
    templateUsed: input.templateUsed ?? true,
    fillConfirmationMethod: input.fillConfirmationMethod === undefined ? 'aspiration-back' : input.fillConfirmationMethod,
    notes: input.notes ?? '',
  });
}

/** Supersedes the active program of a pump with a new version, as a physician's change does. */
export function changeProgram(
  db: Tx,
  pumpId: number,
  spec: ProgramSpec,
  effectiveAt: number,
  flowMlPerDay?: number | null,
): s.DrugProgram {
  const current = db
    .select()
    .from(s.drugPrograms)
    .where(eq(s.drugPrograms.pumpId, pumpId))
    .all()
    .sort((a, b) => b.versionNo - a.versionNo)[0];
  if (!current) throw new Error(`Pump ${pumpId} has no program to change`);
  db.update(s.drugPrograms).set({ supersededAt: effectiveAt }).where(eq(s.drugPrograms.id, current.id)).run();
  return insertOne(
    db,
    s.drugPrograms,
    programValues(pumpId, current.versionNo + 1, spec, effectiveAt, flowMlPerDay),
  );
}

export function createAppointment(
  db: Tx,
  input: {
    pumpId: number;
    startsAt: number;
    status?: s.Appointment['status'];
    type?: s.Appointment['type'];
    durationMinutes?: number;
  },
): s.Appointment {
  return insertOne(db, s.appointments, {
    pumpId: input.pumpId,
    startsAt: input.startsAt,
    status: input.status ?? 'booked',
    type: input.type ?? 'refill',
    durationMinutes: input.durationMinutes ?? 30,
  });
}
