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

describe('volumeCurve: the points and the crossings', () => {
  it('assumes every allowed patient bolus by default, like the forecast (reference.md B1, S28)', () => {
    // 0.5 mL/day programmed + 5 × 50 mcg / 500 mcg/mL = 0.5 mL/day of boluses: 20 − 10 × 1.0 = 10 mL on day 10.
    const input = example1(t0, {
      programs: [{ from: t0, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250, patientBolus: { doseMcg: 50, maxPerDay: 5 } }],
    });
    const points = volumeCurve(input, t0, t0 + 10 * DAY, 2);
    expect(points[1]).toEqual({ at: t0 + 10 * DAY, volumeMl: 10 });
    expect(volumeCurve(input, t0, t0 + 10 * DAY, 2, 'programmed')[1]!.volumeMl).toBe(15);
  });

  it('adds no crossing outside the range: 11 even points over days 0–10 of the B7-1 pump', () => {
    const points = volumeCurve(example1(t0), t0, t0 + 10 * DAY, 11);
    expect(points.map((p) => (p.at - t0) / DAY)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a crossing exactly at either end is an end point, not an extra one', () => {
    // Alarm on day 36 exactly at the end of the range.
    expect(volumeCurve(example1(t0), t0, t0 + 36 * DAY, 11)).toHaveLength(11);
    // A fill at the alarm volume alarms at the refill itself, the first point; empty on day 4 is added.
    const atAlarm = example1(t0, { lastRefill: { at: t0, volumeMl: 2 } });
    const points = volumeCurve(atAlarm, t0, t0 + 10 * DAY, 11);
    expect(points).toHaveLength(11);
    expect(points.map((p) => p.at)).toContain(t0 + 4 * DAY);
  });

  it('a crossing that falls on an even point is not shown twice', () => {
    // Days 0, 9, …, 72 (9 points): the alarm on day 36 is one of them, empty on day 40 is added.
    const points = volumeCurve(example1(t0), t0, t0 + 72 * DAY, 11);
    expect(points.map((p) => (p.at - t0) / DAY)).toEqual([0, 9, 18, 27, 36, 40, 45, 54, 63, 72]);
  });

  it('names the refused argument and the pump', () => {
    const input = { ...example1(t0), pumpId: 5 };
    expect(() => volumeCurve(input, Number.NaN, t0 + DAY, 10)).toThrow(
      expect.objectContaining({ field: 'fromAt', context: expect.objectContaining({ pumpId: 5 }) }),
    );
    expect(() => volumeCurve(input, t0, Number.NaN, 10)).toThrow(
      expect.objectContaining({ field: 'toAt', context: expect.objectContaining({ pumpId: 5 }) }),
    );
    expect(() => volumeCurve(input, t0, t0 + DAY, 1.5)).toThrow(
      expect.objectContaining({
        field: 'maxPoints',
        message: 'maxPoints must be a whole number ≥ 2, got 1.5',
        context: { field: 'maxPoints', value: 1.5 },
      }),
    );
    expect(() => volumeCurve(input, t0, t0, 10)).toThrow(
      expect.objectContaining({
        field: 'toAt',
        message: 'toAt must be after fromAt and after the last refill',
        context: { field: 'toAt', fromAt: t0, toAt: t0 },
      }),
    );
  });
});
