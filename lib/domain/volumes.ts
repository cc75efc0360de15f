/**
 * The two bounds on a pump's volumes that protect the alarm, one home each (conventions: "one home per rule"):
 * - the low-reservoir alarm volume: at least the model's manufacturer alarm volume (2 mL for SynchroMed II, S32),
 *   or the 2 mL practical floor for a model without one (B6b), and less than the reservoir;
 * - a fill (initial fill, refill): more than the alarm volume, or the pump alarms at once, and at most the
 *   reservoir's capacity: "DO NOT OVERFILL" (S13, B6b).
 * Patient creation, pump edit and replacement, the refill, the zod schemas and the forms' live checks all call
 * these. Volumes compare in whole microlitres, as they are stored, so 20.0004 mL is not an overfill of 20 mL.
 */
import { MIN_ALARM_ML } from './policy';

const ul = (ml: number) => Math.round(ml * 1000);
const show = (ml: number) => String(ul(ml) / 1000);

/** The lowest alarm volume allowed for a model: its manufacturer's alarm volume, or the 2 mL floor (B6b, S32). */
export function minimumAlarmMl(modelDefaultAlarmMl: number | null | undefined): number {
  return modelDefaultAlarmMl != null && modelDefaultAlarmMl > 0 ? modelDefaultAlarmMl : MIN_ALARM_ML;
}

/**
 * Why an alarm volume is not allowed for this pump, or null when it is. An alarm at 0 mL (or below the model's
 * recommended volume) moves every due date later: the pump would "alarm" only when it is already empty.
 */
export function alarmVolumeProblem(
  alarmMl: number,
  reservoirMl: number,
  modelDefaultAlarmMl: number | null | undefined,
): string | null {
  const min = minimumAlarmMl(modelDefaultAlarmMl);
  if (!Number.isFinite(alarmMl) || ul(alarmMl) < ul(min))
    return modelDefaultAlarmMl != null && modelDefaultAlarmMl > 0
      ? `Alarm volume must be at least ${show(min)} mL, the model's recommended alarm volume (reference.md S32)`
      : `Alarm volume must be at least ${show(min)} mL, the practical floor of a low-reservoir alarm (reference.md B6b)`;
  if (ul(alarmMl) >= ul(reservoirMl)) return `Alarm volume must be less than the reservoir (${show(reservoirMl)} mL)`;
  return null;
}

/** "DO NOT OVERFILL" (reference.md S13, B6b): more drug than the reservoir holds. */
export function isOverfill(fillMl: number, reservoirMl: number): boolean {
  return ul(fillMl) > ul(reservoirMl);
}

/** The overfill message alone, for a check that has no alarm volume (the what-if forecast). */
export function overfillProblem(fillMl: number, reservoirMl: number, label = 'Fill volume'): string | null {
  return isOverfill(fillMl, reservoirMl)
    ? `${label} must be at most ${show(reservoirMl)} mL, the reservoir's capacity: do not overfill (reference.md B6b)`
    : null;
}

/**
 * Why a fill volume is not allowed, or null when it is: at most the reservoir's capacity (no overfill), and more
 * than the alarm volume (a fill at or below it alarms at once). `label` names the field in the message.
 */
export function fillVolumeProblem(
  fillMl: number,
  reservoirMl: number,
  alarmMl: number,
  label = 'Fill volume',
): string | null {
  const over = overfillProblem(fillMl, reservoirMl, label);
  if (over) return over;
  if (!Number.isFinite(fillMl) || ul(fillMl) <= ul(alarmMl))
    return `${label} must be more than the alarm volume (${show(alarmMl)} mL), or the pump alarms at once`;
  return null;
}
