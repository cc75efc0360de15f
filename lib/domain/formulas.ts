/** Small clinical formulas of reference.md B, for the programmer-side calculators and for alert wording. */
import { checkNonNegative, checkPositive } from './program';

/** B1: daily volume (mL/day) = dose (mcg/day) / concentration (mcg/mL) (S20, S30). */
export function dailyVolumeMl(doseMcgPerDay: number, concentrationMcgPerMl: number): number {
  return (
    checkNonNegative(doseMcgPerDay, 'doseMcgPerDay') /
    checkPositive(concentrationMcgPerMl, 'concentrationMcgPerMl')
  );
}

/** 0.0026 mL per cm of implanted Prometra catheter (reference.md S31). */
export const PROMETRA_CATHETER_ML_PER_CM = 0.0026;

/** B5: implanted Prometra catheter volume from its implanted length (S31). */
export function prometraCatheterVolumeMl(implantedLengthCm: number): number {
  return checkNonNegative(implantedLengthCm, 'implantedLengthCm') * PROMETRA_CATHETER_ML_PER_CM;
}

export interface BridgeTransit {
  /** What the patient receives while old-concentration drug is pushed out at the new rate: D × C_old / C_new. */
  doseDuringTransitMcgPerDay: number;
  /** Dead space / new daily volume; null when the dead space is not recorded. */
  transitDays: number | null;
}

/**
 * B5: after a concentration change without a bridge bolus, the dead space (pump pathway + catheter) still holds
 * old drug, delivered at the new volume rate until flushed (S18).
 */
export function bridgeTransit(args: {
  doseMcgPerDay: number;
  oldConcentrationMcgPerMl: number;
  newConcentrationMcgPerMl: number;
  deadSpaceMl?: number | null;
}): BridgeTransit {
  const dose = checkNonNegative(args.doseMcgPerDay, 'doseMcgPerDay');
  const cOld = checkPositive(args.oldConcentrationMcgPerMl, 'oldConcentrationMcgPerMl');
  const cNew = checkPositive(args.newConcentrationMcgPerMl, 'newConcentrationMcgPerMl');
  const newDailyVolume = dose / cNew;
  const deadSpace = args.deadSpaceMl == null ? null : checkNonNegative(args.deadSpaceMl, 'deadSpaceMl');
  return {
    doseDuringTransitMcgPerDay: (dose * cOld) / cNew,
    transitDays: deadSpace === null || newDailyVolume === 0 ? null : deadSpace / newDailyVolume,
  };
}

/** 0.0025 mL (2.5 µL): accumulator volume used by a third-party Prometra app; not a confirmed device spec (S30). */
export const PROMETRA_DEFAULT_ACCUMULATOR_ML = 0.0025;

/** B1: Prometra valve-actuation cadence (third-party app model, S30). */
export function prometraCadence(args: {
  doseMcgPerDay: number;
  concentrationMcgPerMl: number;
  accumulatorMl?: number;
}): {
  dailyVolumeMl: number;
  actuationsPerDay: number;
  minutesBetweenActuations: number;
  doseMcgPerActuation: number;
} {
  const volume = dailyVolumeMl(args.doseMcgPerDay, args.concentrationMcgPerMl);
  const acc = checkPositive(args.accumulatorMl ?? PROMETRA_DEFAULT_ACCUMULATOR_ML, 'accumulatorMl');
  const actuationsPerDay = volume / acc;
  return {
    dailyVolumeMl: volume,
    actuationsPerDay,
    minutesBetweenActuations: actuationsPerDay === 0 ? Infinity : 1440 / actuationsPerDay,
    doseMcgPerActuation: args.concentrationMcgPerMl * acc,
  };
}

/** B6: concentration a constant-flow pump needs for a target dose: C = D / Q. */
export function constantFlowConcentration(targetDoseMcgPerDay: number, flowMlPerDay: number): number {
  return (
    checkNonNegative(targetDoseMcgPerDay, 'targetDoseMcgPerDay') / checkPositive(flowMlPerDay, 'flowMlPerDay')
  );
}

/** B6: days until a constant-flow pump reaches the clinic's reserve: (V_fill − V_reserve) / Q. */
export function constantFlowDaysToReserve(fillMl: number, reserveMl: number, flowMlPerDay: number): number {
  const fill = checkNonNegative(fillMl, 'fillMl');
  const reserve = checkNonNegative(reserveMl, 'reserveMl');
  return Math.max(0, fill - reserve) / checkPositive(flowMlPerDay, 'flowMlPerDay');
}
