/**
 * Records dated after the server's clock (product issue item 11: a clock that was ahead, then corrected). Such a
 * time stamp must never stop the app: the forecast flags the pump (CLOCK) and counts the fill from now, and the
 * refill's "after the last fill" rule says what to do instead of refusing without a way out.
 */
import { formatInstantForHumans } from './calendar';
import type { EpochMs, ForecastInput } from './types';

/** Clock difference between a tablet and the server tolerated for a visit time "now" (5 minutes). */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

const isTime = (t: unknown): t is number => typeof t === 'number' && Number.isFinite(t);

/** The latest record time of the input when it is after `now`, else null. */
export function recordTimeAheadOf(
  input: Pick<ForecastInput, 'lastRefill' | 'latestRecordAt'>,
  now: EpochMs,
): EpochMs | null {
  const latest = Math.max(
    isTime(input.lastRefill.at) ? input.lastRefill.at : -Infinity,
    isTime(input.latestRecordAt) ? input.latestRecordAt : -Infinity,
  );
  return latest > now ? latest : null;
}

/**
 * A refill visit must be after the last fill (the forecast starts at the latest fill). Null when it is; otherwise
 * the message for the visit-time field, which says what to do when the last fill is dated after the server clock.
 */
export function visitAfterLastFillProblem(
  visitAt: EpochMs,
  lastFillAt: EpochMs,
  now: EpochMs,
  timeZone: string,
): string | null {
  if (visitAt > lastFillAt) return null;
  const last = formatInstantForHumans(lastFillAt, timeZone);
  if (lastFillAt > now + CLOCK_TOLERANCE_MS)
    return `The last fill is recorded at ${last}, after the server's clock (${formatInstantForHumans(now, timeZone)}): the clock was probably ahead when it was saved. Check the server time and the visit time with an administrator, who must correct the last fill's time before this refill can be recorded. Until then the pump's forecast is flagged CLOCK.`;
  return `Visit time must be after the last fill (${last}): enter a later time`;
}
