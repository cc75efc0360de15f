/**
 * Clinic policy defaults and clinical thresholds. Every number cites reference.md. Numbers marked [INFERENCE]
 * there are design choices, not sourced facts; all of them are clinic-configurable (reference.md E: "All numeric
 * thresholds must be configurable per clinic").
 */
import type { ClinicPolicy, SpasticityOrigin } from './types';

// ---- Refill scheduling ----

/** 7 days: Gillette "seven to ten days before" the alarm date (S10); Medtronic "a week earlier" if at risk (S11). */
export const DEFAULT_BUFFER_DAYS = 7;

/**
 * 14 days [INFERENCE]: a due date within two weeks needs a booked visit now; cf. the "within two weeks" rule of an
 * analogous implantable pump (S51).
 */
export const DEFAULT_DUE_SOON_DAYS = 14;

/** Monday to Friday [INFERENCE]: a weekend or holiday due date moves earlier, never later (E17). */
export const DEFAULT_CLINIC_WEEKDAYS: readonly number[] = [1, 2, 3, 4, 5];

/**
 * 0 days: the product issue makes the refill due on or before the stability expiry date itself. reference.md B3
 * allows a separate stability buffer and B7-2 illustrates one of 7 days ("day 180 − buffer, e.g. day 173").
 */
export const DEFAULT_STABILITY_BUFFER_DAYS = 0;

/** 2 mL: manufacturer-recommended low-reservoir alarm residual; some patients need 4 mL (reference.md S32). */
export const DEFAULT_ALARM_ML = 2;

/**
 * 2 mL: the lowest alarm volume for a model without a manufacturer default (Prometra, constant-flow reserve):
 * "treat the LRA volume (≥ 2 mL) as the practical floor" (reference.md B6b).
 */
export const MIN_ALARM_ML = DEFAULT_ALARM_ML;

// ---- Residual discrepancy (B4, E5) ----

/** 15 %: default device accuracy until the pump model's specification is entered (reference.md B4, S27 85–115 %). */
export const DEFAULT_ACCURACY_PCT = 15;

/** 0.5 mL [INFERENCE, reference.md B4]: syringe-reading noise below this never flags a visit. */
export const DEFAULT_DISCREPANCY_FLOOR_ML = 0.5;

/** 1 mL: a discrepancy above 1 mL in 20 mL pumps is potentially consequential (Maino 2017, reference.md S34). */
export const DEFAULT_DISCREPANCY_LIMIT_SMALL_ML = 1;

/** 2 mL: "greater than 2 mL should be evaluated" (ASRA 2017, S33); > 2 mL in 40 mL pumps (Maino 2017, S34). */
export const DEFAULT_DISCREPANCY_LIMIT_LARGE_ML = 2;

/** Reservoirs up to this volume use the small absolute limit (Maino's 20 mL pumps, reference.md B4). */
export const SMALL_RESERVOIR_MAX_ML = 20;

// ---- Drug stability / maximum refill interval (reference.md D, E4) ----

export const STABILITY_DAYS = {
  /** 180 days: ITB pumps "recommended to be refilled within a maximum of 180 days" (S22). */
  baclofen: 180,
  /** 90 days: morphine "stable in the pump for up to 90 days following refill" (UW Health, S16). */
  morphine: 90,
  /** 14 days: ziconotide initial fill of a naive pump (S56). */
  ziconotideInitialFill: 14,
  /** 40 days: ziconotide diluted (S56). */
  ziconotideDiluted: 40,
  /** 84 days: ziconotide undiluted (S56). */
  ziconotideUndiluted: 84,
} as const;

// ---- Dose limits (E7, E9) ----

/**
 * Usual dose steps (percent) beyond which a change needs a second person's confirmation (E7).
 * Titration per 24 h: spinal +10–30 %, cerebral +5–15 % (S18, S20). At a refill: spinal +10–40 %, cerebral +5–20 %,
 * decreases 10–20 % for both (S20). 'other' origin uses the stricter cerebral limits [INFERENCE: no source gives
 * limits for other origins, so the conservative set applies].
 */
