/**
 * E7 over the rolling 24 hours. The titration limits of reference.md D and E7 are "per 24 h" (spinal +10–30 %,
 * cerebral +5–15 %, S18 S20): four +30 % steps in one minute are a +185 % change and must be judged as one.
 * The change is measured from the dose furthest from the new one that was in effect at any moment of the
 * 24 hours before it takes effect: the lowest for an increase, the highest for a decrease.
 */
import { assessDoseChange, type DoseChangeAssessment } from './refill';
import type { EpochMs, SpasticityOrigin } from './types';

export const DOSE_STEP_WINDOW_MS = 24 * 3_600_000;

export interface DoseInEffect {
  effectiveAt: EpochMs;
  /** null while still in effect. */
  supersededAt: EpochMs | null;
  doseMcgPerDay: number;
}

export interface DoseChangeOver24h extends DoseChangeAssessment {
  /** The dose the change is measured from (mcg/day). */
  baselineMcgPerDay: number;
  /** The dose in effect just before the change. */
  currentMcgPerDay: number;
}

/**
 * The doses in effect during [at − 24 h, at). `history` is every version of the pump's program (any order);
 * the one in effect at `at` must be among them.
 */
export function dosesInWindow(history: readonly DoseInEffect[], at: EpochMs): number[] {
  const from = at - DOSE_STEP_WINDOW_MS;
  return history
    .filter((v) => v.effectiveAt < at && (v.supersededAt === null || v.supersededAt > from))
    .map((v) => v.doseMcgPerDay);
}

export function assessDoseChangeOver24h(
  history: readonly DoseInEffect[],
  newMcgPerDay: number,
  origin: SpasticityOrigin,
  at: EpochMs,
): DoseChangeOver24h {
  const current = [...history]
    .filter((v) => v.effectiveAt < at)
    .sort((a, b) => b.effectiveAt - a.effectiveAt)[0];
  const currentMcg = current?.doseMcgPerDay ?? 0;
  const window = dosesInWindow(history, at);
  if (window.length === 0) window.push(currentMcg);
  // No change now is no step, whatever came before it.
  const baseline =
    newMcgPerDay > currentMcg
      ? Math.min(...window)
      : newMcgPerDay < currentMcg
        ? Math.max(...window)
        : currentMcg;
  const assessment = assessDoseChange(baseline, newMcgPerDay, origin, 'titration');
  return { ...assessment, baselineMcgPerDay: baseline, currentMcgPerDay: currentMcg };
}

/**
 * What is in the reservoir changes only when it is emptied and refilled (reference.md B5, G1 steps 5–7): a
 * program change between refills keeps the drug product and its concentration. Returns the field a proposed
 * version changes, or null when it keeps them. 1e-9 relative: 0.1 mg/mL is 100 mcg/mL exactly.
 */
export function changedReservoirField(
  inReservoir: { drugId: number; concentrationMcgPerMl: number },
  proposed: { drugId: number; concentrationMcgPerMl: number },
): 'drugId' | 'concentrationMcgPerMl' | null {
  if (proposed.drugId !== inReservoir.drugId) return 'drugId';
  const a = inReservoir.concentrationMcgPerMl;
  const b = proposed.concentrationMcgPerMl;
  return Math.abs(a - b) > 1e-9 * Math.max(a, b) ? 'concentrationMcgPerMl' : null;
}
