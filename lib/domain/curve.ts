/**
 * Reservoir volume over time for the forecast chart, from the same integration as the forecast (so the chart and
 * the dates can never disagree).
 */
import { InvalidInputError } from './errors';
import { crossings } from './forecast';
import { consumedUntil } from './integrate';
import { checkInstant, compileSchedule } from './program';
import type { EpochMs, ForecastInput, RateBasis, VolumePoint } from './types';

/**
 * Up to `maxPoints` points between `fromAt` (no earlier than the refill) and `toAt`: evenly spaced, plus the exact
 * alarm and empty crossings when they fall inside, so the chart shows the threshold being crossed where the
 * forecast says. Volumes are clamped to [0, reservoir]. Evenly spaced points cannot show every bolus step of a
 * flex program; that is a chart, the dates come from `forecast`.
 */
export function volumeCurve(
  input: ForecastInput,
  fromAt: EpochMs,
  toAt: EpochMs,
  maxPoints: number,
  basis: RateBasis = 'worst-case',
): VolumePoint[] {
  checkInstant(fromAt, 'fromAt', { pumpId: input.pumpId });
  checkInstant(toAt, 'toAt', { pumpId: input.pumpId });
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new InvalidInputError('maxPoints', `maxPoints must be a whole number ≥ 2, got ${maxPoints}`, {
      value: maxPoints,
    });
  }
  const schedule = compileSchedule(input, basis);
  const from = Math.max(fromAt, schedule.t0);
  if (!(toAt > from)) {
    throw new InvalidInputError('toAt', 'toAt must be after fromAt and after the last refill', {
      fromAt,
      toAt,
    });
  }
  const c = crossings(schedule, input, from);
  const marks = [c.lowReservoirAlarmAt, c.emptyAt].filter(
    (t): t is number => t !== null && t > from && t < toAt,
  );
  const even = Math.max(2, maxPoints - marks.length);
  const times: number[] = [];
  for (let i = 0; i < even; i++) times.push(Math.round(from + ((toAt - from) * i) / (even - 1)));
  for (const m of marks) if (!times.includes(m)) times.push(m);
  times.sort((a, b) => a - b);

  const fill = input.lastRefill.volumeMl;
  const reservoir = input.pump.reservoirMl;
  return times.map((at) => ({
    at,
    volumeMl: Math.min(reservoir, Math.max(0, fill - consumedUntil(schedule, at))),
  }));
}
