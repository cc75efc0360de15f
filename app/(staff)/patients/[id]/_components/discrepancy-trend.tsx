'use client';

import dynamic from 'next/dynamic';
import { localDateOf } from '@/lib/domain/calendar';
import { formatDayMonth } from '@/lib/format';
import { signedMl } from './labels';
import { WhenVisible } from './when-visible';

// recharts, fetched when the trend scrolls into view (see volume-chart-frame.tsx).
const DiscrepancyTrendChart = dynamic(
  () => import('./discrepancy-trend-chart').then((m) => m.DiscrepancyTrendChart),
  { ssr: false },
);

interface Point {
  at: number;
  discrepancyMl: number;
  flag: 'none' | 'over-delivery' | 'under-infusion' | null;
  /** This visit's B4 tolerance (discrepancyToleranceMl: it depends on the volume delivered), when known. */
  toleranceMl: number | null;
}

/** A point as drawn: its label and the tolerance band around zero. */
export type TrendPoint = Point & { label: string; upper: number | null; lower: number | null };

/**
 * The last refills' residual discrepancies as bars around zero, each with the tolerance it was judged against
 * (reference.md B4: it depends on the volume delivered, so it differs per visit).
 */
export function DiscrepancyTrend({ points, timeZone }: { points: Point[]; timeZone: string }) {
  if (points.length === 0) return null;
  const data: TrendPoint[] = [...points]
    .sort((a, b) => a.at - b.at)
    .map((p) => ({
      ...p,
      label: formatDayMonth(localDateOf(p.at, timeZone), true),
      upper: p.toleranceMl,
      lower: p.toleranceMl == null ? null : -p.toleranceMl,
    }));
  const max = Math.max(
    1,
    ...data.map((d) => Math.abs(d.discrepancyMl) + 0.5),
    ...data.map((d) => (d.toleranceMl ?? 0) + 0.5),
  );
  const ticks = trendTicks(max);
  const summary = `Discrepancy trend over the last ${data.length} refills (expected minus aspirated, tolerance in brackets): ${data.map((d) => `${signedMl(d.discrepancyMl)}${d.toleranceMl == null ? '' : ` (${signedMl(d.toleranceMl).replace('+', '±')})`}`).join(', ')}.`;
  return (
    <figure className="pt-trend">
      <WhenVisible role="img" aria-label={summary} className="pt-trend-box">
        <DiscrepancyTrendChart data={data} ticks={ticks} timeZone={timeZone} />
      </WhenVisible>
      <figcaption className="small muted">{summary}</figcaption>
    </figure>
  );
}

/**
 * The discrepancy axis: symmetric around zero, whole millilitres in round steps (1, 2, 5, 10 … mL), about four each
 * side, so the ticks read "−4 −2 0 +2 +4 mL" rather than recharts' own fractions.
 */
export function trendTicks(max: number): number[] {
  const steps = [1, 2, 5, 10, 20, 50, 100];
  const step = steps.find((s) => Math.ceil(max / s) <= 4) ?? Math.ceil(max / 4);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = -top; v <= top; v += step) ticks.push(v);
  return ticks;
}
