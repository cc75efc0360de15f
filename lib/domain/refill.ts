/**
 * Assessment of a refill visit: the residual volume check (reference.md B4, E5), the dose change (E7) and the
 * concentration change (E8).
 *
 * The expected residual is what the clinician programmer shows: the fill minus the PROGRAMMED delivery since the
 * refill (B4). Patient boluses count only as many as were actually taken (from the pump log); assuming every allowed
 * bolus was taken, as the forecast does for safety, would make a real under-infusion look like a normal residual.
 */
import { discrepancyAlertSeverity, fmtMl, fmtNumber, interruptionRisk, makeAlert, sortAlerts } from './alerts';
import { formatInstantForHumans } from './calendar';
import { FillExceedsCapacityError, InvalidInputError } from './errors';
import { bridgeTransit } from './formulas';
import { consumedUntil, instantWhenConsumed } from './integrate';
import {
  DEFAULT_ACCURACY_PCT,
  DEFAULT_DISCREPANCY_FLOOR_ML,
  DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
  DEFAULT_DISCREPANCY_LIMIT_SMALL_ML,
  DOSE_DECREASE_LIMIT_PCT,
  DOSE_STEP_LIMITS_PCT,
  SMALL_RESERVOIR_MAX_ML,
} from './policy';
import { checkInstant, checkNonNegative, checkPositive, compileSchedule, versionAt, type Schedule } from './program';
import type { Alert, ClinicPolicy, EpochMs, ForecastInput, SpasticityOrigin } from './types';
import { isOverfill } from './volumes';

export type DiscrepancyFlag = 'none' | 'over-delivery' | 'under-infusion';
export type DoseChangeContext = 'titration' | 'refill';

export interface DoseChangeAssessment {
  direction: 'increase' | 'decrease' | 'none';
  /** Change relative to the old dose, percent (negative for a decrease); null when the old dose was 0. */
  changePct: number | null;
  /** The usual step for this direction, origin and context, percent. */
  limitPct: number;
  /** Beyond the usual step: a second experienced person must confirm the change (E7, S55). */
  exceedsUsualStep: boolean;
  alert: Alert | null;
}

/**
 * E7: is a dose change beyond the usual step? Increases: titration per 24 h spinal 30 % / cerebral 15 %, at a refill
 * spinal 40 % / cerebral 20 %; decreases beyond 20 % (S18, S20; limits in policy.ts).
 */
export function assessDoseChange(
  oldMcg: number,
  newMcg: number,
  origin: SpasticityOrigin,
  context: DoseChangeContext,
): DoseChangeAssessment {
  const oldDose = checkNonNegative(oldMcg, 'oldDailyDoseMcg');
  const newDose = checkNonNegative(newMcg, 'newDailyDoseMcg');
  const direction = newDose > oldDose ? 'increase' : newDose < oldDose ? 'decrease' : 'none';
  const limitPct = direction === 'decrease' ? DOSE_DECREASE_LIMIT_PCT : DOSE_STEP_LIMITS_PCT[context][origin];
  const changePct = oldDose === 0 ? (newDose === 0 ? 0 : null) : ((newDose - oldDose) / oldDose) * 100;
  // 1e-9: 250 → 325 mcg/day is exactly the 30 % step and must not be flagged by floating-point noise.
  const exceedsUsualStep = changePct === null || Math.abs(changePct) > limitPct + 1e-9;
  const described = changePct === null ? 'from 0' : `${changePct > 0 ? '+' : ''}${fmtNumber(changePct)} %`;
  const when = context === 'titration' ? 'per 24 h of titration' : 'at a refill';
  const alert = exceedsUsualStep
    ? makeAlert(
        'E7',
        'warn',
        `Dose change ${fmtNumber(oldDose)} → ${fmtNumber(newDose)} mcg/day (${described}) is beyond the usual ${direction === 'decrease' ? 'decrease' : 'increase'} of ${limitPct} % ${when} for ${origin} origin. A second experienced person must confirm it.`,
      )
    : null;
  return { direction, changePct, limitPct, exceedsUsualStep, alert };
}

