'use client';

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { addDaysToLocalDate, localDateOf, localDateTimeToInstant } from '@/lib/domain/calendar';
import { formatDayMonth, formatInstant, formatMl } from '@/lib/format';
import { alarmLineLabel, lineDrawn, nowLabelPosition, stabilityShown, type VolumeChartProps } from './volume-chart-span';


const DAY_MS = 86_400_000;
const day = (at: number, tz: string) => formatDayMonth(localDateOf(at, tz));

function volumeTicks(reservoirMl: number): number[] {
  const step = reservoirMl <= 20 ? 5 : 10;
  const ticks: number[] = [];
  for (let v = 0; v < reservoirMl; v += step) ticks.push(v);
  return [...ticks, reservoirMl];
}

/** About eight ticks at clinic-local midnights, a whole number of weeks apart (days for short spans). */
function dayTicks(from: number, to: number, tz: string): number[] {
  const spanDays = (to - from) / DAY_MS;
  const step =
    spanDays <= 16 ? Math.max(1, Math.ceil(spanDays / 8)) : Math.max(1, Math.round(spanDays / 8 / 7)) * 7;
  const start = localDateOf(from, tz);
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const at = localDateTimeToInstant(addDaysToLocalDate(start, 1 + i * step), '00:00', tz);
    if (at > to) break;
    ticks.push(at);
  }
  return ticks;
}

/**
 * Reservoir volume over time: past refills as a sawtooth, the worst-case forecast, the alarm, due and stability
 * marks. Only the drawing: the figure, its text alternative and caption are VolumeChartFrame's, which loads this
 * module (and recharts with it) when the chart scrolls into view.
 */
export function VolumeChart(props: VolumeChartProps) {
  const { visits, curve, now, alarmMl, constantFlow, reservoirMl, dueAt, dueLabel, stabilityAt, stabilityLabel, timeZone } =
    props;
  const sorted = [...visits].sort((a, b) => a.at - b.at);
  const history: { at: number; volumeMl: number }[] = [];
  // Each fill is a vertical step: down to the residual found, up to the volume filled; in between the line falls.
  for (const v of sorted) {
    history.push({ at: v.at, volumeMl: v.beforeMl });
    history.push({ at: v.at + 1, volumeMl: v.afterMl });
  }
  const past = curve.filter((p) => p.at <= now);
  const future = curve.filter((p) => p.at >= now);
  // Join the forecast's past part to the history line, and the future part to "now".
  if (past.length && future.length && future[0]!.at !== now) {
    const a = past[past.length - 1]!;
    const b = future[0]!;
    const volumeNow = a.volumeMl + ((b.volumeMl - a.volumeMl) * (now - a.at)) / Math.max(1, b.at - a.at);
    past.push({ at: now, volumeMl: volumeNow });
    future.unshift({ at: now, volumeMl: volumeNow });
  }
  const firstAt = sorted[0]?.at ?? curve[0]?.at ?? now;
  const curveEnd = Math.max(curve[curve.length - 1]?.at ?? now, dueAt, now);
  const showStability = stabilityShown(props);
  const lastAt = showStability ? Math.max(curveEnd, stabilityAt + DAY_MS) : curveEnd;
  const ticks = dayTicks(firstAt, lastAt, timeZone);

  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart margin={{ top: 24, right: 24, bottom: 8, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
        <XAxis
          dataKey="at"
          type="number"
          scale="time"
          domain={[firstAt, lastAt]}
          tickFormatter={(at: number) => day(at, timeZone)}
          ticks={ticks}
          allowDataOverflow
        />
        <YAxis domain={[0, reservoirMl]} unit=" mL" width={64} ticks={volumeTicks(reservoirMl)} />
        <Tooltip
          labelFormatter={(at) => formatInstant(Number(at), timeZone)}
          formatter={(value) => [formatMl(Number(value)), 'Volume']}
        />
        <Legend verticalAlign="bottom" height={28} />
        <ReferenceLine
          y={alarmMl}
          stroke="#b3001b"
          strokeDasharray="6 3"
          label={{
            value: alarmLineLabel(alarmMl, constantFlow, formatMl),
            position: 'insideTopLeft',
            fill: '#b3001b',
            fontSize: 12,
          }}
        />
        <ReferenceLine
          x={now}
          stroke="#5b6470"
          label={{ value: 'Now', position: nowLabelPosition(now, firstAt, lastAt), fill: '#5b6470', fontSize: 12 }}
        />
        <ReferenceLine
          x={dueAt}
          stroke="#c2410c"
          strokeWidth={2}
          label={{ value: `Due ${dueLabel}`, position: 'insideTopRight', fill: '#9a3412', fontSize: 12 }}
        />
        {showStability && (
          <ReferenceLine
            x={stabilityAt}
            stroke="#6b3b00"
            strokeDasharray="2 4"
            label={{
              value: `Stability ${stabilityLabel}`,
              position: 'insideTopLeft',
              fill: '#6b3b00',
              fontSize: 12,
            }}
          />
        )}
        <Line
          name="Recorded refills"
          data={history}
          dataKey="volumeMl"
          stroke="#0b5cad"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
          legendType={history.length >= 2 ? 'line' : 'none'}
          type="linear"
        />
        <Line
          name="Calculated since the last fill"
          data={past}
          dataKey="volumeMl"
          stroke="#0b5cad"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
          legendType="none"
          type="linear"
        />
        {/* Not drawn, so not named in the legend, when nothing is left to forecast (an empty pump). */}
        {lineDrawn(future) && (
        <Line
          name="Forecast (worst case)"
          data={future}
          dataKey="volumeMl"
          stroke="#1f6f43"
          strokeWidth={2}
          strokeDasharray="6 4"
          dot={false}
          isAnimationActive={false}
          type="linear"
        />
        )}
      </LineChart>
    </ResponsiveContainer>
  );
}
