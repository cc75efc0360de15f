/** The patient page charts' pure parts (issue 18, item 8): what the legend names, where "Now" sits, the ticks. */
import { describe, expect, it } from 'vitest';
import { formatMl } from '@/lib/format';
import { trendTicks } from './discrepancy-trend';
import { alarmLineLabel, lineDrawn, nowLabelPosition } from './volume-chart-span';

describe('the volume chart', () => {
  it('draws (and names) the forecast only when there is drug left to forecast', () => {
    expect(lineDrawn([{ volumeMl: 12 }, { volumeMl: 2 }])).toBe(true);
    // An empty pump: the forecast is a flat line on the axis.
    expect(lineDrawn([{ volumeMl: 0 }, { volumeMl: 0 }])).toBe(false);
    expect(lineDrawn([{ volumeMl: 5 }])).toBe(false);
    expect(lineDrawn([])).toBe(false);
  });

  it('puts the "Now" label left of its line when now is near the end of the axis, so it is not clipped', () => {
    expect(nowLabelPosition(10, 0, 100)).toBe('insideBottomLeft');
    expect(nowLabelPosition(100, 0, 100)).toBe('insideBottomRight');
    expect(nowLabelPosition(85, 0, 100)).toBe('insideBottomRight');
    expect(nowLabelPosition(5, 5, 5)).toBe('insideBottomLeft');
  });

  it('labels a constant-flow pump’s line as its reserve, not an alarm', () => {
    expect(alarmLineLabel(2, false, formatMl)).toBe('Alarm 2 mL');
    expect(alarmLineLabel(3, true, formatMl)).toBe('Reserve 3 mL (no alarm)');
  });
});

describe('the discrepancy trend axis', () => {
  it('ticks whole millilitres in round steps, symmetric around zero', () => {
    expect(trendTicks(1)).toEqual([-1, 0, 1]);
    expect(trendTicks(2.6)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(trendTicks(5.06)).toEqual([-6, -4, -2, 0, 2, 4, 6]);
    expect(trendTicks(12)).toEqual([-15, -10, -5, 0, 5, 10, 15]);
  });

  it('always covers the largest bar', () => {
    for (const max of [1, 1.5, 3.7, 4, 4.01, 9.9, 23, 180]) {
      const ticks = trendTicks(max);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks[0]).toBe(-ticks[ticks.length - 1]!);
      expect(ticks.length).toBeLessThanOrEqual(9);
    }
  });
});
