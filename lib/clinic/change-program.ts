/**
 * A physician's program change (an order applied now, or waiting for the next refill) and the withdrawal of a
 * pending order: each in one transaction with its audit rows, against the version the physician read (409).
 */
import { and, eq, isNull } from 'drizzle-orm';
import { type ConfirmedPerson } from '@/lib/auth/second-person';
import { fmtNumber } from '@/lib/domain/alerts';
import { localDateOf } from '@/lib/domain/calendar';
import { assessDoseChangeOver24h, changedReservoirField } from '@/lib/domain/dose-steps';
import { assessDoseChange } from '@/lib/domain/refill';
import { type Alert } from '@/lib/domain/types';
import { formatConcentration } from '@/lib/format';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { forecastJson } from '@/db/queries/dtos';
import { type ChangeProgramInput } from '@/lib/validation/program';
import { writeTransaction, type Db } from '@/db/client';
import { programValues, type ProgramSpec } from '@/db/factories';
import * as s from '@/db/schema';
import { audit } from '@/db/queries/audit';
import { computeForecasts, loadForecastContexts, refreshForecasts } from '@/db/queries/forecasts';
import { orderDto, specOf, type OrderDto } from '@/db/queries/orders';
import { insertProgramVersion, programSummary } from './program-versions';
import { programDto, staffNamesOf, type ProgramDto } from '@/db/queries/dtos';
import { pumpInClinic } from '@/db/queries/pumps';
import { asValidationError } from './field-errors';
import { assertSameVersion } from '@/db/queries/versioning';
import { doseHistory } from '@/db/queries/programs';
import { fail } from './field-errors';
import type { ClinicActor } from './actor';

/** The programmed daily dose of a spec (mcg/day), as stored. */
function dailyDoseMcg(spec: ProgramSpec, flowMlPerDay: number | null): number {
  return programValues(0, 0, spec, 0, flowMlPerDay).doseNgPerDay / 1000;
}

/** The spec as an order stores it (the units staff enter). */
function orderedSpec(spec: ProgramSpec): s.OrderedProgramSpec {
  return {
    drugId: spec.drugId,
    concentrationMcgPerMl: spec.concentrationMcgPerMl,
    mode: spec.mode,
    doseMcgPerDay: spec.doseMcgPerDay ?? null,
    flexSteps: spec.flexSteps ?? null,
    periodicBoluses: spec.periodicBoluses ?? null,
    patientBolus: spec.patientBolus ?? null,
  };
}

export interface ChangedProgram {
  /** The new version, when the order applied now; null for an order waiting for the next refill. */
  program: ProgramDto | null;
  order: OrderDto;
  doseChange: {
    changePct: number | null;
    limitPct: number;
    exceedsUsualStep: boolean;
    alert: Alert | null;
    baselineMcgPerDay: number | null;
  };
  drugChanged: boolean;
  forecast: ReturnType<typeof forecastJson>;
  previousDueOn: string;
}

/**
 * A physician's order. 'now': a new version effective at once, which keeps the drug and concentration in the
 * reservoir (a different one is refused: it enters the pump only at a refill, with its bridge bolus, B5).
 * 'next-refill': a pending order the nurse applies at the refill; it replaces any pending order before it.
 * Either way the active version must still be `expectedVersionNo` (409 otherwise), the dose step is judged over
 * the rolling 24 hours (E7 titration) or against the usual step at a refill, and a step beyond it, or a change
 * of drug, needs a second experienced person confirmed by their own password (`secondPerson`, checked by the
 * caller with confirmSecondPerson before the transaction).
 */
