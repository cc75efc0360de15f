import { describe, expect, it } from 'vitest';
import { volumeCurve } from './curve';
import { InvalidInputError } from './errors';
import { forecast } from './forecast';
import { DAY, example1 } from './test-factories';

const t0 = Date.parse('2026-01-09T10:00:00Z');

describe('volumeCurve', () => {
  it('follows the B7-1 pump: 0.5 mL/day from 20 mL down to 0', () => {
    const points = volumeCurve(example1(t0), t0, t0 + 50 * DAY, 11);
    // 11 points with the alarm (day 36) and empty (day 40) crossings among them.
    expect(points).toHaveLength(11);
    expect(points[0]).toEqual({ at: t0, volumeMl: 20 });
    const byDay = new Map(points.map((p) => [(p.at - t0) / DAY, p.volumeMl]));
    expect(byDay.get(36)).toBeCloseTo(2, 9);
    expect(byDay.get(40)).toBeCloseTo(0, 9);
    expect(byDay.get(50)).toBe(0);
    expect(points.map((p) => p.at)).toEqual([...points.map((p) => p.at)].sort((a, b) => a - b));
  });

  it('agrees with the forecast at every point', () => {
    const input = example1(t0, {
      programs: [
        {
          from: t0,
          concentrationMcgPerMl: 500,
          mode: 'flex',
          steps: [
            { start: '00:00', doseMcgPerHour: 5 },
            { start: '09:00', doseMcgPerHour: 15 },
          ],
          periodicBoluses: [{ at: '12:00', doseMcg: 40 }],
        },
      ],
    });
    for (const p of volumeCurve(input, t0, t0 + 20 * DAY, 25)) {
      expect(p.volumeMl).toBeCloseTo(forecast({ ...input, now: p.at }).volumeNowMl, 12);
    }
  });

  it('starts no earlier than the refill and validates its arguments', () => {
    expect(volumeCurve(example1(t0), t0 - 5 * DAY, t0 + DAY, 2)[0]!.at).toBe(t0);
    expect(() => volumeCurve(example1(t0), t0, t0 + DAY, 1)).toThrow(InvalidInputError);
    expect(() => volumeCurve(example1(t0), t0 + DAY, t0, 10)).toThrow(/toAt/);
  });
});
