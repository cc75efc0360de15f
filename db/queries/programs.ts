/**
 * Drug programs: the versions of a pump, the context of the program-change form (with the what-if forecast
 * request the preview sends to POST /api/v1/forecast), and a physician's change: a new version that supersedes
 * the active one, only if the active one is still the version the physician read (409 otherwise).
 */
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { ConfirmedPerson } from '@/lib/auth/second-person';
import { fmtNumber } from '@/lib/domain/alerts';
import { formatInstantIso, localDateOf } from '@/lib/domain/calendar';
import { assessDoseChangeOver24h, changedReservoirField, type DoseInEffect } from '@/lib/domain/dose-steps';
import {
  DEFAULT_DISCREPANCY_FLOOR_ML,
  DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
  DEFAULT_DISCREPANCY_LIMIT_SMALL_ML,
  DEFAULT_STABILITY_BUFFER_DAYS,
} from '@/lib/domain/policy';
import { assessDoseChange } from '@/lib/domain/refill';
import type { Alert } from '@/lib/domain/types';
import { formatConcentration } from '@/lib/format';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { forecastJson } from '@/lib/server/forecast-json';
import type { ForecastRequest } from '@/lib/validation/forecast';
import type { ChangeProgramInput } from '@/lib/validation/program';
import { writeTransaction, type Db } from '../client';
import { programValues, type ProgramSpec } from '../factories';
import * as s from '../schema';
import { drugOption } from './drugs';
import { audit, type Actor } from './audit';
import {
  computeForecasts,
  loadForecastContexts,
  refreshForecasts,
  type PumpForecastContext,
} from './forecasts';
import { insertProgramVersion, orderDto, ordersOf, specOf, type OrderDto } from './orders';
import { programDto, staffNamesOf, verifierOptions, type ProgramDto, type StaffOption } from './patients';
import { pumpInClinic } from './pumps';
import { asValidationError, programSummary, type DrugOption } from './refills';
import { assertSameVersion } from './versioning';

function fail(field: string, message: string): never {
  throw new ValidationError(message, { [field]: message });
}

/** Every version of a pump's program, newest first. */
export function listPrograms(db: Db, clinicId: number, pumpId: number): ProgramDto[] {
  pumpInClinic(db, clinicId, pumpId);
  const names = staffNamesOf(db, clinicId);
  const drugs = new Map(
    db
      .select()
      .from(s.drugs)
      .all()
      .map((d) => [d.id, d]),
  );
  return db
    .select()
    .from(s.drugPrograms)
    .where(eq(s.drugPrograms.pumpId, pumpId))
    .orderBy(desc(s.drugPrograms.versionNo))
    .all()
    .map((p) =>
      programDto(p, drugs.get(p.drugId) ?? { name: '?', product: '?', doseUnit: 'mcg' }, names),
    );
}

/** The forecast engine's input as the JSON request of POST /api/v1/forecast (instants as ISO with offset). */
export function forecastRequestOf(input: PumpForecastContext['input']): Omit<
  ForecastRequest,
  'now' | 'lastRefill' | 'programs' | 'nextAppointmentAt'
> & {
  now: string;
  lastRefill: { at: string; volumeMl: number };
  programs: (Omit<ForecastRequest['programs'][number], 'from'> & { from: string })[];
  nextAppointmentAt: string | null;
} {
  const tz = input.clinic.timeZone;
  const iso = (at: number) => formatInstantIso(at, tz);
  return {
    now: iso(input.now),
    clinic: {
      timeZone: tz,
      bufferDays: input.clinic.bufferDays,
      dueSoonDays: input.clinic.dueSoonDays,
      clinicWeekdays: input.clinic.clinicWeekdays,
      holidays: input.clinic.holidays,
      accuracyPct: input.clinic.accuracyPct ?? 15,
      discrepancyFloorMl: input.clinic.discrepancyFloorMl ?? DEFAULT_DISCREPANCY_FLOOR_ML,
      discrepancyLimitSmallMl: input.clinic.discrepancyLimitSmallMl ?? DEFAULT_DISCREPANCY_LIMIT_SMALL_ML,
      discrepancyLimitLargeMl: input.clinic.discrepancyLimitLargeMl ?? DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
      stabilityBufferDays: input.clinic.stabilityBufferDays ?? DEFAULT_STABILITY_BUFFER_DAYS,
    },
    pump: {
      kind: input.pump.kind,
      reservoirMl: input.pump.reservoirMl,
      alarmMl: input.pump.alarmMl,
      flowMlPerDay: input.pump.flowMlPerDay,
      implantedOn: input.pump.implantedOn ?? null,
      maxServiceYears: input.pump.maxServiceYears ?? null,
      eriRecordedOn: input.pump.eriRecordedOn ?? null,
      labeledDrugs: input.pump.labeledDrugs ? [...input.pump.labeledDrugs] : null,
    },
    lastRefill: { at: iso(input.lastRefill.at), volumeMl: input.lastRefill.volumeMl },
    drug: {
      name: input.drug.name,
      stabilityDays: input.drug.stabilityDays,
      usualMaxDoseMcgPerDay: input.drug.usualMaxDoseMcgPerDay ?? null,
    },
    programs: input.programs.map((p) => ({
      from: iso(p.from),
      concentrationMcgPerMl: p.concentrationMcgPerMl,
      mode: p.mode,
      doseMcgPerDay: p.doseMcgPerDay,
      steps: p.steps,
      periodicBoluses: p.periodicBoluses,
      patientBolus: p.patientBolus ?? null,
    })),
    nextAppointmentAt: input.nextAppointmentAt == null ? null : iso(input.nextAppointmentAt),
    highRisk: input.highRisk,
    hasBackupOralPlan: input.hasBackupOralPlan,
  };
}

