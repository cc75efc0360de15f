/**
 * Physicians' orders for program changes. A dose change is a physician's order (reference.md G2: the program
 * records its prescriber; S55: a second experienced provider confirms reprogramming). An order is applied at once
 * ('now', which keeps the drug and concentration in the reservoir) or waits for the next refill ('next-refill'),
 * where the nurse applies it: the only way a new drug or concentration enters the record, since it enters the
 * pump only when the reservoir is emptied and refilled (B5). Every program version records who ordered it, who
 * entered it and who confirmed it.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Db } from '../client';
import { programValues, type ProgramSpec } from '../factories';
import * as s from '../schema';

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
