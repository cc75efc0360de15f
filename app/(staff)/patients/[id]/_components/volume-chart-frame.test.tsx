// @vitest-environment jsdom
/**
 * The patient page's charts load recharts only when they scroll into view (the Lighthouse target: 112 KiB
 * of unused chart code at first load), and their text alternative and caption are there before that.
 */
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { mockAllIsIntersecting, setupIntersectionMocking } from 'react-intersection-observer/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DiscrepancyTrend } from './discrepancy-trend';
import { VolumeChartFrame } from './volume-chart-frame';

// Stand-ins for the recharts drawings: what matters here is when they are loaded, not how they draw.
const loaded = vi.hoisted(() => ({ volume: 0, trend: 0 }));
vi.mock('./volume-chart', () => {
  loaded.volume++;
  return { VolumeChart: () => <svg data-testid="volume-drawing" /> };
});
vi.mock('./discrepancy-trend-chart', () => {
  loaded.trend++;
  return { DiscrepancyTrendChart: () => <svg data-testid="trend-drawing" /> };
});

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 15);
const chart = {
  visits: [{ at: T0, beforeMl: 2, afterMl: 20 }],
  curve: [
    { at: T0, volumeMl: 20 },
    { at: T0 + 36 * DAY, volumeMl: 2 },
  ],
  now: T0 + 10 * DAY,
  alarmMl: 2,
  reservoirMl: 20,
  dueAt: T0 + 29 * DAY,
  dueLabel: 'Tue 31 Mar 2026',
  stabilityAt: T0 + 180 * DAY,
  stabilityLabel: 'Sat 29 Aug 2026',
  timeZone: 'UTC',
  summary: '15 mL left now; refill due Tue 31 Mar 2026.',
};

beforeEach(() => setupIntersectionMocking(vi.fn));
afterEach(cleanup);

describe('the patient page charts', () => {
  it('name what the volume chart shows before it is drawn, and load it only once it is in view', async () => {
    render(<VolumeChartFrame {...chart} />);
    expect(screen.getByRole('img')).toHaveAccessibleName(
      'Chart of reservoir volume over time. 15 mL left now; refill due Tue 31 Mar 2026.',
    );
    // 180 days of stability is beyond the forecast's end: the caption says so in words.
    expect(screen.getByRole('figure')).toHaveTextContent(
      'The drug stability limit (Sat 29 Aug 2026) is beyond the chart. 15 mL left now',
    );
    // Any import the render started has finished: none was started.
    await act(() => vi.dynamicImportSettled());
    expect(screen.queryByTestId('volume-drawing')).toBeNull();
    expect(loaded.volume).toBe(0);

    act(() => mockAllIsIntersecting(true));
    expect(await screen.findByTestId('volume-drawing')).toBeInTheDocument();
    expect(loaded.volume).toBe(1);
  });

  it('give the discrepancy trend in words, and draw it only once it is in view', async () => {
    render(
      <DiscrepancyTrend
        points={[
          { at: T0, discrepancyMl: 0.4, flag: 'none', toleranceMl: 1 },
          { at: T0 + 30 * DAY, discrepancyMl: -3, flag: 'under-infusion', toleranceMl: 1 },
        ]}
        timeZone="UTC"
      />,
    );
    expect(screen.getByRole('img')).toHaveAccessibleName(
      'Discrepancy trend over the last 2 refills (expected minus aspirated, tolerance in brackets): +0.4 mL (±1 mL), −3 mL (±1 mL).',
    );
    await act(() => vi.dynamicImportSettled());
    expect(screen.queryByTestId('trend-drawing')).toBeNull();
    expect(loaded.trend).toBe(0);

    act(() => mockAllIsIntersecting(true));
    expect(await screen.findByTestId('trend-drawing')).toBeInTheDocument();
    expect(loaded.trend).toBe(1);
  });
});
