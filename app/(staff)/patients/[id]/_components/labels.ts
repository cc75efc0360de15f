/** Words and units for the clinical screens, shared by the server page and its client components. Pure. */
import { riskFlagLabels, type RiskFlags } from '@/lib/domain/risk';
import { formatConcentration, formatDecimal, formatDose } from '@/lib/format';

export type DoseUnit = 'mcg' | 'mg';

export const modeLabels = {
  simple: 'Simple continuous',
  flex: 'Flex (steps over the day)',
  'constant-flow': 'Constant flow',
} as const;

export const flagLabels = {
  none: 'Within tolerance',
  'over-delivery': 'Over-delivery',
  'under-infusion': 'Under-infusion',
} as const;

export const severityLabels = { info: 'Info', warn: 'Warning', high: 'High', critical: 'Critical' } as const;

export const appointmentStatusLabels = {
  booked: 'Booked',
  done: 'Done',
  cancelled: 'Cancelled',
  'no-show': 'No-show',
} as const;

/** A dose held in mcg, shown in the drug's unit: "250 mcg/day", "3 mg/day". */
export const doseText = (mcg: number, unit: DoseUnit, per = '/day') =>
  formatDose(Math.round(mcg * 1000), unit, per);

export const concentrationText = (mcgPerMl: number, unit: DoseUnit) =>
  formatConcentration(Math.round(mcgPerMl * 1000), unit);

/** "+2.4 mL" / "−3 mL" (a true minus sign, read correctly by screen readers). */
export function signedMl(ml: number | null | undefined): string {
  if (ml == null) return '—';
  const rounded = Math.round(ml * 100) / 100;
  if (rounded === 0) return '0 mL';
  return `${rounded > 0 ? '+' : '−'}${formatDecimal(Math.abs(rounded), 2)} mL`;
}

export function signedPct(pct: number | null | undefined): string {
  if (pct == null) return '—';
  const rounded = Math.round(pct * 10) / 10;
  if (rounded === 0) return '0 %';
  return `${rounded > 0 ? '+' : '−'}${formatDecimal(Math.abs(rounded), 1)} %`;
}

export type { RiskFlags };

/** The boxed-warning "special attention" list (reference.md E0, E13) set for the patient, plus hearing. The patient's risk flags that are set, in the record's words (lib/domain/risk riskFlagLabels). */
export function riskFlagsSet(p: RiskFlags): string[] {
  return (Object.keys(riskFlagLabels) as (keyof RiskFlags)[]).filter((k) => p[k]).map((k) => riskFlagLabels[k]);
}

/** The multiplier from a dose in mcg to the drug's display unit. */
export const perUnit = (unit: DoseUnit) => (unit === 'mg' ? 1000 : 1);

/** A number for an input field, without floating-point noise (0.30000000000000004 → "0.3"). */
export function numberField(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '';
  return String(Math.round(value * 1e6) / 1e6);
}

/**
 * Parses a form number: digits with at most one decimal point ("12", "12.5", ".5"). Anything else gives NaN, so
 * that zod refuses it naming the field, rather than reading it as another number: `3.3e1` is not 33, `1,5` is not
 * 1.5 (nor 15), `-1` is not a volume, `0x1A` not 26. Quantities on these forms are never negative.
 */
export function parseNumber(text: string): number {
  const t = text.trim();
  return /^(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : Number.NaN;
}
