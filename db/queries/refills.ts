/**
 * Refill visits: the form's context, the history of a pump, and recording a visit whole or not at all (the visit,
 * the new program version when the dose or concentration changed, the appointment done, the audit rows and the
 * stored forecast, in one transaction). The residual check is the domain's (lib/domain/refill.ts): the server
 * recomputes the expected residual, the discrepancy and its flag, whatever a client sent.
 */
import { and, asc, desc, eq, gte, inArray } from 'drizzle-orm';
import {
  addDaysToLocalDate,
  formatInstantIso,
  localDateOf,
  localDateTimeToInstant,
} from '@/lib/domain/calendar';
import { InvalidInputError } from '@/lib/domain/errors';
import {
  appointmentsReplacedByRefill,
  assessRefillVisit,
  reservoirAfterRefillMl,
  type RefillAssessment,
  type ReplacedAppointmentAction,
} from '@/lib/domain/refill';
import type { Alert } from '@/lib/domain/types';
import { CLOCK_TOLERANCE_MS, visitAfterLastFillProblem } from '@/lib/domain/clock';
import { fillVolumeProblem } from '@/lib/domain/volumes';
import type { ConfirmedPerson } from '@/lib/auth/second-person';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { parseId } from '@/lib/validation/ids';
import { forecastJson } from '@/lib/server/forecast-json';
import { FILL_WARN_MARGIN_ML, type RecordVisitInput } from '@/lib/validation/refill';
import { writeTransaction, type Db } from '../client';
import { programValues, type ProgramSpec } from '../factories';
import * as s from '../schema';
import { drugOption, type DrugOption } from './drugs';

export type { DrugOption };
import { reviseAppointment } from './appointments';
import { audit, type Actor } from './audit';
import {
  computeForecasts,
  loadForecastContexts,
  refreshForecasts,
  type PumpForecastContext,
} from './forecasts';
import {
  programDto,
  staffNamesOf,
  verifierOptions,
  visitDtos,
  type ProgramDto,
  type StaffOption,
  type VisitDto,
} from './patients';
import { insertProgramVersion, markOrderApplied, orderForRefill, ordersOf, specOfOrder, type OrderDto } from './orders';
import { pumpInClinic } from './pumps';
import { findOpenSlots, type Slot } from './slots';

type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'all' | 'run'>;

const ul = (ml: number) => Math.round(ml * 1000);
const ng = (mcg: number) => Math.round(mcg * 1000);

/** The domain names fields of its own input; these are the form's names for them. */
const domainFieldToForm: Record<string, string> = {
  volumeFilledMl: 'volumeFilledMl',
  aspiratedResidualMl: 'aspiratedResidualMl',
  visitAt: 'performedAt',
  newConcentrationMcgPerMl: 'concentrationMcgPerMl',
  newDailyDoseMcg: 'newDoseMcgPerDay',
  // The forecast's "now" is the later of the request and the visit time: a failure there is about the visit time.
  now: 'performedAt',
};

/** A domain refusal (fill above capacity, malformed program) as a 400 naming the form's field. */
export function asValidationError(error: unknown): never {
  if (error instanceof InvalidInputError) {
    const field = domainFieldToForm[error.field] ?? error.field;
    throw new ValidationError(error.message, { [field]: error.message });
  }
  throw error;
}

// ---- Reading ----

export function listVisits(db: Db, clinicId: number, pumpId: number): VisitDto[] {
  pumpInClinic(db, clinicId, pumpId);
  const rows = db.select().from(s.refillVisits).where(eq(s.refillVisits.pumpId, pumpId)).all();
  const drugs = new Map(
    db
      .select({ id: s.drugs.id, product: s.drugs.product, doseUnit: s.drugs.doseUnit })
      .from(s.drugs)
      .all()
      .map((d) => [d.id, d]),
  );
  return visitDtos(rows, drugs);
}


