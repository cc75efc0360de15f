'use client';

import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import {
  Bar,
  CartesianGrid,
  Cell,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatInstant } from '@/lib/format';
import { signedMl } from './labels';

interface Point {
  at: number;
  discrepancyMl: number;
  flag: 'none' | 'over-delivery' | 'under-infusion' | null;
  /** This visit's B4 tolerance (discrepancyToleranceMl: it depends on the volume delivered), when known. */
  toleranceMl: number | null;
}

const colors = { none: '#1f6f43', 'over-delivery': '#c2410c', 'under-infusion': '#b3001b' } as const;

/**
 * The last refills' residual discrepancies as bars around zero, each with the tolerance it was judged against
 * (reference.md B4: it depends on the volume delivered, so it differs per visit).
 */
export function DiscrepancyTrend({ points, timeZone }: { points: Point[]; timeZone: string }) {
  if (points.length === 0) return null;
  const data = [...points]
    .sort((a, b) => a.at - b.at)
    .map((p) => ({
      ...p,
      label: format(new TZDate(p.at, timeZone), 'd MMM yy'),
      upper: p.toleranceMl,
      lower: p.toleranceMl == null ? null : -p.toleranceMl,
    }));
  const max = Math.max(
    1,
    ...data.map((d) => Math.abs(d.discrepancyMl) + 0.5),
    ...data.map((d) => (d.toleranceMl ?? 0) + 0.5),
  );
  const summary = `Discrepancy trend over the last ${data.length} refills (expected minus aspirated, tolerance in brackets): ${data.map((d) => `${signedMl(d.discrepancyMl)}${d.toleranceMl == null ? '' : ` (${signedMl(d.toleranceMl).replace('+', '±')})`}`).join(', ')}.`;
  return (
    <figure className="pt-trend">
      <div role="img" aria-label={summary} className="pt-trend-box">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" vertical={false} />
            <XAxis dataKey="label" fontSize={11} interval="preserveStartEnd" />
            <YAxis domain={[-Math.ceil(max), Math.ceil(max)]} unit=" mL" width={56} fontSize={11} />
            <Tooltip
              labelFormatter={(_, payload) => formatInstant(Number((payload?.[0]?.payload as { at?: number } | undefined)?.at), timeZone)}
              formatter={(v) => [signedMl(Number(v)), 'Discrepancy']}
            />
            <ReferenceLine y={0} stroke="#5b6470" />
            <Bar dataKey="discrepancyMl" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.at} fill={colors[d.flag ?? 'none']} />
              ))}
            </Bar>
            {(['upper', 'lower'] as const).map((key) => (
              <Line
                key={key}
                dataKey={key}
                type="step"
                stroke="#8a6100"
                strokeDasharray="4 3"
                dot={false}
                connectNulls
                isAnimationActive={false}
                legendType="none"
                tooltipType="none"
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="small muted">{summary}</figcaption>
    </figure>
  );
}
