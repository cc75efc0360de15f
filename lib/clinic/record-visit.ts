/**
 * Recording a refill visit whole or not at all: the visit, the new program version when the dose, drug or
 * concentration changed (a physician's order applied, or a physician refilling), the appointments it replaces,
 * the audit rows and the stored forecast, in ONE write transaction. Everything is checked before anything is
 * written. The residual check is the domain's (lib/domain/refill.ts): the server recomputes the expected residual,
 * the discrepancy and its flag, whatever a client sent.
 */
import { eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '@/db/client';
import { programValues, type ProgramSpec } from '@/db/factories';
import { audit } from '@/db/queries/audit';
import { forecastJson, visitDtos } from '@/db/queries/dtos';
import { computeForecasts, loadForecastContexts, refreshForecasts } from '@/db/queries/forecasts';
import { pendingOrderRow, specOfOrder } from '@/db/queries/orders';
import { pumpInClinic } from '@/db/queries/pumps';
import {
  bookedAppointmentsSince,
  deadSpaceMl,
  forecastContextForRefill,
  nextRefillSlots,
  type RecordedVisit,
} from '@/db/queries/refills';
import * as s from '@/db/schema';
import type { ConfirmedPerson } from '@/lib/auth/second-person';
import { formatInstantIso, localDateOf } from '@/lib/domain/calendar';
import { CLOCK_TOLERANCE_MS, visitAfterLastFillProblem } from '@/lib/domain/clock';
import {
  appointmentsReplacedByRefill,
  assessRefillVisit,
  reservoirAfterRefillMl,
  type RefillAssessment,
  type ReplacedAppointmentAction,
} from '@/lib/domain/refill';
import { fillVolumeProblem } from '@/lib/domain/volumes';
import { FILL_WARN_MARGIN_ML, type RecordVisitInput } from '@/lib/validation/refill';
import { type ClinicActor, type Tx } from './actor';
import { reviseAppointment } from './appointments';
import { asValidationError, fail } from './field-errors';
import { insertProgramVersion, markOrderApplied, programSummary } from './program-versions';
import { changedReservoirField } from '@/lib/domain/dose-steps';
import { ConflictError } from '@/lib/errors';
import { formatConcentration } from '@/lib/format';

export type { RecordedVisit };

const ul = (ml: number) => Math.round(ml * 1000);
const ng = (mcg: number) => Math.round(mcg * 1000);
const round2 = (ml: number) => Math.round(ml * 100) / 100;

/**
 * Records a refill visit: validate → load → apply the clinical rules → write → audit → shape the answer.
 * `secondPerson` is the second person already confirmed by their own password (confirmSecondPerson).
 */
export function recordVisit(
  db: Db,
  actor: ClinicActor,
  pumpId: number,
  input: RecordVisitInput,
  now: number,
  secondPerson: ConfirmedPerson | null = null,
): RecordedVisit {
  return writeTransaction(db, (tx) => {
    // Load and validate: nothing is written until every check has passed.
    const loaded = loadRefill(tx, actor, pumpId, input, now);
    checkVisitTime(loaded, now);
    const filled = drugAndOrderFilled(tx, loaded, input);
    checkFill(loaded, filled, input, actor);

    // The clinical rules (lib/domain): the program after the refill, the residual check, the confirmations.
    const program = programAfterRefill(loaded, filled, input, actor);
    const assessment = assessVisit(loaded, program, input);
    requireConfirmations(assessment, input, filled.order, secondPerson);
    const changed = programChanged(loaded, filled, program, assessment);
    const reservoirAfterMl = reservoirAfter(input, assessment);
    const toClose = appointmentsToClose(tx, loaded, input);

    // Write and audit.
    const visit = insertVisit(
      tx,
      actor,
      loaded,
      filled,
      changed,
      assessment,
      reservoirAfterMl,
      input,
      secondPerson,
    );
    const newProgram = changed
      ? writeProgramChange(tx, actor, loaded, filled, program, input, visit, secondPerson)
      : null;
    const appointments = closeReplacedAppointments(tx, actor, loaded, toClose, visit.id, now);
    auditVisit(tx, actor, loaded, filled, visit, assessment, input, appointments);

    // The answer: the new forecast and the slots to book the next refill before the patient leaves.
    return visitResponse(
      tx,
      actor,
      loaded,
      filled,
      visit,
      newProgram,
      changed,
      assessment,
      appointments,
      toClose.previousDueOn,
      input,
    );
  });
}

// ---- Load: the pump, its forecast state and the patient ----

type Loaded = ReturnType<typeof loadRefill>;
type Filled = { drug: s.Drug; order: s.ProgramOrder | null };

function loadRefill(tx: Tx, actor: ClinicActor, pumpId: number, input: RecordVisitInput, now: number) {
  const pump = pumpInClinic(tx, actor.clinicId, pumpId);
  if (pump.status !== 'active') fail('(body)', 'This pump is explanted: a refill cannot be recorded.');
  const context = forecastContextForRefill(tx, pumpId, now);
  const timeZone = context.input.clinic.timeZone;
  const patient = tx
    .select({ id: s.patients.id, spasticityOrigin: s.patients.spasticityOrigin })
    .from(s.patients)
    .where(eq(s.patients.id, pump.patientId))
    .get()!;
  const performedAt = input.performedAt ?? now;
  return {
    pumpId,
    pump,
    context,
    active: context.activeProgram,
    timeZone,
    patient,
    performedAt,
    visitDate: localDateOf(performedAt, timeZone),
    // The forecasts run at the later of now and the visit time: a forecast "now" before the fill it starts from is
    // refused by the engine, which refused every visit typed from a tablet whose clock ran a few minutes ahead.
    forecastAt: Math.max(now, performedAt),
    reservoirMl: pump.reservoirUl / 1000,
    alarmMl: pump.alarmUl / 1000,
    flowMl: pump.flowUlPerDay != null ? pump.flowUlPerDay / 1000 : null,
  };
}

// ---- Validate: checks that need the database, each naming its field ----

function checkVisitTime(loaded: Loaded, now: number): void {
  // 5 minutes of clock difference between the tablet and the server are tolerated.
  if (loaded.performedAt > now + CLOCK_TOLERANCE_MS)
    fail('performedAt', 'Visit time cannot be in the future');
  const problem = visitAfterLastFillProblem(
    loaded.performedAt,
    loaded.context.lastVisit.performedAt,
    now,
    loaded.timeZone,
  );
  if (problem) fail('performedAt', problem);
}

/** The product filled, and the physician's order applied with it: the one way a new drug, concentration or dose comes in. */
function drugAndOrderFilled(tx: Tx, loaded: Loaded, input: RecordVisitInput): Filled {
  const drug = tx.select().from(s.drugs).where(eq(s.drugs.id, input.drugId)).get();
  if (!drug) fail('drugId', 'Drug product must be chosen from the list');
  const order = orderForRefill(tx, loaded.pumpId, input.applyOrderId, {
    drug,
    concentrationMcgPerMl: input.concentrationMcgPerMl,
  });
  return { drug, order };
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
      "The physician's order shown was withdrawn or replaced while you were recording the refill. Reload to see the current order.",
    );
  const ordered = db.select().from(s.drugs).where(eq(s.drugs.id, pending.spec.drugId)).get();
  if (!ordered)
    throw new Error(`Order ${pending.id} names drug ${pending.spec.drugId}, which does not exist`);
  if (ordered.name !== filled.drug.name)
    fail(
      'drugId',
      `The order is for ${ordered.product} (${ordered.name}): fill that drug, or do not apply the order`,
    );
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


function checkFill(
  loaded: Loaded,
  { drug, order }: Filled,
  input: RecordVisitInput,
  actor: ClinicActor,
): void {
  const { active, context } = loaded;
  if (drug.name !== context.drug.name && !order)
    fail(
      'drugId',
      `The pump holds ${context.drug.name}: a change of drug is a physician's order, applied at the refill it was ordered for`,
    );
  const unit = drug.doseUnit;
  const concentrationNg = ng(input.concentrationMcgPerMl);
  if (!drug.concentrationsNgPerMl.includes(concentrationNg))
    fail(
      'concentrationMcgPerMl',
      `Concentration must be one of ${drug.concentrationsNgPerMl.map((c) => formatConcentration(c, unit)).join(', ')} for ${drug.product}`,
    );
  if (concentrationNg !== active.concentrationNgPerMl && !order && !actor.prescribes)
    fail(
      'concentrationMcgPerMl',
      `The pump holds ${formatConcentration(active.concentrationNgPerMl, unit)} and no physician's order for a new concentration is applied: fill ${formatConcentration(active.concentrationNgPerMl, unit)}, or ask a physician to order the new concentration for this refill`,
    );
  if (input.drugExpiresOn < loaded.visitDate)
    fail(
      'drugExpiresOn',
      `This drug expired on ${input.drugExpiresOn}: do not use it, take an unexpired one`,
    );
  const fillProblem = fillVolumeProblem(
    input.volumeFilledMl,
    loaded.reservoirMl,
    loaded.alarmMl,
    'Volume filled',
  );
  if (fillProblem) fail('volumeFilledMl', fillProblem);
  if (input.aspiratedResidualMl > loaded.reservoirMl + 1e-9)
    fail(
      'aspiratedResidualMl',
      `Aspirated residual cannot be more than the reservoir holds (${loaded.reservoirMl} mL)`,
    );
}

// ---- Clinical rules: the program after the refill, the residual check, the confirmations it needs ----

interface ProgramAfterRefill {
  mode: s.DrugProgram['mode'];
  /** The ordered program, for the drug and concentration filled. */
  orderedSpec: ProgramSpec | null;
  oldDailyDoseMcg: number;
  newDailyDoseMcg: number;
  oldBolusesMcg: number;
  /** A new continuous dose typed by the physician refilling (simple mode). */
  newContinuousMcg: number | undefined;
  doseOrConcentrationChanged: boolean;
}

function programAfterRefill(
  loaded: Loaded,
  { drug, order }: Filled,
  input: RecordVisitInput,
  actor: ClinicActor,
): ProgramAfterRefill {
  const { active, flowMl } = loaded;
  const orderedSpec = order
    ? { ...specOfOrder(order), drugId: drug.id, concentrationMcgPerMl: input.concentrationMcgPerMl }
    : null;
  const mode = orderedSpec?.mode ?? active.mode;
  const oldBolusesMcg = (active.periodicBoluses ?? []).reduce((sum, b) => sum + b.doseNg / 1000, 0);
  const oldDailyDoseMcg = active.doseNgPerDay / 1000;
  let newDailyDoseMcg = orderedSpec
    ? programValues(0, 0, orderedSpec, 0, flowMl).doseNgPerDay / 1000
    : oldDailyDoseMcg;
  let newContinuousMcg: number | undefined;
  if (input.newDoseMcgPerDay != null) {
    // A dose change is a physician's order (reference.md G2, S55): a nurse applies one, never invents one.
    if (!actor.prescribes)
      fail(
        'newDoseMcgPerDay',
        "A dose change is a physician's order: ask a physician to order it for this refill (Change program, at the next refill), then apply the order here",
      );
    if (order) fail('newDoseMcgPerDay', 'The applied order sets the dose: do not change it here as well');
    if (mode === 'constant-flow')
      fail(
        'newDoseMcgPerDay',
        "A constant-flow pump's dose changes only with the concentration of the drug filled",
      );
    if (mode === 'flex')
      fail(
        'newDoseMcgPerDay',
        'A flex program is changed step by step: ask the physician to change the program',
      );
    newContinuousMcg = input.newDoseMcgPerDay;
    newDailyDoseMcg = input.newDoseMcgPerDay + oldBolusesMcg;
  }
  if (mode === 'constant-flow' && flowMl != null) newDailyDoseMcg = flowMl * input.concentrationMcgPerMl;
  const concentrationChanged = ng(input.concentrationMcgPerMl) !== active.concentrationNgPerMl;
  return {
    mode,
    orderedSpec,
    oldDailyDoseMcg,
    newDailyDoseMcg,
    oldBolusesMcg,
    newContinuousMcg,
    doseOrConcentrationChanged: newDailyDoseMcg !== oldDailyDoseMcg || concentrationChanged,
  };
}

/** A refill writes a new program version when an order is applied, or the drug, concentration or dose changed. */
function programChanged(
  loaded: Loaded,
  { drug, order }: Filled,
  program: ProgramAfterRefill,
  assessment: RefillAssessment,
): boolean {
  return (
    !!order ||
    assessment.concentrationChanged ||
    program.newDailyDoseMcg !== program.oldDailyDoseMcg ||
    drug.id !== loaded.active.drugId
  );
}

interface VisitAssessment extends RefillAssessment {
  bridgeBolusMl: number | null;
}

/** The domain's residual check (lib/domain/refill.ts), its refusals naming the form's fields. */
function assessVisit(loaded: Loaded, program: ProgramAfterRefill, input: RecordVisitInput): VisitAssessment {
  const bridgeBolusMl = input.bridgeBolusGiven ? (input.bridgeBolusMl ?? null) : null;
  try {
    const assessment = assessRefillVisit({
      state: loaded.context.input,
      visitAt: loaded.performedAt,
      aspiratedResidualMl: input.aspiratedResidualMl,
      volumeFilledMl: input.volumeFilledMl,
      oldConcentrationMcgPerMl: loaded.active.concentrationNgPerMl / 1000,
      newConcentrationMcgPerMl: input.concentrationMcgPerMl,
      bridgeBolusGiven: input.bridgeBolusGiven,
      oldDailyDoseMcg: program.oldDailyDoseMcg,
      newDailyDoseMcg: program.newDailyDoseMcg,
      spasticityOrigin: loaded.patient.spasticityOrigin,
      patientBolusesTaken: input.patientBolusesTaken ?? 0,
      deadSpaceMl: deadSpaceMl(loaded.pump),
    });
    return { ...assessment, bridgeBolusMl };
  } catch (error) {
    asValidationError(error);
  }
}

/** E5, E8 and E7: what the nurse must confirm, or a second person must, before the visit is saved. */
function requireConfirmations(
  assessment: VisitAssessment,
  input: RecordVisitInput,
  order: s.ProgramOrder | null,
  secondPerson: ConfirmedPerson | null,
): void {
  if (assessment.discrepancyNeedsConfirmation && !input.confirmDiscrepancy)
    fail(
      'confirmDiscrepancy',
      `The residual discrepancy is critical (E5: expected ${round2(assessment.expectedResidualMl)} mL, aspirated ${input.aspiratedResidualMl} mL): re-measure the aspirated volume, or confirm it to save`,
    );
  if (assessment.concentrationChanged && !input.bridgeBolusGiven && !input.confirmNoBridgeBolus)
    fail(
      'confirmNoBridgeBolus',
      'The concentration changed and no bridge bolus is recorded (E8): record the bridge bolus given, or confirm that you save without one',
    );
  // An order confirmed by a second person when it was placed carries that confirmation to the refill.
  if (assessment.doseChange.exceedsUsualStep && !secondPerson && !order?.verifiedById)
    fail(
      'secondPerson',
      'The dose change is beyond the usual step at a refill (E7): a second experienced person must confirm it with their own password',
    );
}

/** What the reservoir holds after the fill, less a bridge bolus given from it (lib/domain/refill.ts). */
function reservoirAfter(input: RecordVisitInput, assessment: VisitAssessment): number {
  try {
    return reservoirAfterRefillMl(input.volumeFilledMl, assessment.bridgeBolusMl);
  } catch (error) {
    asValidationError(error);
  }
}

interface AppointmentsToClose {
  previousDueOn: string | undefined;
  replaced: ReturnType<typeof appointmentsReplacedByRefill>;
  booked: Map<number, ReturnType<typeof bookedAppointmentsSince>[number]>;
  chosen: Map<number, ReplacedAppointmentAction>;
}

/** The booked appointments this refill replaces (lib/domain/refill.ts), with the nurse's choice for each. */
function appointmentsToClose(tx: Tx, loaded: Loaded, input: RecordVisitInput): AppointmentsToClose {
  const [before] = computeForecasts([loaded.context]);
  const previousDueOn = before?.forecast.refillDueOn;
  const booked = bookedAppointmentsSince(tx, loaded.pumpId, loaded.visitDate, loaded.timeZone);
  const replaced = appointmentsReplacedByRefill(booked, loaded.visitDate, previousDueOn ?? loaded.visitDate);
  const chosen = new Map<number, ReplacedAppointmentAction>();
  for (const c of input.replacedAppointments) {
    if (!replaced.some((r) => r.id === c.appointmentId))
      fail(
        'replacedAppointments',
        `Appointment ${c.appointmentId} is not a booked appointment this refill replaces: change it on the appointments page`,
      );
    chosen.set(c.appointmentId, c.action);
  }
  return { previousDueOn, replaced, booked: new Map(booked.map((a) => [a.id, a])), chosen };
}

// ---- Write: the visit first, then the program version it brought, then everything derived ----

function insertVisit(
  tx: Tx,
  actor: ClinicActor,
  loaded: Loaded,
  { drug, order }: Filled,
  programChanged: boolean,
  assessment: VisitAssessment,
  reservoirAfterMl: number,
  input: RecordVisitInput,
  verifier: ConfirmedPerson | null,
): s.RefillVisit {
  const expectedUl = ul(assessment.expectedResidualMl);
  const aspiratedUl = ul(input.aspiratedResidualMl);
  return tx
    .insert(s.refillVisits)
    .values({
      pumpId: loaded.pumpId,
      kind: 'refill',
      performedAt: loaded.performedAt,
      performedById: actor.id,
      performedByName: actor.name,
      verifiedById: verifier?.id ?? null,
      verifiedByName: verifier?.name ?? '',
      expectedResidualUl: expectedUl,
      aspiratedResidualUl: aspiratedUl,
      volumeFilledUl: ul(input.volumeFilledMl),
      reservoirAfterUl: ul(reservoirAfterMl),
      bridgeBolusUl: assessment.bridgeBolusMl == null ? null : ul(assessment.bridgeBolusMl),
      drugId: drug.id,
      drugLot: input.drugLot,
      drugExpiresOn: input.drugExpiresOn,
      concentrationNgPerMl: ng(input.concentrationMcgPerMl),
      programId: loaded.active.id,
      programChanged,
      bridgeBolusGiven: input.bridgeBolusGiven,
      bridgeBolusNote: input.bridgeBolusNote,
      discrepancyUl: expectedUl - aspiratedUl,
      discrepancyFlag: assessment.flag,
      discrepancySeverity: assessment.discrepancySeverity,
      discrepancyConfirmed: assessment.discrepancyNeedsConfirmation && input.confirmDiscrepancy,
      needlePlacementConfirmed: input.needlePlacementConfirmed,
      residualCheckedBeforeFill: input.residualCheckedBeforeFill,
      templateUsed: input.templateUsed,
      fillConfirmationMethod: input.fillConfirmationMethod ?? null,
      orderId: order?.id ?? null,
      notes: input.notes,
    })
    .returning()
    .get();
}

/** The program the refill leaves in the pump: the order's, or the active one with the new dose or concentration. */
function programSpecOf(
  loaded: Loaded,
  { drug }: Filled,
  program: ProgramAfterRefill,
  input: RecordVisitInput,
): ProgramSpec {
  const { active } = loaded;
  const { mode } = program;
  return (
    program.orderedSpec ?? {
      drugId: drug.id,
      concentrationMcgPerMl: input.concentrationMcgPerMl,
      mode,
      doseMcgPerDay:
        mode === 'simple'
          ? (program.newContinuousMcg ?? program.oldDailyDoseMcg - program.oldBolusesMcg)
          : undefined,
      flexSteps: active.flexSteps?.map((st) => ({
        start: st.start,
        doseMcgPerHour: st.doseNgPerHour / 1000,
      })),
      periodicBoluses: active.periodicBoluses?.map((b) => ({ at: b.at, doseMcg: b.doseNg / 1000 })),
      patientBolus:
        active.patientBolusDoseNg != null && active.patientBolusMaxPerDay != null
          ? { doseMcg: active.patientBolusDoseNg / 1000, maxPerDay: active.patientBolusMaxPerDay }
          : null,
    }
  );
}

function programChangeReason(loaded: Loaded, order: s.ProgramOrder | null, input: RecordVisitInput): string {
  return order
    ? `Order of ${localDateOf(order.orderedAt, loaded.timeZone)} applied at the refill of ${loaded.visitDate}: ${order.reason}`
    : `Changed at the refill of ${loaded.visitDate}${input.notes ? `: ${input.notes.slice(0, 200)}` : ''}`;
}

/**
 * The program version the refill brought, attached to the visit; an order applied is marked so, and both are
 * audited.
 */
function writeProgramChange(
  tx: Tx,
  actor: ClinicActor,
  loaded: Loaded,
  filled: Filled,
  program: ProgramAfterRefill,
  input: RecordVisitInput,
  visit: s.RefillVisit,
  verifier: ConfirmedPerson | null,
): s.DrugProgram {
  const { active } = loaded;
  const { order } = filled;
  const created = insertProgramVersion(tx, {
    pumpId: loaded.pumpId,
    active,
    spec: {
      ...programSpecOf(loaded, filled, program, input),
      reason: programChangeReason(loaded, order, input),
    },
    effectiveAt: loaded.performedAt,
    flowMlPerDay: loaded.flowMl,
    // Who ordered it: the order's physician, the physician refilling, or (a product of the same drug and
    // concentration) whoever ordered the program it continues.
    prescriberId: order
      ? order.orderedById
      : program.doseOrConcentrationChanged
        ? actor.id
        : active.prescriberId,
    enteredById: actor.id,
    verifiedById: order?.verifiedById ?? verifier?.id ?? null,
    orderId: order?.id ?? null,
  });
  tx.update(s.refillVisits).set({ programId: created.id }).where(eq(s.refillVisits.id, visit.id)).run();
  if (order) {
    markOrderApplied(tx, order, created.id, loaded.performedAt, actor.id);
    audit(
      tx,
      actor,
      'update',
      'program_order',
      order.id,
      { status: 'pending' },
      {
        status: 'applied',
        programId: created.id,
        visitId: visit.id,
      },
    );
  }
  audit(tx, actor, 'create', 'drug_program', created.id, programSummary(active), {
    ...programSummary(created),
    visitId: visit.id,
    orderId: order?.id ?? null,
    orderedById: created.prescriberId,
    enteredById: actor.id,
    secondPersonId: created.verifiedById,
  });
  return created;
}

/**
 * The appointments this refill replaces are closed (or kept, as the nurse chose): SEQUENCE moves, so the patient's
 * calendar stops saying "come", and E3 sees that no next appointment is booked.
 */
function closeReplacedAppointments(
  tx: Tx,
  actor: ClinicActor,
  loaded: Loaded,
  { replaced, booked, chosen }: AppointmentsToClose,
  visitId: number,
  now: number,
): RecordedVisit['appointments'] {
  const results: RecordedVisit['appointments'] = [];
  for (const r of replaced) {
    const action = chosen.get(r.id) ?? r.defaultAction;
    const a = booked.get(r.id)!;
    results.push({ id: a.id, startsAt: formatInstantIso(a.startsAt, loaded.timeZone), action });
    if (action === 'keep') continue;
    const status = action === 'done' ? 'done' : 'cancelled';
    const row = tx
      .select({ id: s.appointments.id, sequence: s.appointments.sequence, version: s.appointments.version })
      .from(s.appointments)
      .where(eq(s.appointments.id, a.id))
      .get()!;
    reviseAppointment(
      tx,
      actor,
      row,
      { status },
      { before: { status: 'booked' }, after: { status, visitId, reason: 'replaced by refill' } },
      now,
    );
  }
  return results;
}

// ---- Audit ----

function auditVisit(
  tx: Tx,
  actor: ClinicActor,
  loaded: Loaded,
  { drug }: Filled,
  visit: s.RefillVisit,
  assessment: VisitAssessment,
  input: RecordVisitInput,
  appointments: RecordedVisit['appointments'],
): void {
  audit(tx, actor, 'create', 'refill_visit', visit.id, null, {
    pumpId: loaded.pumpId,
    performedAt: loaded.performedAt,
    expectedResidualUl: visit.expectedResidualUl,
    aspiratedResidualUl: visit.aspiratedResidualUl,
    discrepancyUl: visit.discrepancyUl,
    discrepancyFlag: assessment.flag,
    volumeFilledUl: visit.volumeFilledUl,
    drugId: drug.id,
    drugLot: input.drugLot,
    concentrationNgPerMl: visit.concentrationNgPerMl,
    verifiedById: visit.verifiedById,
    alerts: assessment.alerts.map((a) => a.code),
    confirmedNoBridgeBolus: assessment.concentrationChanged && !input.bridgeBolusGiven,
    bridgeBolusUl: visit.bridgeBolusUl,
    reservoirAfterUl: visit.reservoirAfterUl,
    discrepancySeverity: assessment.discrepancySeverity,
    discrepancyConfirmed: visit.discrepancyConfirmed,
    needlePlacementConfirmed: input.needlePlacementConfirmed,
    residualCheckedBeforeFill: input.residualCheckedBeforeFill,
    templateUsed: input.templateUsed,
    fillConfirmationMethod: input.fillConfirmationMethod ?? null,
    appointments: appointments.map((a) => ({ id: a.id, action: a.action })),
  });
}

// ---- The answer: the new forecast, the slots to book the next refill, warnings ----

function visitResponse(
  tx: Tx,
  actor: ClinicActor,
  loaded: Loaded,
  { drug }: Filled,
  visit: s.RefillVisit,
  newProgram: s.DrugProgram | null,
  programChanged: boolean,
  assessment: VisitAssessment,
  appointments: RecordedVisit['appointments'],
  previousDueOn: string | undefined,
  input: RecordVisitInput,
): RecordedVisit {
  const { pumpId, timeZone, forecastAt, reservoirMl } = loaded;
  try {
    refreshForecasts(tx, { pumpIds: [pumpId] }, forecastAt);
  } catch (error) {
    asValidationError(error);
  }
  const [after] = computeForecasts(loadForecastContexts(tx, { pumpIds: [pumpId] }, forecastAt));
  if (!after) throw new Error(`Pump ${pumpId} has no forecast after its refill`);
  const slots = nextRefillSlots(tx, actor.clinicId, after.forecast.refillDueOn, timeZone, forecastAt);

  const warnings: string[] = [];
  if (input.volumeFilledMl > reservoirMl - FILL_WARN_MARGIN_ML)
    warnings.push(
      `The fill (${input.volumeFilledMl} mL) is within ${FILL_WARN_MARGIN_ML} mL of the reservoir's capacity (${reservoirMl} mL).`,
    );
  if (slots.length === 0)
    warnings.push(
      `No open slot before the due date (${after.forecast.refillDueOn}): book the next refill by hand.`,
    );

  const drugs = new Map([[drug.id, { product: drug.product, doseUnit: drug.doseUnit }]]);
  const lastVisitId = loaded.context.lastVisit.id;
  const previous = tx.select().from(s.refillVisits).where(eq(s.refillVisits.id, lastVisitId)).get();
  if (!previous) throw new Error(`Refill visit ${lastVisitId} vanished inside its transaction`);
  const [dto] = visitDtos([previous, { ...visit, programId: newProgram?.id ?? visit.programId }], drugs);
  return {
    visit: dto!,
    assessment: {
      expectedResidualMl: assessment.expectedResidualMl,
      discrepancyMl: assessment.discrepancyMl,
      discrepancyPct: assessment.discrepancyPct,
      toleranceMl: assessment.toleranceMl,
      flag: assessment.flag,
      alerts: assessment.alerts,
    },
    programChanged,
    newProgramVersionNo: newProgram?.versionNo ?? null,
    previousDueOn: previousDueOn ?? '',
    forecast: forecastJson(after.forecast, timeZone),
    appointments,
    slots: slots.map((sl) => ({
      startsAt: formatInstantIso(sl.startsAt, timeZone),
      date: sl.date,
      time: sl.time,
    })),
    timeZone,
    warnings,
  };
}
