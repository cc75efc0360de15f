/**
 * Drug programs: the versions of a pump, the context of the program-change form (with the what-if forecast
 * request the preview sends to POST /api/v1/forecast), and a physician's change: a new version that supersedes
 * the active one, only if the active one is still the version the physician read (409 otherwise).
 */
import { desc, eq } from 'drizzle-orm';
import { formatInstantIso } from '@/lib/domain/calendar';
import { type DoseInEffect } from '@/lib/domain/dose-steps';
import {
  DEFAULT_DISCREPANCY_FLOOR_ML,
  DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
  DEFAULT_DISCREPANCY_LIMIT_SMALL_ML,
  DEFAULT_STABILITY_BUFFER_DAYS,
} from '@/lib/domain/policy';
import { ValidationError } from '@/lib/errors';
import { forecastJson } from '@/db/queries/dtos';
import { type ForecastRequest } from '@/lib/validation/forecast';
import { type Db } from '../client';
import * as s from '../schema';
import { drugOption } from './drugs';
import {
  computeForecasts,
  loadForecastContexts, type PumpForecastContext
} from './forecasts';
import { ordersOf, type OrderDto } from './orders';
import { drugListOrder, programDto, staffNamesOf, verifierOptions, type ProgramDto, type StaffOption } from './dtos';
import { pumpInClinic } from './pumps';
import { type DrugOption } from './refills';

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
  /** The physician filling in the form, left out of the second-person list. */
  viewerId?: string,
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
      .orderBy(...drugListOrder)
      .all()
      .map(drugOption),
    forecastRequest: forecastRequestOf(context.input),
    current: forecastJson(forecast, context.input.clinic.timeZone),
    verifiers: verifierOptions(db, clinicId, viewerId),
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