/** The clinic's discrepancy settings; unset fields take the reference.md B4 defaults. */
export type DiscrepancyPolicy = Pick<
  ClinicPolicy,
  'accuracyPct' | 'discrepancyFloorMl' | 'discrepancyLimitSmallMl' | 'discrepancyLimitLargeMl'
>;

/**
 * The residual-discrepancy tolerance of reference.md B4 (revised) and E5:
 *   max(measurement floor, min(absolute limit, accuracy % × volume delivered since the last refill)),
 * the absolute limit being 1 mL for reservoirs up to 20 mL and 2 mL otherwise (S33 ASRA 2017: "outside device
 * accuracy specifications OR greater than 2 mL" → min; S34 Maino 2017: 1 mL in 20 mL pumps). A visit is flagged
 * when |discrepancy| is above it. See docs/decisions/008-discrepancy-tolerance.md.
 */
export function discrepancyToleranceMl(
  deliveredMl: number,
  reservoirMl: number,
  policy: DiscrepancyPolicy = {},
): number {
  const floor = policy.discrepancyFloorMl ?? DEFAULT_DISCREPANCY_FLOOR_ML;
  const limit =
    reservoirMl <= SMALL_RESERVOIR_MAX_ML
      ? (policy.discrepancyLimitSmallMl ?? DEFAULT_DISCREPANCY_LIMIT_SMALL_ML)
      : (policy.discrepancyLimitLargeMl ?? DEFAULT_DISCREPANCY_LIMIT_LARGE_ML);
  const accuracy = ((policy.accuracyPct ?? DEFAULT_ACCURACY_PCT) / 100) * Math.max(0, deliveredMl);
  return Math.max(floor, Math.min(limit, accuracy));
}

export interface RefillVisitInput {
  /** The state since the last refill, as for the forecast. */
  state: Pick<ForecastInput, 'clinic' | 'pump' | 'lastRefill' | 'programs' | 'drug' | 'pumpId'>;
  visitAt: EpochMs;
  aspiratedResidualMl: number;
  volumeFilledMl: number;
  /** Reservoir capacity; defaults to `state.pump.reservoirMl`. */
  reservoirMl?: number;
  oldConcentrationMcgPerMl: number;
  newConcentrationMcgPerMl: number;
  bridgeBolusGiven: boolean;
  oldDailyDoseMcg: number;
  newDailyDoseMcg: number;
  spasticityOrigin: SpasticityOrigin;
  /** Patient boluses the pump log shows since the last refill, at the bolus dose in effect at the visit. */
  patientBolusesTaken?: number;
  /** Pump pathway + catheter volume, if recorded: lets E8 say how long the wrong dose lasts (B5). */
  deadSpaceMl?: number | null;
}

export interface RefillAssessment {
  /** Programmed volume delivered since the last refill (never more than the fill). */
  deliveredMl: number;
  expectedResidualMl: number;
  /** Expected − aspirated: positive = more drug left the reservoir than programmed. */
  discrepancyMl: number;
  /** Discrepancy as a percentage of `deliveredMl`; null when nothing was delivered. */
  discrepancyPct: number | null;
  /** `discrepancyToleranceMl(deliveredMl, reservoir, clinic)` (B4). */
  toleranceMl: number;
  flag: DiscrepancyFlag;
  doseChange: DoseChangeAssessment;
  concentrationChanged: boolean;
  /** The severity of the E5 alert when the residual is flagged, else null: stored on the visit until reviewed. */
  discrepancySeverity: 'high' | 'critical' | null;
  /**
   * A CRITICAL discrepancy (under-infusion of a drug with severe withdrawal) is saved only once the nurse has
   * re-measured the aspirated volume or confirmed it: a misread syringe must not raise a false motor-stall alarm,
   * and a real one must not be typed away.
   */
  discrepancyNeedsConfirmation: boolean;
  alerts: Alert[];
}

/** E5's severity for a flagged residual has one home, beside the other alert rules. */
export { discrepancyAlertSeverity };

/**
 * What the reservoir should hold at `at` by the program (B4): the fill minus the programmed delivery since the last
 * refill, plus `patientBolusesTaken` boluses at the dose in effect then. The one home of the expected residual: the
 * refill assessment, the refill form's live check and the day sheet all read it from here.
 */
