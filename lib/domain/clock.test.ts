import { describe, expect, it } from 'vitest';
import { CLOCK_TOLERANCE_MS, recordTimeAheadOf, visitAfterLastFillProblem } from './clock';

const now = Date.parse('2026-03-30T15:00:00Z');
const MIN = 60_000;

describe('records dated after the server clock (product issue item 11)', () => {
  it('finds the latest record time ahead of now, from the last fill or any later record', () => {
    expect(recordTimeAheadOf({ lastRefill: { at: now + 1, volumeMl: 20 } }, now)).toBe(now + 1);
    expect(recordTimeAheadOf({ lastRefill: { at: now - MIN, volumeMl: 20 }, latestRecordAt: now + 2 * MIN }, now)).toBe(
      now + 2 * MIN,
    );
    expect(recordTimeAheadOf({ lastRefill: { at: now + 3 * MIN, volumeMl: 20 }, latestRecordAt: now + MIN }, now)).toBe(
      now + 3 * MIN,
    );
  });

  it('is null when every record is at or before now, and ignores a missing record time', () => {
    expect(recordTimeAheadOf({ lastRefill: { at: now, volumeMl: 20 } }, now)).toBeNull();
    expect(recordTimeAheadOf({ lastRefill: { at: now - MIN, volumeMl: 20 }, latestRecordAt: null }, now)).toBeNull();
    expect(recordTimeAheadOf({ lastRefill: { at: Number.NaN, volumeMl: 20 }, latestRecordAt: now + MIN }, now)).toBe(
      now + MIN,
    );
  });
});

describe('a refill visit must be after the last fill', () => {
  it('a last fill up to 5 minutes ahead of the server is a tablet clock: enter a later time', () => {
    expect(CLOCK_TOLERANCE_MS).toBe(5 * MIN);
    const last = now + 5 * MIN;
    expect(visitAfterLastFillProblem(last, last, now, 'UTC')).toBe(
      'Visit time must be after the last fill (Mon 30 Mar 2026 15:05): enter a later time',
    );
  });

  it('a last fill more than 5 minutes ahead was saved with a clock that was ahead: an administrator corrects it', () => {
    const last = now + 5 * MIN + 1;
    expect(visitAfterLastFillProblem(last, last, now, 'UTC')).toMatch(
      /^The last fill is recorded at Mon 30 Mar 2026 15:05, after the server's clock \(Mon 30 Mar 2026 15:00\): the clock was probably ahead/,
    );
  });
});
