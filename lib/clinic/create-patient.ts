/**
 * Adding a patient together with their pump, its first program and the initial fill: one transaction, so a
 * patient never exists without the pump that makes them a patient of this clinic, and the worklist sees the new
 * pump's forecast at once. Also the name/MRN search that pickers (booking an appointment) use.
 */
import { and, eq, sql } from 'drizzle-orm';
import { localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { DomainError } from '@/lib/domain/errors';
import { alarmVolumeProblem, fillVolumeProblem } from '@/lib/domain/volumes';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { formatConcentration } from '@/lib/format';
import { localDate } from '@/lib/validation/common';
import { type CreatePatientInput } from '@/lib/validation/patient-create';
import { writeTransaction, type Db } from '@/db/client';
import { programValues, type ProgramSpec } from '@/db/factories';
import * as s from '@/db/schema';
import { audit } from '@/db/queries/audit';
import { refreshForecasts } from '@/db/queries/forecasts';
import type { ClinicActor } from './actor';
import { isPhysicianOfClinic } from '@/db/queries/clinics';

const ul = (ml: number) => Math.round(ml * 1000);
const mlOf = (microlitres: number) => microlitres / 1000;
const mlOrNull = (microlitres: number | null) => (microlitres == null ? null : mlOf(microlitres));

/** What the add-patient form offers: the catalogue and the clinic's physicians. */
export interface CreatedPatient {
  patientId: number;
  pumpId: number;
  programId: number;
  visitId: number;
  refillDueOn: string | null;
}

function fail(fields: Record<string, string>): never {
  throw new ValidationError(
    `Invalid input: ${Object.entries(fields)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
    fields,
  );
}

/**
 * The record checks that do not need a well-formed body (a used MRN, dates in the future or out of order), run
 * on whatever parts of a body the schema refused were typed correctly. A form with an empty name and a used MRN
 * then hears of both at once, not of the MRN only after the name is fixed (issue 18). Each is checked again by
 * createPatientWithPump on the valid body.
 */
export function createPatientRecordProblems(db: Db, clinicId: number, raw: unknown, now: number): Record<string, string> {
  const fields: Record<string, string> = {};
  const clinic = db.select({ timeZone: s.clinics.timeZone }).from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  if (!clinic || typeof raw !== 'object' || raw === null) return fields;
  const today = localDateOf(now, clinic.timeZone);
  const part = (name: string): Record<string, unknown> => {
    const v = (raw as Record<string, unknown>)[name];
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  };
  const date = (v: unknown): string | null => {
    const parsed = localDate.safeParse(v);
    return parsed.success ? parsed.data : null;
  };
  const patient = part('patient');
  const mrn = typeof patient.mrn === 'string' ? patient.mrn.trim() : '';
  if (mrn) {
    const duplicate = db
      .select({ id: s.patients.id })
      .from(s.patients)
      .where(and(eq(s.patients.clinicId, clinicId), sql`lower(${s.patients.mrn}) = lower(${mrn})`))
      .get();
    if (duplicate) fields['patient.mrn'] = `MRN ${mrn} is already used by another patient of this clinic.`;
  }
  const born = date(patient.dateOfBirth);
  if (born && born > today) fields['patient.dateOfBirth'] = 'Date of birth must not be in the future.';
  const implanted = date(part('pump').implantedOn);
  if (implanted && implanted > today) fields['pump.implantedOn'] = 'Implant date must not be in the future.';
  else if (implanted && born && implanted < born) fields['pump.implantedOn'] = 'Implant date must be after the date of birth.';
  const filled = date(part('initialFill').date);
  if (filled && filled > today) fields['initialFill.date'] = 'The initial fill must not be in the future.';
  else if (filled && implanted && filled < implanted)
    fields['initialFill.date'] = 'The initial fill must be on or after the implant date.';
  return fields;
}

/** Creates the patient, pump, first program and initial fill in one transaction, audited, with the forecast stored. */
export function createPatientWithPump(
  db: Db,
  actor: ClinicActor,
  input: CreatePatientInput,
  now: number,
): CreatedPatient {
  return writeTransaction(db, (tx) => {
    const clinic = tx
      .select({ timeZone: s.clinics.timeZone })
      .from(s.clinics)
      .where(eq(s.clinics.id, actor.clinicId))
      .get();
    if (!clinic) throw new NotFoundError('No such clinic.');
    const { patient: p, pump: pu, program: pr, initialFill: fill } = input;
    const fields: Record<string, string> = {};
    const today = localDateOf(now, clinic.timeZone);

    // ---- Patient ----
    const duplicate = tx
      .select({ id: s.patients.id })
      .from(s.patients)
      .where(and(eq(s.patients.clinicId, actor.clinicId), sql`lower(${s.patients.mrn}) = lower(${p.mrn})`))
      .get();
    if (duplicate) fields['patient.mrn'] = `MRN ${p.mrn} is already used by another patient of this clinic.`;
    if (p.dateOfBirth > today) fields['patient.dateOfBirth'] = 'Date of birth must not be in the future.';
    if (p.managingPhysicianId && !isPhysicianOfClinic(tx, actor.clinicId, p.managingPhysicianId))
      fields['patient.managingPhysicianId'] = 'Choose a physician of this clinic.';

    // ---- Pump: the model's values unless this pump's own are entered ----
    const model = tx.select().from(s.pumpModels).where(eq(s.pumpModels.id, pu.modelId)).get();
    if (!model) fail({ ...fields, 'pump.modelId': 'Choose a pump model from the catalogue.' });
    const reservoirUl = pu.reservoirMl !== undefined ? ul(pu.reservoirMl) : model.reservoirUl;
    const alarmUl = pu.alarmMl !== undefined ? ul(pu.alarmMl) : model.defaultAlarmUl;
    const constantFlow = model.kind === 'constant-flow';
    if (reservoirUl == null)
      fields['pump.reservoirMl'] =
        `Reservoir volume is required: the ${model.name} catalogue entry has none (mL).`;
    else if (model.reservoirUl != null && reservoirUl !== model.reservoirUl)
      fields['pump.reservoirMl'] =
        `The ${model.name} ${model.modelNumber} holds ${mlOf(model.reservoirUl)} mL; leave the reservoir empty to use it.`;
    if (alarmUl == null)
      fields['pump.alarmMl'] =
        `Alarm volume is required: the ${model.name} has no default alarm volume (enter this patient’s, in mL).`;
    else if (reservoirUl != null) {
      const problem = alarmVolumeProblem(mlOf(alarmUl), mlOf(reservoirUl), mlOrNull(model.defaultAlarmUl));
      if (problem) fields['pump.alarmMl'] = `${problem}.`;
    }
    if (constantFlow && pu.flowMlPerDay === undefined)
      fields['pump.flowMlPerDay'] = 'Flow rate is required for a constant-flow pump (mL/day).';
    if (!constantFlow && pu.flowMlPerDay !== undefined)
      fields['pump.flowMlPerDay'] =
        'Only a constant-flow pump has a fixed flow rate; leave it empty for a programmable pump.';
    if (pu.implantedOn > today) fields['pump.implantedOn'] = 'Implant date must not be in the future.';
    if (pu.implantedOn < p.dateOfBirth)
      fields['pump.implantedOn'] = 'Implant date must be after the date of birth.';

    // ---- Program ----
    const drug = tx.select().from(s.drugs).where(eq(s.drugs.id, pr.drugId)).get();
    if (!drug) fail({ ...fields, 'program.drugId': 'Choose a drug product from the catalogue.' });
    if (!drug.concentrationsNgPerMl.includes(pr.concentrationNgPerMl)) {
      const list = drug.concentrationsNgPerMl
        .map((c) => formatConcentration(c, drug.doseUnit))
        .join(', ');
      fields['program.concentrationNgPerMl'] = `Concentration must be one of ${drug.product}’s: ${list}.`;
    }
    if (constantFlow && pr.mode !== 'constant-flow')
      fields['program.mode'] = 'A constant-flow pump needs the constant-flow mode.';
    if (!constantFlow && pr.mode === 'constant-flow')
      fields['program.mode'] = 'Constant-flow mode needs a constant-flow pump; choose simple or flex.';
    if (constantFlow && pr.patientBolus)
      fields['program.patientBolus'] = 'A constant-flow pump gives no patient boluses.';

    // ---- Initial fill ----
    const filledAt = localDateTimeToInstant(fill.date, fill.time, clinic.timeZone);
    if (filledAt > now) fields['initialFill.date'] = 'The initial fill must not be in the future.';
    else if (fill.date < pu.implantedOn)
      fields['initialFill.date'] = 'The initial fill must be on or after the implant date.';
    if (reservoirUl != null && alarmUl != null) {
      const problem = fillVolumeProblem(fill.volumeMl, mlOf(reservoirUl), mlOf(alarmUl), 'Fill volume');
      if (problem) fields['initialFill.volumeMl'] = `${problem}.`;
    }
    if (fill.drugExpiresOn && fill.drugExpiresOn < fill.date)
      fields['initialFill.drugExpiresOn'] = 'The drug had expired before the fill date.';

    if (Object.keys(fields).length > 0) fail(fields);

    const patient = tx
      .insert(s.patients)
      .values({ ...p, clinicId: actor.clinicId, createdAt: now, updatedAt: now })
      .returning({ id: s.patients.id })
      .get();
    const pump = tx
      .insert(s.pumps)
      .values({
        patientId: patient.id,
        modelId: model.id,
        serial: pu.serial,
        implantedOn: pu.implantedOn,
        alarmUl: alarmUl!,
        reservoirUl: reservoirUl!,
        flowUlPerDay: pu.flowMlPerDay !== undefined ? ul(pu.flowMlPerDay) : null,
        catheterVolumeUl: pu.catheterVolumeMl != null ? ul(pu.catheterVolumeMl) : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: s.pumps.id })
      .get();
    const spec: ProgramSpec = {
      drugId: drug.id,
      concentrationMcgPerMl: pr.concentrationNgPerMl / 1000,
      mode: pr.mode,
      doseMcgPerDay: pr.mode === 'simple' ? pr.doseMcgPerDay : undefined,
      flexSteps: pr.mode === 'flex' ? pr.flexSteps : undefined,
      patientBolus: pr.patientBolus,
      // The version records who ordered it: the physician entering it, or nobody when a nurse transcribes the
      // programmer's printout (never the managing physician by assumption).
      prescriberId: actor.prescribes ? actor.id : null,
      reason: 'Initial program at implant',
    };
    const program = tx
      .insert(s.drugPrograms)
      .values({
        ...programValues(pump.id, 1, spec, filledAt, pu.flowMlPerDay ?? null),
        createdById: actor.id,
      })
      .returning()
      .get();
    const visit = tx
      .insert(s.refillVisits)
      .values({
        pumpId: pump.id,
        kind: 'initial-fill',
        performedAt: filledAt,
        performedById: actor.id,
        performedByName: actor.name,
        volumeFilledUl: ul(fill.volumeMl),
        reservoirAfterUl: ul(fill.volumeMl),
        drugId: drug.id,
        drugLot: fill.drugLot,
        drugExpiresOn: fill.drugExpiresOn,
        concentrationNgPerMl: pr.concentrationNgPerMl,
        programId: program.id,
      })
      .returning({ id: s.refillVisits.id })
      .get();

    try {
      refreshForecasts(tx, { pumpIds: [pump.id] }, now);
    } catch (error) {
      // The engine refused this program or pump (e.g. a flex program it cannot integrate): nothing is saved.
      if (error instanceof DomainError) {
        const field =
          typeof error.context.field === 'string' ? `program.${error.context.field}` : 'program.mode';
        fail({ [field]: error.message });
      }
      throw error;
    }
    const forecast = tx
      .select({ refillDueOn: s.pumpForecasts.refillDueOn })
      .from(s.pumpForecasts)
      .where(eq(s.pumpForecasts.pumpId, pump.id))
      .get();

    audit(tx, actor, 'create', 'patient', patient.id, null, {
      patient: { ...p, mrn: p.mrn },
      pump: {
        id: pump.id,
        modelNumber: model.modelNumber,
        serial: pu.serial,
        implantedOn: pu.implantedOn,
        alarmUl,
        reservoirUl,
        flowUlPerDay: pu.flowMlPerDay !== undefined ? ul(pu.flowMlPerDay) : null,
        catheterVolumeUl: pu.catheterVolumeMl != null ? ul(pu.catheterVolumeMl) : null,
      },
      program: {
        id: program.id,
        drug: drug.product,
        concentrationNgPerMl: program.concentrationNgPerMl,
        mode: program.mode,
        doseNgPerDay: program.doseNgPerDay,
      },
      initialFill: {
        id: visit.id,
        performedAt: filledAt,
        volumeFilledUl: ul(fill.volumeMl),
        drugLot: fill.drugLot,
        drugExpiresOn: fill.drugExpiresOn,
      },
    });
    return {
      patientId: patient.id,
      pumpId: pump.id,
      programId: program.id,
      visitId: visit.id,
      refillDueOn: forecast?.refillDueOn ?? null,
    };
  });
}
