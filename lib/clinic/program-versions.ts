/**
 * Writing program versions: the one way a version is written (the active one superseded, the next inserted), an
 * order marked applied, and the program as the audit trail records it. Called inside a use case's transaction.
 */
import { eq } from 'drizzle-orm';
import { programValues, type ProgramSpec } from '@/db/factories';
import * as s from '@/db/schema';
import { type Tx } from './actor';

export interface NewProgramVersion {
  pumpId: number;
  active: Pick<s.DrugProgram, 'id' | 'versionNo'>;
  spec: ProgramSpec;
  effectiveAt: number;
  flowMlPerDay: number | null;
  /** The ordering physician (null only for records transcribed without an order). */
  prescriberId: string | null;
  enteredById: string;
  verifiedById: string | null;
  orderId: number | null;
}

/** Supersedes the active version and inserts the next one: the one way a program version is written. */
export function insertProgramVersion(tx: Tx, v: NewProgramVersion): s.DrugProgram {
  tx.update(s.drugPrograms)
    .set({ supersededAt: v.effectiveAt })
    .where(eq(s.drugPrograms.id, v.active.id))
    .run();
  return tx
    .insert(s.drugPrograms)
    .values({
      ...programValues(
        v.pumpId,
        v.active.versionNo + 1,
        { ...v.spec, prescriberId: v.prescriberId },
        v.effectiveAt,
        v.flowMlPerDay,
      ),
      createdById: v.enteredById,
      verifiedById: v.verifiedById,
      orderId: v.orderId,
    })
    .returning()
    .get();
}

/** The order is applied: it produced `programId`, entered by `byId` at `at`. */
export function markOrderApplied(
  tx: Tx,
  order: s.ProgramOrder,
  programId: number,
  at: number,
  byId: string,
): void {
  tx.update(s.programOrders)
    .set({
      status: 'applied',
      appliedProgramId: programId,
      appliedAt: at,
      appliedById: byId,
      version: order.version + 1,
    })
    .where(eq(s.programOrders.id, order.id))
    .run();
}

export function programSummary(p: s.DrugProgram) {
  return {
    id: p.id,
    versionNo: p.versionNo,
    drugId: p.drugId,
    concentrationNgPerMl: p.concentrationNgPerMl,
    mode: p.mode,
    doseNgPerDay: p.doseNgPerDay,
    flexSteps: p.flexSteps,
    periodicBoluses: p.periodicBoluses,
    patientBolusDoseNg: p.patientBolusDoseNg,
    patientBolusMaxPerDay: p.patientBolusMaxPerDay,
  };
}