export const DOSE_STEP_LIMITS_PCT: Readonly<
  Record<'titration' | 'refill', Readonly<Record<SpasticityOrigin, number>>>
> = {
  titration: { spinal: 30, cerebral: 15, other: 15 },
  refill: { spinal: 40, cerebral: 20, other: 20 },
};

/** 20 %: largest usual decrease at a refill for both origins (S20). */
export const DOSE_DECREASE_LIMIT_PCT = 20;

/** Usual maximum daily doses (E9, soft warnings), mcg/day. */
export const USUAL_MAX_DOSE_MCG_PER_DAY = {
  /** 1000 mcg/day: "not to exceed 1000 mcg/day" (S20); conflicts with observed ranges, so soft only (reference.md I5). */
  baclofen: 1000,
  /** 19.2 mcg/day: ziconotide maximum (S83). */
  ziconotide: 19.2,
  /** 20 mg/day: morphine "caution > 20 mg/day" (S81). */
  morphine: 20_000,
} as const;

/** 2003 mcg/day: highest spinal-origin ITB maintenance dose reported (S20, S78). */
export const BACLOFEN_HIGHEST_REPORTED_MCG_PER_DAY = 2003;

export interface DoseLimits {
  usualMaxDoseMcgPerDay: number;
  highestReportedDoseMcgPerDay: number | null;
}

/**
 * The catalogue's E9 limits for a drug, matched by generic name (baclofen, morphine, ziconotide; case and product
 * words ignored), or null for a drug the catalogue does not know. The default wherever a caller gives no limit.
 */
export function usualDoseLimits(drugName: string): DoseLimits | null {
  const name = drugName.toLowerCase();
  if (name.includes('baclofen'))
    return {
      usualMaxDoseMcgPerDay: USUAL_MAX_DOSE_MCG_PER_DAY.baclofen,
      highestReportedDoseMcgPerDay: BACLOFEN_HIGHEST_REPORTED_MCG_PER_DAY,
    };
  if (name.includes('morphine'))
    return { usualMaxDoseMcgPerDay: USUAL_MAX_DOSE_MCG_PER_DAY.morphine, highestReportedDoseMcgPerDay: null };
  if (name.includes('ziconotide'))
    return { usualMaxDoseMcgPerDay: USUAL_MAX_DOSE_MCG_PER_DAY.ziconotide, highestReportedDoseMcgPerDay: null };
  return null;
}

// ---- Pump end of life (E10) ----

/** 6 months: schedule replacement about 6 months before the service-life shut-off (S6); at least 3 months (S18). */
export const REPLACEMENT_LEAD_MONTHS = 6;

/** 90 days: a SynchroMed II stops about 90 days after the elective replacement indicator (S6, S61). */
export const DEFAULT_ERI_TO_STOP_DAYS = 90;

/** 60 days [INFERENCE, reference.md E10]: ERI + 60 d leaves 30 days before the pump stops, so E10 becomes CRITICAL. */
export const ERI_CRITICAL_AFTER_DAYS = 60;

// ---- Engine bounds ----

/**
 * 5 years (1826 days) [engine bound, not clinical]: crossings later than this after the refill are reported as
 * `null`. Every stability limit above is far shorter, so the due date never depends on anything past the horizon.
 */
export const FORECAST_HORIZON_DAYS = 1826;

/** Defaults for a clinic in `timeZone`. */
export function defaultClinicPolicy(timeZone: string): ClinicPolicy {
  return {
    timeZone,
    bufferDays: DEFAULT_BUFFER_DAYS,
    dueSoonDays: DEFAULT_DUE_SOON_DAYS,
    clinicWeekdays: [...DEFAULT_CLINIC_WEEKDAYS],
    holidays: [],
    accuracyPct: DEFAULT_ACCURACY_PCT,
    discrepancyFloorMl: DEFAULT_DISCREPANCY_FLOOR_ML,
    discrepancyLimitSmallMl: DEFAULT_DISCREPANCY_LIMIT_SMALL_ML,
    discrepancyLimitLargeMl: DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
    stabilityBufferDays: DEFAULT_STABILITY_BUFFER_DAYS,
  };
}
