/**
 * Changing a patient's record: identity (MRN, names, name order, date of birth, spasticity origin), contacts, risk
 * flags and care team, with the version read (409 otherwise). Audited with the before and after of each changed
 * field. Who may: patients:write (nurses and physicians; decision 027).
 */
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { localDateOf } from '@/lib/domain/calendar';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { type UpdatePatientInput } from '@/lib/validation/patient';
import { writeTransaction, type Db, type Tx } from '@/db/client';
import * as s from '@/db/schema';
import { audit } from '@/db/queries/audit';
import { refreshForecasts } from '@/db/queries/forecasts';
import { assertSameVersion } from '@/db/queries/versioning';
import type { ClinicActor } from './actor';
import { isPhysicianOfClinic } from '@/db/queries/clinics';

const editableColumns = [
  'mrn',
  'givenName',
  'familyName',
  'nameOrder',
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
 * What a corrected identity may not be: an MRN another patient of the clinic has (compared without case, as when
 * adding a patient), a date of birth in the future (the clinic's today) or after one of the patient's implants.
 */
function identityProblems(
  tx: Tx,
  clinicId: number,
  current: { id: number; mrn: string },
  input: UpdatePatientInput,
  now: number,
): Record<string, string> {
  const fields: Record<string, string> = {};
  if (input.mrn !== undefined && input.mrn !== current.mrn) {
    const other = tx
      .select({ id: s.patients.id })
      .from(s.patients)
      .where(
        and(
          eq(s.patients.clinicId, clinicId),
          ne(s.patients.id, current.id),
          sql`lower(${s.patients.mrn}) = lower(${input.mrn})`,
        ),
      )
      .get();
    if (other) fields.mrn = `MRN ${input.mrn} is already used by another patient of this clinic.`;
  }
  if (input.dateOfBirth !== undefined) {
    const clinic = tx.select({ timeZone: s.clinics.timeZone }).from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
    const firstImplant = tx
      .select({ implantedOn: s.pumps.implantedOn })
      .from(s.pumps)
      .where(eq(s.pumps.patientId, current.id))
      .orderBy(asc(s.pumps.implantedOn))
      .get();
    if (input.dateOfBirth > localDateOf(now, clinic?.timeZone ?? 'UTC'))
      fields.dateOfBirth = 'Date of birth cannot be in the future.';
    else if (firstImplant && input.dateOfBirth > firstImplant.implantedOn)
      fields.dateOfBirth = `Date of birth must be before the first implant (${firstImplant.implantedOn}).`;
  }
  return fields;
}

/**
 * Changes a patient's details and risk flags if nobody saved in between (409 otherwise). Risk flags and the backup
 * oral plan feed the forecast's alerts, so the stored forecasts of the patient's pumps are refreshed too.
 */
export function updatePatient(
  db: Db,
  actor: ClinicActor,
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
      if (!isPhysicianOfClinic(tx, actor.clinicId, input.managingPhysicianId))
        throw new ValidationError('Invalid input', {
          managingPhysicianId: 'Managing physician must be a physician of this clinic',
        });
    }
    const fields = identityProblems(tx, actor.clinicId, current, input, now);
    if (Object.keys(fields).length) throw new ValidationError('Invalid input', fields);

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