export function changeProgram(
  db: Db,
  actor: ClinicActor,
  pumpId: number,
  input: ChangeProgramInput,
  now: number,
  secondPerson: ConfirmedPerson | null = null,
): ChangedProgram {
  return writeTransaction(db, (tx) => {
    if (!actor.prescribes)
      throw new ForbiddenError("A program change is a physician's order: only a physician can order it.");
    const pump = pumpInClinic(tx, actor.clinicId, pumpId);
    if (pump.status !== 'active')
      throw new ValidationError('This pump is explanted: its program cannot be changed.', {
        '(body)': 'Pump is explanted',
      });
    const active = tx
      .select()
      .from(s.drugPrograms)
      .where(and(eq(s.drugPrograms.pumpId, pumpId), isNull(s.drugPrograms.supersededAt)))
      .get();
    if (!active)
      throw new ValidationError('This pump has no active program.', { '(body)': 'No active program' });
    assertSameVersion('drug program', input.expectedVersionNo, active.versionNo);
    const [context] = loadForecastContexts(tx, { pumpIds: [pumpId] }, now);
    if (!context)
      throw new ValidationError('This pump has no fill recorded: its program cannot be changed.', {
        '(body)': 'No fill recorded',
      });

    const model = tx
      .select({ kind: s.pumpModels.kind })
      .from(s.pumpModels)
      .where(eq(s.pumpModels.id, pump.modelId))
      .get()!;
    if (model.kind === 'constant-flow' && input.mode !== 'constant-flow')
      fail('mode', 'Mode must be constant-flow for a constant-flow pump');
    if (model.kind === 'programmable' && input.mode === 'constant-flow')
      fail('mode', 'Constant-flow mode needs a constant-flow pump: choose simple or flex');
    const drug = tx.select().from(s.drugs).where(eq(s.drugs.id, input.drugId)).get();
    if (!drug) fail('drugId', 'Drug must be chosen from the list');
    if (!drug.concentrationsNgPerMl.includes(Math.round(input.concentrationMcgPerMl * 1000)))
      fail(
        'concentrationMcgPerMl',
        `Concentration must be one of ${drug.concentrationsNgPerMl.map((c) => c / 1000).join(', ')} mcg/mL for ${drug.product}`,
      );
    const current = context.drug;
    const currentConcentration = active.concentrationNgPerMl / 1000;
    const drugChanged = drug.name !== current.name;
    const reservoirChange = changedReservoirField(
      { drugId: active.drugId, concentrationMcgPerMl: currentConcentration },
      { drugId: drug.id, concentrationMcgPerMl: input.concentrationMcgPerMl },
    );
    if (input.timing === 'now' && reservoirChange)
      fail(
        reservoirChange,
        reservoirChange === 'drugId'
          ? `The reservoir holds ${current.product} (${current.name}): a program change outside a refill keeps it. Order the new drug for the next refill, where the nurse records it as a refill.`
          : `The reservoir holds ${formatConcentration(active.concentrationNgPerMl, current.doseUnit)}: a program change outside a refill keeps the concentration. Order the new concentration for the next refill, where the nurse records it as a refill with its bridge bolus.`,
      );

    const flowMl = pump.flowUlPerDay == null ? null : pump.flowUlPerDay / 1000;
    const patient = tx
      .select({ origin: s.patients.spasticityOrigin })
      .from(s.patients)
      .where(eq(s.patients.id, pump.patientId))
      .get()!;
    const spec = specOf(input, { reason: input.reason, prescriberId: actor.id });
    const newDose = dailyDoseMcg(spec, flowMl);
    if (newDose <= 0)
      fail(input.mode === 'flex' ? 'flexSteps' : 'doseMcgPerDay', 'The program must deliver some drug');
    // A change takes effect 1 ms after the last version or fill when it falls in the same millisecond.
    const effectiveAt = Math.max(now, active.effectiveAt + 1, context.lastVisit.performedAt + 1);
    const doseChange =
      input.timing === 'now'
        ? assessDoseChangeOver24h(doseHistory(tx, pumpId), newDose, patient.origin, effectiveAt)
        : drugChanged
          ? null
          : {
              ...assessDoseChange(active.doseNgPerDay / 1000, newDose, patient.origin, 'refill'),
              baselineMcgPerDay: active.doseNgPerDay / 1000,
            };
    if ((doseChange?.exceedsUsualStep || drugChanged) && !secondPerson)
      fail(
        'secondPerson',
        drugChanged
          ? 'A change of drug must be confirmed by a second experienced person (S55): they confirm with their own password'
          : doseChange &&
              input.timing === 'now' &&
              doseChange.baselineMcgPerDay !== active.doseNgPerDay / 1000
            ? `The dose change is beyond the usual step over 24 hours (E7: from ${fmtNumber(doseChange.baselineMcgPerDay)} mcg/day within the last 24 h): a second experienced person must confirm it with their own password`
            : 'The dose change is beyond the usual step (E7): a second experienced person must confirm it with their own password',
      );

    const [before] = computeForecasts([context]);
    const names = staffNamesOf(tx, actor.clinicId);
    // Orders placed for the next refill before this one no longer stand: the latest order is the physician's intent.
    const pending = tx
      .select()
      .from(s.programOrders)
      .where(and(eq(s.programOrders.pumpId, pumpId), eq(s.programOrders.status, 'pending')))
      .all();
    for (const p of pending) {
      tx.update(s.programOrders)
        .set({ status: 'cancelled', cancelledAt: now, cancelledById: actor.id, version: p.version + 1 })
        .where(eq(s.programOrders.id, p.id))
        .run();
      audit(
        tx,
        actor,
        'update',
        'program_order',
        p.id,
        { status: 'pending' },
        { status: 'cancelled', supersededByNewOrder: true },
      );
    }
    const order = tx
      .insert(s.programOrders)
      .values({
        pumpId,
        status: input.timing === 'now' ? 'applied' : 'pending',
        timing: input.timing,
        spec: orderedSpec(spec),
        reason: input.reason,
        baseProgramId: active.id,
        orderedById: actor.id,
        orderedAt: now,
        verifiedById: secondPerson?.id ?? null,
        appliedAt: input.timing === 'now' ? effectiveAt : null,
        appliedById: input.timing === 'now' ? actor.id : null,
      })
      .returning()
      .get();
    const doseChangePct = doseChange?.changePct ?? null;
    audit(tx, actor, 'create', 'program_order', order.id, null, {
      pumpId,
      timing: order.timing,
      spec: order.spec,
      reason: input.reason,
      orderedById: actor.id,
      verifiedById: secondPerson?.id ?? null,
      doseChangePct,
      baselineMcgPerDay: doseChange?.baselineMcgPerDay ?? null,
    });

    let created: s.DrugProgram | null = null;
    if (input.timing === 'now') {
      created = insertProgramVersion(tx, {
        pumpId,
        active,
        spec,
        effectiveAt,
        flowMlPerDay: flowMl,
        prescriberId: actor.id,
        enteredById: actor.id,
        verifiedById: secondPerson?.id ?? null,
        orderId: order.id,
      });
      tx.update(s.programOrders)
        .set({ appliedProgramId: created.id })
        .where(eq(s.programOrders.id, order.id))
        .run();
      audit(tx, actor, 'create', 'drug_program', created.id, programSummary(active), {
        ...programSummary(created),
        reason: input.reason,
        orderId: order.id,
        orderedById: actor.id,
        enteredById: actor.id,
        secondPersonId: secondPerson?.id ?? null,
        doseChangePct,
      });
      try {
        refreshForecasts(tx, { pumpIds: [pumpId] }, now);
      } catch (error) {
        asValidationError(error);
      }
    }
    const [after] = computeForecasts(loadForecastContexts(tx, { pumpIds: [pumpId] }, now));
    if (!after) throw new Error(`Pump ${pumpId} has no forecast after its program change`);
    const tz = context.input.clinic.timeZone;
    const savedOrder = tx.select().from(s.programOrders).where(eq(s.programOrders.id, order.id)).get()!;
    return {
      program: created ? programDto(created, drug, names) : null,
      order: orderDto(savedOrder, drug, names, flowMl),
      doseChange: {
        changePct: doseChangePct,
        limitPct: doseChange?.limitPct ?? 0,
        exceedsUsualStep: doseChange?.exceedsUsualStep ?? false,
        alert: doseChange?.alert ?? null,
        baselineMcgPerDay: doseChange?.baselineMcgPerDay ?? null,
      },
      drugChanged,
      forecast: forecastJson(after.forecast, tz),
      previousDueOn: before?.forecast.refillDueOn ?? localDateOf(now, tz),
    };
  });
}

