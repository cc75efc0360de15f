'use client';

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
import type { TrendPoint } from './discrepancy-trend';

const colors = { none: '#1f6f43', 'over-delivery': '#c2410c', 'under-infusion': '#b3001b' } as const;

/** The drawing of DiscrepancyTrend, loaded when it scrolls into view (recharts). */
export function DiscrepancyTrendChart({
  data,
  ticks,
  timeZone,
}: {
  data: TrendPoint[];
  /** Symmetric around 0, first and last the domain (trendTicks). */
  ticks: number[];
  timeZone: string;
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" vertical={false} />
        <XAxis dataKey="label" fontSize={11} interval="preserveStartEnd" />
        <YAxis domain={[ticks[0] ?? -1, ticks[ticks.length - 1] ?? 1]} ticks={ticks} interval={0} unit=" mL" width={56} fontSize={11} />
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
  );
}