export function programmedResidual(
  state: RefillVisitInput['state'],
  at: EpochMs,
  patientBolusesTaken = 0,
): { deliveredMl: number; expectedResidualMl: number; schedule: Schedule } {
  const schedule = compileSchedule(state, 'programmed');
  if (at < schedule.t0) {
    throw new InvalidInputError('visitAt', 'The visit is before the last refill', {
      pumpId: state.pumpId,
      visitAt: at,
      lastRefillAt: schedule.t0,
    });
  }
  const fill = state.lastRefill.volumeMl;
  const bolusMl = patientBolusesTaken * versionAt(schedule, at).patientBolusMl;
  const deliveredMl = Math.min(fill, consumedUntil(schedule, at) + bolusMl);
  return { deliveredMl, expectedResidualMl: fill - deliveredMl, schedule };
}

export function assessRefillVisit(v: RefillVisitInput): RefillAssessment {
  const { state } = v;
  const pumpId = state.pumpId;
  const ctx = { pumpId };
  const visitAt = checkInstant(v.visitAt, 'visitAt', ctx);
  const reservoir = checkPositive(v.reservoirMl ?? state.pump.reservoirMl, 'reservoirMl', ctx);
  const aspirated = checkNonNegative(v.aspiratedResidualMl, 'aspiratedResidualMl', ctx);
  const filled = checkNonNegative(v.volumeFilledMl, 'volumeFilledMl', ctx);
  if (isOverfill(filled, reservoir)) {
    // "DO NOT OVERFILL" (S13): over-pressurising the reservoir is never acceptable (B6b).
    throw new FillExceedsCapacityError(
      'volumeFilledMl',
      `Fill volume ${fmtNumber(filled)} mL is more than the reservoir holds (${fmtNumber(reservoir)} mL)`,
      { ...ctx, value: filled, reservoirMl: reservoir },
    );
  }
  if (aspirated > reservoir + 1e-9) {
    throw new InvalidInputError(
      'aspiratedResidualMl',
      `Aspirated residual ${fmtNumber(aspirated)} mL is more than the reservoir holds (${fmtNumber(reservoir)} mL)`,
      { ...ctx, value: aspirated, reservoirMl: reservoir },
    );
  }
  const cOld = checkPositive(v.oldConcentrationMcgPerMl, 'oldConcentrationMcgPerMl', ctx);
  const cNew = checkPositive(v.newConcentrationMcgPerMl, 'newConcentrationMcgPerMl', ctx);
  const bolusesTaken = checkNonNegative(v.patientBolusesTaken ?? 0, 'patientBolusesTaken', ctx);

  const { deliveredMl, expectedResidualMl, schedule } = programmedResidual(state, visitAt, bolusesTaken);
  const fill = state.lastRefill.volumeMl;
  const discrepancyMl = expectedResidualMl - aspirated;
  const toleranceMl = discrepancyToleranceMl(deliveredMl, reservoir, state.clinic);
  const flag: DiscrepancyFlag =
    Math.abs(discrepancyMl) > toleranceMl ? (discrepancyMl > 0 ? 'over-delivery' : 'under-infusion') : 'none';

  const alerts: Alert[] = [];
  const drug = state.drug.name;
  const risk = state.drug.withdrawalRisk ?? 'severe';
  const numbers = `expected ${fmtMl(expectedResidualMl)}, aspirated ${fmtMl(aspirated)}, tolerance ${fmtMl(toleranceMl)}`;
  const signed = `${discrepancyMl > 0 ? '+' : discrepancyMl < 0 ? '−' : ''}${fmtMl(Math.abs(discrepancyMl))}`;

  // E5: residual discrepancy beyond the B4 tolerance.
  const e5 = discrepancyAlertSeverity(flag, risk);
  if (flag === 'over-delivery' && e5) {
    alerts.push(
      makeAlert(
        'E5',
        e5,
        `Residual discrepancy ${signed} (${numbers}): more drug left the reservoir than programmed. Check for overdose signs, a pocket fill or incomplete fill at the last refill, and incomplete aspiration now.`,
      ),
    );
  } else if (flag === 'under-infusion' && e5) {
    // Under-infusion means possible motor stall or catheter problem: withdrawal risk, CRITICAL for ITB (E5).
    alerts.push(
      makeAlert(
        'E5',
        e5,
        `Residual discrepancy ${signed} (${numbers}): less drug was delivered than programmed (possible motor stall, occlusion or catheter problem). ${interruptionRisk(drug, risk)} Check for withdrawal signs and catheter integrity now.`,
      ),
    );
  }

  // The programmed delivery used up the whole fill before this visit: the pump ran empty.
  if (deliveredMl >= fill && fill > 0) {
    const emptyAt = instantWhenConsumed(schedule, fill, visitAt);
    const since =
      emptyAt === null ? '' : ` since ${formatInstantForHumans(Math.round(emptyAt), state.clinic.timeZone)}`;
    alerts.push(
      makeAlert(
        'E1',
        'critical',
        `By the programmed delivery the reservoir was empty${since}, before this visit. ${interruptionRisk(drug, risk)} Assess the patient for withdrawal.`,
      ),
    );
  }

  // E7: dose change beyond the usual step at a refill.
  const doseChange = assessDoseChange(v.oldDailyDoseMcg, v.newDailyDoseMcg, v.spasticityOrigin, 'refill');
  if (doseChange.alert) alerts.push(doseChange.alert);

  // E8: concentration changed without a bridge bolus ("a bridge bolus must be programmed", S18).
  const concentrationChanged = Math.abs(cNew - cOld) > 1e-9 * Math.max(cNew, cOld);
  if (concentrationChanged && !v.bridgeBolusGiven) {
    const transit = bridgeTransit({
      doseMcgPerDay: v.newDailyDoseMcg,
      oldConcentrationMcgPerMl: cOld,
      newConcentrationMcgPerMl: cNew,
      deadSpaceMl: v.deadSpaceMl ?? null,
    });
    const duration =
      transit.transitDays === null ? '' : ` for about ${fmtNumber(transit.transitDays * 24)} h`;
    alerts.push(
      makeAlert(
        'E8',
        'high',
        `Concentration changed from ${fmtNumber(cOld)} to ${fmtNumber(cNew)} mcg/mL without a bridge bolus: until the old drug in the pump tubing and catheter is flushed the patient receives ${fmtNumber(transit.doseDuringTransitMcgPerDay)} instead of ${fmtNumber(v.newDailyDoseMcg)} mcg/day${duration}. Program a bridge bolus.`,
      ),
    );
  }

  const discrepancySeverity = e5;

  return {
    deliveredMl,
    expectedResidualMl,
    discrepancyMl,
    discrepancyPct: deliveredMl > 0 ? (discrepancyMl / deliveredMl) * 100 : null,
    toleranceMl,
    flag,
    doseChange,
    concentrationChanged,
    discrepancySeverity,
    discrepancyNeedsConfirmation: discrepancySeverity === 'critical',
    alerts: sortAlerts(alerts),
  };
}