/** A physician withdraws an order still waiting for the refill. */
export function cancelOrder(
  db: Db,
  actor: ClinicActor,
  pumpId: number,
  orderId: number,
  now: number,
): OrderDto {
  return writeTransaction(db, (tx) => {
    if (!actor.prescribes) throw new ForbiddenError('Only a physician can withdraw an order.');
    const pump = pumpInClinic(tx, actor.clinicId, pumpId);
    const order = tx
      .select()
      .from(s.programOrders)
      .where(and(eq(s.programOrders.id, orderId), eq(s.programOrders.pumpId, pumpId)))
      .get();
    if (!order) throw new NotFoundError('No such order.');
    if (order.status !== 'pending')
      throw new ConflictError(`This order is already ${order.status}: it can no longer be withdrawn.`);
    const updated = tx
      .update(s.programOrders)
      .set({ status: 'cancelled', cancelledAt: now, cancelledById: actor.id, version: order.version + 1 })
      .where(eq(s.programOrders.id, order.id))
      .returning()
      .get();
    audit(tx, actor, 'update', 'program_order', order.id, { status: 'pending' }, { status: 'cancelled' });
    const drug = tx.select().from(s.drugs).where(eq(s.drugs.id, order.spec.drugId)).get()!;
    return orderDto(
      updated,
      drug,
      staffNamesOf(tx, actor.clinicId),
      pump.flowUlPerDay == null ? null : pump.flowUlPerDay / 1000,
    );
  });
}
