/**
 * Importing a clinic's spreadsheet: every row goes through the add-patient use case (createPatientWithPump) and,
 * when the file has one, the booking use case, inside ONE write transaction. A dry run is the same run rolled back,
 * so what it reports is exactly what the import would do; the import commits only when no row has a problem (all
 * or nothing), and writes one audit row for the import besides each patient's own.
 *
 * Re-importing the same file creates nothing twice: a row whose MRN is already a patient of this clinic with a
 * pump of the same model and serial is reported as already present and skipped.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import {
  importMappingSchema,
  prepareRows,
  problemsOfFields,
  type ImportCatalog,
  type ImportMapping,
  type ImportTable,
  type RowProblem,
} from '@/lib/import';
import { ValidationError } from '@/lib/errors';
import { writeTransaction, type Db, type Tx } from '@/db/client';
import { newPatientOptions } from '@/db/queries/patient-lookup';
import { audit } from '@/db/queries/audit';
import * as s from '@/db/schema';
import type { ClinicActor } from './actor';
import { bookAppointment } from './appointments';
import { createPatientWithPump } from './create-patient';

export type ImportRowStatus = 'create' | 'already-present' | 'problem';

export interface ImportRowReport {
  rowNumber: number;
  status: ImportRowStatus;
  summary: { mrn: string; name: string; pump: string; drug: string; lastRefill: string };
  /** After a committed import: the patient created and the pump's refill due date. */
  patientId: number | null;
  refillDueOn: string | null;
  problems: RowProblem[];
}

export interface ImportReport {
  committed: boolean;
  fileName: string;
  counts: { rows: number; create: number; alreadyPresent: number; problems: number };
  rows: ImportRowReport[];
}

/** The catalogue and the clinic's physicians, as the row builder matches them. */
export function importCatalog(db: Pick<Db, 'select'>, clinicId: number): ImportCatalog {
  const options = newPatientOptions(db, clinicId);
  return { models: options.models, drugs: options.drugs, physicians: options.physicians };
}

/** Raised inside the transaction to roll a dry run (or a run with problems) back; never leaves this module. */
class RollBack extends Error {
  constructor(readonly report: ImportReport) {
    super('rolled back');
  }
}

/**
 * A nested call of a use case inside this transaction: drizzle runs `tx.transaction()` as a SAVEPOINT, so a row
 * the use case refuses is undone alone while the others stay in the outer transaction. The use cases are typed
 * for the connection; the transaction handle has the same query API.
 */
const asDb = (tx: Tx) => tx as unknown as Db;

function existingPatient(tx: Tx, clinicId: number, mrn: string) {
  const patient = tx
    .select({ id: s.patients.id, givenName: s.patients.givenName, familyName: s.patients.familyName })
    .from(s.patients)
    .where(and(eq(s.patients.clinicId, clinicId), sql`lower(${s.patients.mrn}) = lower(${mrn})`))
    .get();
  if (!patient) return null;
  const pumps = tx
    .select({ modelId: s.pumps.modelId, serial: s.pumps.serial })
    .from(s.pumps)
    .where(eq(s.pumps.patientId, patient.id))
    .orderBy(asc(s.pumps.id))
    .all();
  return { ...patient, pumps };
}

