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

export function checkInstant(value: unknown, field: string, context: Record<string, unknown> = {}): EpochMs {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < MIN_INSTANT || value >= MAX_INSTANT) {
    throw new InvalidInputError(field, `${field} must be an instant (epoch ms) between 1970 and 2200, got ${value}`, {
      value,
      ...context,
    });
  }
  return value;
}

export function checkNonNegative(value: unknown, field: string, context: Record<string, unknown> = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(field, `${field} must be a number ≥ 0, got ${value}`, { value, ...context });
  }
  return value;
}

export function checkPositive(value: unknown, field: string, context: Record<string, unknown> = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidInputError(field, `${field} must be a number > 0, got ${value}`, { value, ...context });
  }
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

function compileProfile(
  v: ProgramVersion,
  field: string,
  ctx: Record<string, unknown>,
): { profile: DayProfile | null; dayDoseMcg: number } {
  const c = v.concentrationMcgPerMl;
  let stepWallMs: number[] = [];
  let stepMlPerMs: number[] = [];
  let dayDoseMcg = 0;

  if (v.mode === 'flex') {
    const steps = v.steps ?? [];
    if (steps.length === 0) {
      throw new InvalidProgramError(`${field}.steps`, 'A flex program needs at least one step', ctx);
    }
    const parsed = steps
      .map((s, i) => ({
        minutes: minutesOfLocalTime(s.start, `${field}.steps[${i}].start`),
        dose: checkNonNegative(s.doseMcgPerHour, `${field}.steps[${i}].doseMcgPerHour`, ctx),
      }))
      .sort((a, b) => a.minutes - b.minutes);
    for (let i = 1; i < parsed.length; i++) {
      if (parsed[i]!.minutes === parsed[i - 1]!.minutes) {
        throw new InvalidProgramError(`${field}.steps`, 'Two flex steps start at the same time', ctx);
      }
    }
    stepWallMs = parsed.map((p) => p.minutes * MINUTE_MS);
    stepMlPerMs = parsed.map((p) => p.dose / c / HOUR_MS);
    for (let i = 0; i < parsed.length; i++) {
      const next = i + 1 < parsed.length ? parsed[i + 1]!.minutes : parsed[0]!.minutes + 24 * 60;
      dayDoseMcg += (parsed[i]!.dose * (next - parsed[i]!.minutes)) / 60;
    }
  }

  const boluses = new Map<number, number>();
  (v.periodicBoluses ?? []).forEach((b, i) => {
    const wall = minutesOfLocalTime(b.at, `${field}.periodicBoluses[${i}].at`) * MINUTE_MS;
    const dose = checkNonNegative(b.doseMcg, `${field}.periodicBoluses[${i}].doseMcg`, ctx);
    boluses.set(wall, (boluses.get(wall) ?? 0) + dose);
    dayDoseMcg += dose;
  });

  if (stepWallMs.length === 0 && boluses.size === 0) return { profile: null, dayDoseMcg };
  const bolusWallMs = [...boluses.keys()].sort((a, b) => a - b);
  const profile: DayProfile = {
    stepWallMs,
    stepMlPerMs,
    wrapMlPerMs: stepMlPerMs.length > 0 ? stepMlPerMs[stepMlPerMs.length - 1]! : 0,
    bolusWallMs,
    bolusMl: bolusWallMs.map((w) => boluses.get(w)! / c),
    dayMl: dayDoseMcg / c,
  };
  return { profile, dayDoseMcg };
}

function compileVersion(
  input: ScheduleInput,
  v: ProgramVersion,
  index: number,
  start: EpochMs,
  end: EpochMs,
  basis: RateBasis,
): CompiledVersion {
  const field = `programs[${index}]`;
  const ctx = { pumpId: input.pumpId, programIndex: index };
  const c = checkPositive(v.concentrationMcgPerMl, `${field}.concentrationMcgPerMl`, ctx);
  const pump = input.pump;
  const hasPeriodic = (v.periodicBoluses?.length ?? 0) > 0;

  if ((pump.kind === 'constant-flow') !== (v.mode === 'constant-flow')) {
    throw new InvalidProgramError(
      `${field}.mode`,
      `${pumpName(input.pumpId)} is a ${pump.kind} pump but program ${index + 1} is in ${v.mode} mode`,
      ctx,
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
      throw new InvalidProgramError(`${field}`, 'A constant-flow pump cannot deliver boluses', ctx);
    }
    const flow = checkPositive(pump.flowMlPerDay, 'pump.flowMlPerDay', ctx);
    baseMlPerMs = flow / DAY_MS;
    dailyVolumeMl = flow;
    dailyDoseMcg = flow * c;
  } else {
    const compiled = compileProfile(v, field, ctx);
    profile = compiled.profile;
    dailyDoseMcg = compiled.dayDoseMcg;
    if (v.mode === 'simple') {
      const dose = checkNonNegative(v.doseMcgPerDay, `${field}.doseMcgPerDay`, ctx);
      baseMlPerMs = dose / c / DAY_MS;
      dailyDoseMcg += dose;
    }
    dailyVolumeMl = dailyDoseMcg / c;
    if (v.patientBolus) {
      const dose = checkNonNegative(v.patientBolus.doseMcg, `${field}.patientBolus.doseMcg`, ctx);
      const max = checkNonNegative(v.patientBolus.maxPerDay, `${field}.patientBolus.maxPerDay`, ctx);
      patientBolusMl = dose / c;
      worstExtraMl = patientBolusMl * max;
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
  const ctx = { pumpId };
  const t0 = checkInstant(lastRefill.at, 'lastRefill.at', ctx);
  const reservoir = checkPositive(pump.reservoirMl, 'pump.reservoirMl', ctx);
  const fill = checkNonNegative(lastRefill.volumeMl, 'lastRefill.volumeMl', ctx);
  const alarm = checkNonNegative(pump.alarmMl, 'pump.alarmMl', ctx);
  if (fill > reservoir + 1e-9) {
    throw new InvalidInputError(
      'lastRefill.volumeMl',
      `Fill volume ${fill} mL is more than the reservoir holds (${reservoir} mL)`,
      { ...ctx, value: fill, reservoirMl: reservoir },
    );
  }
  if (alarm >= reservoir) {
    throw new InvalidInputError('pump.alarmMl', `Alarm volume ${alarm} mL must be below the reservoir (${reservoir} mL)`, {
      ...ctx,
      value: alarm,
    });
  }
  if (!Array.isArray(programs) || programs.length === 0) {
    throw new NoProgramError('programs', `${pumpName(pumpId)} has no drug program since its refill`, ctx);
  }

  let first = 0;
  for (let i = 0; i < programs.length; i++) {
    const from = checkInstant(programs[i]!.from, `programs[${i}].from`, { ...ctx, programIndex: i });
    if (i > 0 && from <= programs[i - 1]!.from) {
      throw new InvalidProgramError(
        `programs[${i}].from`,
        'Program versions must be sorted by their start, with no two starting at the same instant',
        { ...ctx, programIndex: i },
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
