/**
 * What the volume chart and its frame both need, without recharts: the props and whether the stability limit is
 * drawn. Kept apart so that importing it does not pull the chart library into the patient page's first load.
 */
const DAY_MS = 86_400_000;

export interface ChartVisit {
  at: number;
  /** Volume found before the fill: the aspirated residual (else the expected one; 0 for a first fill). */
  beforeMl: number;
  afterMl: number;
}

export interface VolumeChartProps {
  visits: ChartVisit[];
  curve: { at: number; volumeMl: number }[];
  now: number;
  alarmMl: number;
  /** A constant-flow pump (Codman 3000): the line is the clinic's reserve, not an alarm the pump sounds. */
  constantFlow?: boolean;
  reservoirMl: number;
  dueAt: number;
  dueLabel: string;
  stabilityAt: number;
  stabilityLabel: string;
  timeZone: string;
  /** Text summary for everyone who cannot see the chart (also read by screen readers instead of it). */
  summary: string;
}

/**
 * The stability limit is drawn when it is near the forecast's end; otherwise the caption names it. Read by the
 * chart and by its frame, which writes the caption before recharts has loaded.
 */
export function stabilityShown({ curve, now, dueAt, stabilityAt }: VolumeChartProps): boolean {
  const curveEnd = Math.max(curve[curve.length - 1]?.at ?? now, dueAt, now);
  return stabilityAt <= curveEnd + 45 * DAY_MS;
}

/**
 * Whether a line is worth drawing (and naming in the legend): two points at least and some drug above 0 mL. An
 * empty pump's forecast is a flat line on the axis, which the legend must not name as if it were drawn.
 */
export function lineDrawn(points: readonly { volumeMl: number }[]): boolean {
  return points.length >= 2 && points.some((p) => p.volumeMl > 0);
}

/**
 * Where the "Now" label sits: right of its line, unless "now" is in the last fifth of the time axis (an empty or
 * overdue pump, where now is the chart's end), where it sits left of the line so that it is not clipped.
 */
export function nowLabelPosition(now: number, from: number, to: number): 'insideBottomLeft' | 'insideBottomRight' {
  return to > from && (now - from) / (to - from) > 0.8 ? 'insideBottomRight' : 'insideBottomLeft';
}

/** The label of the alarm line: the alarm, or a constant-flow pump's reserve (no alarm sounds). */
export function alarmLineLabel(alarmMl: number, constantFlow: boolean | undefined, formatMl: (ml: number) => string): string {
  return constantFlow ? `Reserve ${formatMl(alarmMl)} (no alarm)` : `Alarm ${formatMl(alarmMl)}`;
}