export interface ProgramFormContext {
  now: number;
  timeZone: string;
  patient: { id: number; name: string; mrn: string; spasticityOrigin: s.Patient['spasticityOrigin'] };
  pump: {
    id: number;
    label: string;
    serial: string;
    kind: s.PumpModel['kind'];
    reservoirMl: number;
    alarmMl: number;
    flowMlPerDay: number | null;
  };
  program: ProgramDto;
  /** Every version as doses in effect: the live E7 check judges the step over the rolling 24 hours. */
  doseHistory: DoseInEffect[];
  /** The order waiting for the next refill, if any. */
  pendingOrder: OrderDto | null;
  drugs: DrugOption[];
  /** The current state, ready for POST /api/v1/forecast; the preview appends the new version from "now". */
  forecastRequest: ReturnType<typeof forecastRequestOf>;
  current: ReturnType<typeof forecastJson>;
  verifiers: StaffOption[];
}

export function programFormContext(
  db: Db,
  clinicId: number,
  pumpId: number,
  now: number,
): ProgramFormContext {
  const pump = pumpInClinic(db, clinicId, pumpId);
  const [result] = computeForecasts(loadForecastContexts(db, { pumpIds: [pumpId] }, now));
  if (!result)
    throw new ValidationError(
      'This pump has no fill or program recorded, or it is explanted: its program cannot be changed.',
      { '(body)': 'Pump is not active' },
    );
  const { context, forecast } = result;
  const model = db.select().from(s.pumpModels).where(eq(s.pumpModels.id, pump.modelId)).get()!;
  const patient = db.select().from(s.patients).where(eq(s.patients.id, pump.patientId)).get()!;
  const names = staffNamesOf(db, clinicId);
  const flowMlPerDay = pump.flowUlPerDay == null ? null : pump.flowUlPerDay / 1000;
  return {
    now,
    timeZone: context.input.clinic.timeZone,
    patient: {
      id: patient.id,
      name: `${patient.familyName}, ${patient.givenName}`,
      mrn: patient.mrn,
      spasticityOrigin: patient.spasticityOrigin,
    },
    pump: {
      id: pump.id,
      label: `${model.manufacturer} ${model.name} ${model.modelNumber}`,
      serial: pump.serial,
      kind: model.kind,
      reservoirMl: pump.reservoirUl / 1000,
      alarmMl: pump.alarmUl / 1000,
      flowMlPerDay,
    },
    program: programDto(context.activeProgram, context.drug, names),
    doseHistory: doseHistory(db, pumpId),
    pendingOrder: ordersOf(db, [pumpId], names, 'pending')[0] ?? null,
    drugs: db
      .select()
      .from(s.drugs)
      .orderBy(asc(s.drugs.id))
      .all()
      .map(drugOption),
    forecastRequest: forecastRequestOf(context.input),
    current: forecastJson(forecast, context.input.clinic.timeZone),
    verifiers: verifierOptions(db, clinicId),
  };
}

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

/** Every version of a pump's program as doses in effect, for the 24-hour step rule (E7). */
export function doseHistory(db: Pick<Db, 'select'>, pumpId: number): DoseInEffect[] {
  return db
    .select({
      effectiveAt: s.drugPrograms.effectiveAt,
      supersededAt: s.drugPrograms.supersededAt,
      doseNgPerDay: s.drugPrograms.doseNgPerDay,
    })
    .from(s.drugPrograms)
    .where(eq(s.drugPrograms.pumpId, pumpId))
    .all()
    .map((v) => ({ effectiveAt: v.effectiveAt, supersededAt: v.supersededAt, doseMcgPerDay: v.doseNgPerDay / 1000 }));
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
  actor: Actor & { role: s.StaffRole },
  pumpId: number,
  input: ChangeProgramInput,
  now: number,
  secondPerson: ConfirmedPerson | null = null,
): ChangedProgram {
  return writeTransaction(db, (tx) => {
    if (actor.role !== 'physician')
      throw new ForbiddenError('A program change is a physician\'s order: only a physician can order it.');
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
          : { ...assessDoseChange(active.doseNgPerDay / 1000, newDose, patient.origin, 'refill'), baselineMcgPerDay: active.doseNgPerDay / 1000 };
    if ((doseChange?.exceedsUsualStep || drugChanged) && !secondPerson)
      fail(
        'secondPerson',
        drugChanged
          ? 'A change of drug must be confirmed by a second experienced person (S55): they confirm with their own password'
          : doseChange && input.timing === 'now' && doseChange.baselineMcgPerDay !== active.doseNgPerDay / 1000
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
      audit(tx, actor, 'update', 'program_order', p.id, { status: 'pending' }, { status: 'cancelled', supersededByNewOrder: true });
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
  actor: Actor & { role: s.StaffRole },
  pumpId: number,
  orderId: number,
  now: number,
): OrderDto {
  return writeTransaction(db, (tx) => {
    if (actor.role !== 'physician') throw new ForbiddenError('Only a physician can withdraw an order.');
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
    const drug = tx
      .select()
      .from(s.drugs)
      .where(eq(s.drugs.id, order.spec.drugId))
      .get()!;
    return orderDto(updated, drug, staffNamesOf(tx, actor.clinicId), pump.flowUlPerDay == null ? null : pump.flowUlPerDay / 1000);
  });
}