export interface RefillFormContext {
  now: number;
  today: string;
  timeZone: string;
  patient: {
    id: number;
    name: string;
    mrn: string;
    spasticityOrigin: s.Patient['spasticityOrigin'];
    highRisk: boolean;
  };
  pump: {
    id: number;
    label: string;
    serial: string;
    kind: s.PumpModel['kind'];
    reservoirMl: number;
    alarmMl: number;
    flowMlPerDay: number | null;
    deadSpaceMl: number | null;
  };
  program: ProgramDto;
  /** Products of the same drug, for the product choice (a change of drug is a physician's program change). */
  products: DrugOption[];
  /** The state since the last refill, for the live residual check in the browser (same domain function). */
  state: PumpForecastContext['input'];
  lastVisitAt: number;
  expectedResidualNowMl: number;
  currentDueOn: string;
  verifiers: StaffOption[];
  /** The physician's order waiting for this refill, applied by default. */
  pendingOrder: OrderDto | null;
  fillWarnMarginMl: number;
  /**
   * Booked refill/replacement appointments of this pump from the last fill's day on: the form picks those the
   * refill replaces for the visit date entered (lib/domain/refill.ts appointmentsReplacedByRefill).
   */
  appointments: UpcomingAppointment[];
}

export interface UpcomingAppointment {
  id: number;
  startsAt: number;
  /** Clinic-local date. */
  date: string;
  type: s.Appointment['type'];
}


function loadContext(db: Tx, pumpId: number, now: number): PumpForecastContext {
  const [context] = loadForecastContexts(db, { pumpIds: [pumpId] }, now);
  if (!context)
    throw new ValidationError(
      'This pump has no fill or program recorded, or it is explanted: a refill cannot be recorded.',
      { '(body)': 'Pump is not active' },
    );
  return context;
}

export function refillFormContext(db: Db, clinicId: number, pumpId: number, now: number): RefillFormContext {
  const pump = pumpInClinic(db, clinicId, pumpId);
  const context = loadContext(db, pumpId, now);
  const model = db.select().from(s.pumpModels).where(eq(s.pumpModels.id, pump.modelId)).get()!;
  const patient = db.select().from(s.patients).where(eq(s.patients.id, pump.patientId)).get()!;
  const drugs = db.select().from(s.drugs).orderBy(asc(s.drugs.id)).all();
  const current = context.drug;
  const timeZone = context.input.clinic.timeZone;
  const today = localDateOf(now, timeZone);
  const pendingOrder = ordersOf(db, [pumpId], staffNamesOf(db, clinicId), 'pending')[0] ?? null;
  const [f] = computeForecasts([context]);
  const assessment = assessRefillVisit({
    state: context.input,
    visitAt: now,
    aspiratedResidualMl: 0,
    volumeFilledMl: 0,
    oldConcentrationMcgPerMl: context.activeProgram.concentrationNgPerMl / 1000,
    newConcentrationMcgPerMl: context.activeProgram.concentrationNgPerMl / 1000,
    bridgeBolusGiven: false,
    oldDailyDoseMcg: context.activeProgram.doseNgPerDay / 1000,
    newDailyDoseMcg: context.activeProgram.doseNgPerDay / 1000,
    spasticityOrigin: patient.spasticityOrigin,
  });
  return {
    now,
    today,
    timeZone,
    patient: {
      id: patient.id,
      name: `${patient.familyName}, ${patient.givenName}`,
      mrn: patient.mrn,
      spasticityOrigin: patient.spasticityOrigin,
      highRisk: patient.riskInjuryT6OrAbove || patient.riskCommunication || patient.riskPriorWithdrawal,
    },
    pump: {
      id: pump.id,
      label: `${model.manufacturer} ${model.name} ${model.modelNumber}`,
      serial: pump.serial,
      kind: model.kind,
      reservoirMl: pump.reservoirUl / 1000,
      alarmMl: pump.alarmUl / 1000,
      flowMlPerDay: pump.flowUlPerDay == null ? null : pump.flowUlPerDay / 1000,
      deadSpaceMl: deadSpaceMl(pump),
    },
    program: programDto(context.activeProgram, current, staffNamesOf(db, clinicId)),
    // The same drug's products, and those of the drug a pending order brings in.
    products: drugs.filter((d) => d.name === current.name || d.name === pendingOrder?.drugName).map(drugOption),
    state: context.input,
    lastVisitAt: context.lastVisit.performedAt,
    expectedResidualNowMl: assessment.expectedResidualMl,
    currentDueOn: f?.forecast.refillDueOn ?? today,
    verifiers: verifierOptions(db, clinicId),
    pendingOrder,
    fillWarnMarginMl: FILL_WARN_MARGIN_ML,
    appointments: bookedAppointmentsSince(db, pumpId, localDateOf(context.lastVisit.performedAt, timeZone), timeZone),
  };
}

