/** The benchmark's table and bench/results.json. */
import fs from 'node:fs';

export type Status = 'PASS' | 'FAIL' | 'info' | 'missing';

export interface Figure {
  key: string;
  label: string;
  /** Null when the figure could not be measured (a route that does not exist yet, an error). */
  value: number | null;
  unit: 'ms' | 's' | 'req/s' | 'KiB' | 'rows' | 'score';
  /** The raw (no Next, no HTTP) figure this one is compared with. */
  baseline?: number;
  /** The figure must be at most this. */
  targetMax?: number;
  /** The figure must be at least this (a Lighthouse score). */
  targetMin?: number;
  /** A target of the issue (issue 12), listed again under the table with its figure and met / not met. */
  issueTarget?: string;
  targetText?: string;
  note?: string;
}

export interface FigureResult extends Figure {
  ratio: number | null;
  status: Status;
  /** This figure divided by the same figure of the 10,000-patient run, when comparing. */
  growth: number | null;
}

export function evaluate(figures: Figure[], reference: Record<string, number | null> | null): FigureResult[] {
  return figures.map((f) => {
    const ratio = f.value != null && f.baseline ? f.value / f.baseline : null;
    const status: Status =
      f.value == null
        ? 'missing'
        : f.targetMax == null && f.targetMin == null
          ? 'info'
          : (f.targetMax == null || f.value <= f.targetMax) && (f.targetMin == null || f.value >= f.targetMin)
            ? 'PASS'
            : 'FAIL';
    const ref = reference?.[f.key];
    const growth = f.value != null && ref ? f.value / ref : null;
    return { ...f, ratio, status, growth };
  });
}

const fmt = (value: number | null, unit: string) => {
  if (value == null) return '—';
  const digits = unit === 'req/s' || unit === 'rows' || unit === 'score' ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${unit}`;
};

export function table(results: FigureResult[], withGrowth: boolean): string {
  const header = [
    'Figure',
    'Value',
    'Raw baseline',
    '× baseline',
    'Target',
    'Status',
    ...(withGrowth ? ['× 10k run'] : []),
  ];
  const rows = results.map((r) => [
    r.label,
    fmt(r.value, r.unit),
    r.baseline != null ? fmt(r.baseline, r.unit) : '',
    r.ratio != null ? `${r.ratio.toFixed(2)}×` : '',
    r.targetText ?? '',
    r.status === 'info' ? '' : r.status,
    ...(withGrowth ? [r.growth != null ? `${r.growth.toFixed(2)}×` : ''] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const notes = results.filter((r) => r.note).map((r) => `  ${r.label}: ${r.note}`);
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...(notes.length ? ['', 'Notes:', ...notes] : []),
  ].join('\n');
}

/** The issue's targets, one line each: the figure, the target and whether it is met. */
export function issueTargets(results: FigureResult[]): string {
  const lines = results
    .filter((r) => r.issueTarget)
    .map((r) => {
      const figure = r.value == null ? `not measured (${r.note ?? 'missing'})` : `${fmt(r.value, r.unit)}${r.ratio != null ? ` (${r.ratio.toFixed(2)}× raw)` : ''}`;
      const verdict = r.status === 'PASS' ? 'met' : r.status === 'FAIL' ? 'NOT MET' : 'not measured';
      return `  ${verdict.padEnd(12)} ${r.issueTarget}: ${figure}, target ${r.targetText ?? ''}`;
    });
  return lines.length ? ['Targets (issues 12 and 18):', ...lines].join('\n') : '';
}

/** The figures of an earlier 10,000-patient run, if bench/results.json holds one. */
export function loadReference(file: string): Record<string, number | null> | null {
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      patients?: number;
      figures?: { key: string; value: number | null }[];
    };
    if (saved.patients !== 10_000 || !Array.isArray(saved.figures)) return null;
    return Object.fromEntries(saved.figures.map((f) => [f.key, f.value]));
  } catch {
    return null;
  }
}
