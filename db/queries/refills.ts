/**
 * Refill visits, read: the history of a pump, the refill form's context, the appointments a refill may replace
 * and the slots offered for the next one. Recording a visit is the use case lib/clinic/record-visit.ts.
 */
import { and, asc, desc, eq, gte, inArray } from 'drizzle-orm';
import {
  addDaysToLocalDate, localDateOf,
  localDateTimeToInstant
} from '@/lib/domain/calendar';
import {
  assessRefillVisit, type RefillAssessment,
  type ReplacedAppointmentAction
} from '@/lib/domain/refill';
import { type Alert } from '@/lib/domain/types';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { parseId } from '@/lib/validation/ids';
import { type forecastJson } from '@/db/queries/dtos';
import { FILL_WARN_MARGIN_ML } from '@/lib/validation/refill';
import { type Db } from '../client';
import * as s from '../schema';
import { drugOption, type DrugOption } from './drugs';
import {
  computeForecasts,
  loadForecastContexts, type PumpForecastContext
} from './forecasts';
import {
  programDto,
  staffNamesOf,
  verifierOptions,
  drugListOrder,
  visitDtos,
  type ProgramDto,
  type StaffOption,
  type VisitDto,
} from './dtos';
import { ordersOf, type OrderDto } from './orders';
import { pumpInClinic } from './pumps';
import { findOpenSlots, type Slot } from './slots';
import { isHighRiskPatient } from '@/lib/domain/risk';

export type { DrugOption };

type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'all' | 'run'>;

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

/** The forecast state a refill starts from; a pump without one cannot be refilled. */
export function forecastContextForRefill(db: Tx, pumpId: number, now: number): PumpForecastContext {
  const [context] = loadForecastContexts(db, { pumpIds: [pumpId] }, now);
  if (!context)
    throw new ValidationError(
      'This pump has no fill or program recorded, or it is explanted: a refill cannot be recorded.',
      { '(body)': 'Pump is not active' },
    );
  return context;
}

/** What the refill form needs; `viewerId` is the nurse filling it in, left out of the second-person list. */
export function refillFormContext(
  db: Db,
  clinicId: number,
  pumpId: number,
  now: number,
  viewerId?: string,
): RefillFormContext {
  const pump = pumpInClinic(db, clinicId, pumpId);
  const context = forecastContextForRefill(db, pumpId, now);
  const model = db.select().from(s.pumpModels).where(eq(s.pumpModels.id, pump.modelId)).get()!;
  const patient = db.select().from(s.patients).where(eq(s.patients.id, pump.patientId)).get()!;
  const drugs = db.select().from(s.drugs).orderBy(...drugListOrder).all();
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
      highRisk: isHighRiskPatient(patient),
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
    verifiers: verifierOptions(db, clinicId, viewerId),
    pendingOrder,
    fillWarnMarginMl: FILL_WARN_MARGIN_ML,
    appointments: bookedAppointmentsSince(db, pumpId, localDateOf(context.lastVisit.performedAt, timeZone), timeZone),
  };
}

export function deadSpaceMl(pump: Pick<s.Pump, 'catheterVolumeUl' | 'pathwayVolumeUl'>): number | null {
  if (pump.catheterVolumeUl == null && pump.pathwayVolumeUl == null) return null;
  return ((pump.catheterVolumeUl ?? 0) + (pump.pathwayVolumeUl ?? 0)) / 1000;
}

/** The pump's booked refill and replacement appointments from the start of a clinic-local day, earliest first. */
export function bookedAppointmentsSince(
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