/**
 * The bridge bolus volume a refill may record (B5), or why not: it is drawn from the reservoir just filled, so it
 * must be more than 0 and less than the fill. Null when it is acceptable.
 */
export function bridgeBolusVolumeProblem(volumeFilledMl: number, bridgeBolusMl: number): string | null {
  if (!(bridgeBolusMl > 0)) return 'Bridge bolus volume must be more than 0 mL';
  if (!(bridgeBolusMl < volumeFilledMl))
    return `Bridge bolus volume must be less than the volume filled (${fmtNumber(volumeFilledMl)} mL)`;
  return null;
}

/**
 * The reservoir volume right after a refill, the start of the next forecast (B2, B5): the fill less the bridge
 * bolus, which the pump delivers from the new drug in the reservoir to flush the old drug out of the tubing and
 * catheter. Counting the whole fill would put the low-reservoir alarm `bridgeBolusMl / daily volume` days late.
 */
export function reservoirAfterRefillMl(volumeFilledMl: number, bridgeBolusMl: number | null | undefined): number {
  const filled = checkNonNegative(volumeFilledMl, 'volumeFilledMl');
  if (bridgeBolusMl == null) return filled;
  const problem = bridgeBolusVolumeProblem(filled, bridgeBolusMl);
  if (problem) throw new InvalidInputError('bridgeBolusMl', problem, { volumeFilledMl, bridgeBolusMl });
  return filled - bridgeBolusMl;
}

