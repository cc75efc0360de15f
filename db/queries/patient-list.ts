/**
 * The patient list (issue 18, item 4): every patient of the clinic, not only those with an active pump on the
 * worklist: explanted patients and patients whose pump was never entered stay findable. Searched by name, MRN or
 * date of birth; filtered by pump status; paged. A read: the page audits it (one row, with the patients shown).
 */
import { and, asc, count, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { type Db } from '@/db/client';
import * as s from '@/db/schema';
import type { PatientListQuery } from '@/lib/validation/patient-list';

type Reader = Pick<Db, 'select'>;

export interface PatientListPump {
  id: number;
  label: string;
  serial: string;
  status: s.Pump['status'];
  implantedOn: string;
  explantedOn: string | null;
}

export interface PatientListRow {
  id: number;
  mrn: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  spasticityOrigin: s.Patient['spasticityOrigin'];
  managingPhysician: string | null;
  /** Every pump the patient has had, the active ones first, then by implant date (newest first). */
  pumps: PatientListPump[];
}

export interface PatientList {
  rows: PatientListRow[];
  total: number;
  page: number;
  pageSize: number;
}

function escapeLike(q: string): string {
  return `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
}

const hasActivePump = sql`exists (select 1 from ${s.pumps} where ${s.pumps.patientId} = ${s.patients.id} and ${s.pumps.status} = 'active')`;
const hasAnyPump = sql`exists (select 1 from ${s.pumps} where ${s.pumps.patientId} = ${s.patients.id})`;

/** The patient-status filter: which pumps a listed patient has. */
function statusCondition(status: PatientListQuery['status']): SQL | undefined {
  switch (status) {
    case 'all':
      return undefined;
    case 'active':
      return hasActivePump;
    case 'explanted':
      // Had a pump, none active now.
      return sql`(${hasAnyPump} and not ${hasActivePump})`;
    case 'no-pump':
      return sql`not ${hasAnyPump}`;
  }
}

function searchCondition(q: string): SQL | undefined {
  const text = q.trim();
  if (!text) return undefined;
  const like = escapeLike(text);
  return or(
    sql`${s.patients.mrn} like ${like} escape '\\'`,
    sql`${s.patients.dateOfBirth} = ${text}`,
    sql`(${s.patients.givenName} || ' ' || ${s.patients.familyName}) like ${like} escape '\\'`,
    sql`(${s.patients.familyName} || ', ' || ${s.patients.givenName}) like ${like} escape '\\'`,
    sql`(${s.patients.familyName} || ' ' || ${s.patients.givenName}) like ${like} escape '\\'`,
  );
}

export function listPatients(db: Reader, clinicId: number, query: PatientListQuery): PatientList {
  const where = and(eq(s.patients.clinicId, clinicId), searchCondition(query.q), statusCondition(query.status));
  const total = db.select({ n: count() }).from(s.patients).where(where).get()?.n ?? 0;
  const patients = db
    .select({
      id: s.patients.id,
      mrn: s.patients.mrn,
      givenName: s.patients.givenName,
      familyName: s.patients.familyName,
      dateOfBirth: s.patients.dateOfBirth,
      spasticityOrigin: s.patients.spasticityOrigin,
      managingPhysician: s.users.name,
    })
    .from(s.patients)
    .leftJoin(s.users, eq(s.users.id, s.patients.managingPhysicianId))
    .where(where)
    // An exact MRN first, then by name.
    .orderBy(
      sql`${s.patients.mrn} = ${query.q.trim()} desc`,
      asc(s.patients.familyName),
      asc(s.patients.givenName),
      asc(s.patients.id),
    )
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .all();
  const ids = patients.map((p) => p.id);
  const pumps = ids.length
    ? db
        .select({
          id: s.pumps.id,
          patientId: s.pumps.patientId,
          serial: s.pumps.serial,
          status: s.pumps.status,
          implantedOn: s.pumps.implantedOn,
          explantedOn: s.pumps.explantedOn,
          modelName: s.pumpModels.name,
          modelNumber: s.pumpModels.modelNumber,
        })
        .from(s.pumps)
        .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
        .where(inArray(s.pumps.patientId, ids))
        .orderBy(sql`${s.pumps.status} = 'active' desc`, sql`${s.pumps.implantedOn} desc`, asc(s.pumps.id))
        .all()
    : [];
  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    rows: patients.map((p) => ({
      ...p,
      pumps: pumps
        .filter((pu) => pu.patientId === p.id)
        .map((pu) => ({
          id: pu.id,
          label: `${pu.modelName} ${pu.modelNumber}`,
          serial: pu.serial,
          status: pu.status,
          implantedOn: pu.implantedOn,
          explantedOn: pu.explantedOn,
        })),
    })),
  };
}