function deadSpaceMl(pump: Pick<s.Pump, 'catheterVolumeUl' | 'pathwayVolumeUl'>): number | null {
  if (pump.catheterVolumeUl == null && pump.pathwayVolumeUl == null) return null;
  return ((pump.catheterVolumeUl ?? 0) + (pump.pathwayVolumeUl ?? 0)) / 1000;
}

/** The pump's booked refill and replacement appointments from the start of a clinic-local day, earliest first. */
function bookedAppointmentsSince(
  db: Pick<Db, 'select'>,
  pumpId: number,
  fromDate: string,
  timeZone: string,
): UpcomingAppointment[] {
  return db
    .select({ id: s.appointments.id, startsAt: s.appointments.startsAt, type: s.appointments.type })
    .from(s.appointments)
    .where(
      and(
        eq(s.appointments.pumpId, pumpId),
        eq(s.appointments.status, 'booked'),
        inArray(s.appointments.type, ['refill', 'replacement']),
        gte(s.appointments.startsAt, localDateTimeToInstant(fromDate, '00:00', timeZone)),
      ),
    )
    .orderBy(asc(s.appointments.startsAt), asc(s.appointments.id))
    .limit(20)
    .all()
    .map((a) => ({ ...a, date: localDateOf(a.startsAt, timeZone) }));
}

// ---- Recording a visit ----

export interface RecordedVisit {
  visit: VisitDto;
  assessment: {
    expectedResidualMl: number;
    discrepancyMl: number;
    discrepancyPct: number | null;
    toleranceMl: number;
    flag: RefillAssessment['flag'];
    alerts: Alert[];
  };
  programChanged: boolean;
  newProgramVersionNo: number | null;
  previousDueOn: string;
  forecast: ReturnType<typeof forecastJson>;
  /** What saving did to each booked appointment the refill replaces. */
  appointments: { id: number; startsAt: string; action: ReplacedAppointmentAction }[];
  /**
   * The earliest open slot on each of up to five clinic days in the week up to the new due date (days before it
   * if that week is full), to book the next refill before the patient leaves.
   */
  slots: { startsAt: string; date: string; time: string }[];
  timeZone: string;
  warnings: string[];
}

/** Clock difference tolerated between a tablet and the server when the nurse types the visit time. */
export { CLOCK_TOLERANCE_MS };

const round2 = (ml: number) => Math.round(ml * 100) / 100;

function fail(field: string, message: string): never {
  throw new ValidationError(message, { [field]: message });
}

function formatConc(mcgPerMl: number, unit: 'mcg' | 'mg'): string {
  return unit === 'mg' ? `${mcgPerMl / 1000} mg/mL` : `${mcgPerMl} mcg/mL`;
}

/**
 * Records a refill visit. Everything is checked before anything is written; then the visit, the program version,
 * the appointment, the audit rows and the stored forecast are written in ONE transaction, so a failure at any
 * step leaves no trace.
 */
