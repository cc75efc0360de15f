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
