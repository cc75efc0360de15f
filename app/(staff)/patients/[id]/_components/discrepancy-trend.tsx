'use client';

import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
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
}

const colors = { none: '#1f6f43', 'over-delivery': '#c2410c', 'under-infusion': '#b3001b' } as const;

/** The last refills' residual discrepancies as bars around zero, with the clinic's minimum tolerance marked. */
export function DiscrepancyTrend({
  points,
  toleranceMl,
  timeZone,
}: {
  points: Point[];
  toleranceMl: number;
  timeZone: string;
}) {
  if (points.length === 0) return null;
  const data = [...points]
    .sort((a, b) => a.at - b.at)
    .map((p) => ({ ...p, label: format(new TZDate(p.at, timeZone), 'd MMM yy') }));
  const max = Math.max(toleranceMl + 1, ...data.map((d) => Math.abs(d.discrepancyMl)));
  const summary = `Discrepancy trend over the last ${data.length} refills (expected minus aspirated): ${data.map((d) => signedMl(d.discrepancyMl)).join(', ')}. Flagged beyond ${signedMl(toleranceMl).replace('+', '±')} or the device accuracy.`;
  return (
    <figure className="pt-trend">
      <div role="img" aria-label={summary} className="pt-trend-box">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" vertical={false} />
            <XAxis dataKey="label" fontSize={11} interval="preserveStartEnd" />
            <YAxis domain={[-Math.ceil(max), Math.ceil(max)]} unit=" mL" width={56} fontSize={11} />
            <Tooltip
              labelFormatter={(_, payload) => formatInstant(Number(payload?.[0]?.payload?.at), timeZone)}
              formatter={(v) => [signedMl(Number(v)), 'Discrepancy']}
            />
            <ReferenceLine y={0} stroke="#5b6470" />
            <ReferenceLine y={toleranceMl} stroke="#8a6100" strokeDasharray="4 3" />
            <ReferenceLine y={-toleranceMl} stroke="#8a6100" strokeDasharray="4 3" />
            <Bar dataKey="discrepancyMl" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.at} fill={colors[d.flag ?? 'none']} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="small muted">{summary}</figcaption>
    </figure>
  );
}
