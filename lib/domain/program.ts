/**
 * Validates program versions and compiles them into delivery rates the integrator can use.
 *
 * A version delivers (reference.md B1):
 * - simple continuous: doseMcgPerDay / C, spread evenly over elapsed time;
 * - constant-flow pump: the pump's fixed flow (mL/day), whatever the program says (B6);
 * - flex: each step's doseMcgPerHour / C from its clinic-local start to the next step's start (the last step wraps
 *   past midnight to the first), plus periodic boluses as instantaneous drops at their clinic-local time;
 * - worst case only: every allowed patient bolus (doseMcg × maxPerDay / C per 24 h), spread evenly, as the Prometra
 *   PTC assumes for its refill date (S28).
 */
import { minutesOfLocalTime } from './calendar';
import { InvalidInputError, InvalidProgramError, NoProgramError } from './errors';
import type { EpochMs, ForecastInput, ProgramVersion, RateBasis } from './types';
import { DAY_MS, HOUR_MS, MINUTE_MS, zoneClock, type ZoneClock } from './zone';

/** Instants outside [1970, 2200) are data errors; rejecting them also bounds the zone scans. */
const MIN_INSTANT = 0;
const MAX_INSTANT = Date.UTC(2200, 0, 1);

// The checks below run for every field of every pump on the worklist, so they test first and build the field name
// and context only when throwing.

export function isInstant(value: unknown): value is EpochMs {
  return typeof value === 'number' && value >= MIN_INSTANT && value < MAX_INSTANT;
}

export function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value < Infinity;
}

export function isPositive(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value < Infinity;
}

export function instantError(
  field: string,
  value: unknown,
  context: Record<string, unknown> = {},
): InvalidInputError {
  return new InvalidInputError(
    field,
    `${field} must be an instant (epoch ms) between 1970 and 2200, got ${String(value)}`,
    {
      value,
      ...context,
    },
  );
}

export function nonNegativeError(
  field: string,
  value: unknown,
  context: Record<string, unknown> = {},
): InvalidInputError {
  return new InvalidInputError(field, `${field} must be a number ≥ 0, got ${String(value)}`, { value, ...context });
}

export function positiveError(
  field: string,
  value: unknown,
  context: Record<string, unknown> = {},
): InvalidInputError {
  return new InvalidInputError(field, `${field} must be a number > 0, got ${String(value)}`, { value, ...context });
}

export function checkInstant(value: unknown, field: string, context?: Record<string, unknown>): EpochMs {
  if (!isInstant(value)) throw instantError(field, value, context);
  return value;
}

export function checkNonNegative(value: unknown, field: string, context?: Record<string, unknown>): number {
  if (!isNonNegative(value)) throw nonNegativeError(field, value, context);
  return value;
}

export function checkPositive(value: unknown, field: string, context?: Record<string, unknown>): number {
  if (!isPositive(value)) throw positiveError(field, value, context);
  return value;
}

/** The part of a day's delivery that follows the clinic clock. Times are wall-clock ms after local midnight. */
export interface DayProfile {
  /** Flex step starts, ascending and distinct. Empty when the version has only periodic boluses. */
  stepWallMs: number[];
  stepMlPerMs: number[];
  /** The rate in effect at 00:00: the last step's, because the last step wraps past midnight. */
  wrapMlPerMs: number;
  /** Periodic bolus times, ascending and distinct (boluses at the same time are added together). */
  bolusWallMs: number[];
  bolusMl: number[];
  /** Volume of steps and boluses over a 24 h day. */
  dayMl: number;
}

export interface CompiledVersion {
  /** Index in the caller's `programs` array, for messages. */
  index: number;
  source: ProgramVersion;
  /** When this version governs delivery: [start, end). The first starts at the refill. */
  start: EpochMs;
  end: EpochMs;
  /** Delivery that ignores the clock (simple rate, constant flow, worst-case patient boluses), mL per ms. */
  baseMlPerMs: number;
  profile: DayProfile | null;
  programmedDailyDoseMcg: number;
  programmedDailyVolumeMl: number;
  worstCaseDailyVolumeMl: number;
  /** Volume of one patient bolus (0 without a patient bolus). */
  patientBolusMl: number;
  /** Flex mode or periodic boluses: delivery follows the pump clock (E16). */
  followsClinicClock: boolean;
}

export interface Schedule {
  t0: EpochMs;
  zone: ZoneClock;
  versions: CompiledVersion[];
}

type ScheduleInput = Pick<ForecastInput, 'pump' | 'programs' | 'lastRefill' | 'clinic' | 'pumpId'>;

function pumpName(pumpId: ForecastInput['pumpId']): string {
  return pumpId === undefined ? 'The pump' : `Pump ${pumpId}`;
}

function programContext(input: ScheduleInput, index: number): Record<string, unknown> {
  return { pumpId: input.pumpId, programIndex: index };
}

