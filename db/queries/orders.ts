/**
 * Physicians' orders for program changes. A dose change is a physician's order (reference.md G2: the program
 * records its prescriber; S55: a second experienced provider confirms reprogramming). An order is applied at once
 * ('now', which keeps the drug and concentration in the reservoir) or waits for the next refill ('next-refill'),
 * where the nurse applies it: the only way a new drug or concentration enters the record, since it enters the
 * pump only when the reservoir is emptied and refilled (B5). Every program version records who ordered it, who
 * entered it and who confirmed it.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { changedReservoirField } from '@/lib/domain/dose-steps';
import { ConflictError, ValidationError } from '@/lib/errors';
import { formatConcentration } from '@/lib/format';
import type { Db } from '../client';
import { programValues, type ProgramSpec } from '../factories';
import * as s from '../schema';

type Tx = Pick<Db, 'select' | 'insert' | 'update'>;

export interface OrderDto {
  id: number;
  pumpId: number;
  status: s.ProgramOrder['status'];
  timing: s.ProgramOrder['timing'];
  drugId: number;
  drugName: string;
  drugProduct: string;
  doseUnit: 'mcg' | 'mg';
  concentrationMcgPerMl: number;
  mode: s.ProgramOrder['spec']['mode'];
  /** The ordered daily dose (flex: steps and periodic boluses; constant flow: flow × concentration). */
  dailyDoseMcg: number;
  spec: s.OrderedProgramSpec;
  reason: string;
  orderedByName: string;
  orderedAt: number;
  verifiedByName: string | null;
  appliedAt: number | null;
  appliedByName: string | null;
  cancelledAt: number | null;
  version: number;
}

/**
 * A program as staff enter it (an order's spec, or a change's body) as the factories write it: only the fields
 * its mode uses.
 */
export function specOf(
  input: s.OrderedProgramSpec,
  extra: Pick<ProgramSpec, 'reason' | 'prescriberId'> = {},
): ProgramSpec {
  return {
    drugId: input.drugId,
    concentrationMcgPerMl: input.concentrationMcgPerMl,
    mode: input.mode,
    doseMcgPerDay: input.mode === 'simple' ? (input.doseMcgPerDay ?? undefined) : undefined,
    flexSteps: input.mode === 'flex' ? (input.flexSteps ?? undefined) : undefined,
    periodicBoluses: input.mode === 'constant-flow' ? undefined : (input.periodicBoluses ?? undefined),
    patientBolus: input.mode === 'constant-flow' ? null : (input.patientBolus ?? null),
    ...extra,
  };
}

/** The program version an order describes. */
export function specOfOrder(order: Pick<s.ProgramOrder, 'spec' | 'reason'>): ProgramSpec {
  return specOf(order.spec, { reason: order.reason });
}

export function orderDto(
  row: s.ProgramOrder,
  drug: Pick<s.Drug, 'name' | 'product' | 'doseUnit'>,
  names: ReadonlyMap<string, string>,
  flowMlPerDay: number | null,
): OrderDto {
  const name = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  return {
    id: row.id,
    pumpId: row.pumpId,
    status: row.status,
    timing: row.timing,
    drugId: row.spec.drugId,
    drugName: drug.name,
    drugProduct: drug.product,
    doseUnit: drug.doseUnit,
    concentrationMcgPerMl: row.spec.concentrationMcgPerMl,
    mode: row.spec.mode,
    dailyDoseMcg: programValues(0, 0, specOfOrder(row), 0, flowMlPerDay).doseNgPerDay / 1000,
    spec: row.spec,
    reason: row.reason,
    orderedByName: name(row.orderedById) ?? 'Unknown',
    orderedAt: row.orderedAt,
    verifiedByName: name(row.verifiedById),
    appliedAt: row.appliedAt,
    appliedByName: name(row.appliedById),
    cancelledAt: row.cancelledAt,
    version: row.version,
  };
}

