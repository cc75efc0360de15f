/** The new-patient form's options (physicians, catalogue) and the patient search of the booking form. */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { drugListOrder } from './dtos';
import { type Db } from '@/db/client';
import * as s from '@/db/schema';
import { physiciansOf } from '@/db/queries/clinics';

type Reader = Pick<Db, 'select'>;

export function newPatientOptions(db: Reader, clinicId: number) {
  const models = db
    .select({
      id: s.pumpModels.id,
      manufacturer: s.pumpModels.manufacturer,
      name: s.pumpModels.name,
      modelNumber: s.pumpModels.modelNumber,
      kind: s.pumpModels.kind,
      reservoirUl: s.pumpModels.reservoirUl,
      defaultAlarmUl: s.pumpModels.defaultAlarmUl,
      nominalFlowUlPerDay: s.pumpModels.nominalFlowUlPerDay,
      labeledDrugs: s.pumpModels.labeledDrugs,
    })
    .from(s.pumpModels)
    .orderBy(asc(s.pumpModels.manufacturer), asc(s.pumpModels.modelNumber))
    .all();
  const drugs = db
    .select({
      id: s.drugs.id,
      name: s.drugs.name,
      product: s.drugs.product,
      doseUnit: s.drugs.doseUnit,
      concentrationsNgPerMl: s.drugs.concentrationsNgPerMl,
      usualMaxDoseNgPerDay: s.drugs.usualMaxDoseNgPerDay,
    })
    .from(s.drugs)
    .orderBy(...drugListOrder)
    .all();
  const physicians = physiciansOf(db, clinicId);
  return { models, drugs, physicians };
}

export type NewPatientOptions = ReturnType<typeof newPatientOptions>;

export interface PatientSearchRow {
  id: number;
  mrn: string;
  name: string;
  dateOfBirth: string;
  pumps: {
    id: number;
    label: string;
    serial: string;
    refillDueOn: string | null;
    nextAppointmentAt: number | null;
  }[];
}

/** Patients of the clinic whose name or MRN contains the search, with their active pumps (for pickers). */
export function searchPatients(
  db: Reader,
  clinicId: number,
  query: { q: string; limit: number },
): PatientSearchRow[] {
  const q = query.q.trim();
  const like = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  const patients = db
    .select({
      id: s.patients.id,
      mrn: s.patients.mrn,
      givenName: s.patients.givenName,
      familyName: s.patients.familyName,
      dateOfBirth: s.patients.dateOfBirth,
    })
    .from(s.patients)
    .where(
      and(
        eq(s.patients.clinicId, clinicId),
        q
          ? or(
              sql`${s.patients.mrn} like ${like} escape '\\'`,
              sql`(${s.patients.givenName} || ' ' || ${s.patients.familyName}) like ${like} escape '\\'`,
              sql`(${s.patients.familyName} || ', ' || ${s.patients.givenName}) like ${like} escape '\\'`,
            )
          : undefined,
      ),
    )
    // An exact MRN first, then by name.
    .orderBy(
      sql`${s.patients.mrn} = ${q} desc`,
      asc(s.patients.familyName),
      asc(s.patients.givenName),
      asc(s.patients.id),
    )
    .limit(query.limit)
    .all();
  const ids = patients.map((p) => p.id);
  const pumps = ids.length
    ? db
        .select({
          id: s.pumps.id,
          patientId: s.pumps.patientId,
          serial: s.pumps.serial,
          modelName: s.pumpModels.name,
          modelNumber: s.pumpModels.modelNumber,
          refillDueOn: s.pumpForecasts.refillDueOn,
          nextAppointmentAt: s.pumpForecasts.nextAppointmentAt,
        })
        .from(s.pumps)
        .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
        .leftJoin(s.pumpForecasts, eq(s.pumpForecasts.pumpId, s.pumps.id))
        .where(and(inArray(s.pumps.patientId, ids), eq(s.pumps.status, 'active')))
        .orderBy(asc(s.pumps.id))
        .all()
    : [];
  return patients.map((p) => ({
    id: p.id,
    mrn: p.mrn,
    name: `${p.familyName}, ${p.givenName}`,
    dateOfBirth: p.dateOfBirth,
    pumps: pumps
      .filter((pu) => pu.patientId === p.id)
      .map((pu) => ({
        id: pu.id,
        label: `${pu.modelName} ${pu.modelNumber}`,
        serial: pu.serial,
        refillDueOn: pu.refillDueOn,
        nextAppointmentAt: pu.nextAppointmentAt,
      })),
  }));
}
