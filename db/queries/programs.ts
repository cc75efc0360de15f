/**
 * Drug programs: the versions of a pump, the context of the program-change form (with the what-if forecast
 * request the preview sends to POST /api/v1/forecast), and a physician's change: a new version that supersedes
 * the active one, only if the active one is still the version the physician read (409 otherwise).
 */
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { formatInstantIso, localDateOf } from '@/lib/domain/calendar';
import {
  DEFAULT_DISCREPANCY_FLOOR_ML,
  DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
  DEFAULT_DISCREPANCY_LIMIT_SMALL_ML,
  DEFAULT_STABILITY_BUFFER_DAYS,
} from '@/lib/domain/policy';
import { assessDoseChange } from '@/lib/domain/refill';
import type { Alert } from '@/lib/domain/types';
import { ValidationError } from '@/lib/errors';
import { forecastJson } from '@/lib/server/forecast-json';
import type { ForecastRequest } from '@/lib/validation/forecast';
import type { ChangeProgramInput } from '@/lib/validation/program';
import type { Db } from '../client';
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
import { programDto, verifierOptions, type ProgramDto, type StaffOption } from './patients';
import { pumpInClinic } from './pumps';
import { asValidationError, programSummary, type DrugOption } from './refills';
import { assertSameVersion } from './versioning';

function fail(field: string, message: string): never {
  throw new ValidationError(message, { [field]: message });
}

function staffNames(db: Pick<Db, 'select'>, clinicId: number): Map<string, string> {
  return new Map(
    db
      .select({ id: s.users.id, name: s.users.name })
      .from(s.users)
      .where(eq(s.users.clinicId, clinicId))
      .all()
      .map((u) => [u.id, u.name]),
  );
}

/** Every version of a pump's program, newest first. */
export function listPrograms(db: Db, clinicId: number, pumpId: number): ProgramDto[] {
  pumpInClinic(db, clinicId, pumpId);
  const names = staffNames(db, clinicId);
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
      programDto(
        p,
        drugs.get(p.drugId) ?? { name: '?', product: '?', doseUnit: 'mcg' },
        p.prescriberId ? (names.get(p.prescriberId) ?? null) : null,
      ),
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
  const names = staffNames(db, clinicId);
  const prescriber = context.activeProgram.prescriberId
    ? (names.get(context.activeProgram.prescriberId) ?? null)
    : null;
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
      flowMlPerDay: pump.flowUlPerDay == null ? null : pump.flowUlPerDay / 1000,
    },
    program: programDto(context.activeProgram, context.drug, prescriber),
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

export function specOf(
  input: Omit<ChangeProgramInput, 'expectedVersionNo' | 'reason' | 'secondPersonId'>,
  extra: Pick<ProgramSpec, 'reason' | 'prescriberId'>,
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

export interface ChangedProgram {
  program: ProgramDto;
  doseChange: { changePct: number | null; limitPct: number; exceedsUsualStep: boolean; alert: Alert | null };
  forecast: ReturnType<typeof forecastJson>;
  previousDueOn: string;
}

/**
 * A physician's new program version. It takes effect now, supersedes the active version (which must still be
 * `expectedVersionNo`), is audited and refreshes the stored forecast, all in one transaction. A dose step beyond
 * the usual titration step (E7) needs a second experienced person (S55).
 */
export function changeProgram(
  db: Db,
  actor: Actor,
  pumpId: number,
  input: ChangeProgramInput,
  now: number,
): ChangedProgram {
  return db.transaction((tx) => {
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

    const flowMl = pump.flowUlPerDay == null ? null : pump.flowUlPerDay / 1000;
    const patient = tx
      .select({ origin: s.patients.spasticityOrigin })
      .from(s.patients)
      .where(eq(s.patients.id, pump.patientId))
      .get()!;
    const spec = specOf(input, { reason: input.reason, prescriberId: actor.id });
    const oldDose = active.doseNgPerDay / 1000;
    const newDose = dailyDoseMcg(spec, flowMl);
    if (newDose <= 0)
      fail(input.mode === 'flex' ? 'flexSteps' : 'doseMcgPerDay', 'The program must deliver some drug');
    const doseChange = assessDoseChange(oldDose, newDose, patient.origin, 'titration');
    let secondPerson: { id: string; name: string } | null = null;
    if (input.secondPersonId) {
      const v = tx
        .select({ id: s.users.id, name: s.users.name, role: s.users.role, banned: s.users.banned })
        .from(s.users)
        .where(and(eq(s.users.id, input.secondPersonId), eq(s.users.clinicId, actor.clinicId)))
        .get();
      if (!v || v.banned || (v.role !== 'nurse' && v.role !== 'physician'))
        fail('secondPersonId', 'Second person must be a nurse or physician of this clinic');
      else if (v.id === actor.id) fail('secondPersonId', 'Second person must be someone other than you');
      else secondPerson = { id: v.id, name: v.name };
    }
    if (doseChange.exceedsUsualStep && !secondPerson)
      fail(
        'secondPersonId',
        'The dose change is beyond the usual step (E7): a second experienced person must confirm it',
      );

    const [before] = computeForecasts([context]);
    // A change in the same millisecond as the last version would not order; it takes effect 1 ms later.
    const effectiveAt = Math.max(now, active.effectiveAt + 1, context.lastVisit.performedAt + 1);
    tx.update(s.drugPrograms)
      .set({ supersededAt: effectiveAt })
      .where(eq(s.drugPrograms.id, active.id))
      .run();
    const created = tx
      .insert(s.drugPrograms)
      .values({
        ...programValues(pumpId, active.versionNo + 1, spec, effectiveAt, flowMl),
        createdById: actor.id,
      })
      .returning()
      .get();
    audit(tx, actor, 'create', 'drug_program', created.id, programSummary(active), {
      ...programSummary(created),
      reason: input.reason,
      secondPersonId: secondPerson?.id ?? null,
      doseChangePct: doseChange.changePct,
    });
    try {
      refreshForecasts(tx, { pumpIds: [pumpId] }, now);
    } catch (error) {
      asValidationError(error);
    }
    const [after] = computeForecasts(loadForecastContexts(tx, { pumpIds: [pumpId] }, now));
    if (!after) throw new Error(`Pump ${pumpId} has no forecast after its program change`);
    const tz = context.input.clinic.timeZone;
    return {
      program: programDto(created, drug, actor.name),
      doseChange: {
        changePct: doseChange.changePct,
        limitPct: doseChange.limitPct,
        exceedsUsualStep: doseChange.exceedsUsualStep,
        alert: doseChange.alert,
      },
      forecast: forecastJson(after.forecast, tz),
      previousDueOn: before?.forecast.refillDueOn ?? localDateOf(now, tz),
    };
  });
}