export function runImport(
  db: Db,
  actor: ClinicActor,
  file: { name: string; table: ImportTable },
  mapping: ImportMapping,
  options: { commit: boolean },
  now: number,
): ImportReport {
  const catalog = importCatalog(db, actor.clinicId);
  const prepared = prepareRows(file.table, mapping, catalog);
  const sourceOf = (rowNumber: number) => file.table.rows.find((r) => r.rowNumber === rowNumber)!;
  try {
    return writeTransaction(db, (tx) => {
      const rows: ImportRowReport[] = prepared.map((row) => {
        const report: ImportRowReport = {
          rowNumber: row.rowNumber,
          status: 'problem',
          summary: row.summary,
          patientId: null,
          refillDueOn: null,
          problems: [...row.problems],
        };
        const input = row.input;
        if (!input) return report;
        const existing = existingPatient(tx, actor.clinicId, input.patient.mrn);
        if (existing) {
          const samePump = existing.pumps.some(
            (p) =>
              p.modelId === input.pump.modelId &&
              p.serial.toLowerCase() === input.pump.serial.trim().toLowerCase(),
          );
          if (samePump) return { ...report, status: 'already-present', patientId: existing.id };
          report.problems.push(
            ...problemsOfFields(sourceOf(row.rowNumber), file.table, mapping, {
              'patient.mrn': `MRN ${input.patient.mrn} is already ${existing.familyName}, ${existing.givenName}, with ${existing.pumps.length ? `pump serial ${existing.pumps.map((p) => p.serial).join(', ')}` : 'no pump'}: a different pump is not imported onto an existing patient (replace the pump on the patient's page)`,
            }),
          );
          return report;
        }
        try {
          const created = asDb(tx).transaction((rowTx) => {
            const result = createPatientWithPump(asDb(rowTx), actor, input, now);
            if (row.nextAppointment)
              try {
                bookAppointment(
                  asDb(rowTx),
                  actor,
                  { pumpId: result.pumpId, ...row.nextAppointment, type: 'refill', notes: 'Imported' },
                  now,
                );
              } catch (error) {
                if (error instanceof ValidationError)
                  throw new ValidationError(error.message, {
                    appointment: Object.values(error.fields).join(' ') || error.message,
                  });
                throw error;
              }
            return result;
          });
          const due = tx
            .select({ refillDueOn: s.pumpForecasts.refillDueOn })
            .from(s.pumpForecasts)
            .where(eq(s.pumpForecasts.pumpId, created.pumpId))
            .get();
          return {
            ...report,
            status: 'create',
            patientId: created.patientId,
            refillDueOn: due?.refillDueOn ?? null,
          };
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          const fields = Object.keys(error.fields).length ? error.fields : { '(row)': error.message };
          report.problems.push(...problemsOfFields(sourceOf(row.rowNumber), file.table, mapping, fields));
          return report;
        }
      });
      const counts = {
        rows: rows.length,
        create: rows.filter((r) => r.status === 'create').length,
        alreadyPresent: rows.filter((r) => r.status === 'already-present').length,
        problems: rows.filter((r) => r.status === 'problem').length,
      };
      const report: ImportReport = { committed: false, fileName: file.name, counts, rows };
      if (!options.commit || counts.problems > 0) throw new RollBack(report);
      audit(tx, actor, 'create', 'patient-import', null, null, {
        fileName: file.name,
        counts,
        mapping,
        patientIds: rows.filter((r) => r.status === 'create').map((r) => r.patientId),
      });
      return { ...report, committed: true };
    });
  } catch (error) {
    if (error instanceof RollBack) return error.report;
    throw error;
  }
}

/** The clinic's saved mapping: the one of its last import, or one saved on its own (both audited). */
export function savedMapping(db: Pick<Db, 'select'>, clinicId: number): ImportMapping | null {
  const row = db
    .select({ after: s.auditLog.after })
    .from(s.auditLog)
    .where(
      and(
        eq(s.auditLog.clinicId, clinicId),
        sql`${s.auditLog.entity} in ('patient-import', 'import-mapping')`,
      ),
    )
    .orderBy(desc(s.auditLog.at), desc(s.auditLog.id))
    .get();
  const parsed = importMappingSchema.safeParse((row?.after as { mapping?: unknown } | null)?.mapping);
  return parsed.success ? parsed.data : null;
}

export function saveMapping(db: Db, actor: ClinicActor, mapping: ImportMapping): void {
  writeTransaction(db, (tx) => audit(tx, actor, 'update', 'import-mapping', null, null, { mapping }));
}