function compileProfile(
  input: ScheduleInput,
  v: ProgramVersion,
  index: number,
): { profile: DayProfile | null; dayDoseMcg: number } {
  const c = v.concentrationMcgPerMl;
  let dayDoseMcg = 0;
  let stepWallMs: number[] = [];
  let stepMlPerMs: number[] = [];

  if (v.mode === 'flex') {
    const steps = v.steps ?? [];
    const n = steps.length;
    if (n === 0) {
      throw new InvalidProgramError(
        `programs[${index}].steps`,
        'A flex program needs at least one step',
        programContext(input, index),
      );
    }
    // Insertion sort by start time: a handful of steps, and no comparator closure per pump.
    stepWallMs = [];
    const doses: number[] = [];
    for (let i = 0; i < n; i++) {
      const step = steps[i]!;
      const wall = minutesOfLocalTime(step.start, `programs[${index}].steps[${i}].start`) * MINUTE_MS;
      if (!isNonNegative(step.doseMcgPerHour)) {
        throw nonNegativeError(
          `programs[${index}].steps[${i}].doseMcgPerHour`,
          step.doseMcgPerHour,
          programContext(input, index),
        );
      }
      let j = i;
      while (j > 0 && stepWallMs[j - 1]! > wall) {
        stepWallMs[j] = stepWallMs[j - 1]!;
        doses[j] = doses[j - 1]!;
        j--;
      }
      if (j > 0 && stepWallMs[j - 1] === wall) {
        throw new InvalidProgramError(
          `programs[${index}].steps`,
          'Two flex steps start at the same time',
          programContext(input, index),
        );
      }
      stepWallMs[j] = wall;
      doses[j] = step.doseMcgPerHour;
    }
    stepMlPerMs = [];
    for (let k = 0; k < n; k++) {
      const next = k + 1 < n ? stepWallMs[k + 1]! : stepWallMs[0]! + DAY_MS;
      stepMlPerMs[k] = doses[k]! / c / HOUR_MS;
      dayDoseMcg += (doses[k]! * (next - stepWallMs[k]!)) / HOUR_MS;
    }
  }

  const periodic = v.periodicBoluses ?? [];
  const bolusWallMs: number[] = [];
  const bolusMcg: number[] = [];
  for (let i = 0; i < periodic.length; i++) {
    const b = periodic[i]!;
    const wall = minutesOfLocalTime(b.at, `programs[${index}].periodicBoluses[${i}].at`) * MINUTE_MS;
    if (!isNonNegative(b.doseMcg)) {
      throw nonNegativeError(
        `programs[${index}].periodicBoluses[${i}].doseMcg`,
        b.doseMcg,
        programContext(input, index),
      );
    }
    dayDoseMcg += b.doseMcg;
    // Sorted insert; boluses at the same time are one drop.
    let j = bolusWallMs.length;
    while (j > 0 && bolusWallMs[j - 1]! > wall) j--;
    if (j > 0 && bolusWallMs[j - 1] === wall) {
      bolusMcg[j - 1]! += b.doseMcg;
    } else {
      bolusWallMs.splice(j, 0, wall);
      bolusMcg.splice(j, 0, b.doseMcg);
    }
  }
  const bolusMl = bolusMcg.map((mcg) => mcg / c);

  if (stepWallMs.length === 0 && bolusWallMs.length === 0) return { profile: null, dayDoseMcg };
  return {
    profile: {
      stepWallMs,
      stepMlPerMs,
      wrapMlPerMs: stepMlPerMs.length > 0 ? stepMlPerMs[stepMlPerMs.length - 1]! : 0,
      bolusWallMs,
      bolusMl,
      dayMl: dayDoseMcg / c,
    },
    dayDoseMcg,
  };
}