/** The orders of some pumps, newest first. */
export function ordersOf(
  db: Pick<Db, 'select'>,
  pumpIds: number[],
  names: ReadonlyMap<string, string>,
  status?: s.ProgramOrder['status'],
): OrderDto[] {
  if (pumpIds.length === 0) return [];
  const rows = db
    .select({ order: s.programOrders, drug: s.drugs, flowUlPerDay: s.pumps.flowUlPerDay })
    .from(s.programOrders)
    .innerJoin(s.pumps, eq(s.pumps.id, s.programOrders.pumpId))
    .innerJoin(s.drugs, eq(s.drugs.id, sql<number>`json_extract(${s.programOrders.spec}, '$.drugId')`))
    .where(
      and(
        inArray(s.programOrders.pumpId, pumpIds),
        status ? eq(s.programOrders.status, status) : undefined,
      ),
    )
    .orderBy(desc(s.programOrders.orderedAt), desc(s.programOrders.id))
    .all();
  return rows.map((r) =>
    orderDto(r.order, r.drug, names, r.flowUlPerDay == null ? null : r.flowUlPerDay / 1000),
  );
}

/** The pump's pending order for the next refill, if any (a new order cancels the one before). */
export function pendingOrderRow(db: Pick<Db, 'select'>, pumpId: number): s.ProgramOrder | undefined {
  return db
    .select()
    .from(s.programOrders)
    .where(and(eq(s.programOrders.pumpId, pumpId), eq(s.programOrders.status, 'pending')))
    .orderBy(desc(s.programOrders.id))
    .get();
}

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
      ...programValues(v.pumpId, v.active.versionNo + 1, { ...v.spec, prescriberId: v.prescriberId }, v.effectiveAt, v.flowMlPerDay),
      createdById: v.enteredById,
      verifiedById: v.verifiedById,
      orderId: v.orderId,
    })
    .returning()
    .get();
}

function fail(field: string, message: string): never {
  throw new ValidationError(message, { [field]: message });
}

/**
 * The order a nurse applies at a refill, checked against what was filled: it must still be the pump's pending
 * order (409 if it was withdrawn or replaced meanwhile), and the drug and concentration filled must be the ones
 * ordered, since the new program is computed for them.
 */
export function orderForRefill(
  db: Pick<Db, 'select'>,
  pumpId: number,
  applyOrderId: number | null | undefined,
  filled: { drug: Pick<s.Drug, 'id' | 'name' | 'product' | 'doseUnit'>; concentrationMcgPerMl: number },
): s.ProgramOrder | null {
  if (applyOrderId == null) return null;
  const pending = pendingOrderRow(db, pumpId);
  if (!pending || pending.id !== applyOrderId)
    throw new ConflictError(
      'The physician\'s order shown was withdrawn or replaced while you were recording the refill. Reload to see the current order.',
    );
  const ordered = db.select().from(s.drugs).where(eq(s.drugs.id, pending.spec.drugId)).get();
  if (!ordered) throw new Error(`Order ${pending.id} names drug ${pending.spec.drugId}, which does not exist`);
  if (ordered.name !== filled.drug.name)
    fail('drugId', `The order is for ${ordered.product} (${ordered.name}): fill that drug, or do not apply the order`);
  if (
    changedReservoirField(
      { drugId: filled.drug.id, concentrationMcgPerMl: pending.spec.concentrationMcgPerMl },
      { drugId: filled.drug.id, concentrationMcgPerMl: filled.concentrationMcgPerMl },
    )
  )
    fail(
      'concentrationMcgPerMl',
      `The order is for ${formatConcentration(pending.spec.concentrationMcgPerMl * 1000, ordered.doseUnit)}: fill that concentration, or do not apply the order`,
    );
  return pending;
}

/** The order is applied: it produced `programId`, entered by `byId` at `at`. */
export function markOrderApplied(tx: Tx, order: s.ProgramOrder, programId: number, at: number, byId: string): void {
  tx.update(s.programOrders)
    .set({ status: 'applied', appliedProgramId: programId, appliedAt: at, appliedById: byId, version: order.version + 1 })
    .where(eq(s.programOrders.id, order.id))
    .run();
}