/** How the fill was confirmed to be in the reservoir, not the pocket (reference.md G2; S55, S102). */
export const fillConfirmationMethods = ['aspiration-back', 'ultrasound', 'fluoroscopy'] as const;
export type FillConfirmationMethod = (typeof fillConfirmationMethods)[number];

export interface PocketFillSafeguards {
  needlePlacementConfirmed: boolean;
  residualCheckedBeforeFill: boolean;
  templateUsed: boolean;
  fillConfirmationMethod?: FillConfirmationMethod | null;
}

/**
 * E6, pocket fill: 11 of 14 SynchroMed deaths 1996–2013 were drug injected into the subcutaneous pocket (S42).
 * G1 steps 5–6 guard against it: the residual is aspirated and compared with the expected volume BEFORE any drug
 * is injected (a needle outside the reservoir aspirates nothing, S13, S16), and the needle's placement in the
 * reservoir is confirmed, e.g. by aspirating back after ~5 mL (S55) or under ultrasound/fluoroscopy (S35, S102).
 * A fill is refused without both and a confirmation method.
 *
 * The template (G1 step 4) is recorded but not required: it is one way to LOCATE the port, and G1 names
 * ultrasound or fluoroscopy for a difficult one; it does not show that the needle is in the reservoir, which the two
 * required steps do. Requiring it would make a nurse who located a superficial port by palpation tick a box that is
 * not true, and the record must match what was done.
 */
export function missingPocketFillSafeguards(
  s: PocketFillSafeguards,
): { field: keyof PocketFillSafeguards; message: string }[] {
  const missing: { field: keyof PocketFillSafeguards; message: string }[] = [];
  if (!s.residualCheckedBeforeFill)
    missing.push({
      field: 'residualCheckedBeforeFill',
      message:
        'Confirm that the aspirated residual was checked against the expected volume before filling (pocket-fill safeguard, E6)',
    });
  if (!s.needlePlacementConfirmed)
    missing.push({
      field: 'needlePlacementConfirmed',
      message: 'Confirm that the needle is in the reservoir before the fill is saved (pocket-fill safeguard, E6)',
    });
  if (!s.fillConfirmationMethod || !fillConfirmationMethods.includes(s.fillConfirmationMethod))
    missing.push({
      field: 'fillConfirmationMethod',
      message: 'Choose how the fill was confirmed in the reservoir: aspiration back, ultrasound or fluoroscopy',
    });
  return missing;
}

export const replacedAppointmentActions = ['done', 'cancel', 'keep'] as const;
export type ReplacedAppointmentAction = (typeof replacedAppointmentActions)[number];

/**
 * The booked refill appointments a refill replaces, with what saving the refill does to each unless the nurse
 * chooses otherwise. Dates are clinic-local `YYYY-MM-DD`.
 *
 * Every booked appointment from the visit's day up to the previous refill due date was booked for the refill just
 * done: it is closed (marked done) by default, otherwise it keeps the patient coming, keeps the calendar saying
 * "come", and suppresses E3 (no next appointment). If none falls there, the nearest later one is shown, kept by
 * default: it lies past the due date it was booked for, so it may already be the next cycle's appointment, and
 * only the nurse knows. [INFERENCE]
 */
export function appointmentsReplacedByRefill(
  appointments: readonly { id: number; date: string }[],
  visitDate: string,
  previousDueOn: string,
): { id: number; defaultAction: 'done' | 'keep' }[] {
  const upcoming = appointments.filter((a) => a.date >= visitDate).sort((a, b) => a.date.localeCompare(b.date));
  const replaced = upcoming.filter((a) => a.date <= previousDueOn);
  if (replaced.length > 0) return replaced.map((a) => ({ id: a.id, defaultAction: 'done' }));
  const nearest = upcoming[0];
  return nearest ? [{ id: nearest.id, defaultAction: 'keep' }] : [];
}