function compileVersion(
  input: ScheduleInput,
  v: ProgramVersion,
  index: number,
  start: EpochMs,
  end: EpochMs,
  basis: RateBasis,
): CompiledVersion {
  const c = v.concentrationMcgPerMl;
  if (!isPositive(c))
    throw positiveError(`programs[${index}].concentrationMcgPerMl`, c, programContext(input, index));
  const pump = input.pump;
  const hasPeriodic = v.periodicBoluses != null && v.periodicBoluses.length > 0;

  if ((pump.kind === 'constant-flow') !== (v.mode === 'constant-flow')) {
    throw new InvalidProgramError(
      `programs[${index}].mode`,
      `${pumpName(input.pumpId)} is a ${pump.kind} pump but program ${index + 1} is in ${v.mode} mode`,
      programContext(input, index),
    );
  }

  let baseMlPerMs = 0;
  let profile: DayProfile | null = null;
  let dailyDoseMcg: number;
  let dailyVolumeMl: number;
  let patientBolusMl = 0;
  let worstExtraMl = 0;

  if (v.mode === 'constant-flow') {
    // A gas-propellant pump has no electronics: it cannot give boluses (reference.md B6, C).
    if (hasPeriodic || v.patientBolus) {
      throw new InvalidProgramError(
        `programs[${index}]`,
        'A constant-flow pump cannot deliver boluses',
        programContext(input, index),
      );
    }
    const flow = pump.flowMlPerDay;
    if (!isPositive(flow)) throw positiveError('pump.flowMlPerDay', flow, { pumpId: input.pumpId });
    baseMlPerMs = flow / DAY_MS;
    dailyVolumeMl = flow;
    dailyDoseMcg = flow * c;
  } else {
    const compiled = compileProfile(input, v, index);
    profile = compiled.profile;
    dailyDoseMcg = compiled.dayDoseMcg;
    if (v.mode === 'simple') {
      const dose = v.doseMcgPerDay;
      if (!isNonNegative(dose)) {
        throw nonNegativeError(`programs[${index}].doseMcgPerDay`, dose, programContext(input, index));
      }
      baseMlPerMs = dose / c / DAY_MS;
      dailyDoseMcg += dose;
    }
    dailyVolumeMl = dailyDoseMcg / c;
    const pb = v.patientBolus;
    if (pb) {
      if (!isNonNegative(pb.doseMcg)) {
        throw nonNegativeError(
          `programs[${index}].patientBolus.doseMcg`,
          pb.doseMcg,
          programContext(input, index),
        );
      }
      if (!isNonNegative(pb.maxPerDay)) {
        throw nonNegativeError(
          `programs[${index}].patientBolus.maxPerDay`,
          pb.maxPerDay,
          programContext(input, index),
        );
      }
      patientBolusMl = pb.doseMcg / c;
      worstExtraMl = patientBolusMl * pb.maxPerDay;
      if (basis === 'worst-case') baseMlPerMs += worstExtraMl / DAY_MS;
    }
  }

  return {
    index,
    source: v,
    start,
    end,
    baseMlPerMs,
    profile,
    programmedDailyDoseMcg: dailyDoseMcg,
    programmedDailyVolumeMl: dailyVolumeMl,
    worstCaseDailyVolumeMl: dailyVolumeMl + worstExtraMl,
    patientBolusMl,
    followsClinicClock: v.mode === 'flex' || hasPeriodic,
  };
}

/**
 * Validates the pump, the refill and the program versions and compiles the versions that govern delivery since
 * the refill. Versions must be sorted by `from`; versions superseded before the refill are skipped, and the first
 * remaining one applies from the refill even if it was entered a little later during the visit.
 */
export function compileSchedule(input: ScheduleInput, basis: RateBasis): Schedule {
  const { pump, programs, lastRefill, pumpId } = input;
  const t0 = lastRefill.at;
  if (!isInstant(t0)) throw instantError('lastRefill.at', t0, { pumpId });
  const reservoir = pump.reservoirMl;
  if (!isPositive(reservoir)) throw positiveError('pump.reservoirMl', reservoir, { pumpId });
  const fill = lastRefill.volumeMl;
  if (!isNonNegative(fill)) throw nonNegativeError('lastRefill.volumeMl', fill, { pumpId });
  const alarm = pump.alarmMl;
  if (!isNonNegative(alarm)) throw nonNegativeError('pump.alarmMl', alarm, { pumpId });
  if (fill > reservoir + 1e-9) {
    throw new InvalidInputError(
      'lastRefill.volumeMl',
      `Fill volume ${fill} mL is more than the reservoir holds (${reservoir} mL)`,
      { pumpId, value: fill, reservoirMl: reservoir },
    );
  }
  if (alarm >= reservoir) {
    throw new InvalidInputError(
      'pump.alarmMl',
      `Alarm volume ${alarm} mL must be below the reservoir (${reservoir} mL)`,
      {
        pumpId,
        value: alarm,
      },
    );
  }
  if (!Array.isArray(programs) || programs.length === 0) {
    throw new NoProgramError('programs', `${pumpName(pumpId)} has no drug program since its refill`, {
      pumpId,
    });
  }

  let first = 0;
  for (let i = 0; i < programs.length; i++) {
    const from = programs[i]!.from;
    if (!isInstant(from)) throw instantError(`programs[${i}].from`, from, programContext(input, i));
    if (i > 0 && from <= programs[i - 1]!.from) {
      throw new InvalidProgramError(
        `programs[${i}].from`,
        'Program versions must be sorted by their start, with no two starting at the same instant',
        programContext(input, i),
      );
    }
    if (from <= t0) first = i;
  }

  const zone = zoneClock(input.clinic.timeZone, t0);
  const versions: CompiledVersion[] = [];
  for (let i = first; i < programs.length; i++) {
    const start = i === first ? t0 : programs[i]!.from;
    const end = i + 1 < programs.length ? programs[i + 1]!.from : Infinity;
    versions.push(compileVersion(input, programs[i]!, i, start, end, basis));
  }
  return { t0, zone, versions };
}

/** The version governing delivery at an instant (the first one before it starts). */
export function versionAt(schedule: Schedule, at: EpochMs): CompiledVersion {
  const vs = schedule.versions;
  for (let i = vs.length - 1; i > 0; i--) {
    if (vs[i]!.start <= at) return vs[i]!;
  }
  return vs[0]!;
}