export function recordVisit(
  db: Db,
  actor: Actor & { role: s.StaffRole },
  pumpId: number,
  input: RecordVisitInput,
  now: number,
  /** The second person, already confirmed by their own password (confirmSecondPerson). */
  secondPerson: ConfirmedPerson | null = null,
): RecordedVisit {
  return writeTransaction(db, (tx) => {
    const pump = pumpInClinic(tx, actor.clinicId, pumpId);
    if (pump.status !== 'active') fail('(body)', 'This pump is explanted: a refill cannot be recorded.');
    const context = loadContext(tx, pumpId, now);
    const timeZone = context.input.clinic.timeZone;
    const patient = tx
      .select({ id: s.patients.id, spasticityOrigin: s.patients.spasticityOrigin })
      .from(s.patients)
      .where(eq(s.patients.id, pump.patientId))
      .get()!;
    const active = context.activeProgram;
    const oldDrug = context.drug;
    const performedAt = input.performedAt ?? now;
    const reservoirMl = pump.reservoirUl / 1000;
    const alarmMl = pump.alarmUl / 1000;

    // -- Checks that need the database, each naming its field --
    // 5 minutes of clock difference between the tablet and the server are tolerated.
    if (performedAt > now + CLOCK_TOLERANCE_MS) fail('performedAt', 'Visit time cannot be in the future');
    // The forecasts below run at the later of the two: a forecast "now" before the fill it starts from is refused
    // by the engine, which refused every visit typed from a tablet whose clock ran a few minutes ahead.
    const forecastAt = Math.max(now, performedAt);
    const afterLastFill = visitAfterLastFillProblem(performedAt, context.lastVisit.performedAt, now, timeZone);
    if (afterLastFill) fail('performedAt', afterLastFill);
    const drug = tx.select().from(s.drugs).where(eq(s.drugs.id, input.drugId)).get();
    if (!drug) fail('drugId', 'Drug product must be chosen from the list');
    // A physician's order applied at this refill is the one way a new drug, concentration or dose comes in.
    const order = orderForRefill(tx, pumpId, input.applyOrderId, {
      drug,
      concentrationMcgPerMl: input.concentrationMcgPerMl,
    });
    if (drug.name !== oldDrug.name && !order)
      fail(
        'drugId',
        `The pump holds ${oldDrug.name}: a change of drug is a physician's order, applied at the refill it was ordered for`,
      );
    const unit = drug.doseUnit;
    const concentrationNg = ng(input.concentrationMcgPerMl);
    if (!drug.concentrationsNgPerMl.includes(concentrationNg))
      fail(
        'concentrationMcgPerMl',
        `Concentration must be one of ${drug.concentrationsNgPerMl.map((c) => formatConc(c / 1000, unit)).join(', ')} for ${drug.product}`,
      );
    const isPhysician = actor.role === 'physician';
    if (concentrationNg !== active.concentrationNgPerMl && !order && !isPhysician)
      fail(
        'concentrationMcgPerMl',
        `The pump holds ${formatConc(active.concentrationNgPerMl / 1000, unit)} and no physician's order for a new concentration is applied: fill ${formatConc(active.concentrationNgPerMl / 1000, unit)}, or ask a physician to order the new concentration for this refill`,
      );
    const visitDate = localDateOf(performedAt, timeZone);
    if (input.drugExpiresOn < visitDate)
      fail(
        'drugExpiresOn',
        `This drug expired on ${input.drugExpiresOn}: do not use it, take an unexpired one`,
      );
    const fillProblem = fillVolumeProblem(input.volumeFilledMl, reservoirMl, alarmMl, 'Volume filled');
    if (fillProblem) fail('volumeFilledMl', fillProblem);
    if (input.aspiratedResidualMl > reservoirMl + 1e-9)
      fail(
        'aspiratedResidualMl',
        `Aspirated residual cannot be more than the reservoir holds (${reservoirMl} mL)`,
      );

    const flowMl = pump.flowUlPerDay != null ? pump.flowUlPerDay / 1000 : null;
    const orderedSpec = order ? { ...specOfOrder(order), drugId: drug.id, concentrationMcgPerMl: input.concentrationMcgPerMl } : null;
    const mode = orderedSpec?.mode ?? active.mode;
    const oldBolusesMcg = (active.periodicBoluses ?? []).reduce((sum, b) => sum + b.doseNg / 1000, 0);
    const oldDailyDoseMcg = active.doseNgPerDay / 1000;
    let newDailyDoseMcg = orderedSpec ? programValues(0, 0, orderedSpec, 0, flowMl).doseNgPerDay / 1000 : oldDailyDoseMcg;
    let newContinuousMcg: number | undefined;
    if (input.newDoseMcgPerDay != null) {
      // A dose change is a physician's order (reference.md G2, S55): a nurse applies one, never invents one.
      if (!isPhysician)
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

    let assessment: RefillAssessment;
    try {
      assessment = assessRefillVisit({
        state: context.input,
        visitAt: performedAt,
        aspiratedResidualMl: input.aspiratedResidualMl,
        volumeFilledMl: input.volumeFilledMl,
        oldConcentrationMcgPerMl: active.concentrationNgPerMl / 1000,
        newConcentrationMcgPerMl: input.concentrationMcgPerMl,
        bridgeBolusGiven: input.bridgeBolusGiven,
        oldDailyDoseMcg,
        newDailyDoseMcg,
        spasticityOrigin: patient.spasticityOrigin,
        patientBolusesTaken: input.patientBolusesTaken ?? 0,
        deadSpaceMl: deadSpaceMl(pump),
      });
    } catch (error) {
      asValidationError(error);
    }

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
    const verifier = secondPerson;
    // An order confirmed by a second person when it was placed carries that confirmation to the refill.
    if (assessment.doseChange.exceedsUsualStep && !verifier && !order?.verifiedById)
      fail(
        'secondPerson',
        'The dose change is beyond the usual step at a refill (E7): a second experienced person must confirm it with their own password',
      );

    const programChanged =
      !!order ||
      assessment.concentrationChanged ||
      newDailyDoseMcg !== oldDailyDoseMcg ||
      drug.id !== active.drugId;
    const expectedUl = ul(assessment.expectedResidualMl);
    const aspiratedUl = ul(input.aspiratedResidualMl);
    const filledUl = ul(input.volumeFilledMl);
    const bridgeBolusMl = input.bridgeBolusGiven ? (input.bridgeBolusMl ?? null) : null;
    let reservoirAfterMl: number;
    try {
      reservoirAfterMl = reservoirAfterRefillMl(input.volumeFilledMl, bridgeBolusMl);
    } catch (error) {
      asValidationError(error);
    }
    const [before] = computeForecasts([context]);
    const previousDueOn = before?.forecast.refillDueOn ?? visitDate;
    const booked = bookedAppointmentsSince(tx, pumpId, visitDate, timeZone);
    const replaced = appointmentsReplacedByRefill(booked, visitDate, previousDueOn);
    const candidates = new Map(booked.map((a) => [a.id, a]));
    const chosen = new Map<number, ReplacedAppointmentAction>();
    for (const c of input.replacedAppointments) {
      if (!replaced.some((r) => r.id === c.appointmentId))
        fail(
          'replacedAppointments',
          `Appointment ${c.appointmentId} is not a booked appointment this refill replaces: change it on the appointments page`,
        );
      chosen.set(c.appointmentId, c.action);
    }

    // -- Writes: the visit first, then the program version it brought, then everything derived --
    const visit = tx
      .insert(s.refillVisits)
      .values({
        pumpId,
        kind: 'refill',
        performedAt,
        performedById: actor.id,
        performedByName: actor.name,
        verifiedById: verifier?.id ?? null,
        verifiedByName: verifier?.name ?? '',
        expectedResidualUl: expectedUl,
        aspiratedResidualUl: aspiratedUl,
        volumeFilledUl: filledUl,
        reservoirAfterUl: ul(reservoirAfterMl),
        bridgeBolusUl: bridgeBolusMl == null ? null : ul(bridgeBolusMl),
        drugId: drug.id,
        drugLot: input.drugLot,
        drugExpiresOn: input.drugExpiresOn,
        concentrationNgPerMl: concentrationNg,
        programId: active.id,
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

    let newProgram: s.DrugProgram | null = null;
    if (programChanged) {
      const doseOrConcentrationChanged =
        newDailyDoseMcg !== oldDailyDoseMcg || concentrationNg !== active.concentrationNgPerMl;
      const spec: ProgramSpec = orderedSpec ?? {
        drugId: drug.id,
        concentrationMcgPerMl: input.concentrationMcgPerMl,
        mode,
        doseMcgPerDay: mode === 'simple' ? (newContinuousMcg ?? oldDailyDoseMcg - oldBolusesMcg) : undefined,
        flexSteps: active.flexSteps?.map((st) => ({
          start: st.start,
          doseMcgPerHour: st.doseNgPerHour / 1000,
        })),
        periodicBoluses: active.periodicBoluses?.map((b) => ({ at: b.at, doseMcg: b.doseNg / 1000 })),
        patientBolus:
          active.patientBolusDoseNg != null && active.patientBolusMaxPerDay != null
            ? { doseMcg: active.patientBolusDoseNg / 1000, maxPerDay: active.patientBolusMaxPerDay }
            : null,
      };
      const created = insertProgramVersion(tx, {
        pumpId,
        active,
        spec: {
          ...spec,
          reason: order
            ? `Order of ${localDateOf(order.orderedAt, timeZone)} applied at the refill of ${visitDate}: ${order.reason}`
            : `Changed at the refill of ${visitDate}${input.notes ? `: ${input.notes.slice(0, 200)}` : ''}`,
        },
        effectiveAt: performedAt,
        flowMlPerDay: flowMl,
        // Who ordered it: the order's physician, the physician refilling, or (a product of the same drug and
        // concentration) whoever ordered the program it continues.
        prescriberId: order ? order.orderedById : doseOrConcentrationChanged ? actor.id : active.prescriberId,
        enteredById: actor.id,
        verifiedById: order?.verifiedById ?? verifier?.id ?? null,
        orderId: order?.id ?? null,
      });
      newProgram = created;
      tx.update(s.refillVisits)
        .set({ programId: created.id })
        .where(eq(s.refillVisits.id, visit.id))
        .run();
      if (order) {
        markOrderApplied(tx, order, created.id, performedAt, actor.id);
        audit(tx, actor, 'update', 'program_order', order.id, { status: 'pending' }, {
          status: 'applied',
          programId: created.id,
          visitId: visit.id,
        });
      }
      audit(tx, actor, 'create', 'drug_program', created.id, programSummary(active), {
        ...programSummary(created),
        visitId: visit.id,
        orderId: order?.id ?? null,
        orderedById: created.prescriberId,
        enteredById: actor.id,
        secondPersonId: created.verifiedById,
      });
    }

    // The appointments this refill replaces are closed (or kept, as the nurse chose): SEQUENCE moves, so the
    // patient's calendar stops saying "come", and E3 sees that no next appointment is booked.
    const appointmentResults: RecordedVisit['appointments'] = [];
    for (const r of replaced) {
      const action = chosen.get(r.id) ?? r.defaultAction;
      const a = candidates.get(r.id)!;
      appointmentResults.push({ id: a.id, startsAt: formatInstantIso(a.startsAt, timeZone), action });
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
        { before: { status: 'booked' }, after: { status, visitId: visit.id, reason: 'replaced by refill' } },
        now,
      );
    }

    audit(tx, actor, 'create', 'refill_visit', visit.id, null, {
      pumpId,
      performedAt,
      expectedResidualUl: expectedUl,
      aspiratedResidualUl: aspiratedUl,
      discrepancyUl: expectedUl - aspiratedUl,
      discrepancyFlag: assessment.flag,
      volumeFilledUl: filledUl,
      drugId: drug.id,
      drugLot: input.drugLot,
      concentrationNgPerMl: concentrationNg,
      verifiedById: verifier?.id ?? null,
      alerts: assessment.alerts.map((a) => a.code),
      confirmedNoBridgeBolus: assessment.concentrationChanged && !input.bridgeBolusGiven,
      bridgeBolusUl: bridgeBolusMl == null ? null : ul(bridgeBolusMl),
      reservoirAfterUl: ul(reservoirAfterMl),
      discrepancySeverity: assessment.discrepancySeverity,
      discrepancyConfirmed: assessment.discrepancyNeedsConfirmation && input.confirmDiscrepancy,
      needlePlacementConfirmed: input.needlePlacementConfirmed,
      residualCheckedBeforeFill: input.residualCheckedBeforeFill,
      templateUsed: input.templateUsed,
      fillConfirmationMethod: input.fillConfirmationMethod ?? null,
      appointments: appointmentResults.map((a) => ({ id: a.id, action: a.action })),
    });

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
    const previous = tx
      .select()
      .from(s.refillVisits)
      .where(eq(s.refillVisits.id, context.lastVisit.id))
      .get();
    if (!previous) throw new Error(`Refill visit ${context.lastVisit.id} vanished inside its transaction`);
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
      previousDueOn: before?.forecast.refillDueOn ?? '',
      forecast: forecastJson(after.forecast, timeZone),
      appointments: appointmentResults,
      slots: slots.map((sl) => ({
        startsAt: formatInstantIso(sl.startsAt, timeZone),
        date: sl.date,
        time: sl.time,
      })),
      timeZone,
      warnings,
    };
  });
}

/**
 * Days before the due date in which the next refill is offered [INFERENCE]: the earliest open slots counted from
 * now would offer tomorrow to a patient just refilled, and a refill weeks early wastes drug and a visit. The due
 * date already keeps the clinic's buffer before the alarm, so the week before it is the right time.
 */
export const NEXT_REFILL_WINDOW_DAYS = 7;

/** Distinct clinic days offered for the next refill, so that the patient can choose a day that suits them. */
export const NEXT_REFILL_SLOT_DAYS = 5;
/** How far before the window the search goes when the week before the due date is full. */
const EARLIER_SEARCH_DAYS = 21;

/**
 * The earliest open slot on each of up to five clinic days in the week up to the due date, earliest day first.
 * If that week has fewer open days, the nearest days before it are offered too (never before now): earlier is
 * safe, later is not. Any other time is booked on the appointments page.
 */
export function nextRefillSlots(
  db: Pick<Db, 'select'>,
  clinicId: number,
  dueOn: string,
  timeZone: string,
  now: number,
): Slot[] {
  const today = localDateOf(now, timeZone);
  const firstDay = (date: string) => {
    const [slot] = findOpenSlots(db, clinicId, {
      after: Math.max(now, localDateTimeToInstant(date, '00:00', timeZone) - 1),
      onOrBefore: date,
      count: 1,
    });
    return slot?.date === date ? slot : undefined;
  };
  const windowStartDay = addDaysToLocalDate(dueOn, -NEXT_REFILL_WINDOW_DAYS);
  const slots: Slot[] = [];
  for (let d = windowStartDay < today ? today : windowStartDay; d <= dueOn; d = addDaysToLocalDate(d, 1)) {
    const slot = firstDay(d);
    if (slot) slots.push(slot);
    if (slots.length === NEXT_REFILL_SLOT_DAYS) return slots;
  }
  const earlier: Slot[] = [];
  for (
    let d = addDaysToLocalDate(windowStartDay, -1), n = 0;
    d >= today && n < EARLIER_SEARCH_DAYS && slots.length + earlier.length < NEXT_REFILL_SLOT_DAYS;
    d = addDaysToLocalDate(d, -1), n++
  ) {
    const slot = firstDay(d);
    if (slot) earlier.unshift(slot);
  }
  return [...earlier, ...slots];
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

/** The active pumps of a clinic's patient, newest implant first (the refill and program pages pick one). */
export function activePumpIds(db: Pick<Db, 'select'>, clinicId: number, patientId: number): number[] {
  return db
    .select({ id: s.pumps.id })
    .from(s.pumps)
    .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
    .where(
      and(eq(s.pumps.patientId, patientId), eq(s.patients.clinicId, clinicId), eq(s.pumps.status, 'active')),
    )
    .orderBy(desc(s.pumps.implantedOn), desc(s.pumps.id))
    .all()
    .map((r) => r.id);
}

/**
 * The pump a patient page works on: the `?pump=` asked for, else the patient's newest active pump. Another
 * clinic's patient, an explanted pump or a pump of another patient is "not found".
 */
export function pagePumpId(
  db: Pick<Db, 'select'>,
  clinicId: number,
  rawPatientId: string,
  rawPump: unknown,
): number {
  const pumps = activePumpIds(db, clinicId, parseId(rawPatientId, 'patient'));
  const pumpId = typeof rawPump === 'string' ? parseId(rawPump, 'pump') : pumps[0];
  if (pumpId === undefined || !pumps.includes(pumpId)) throw new NotFoundError('No such pump.');
  return pumpId;
}
