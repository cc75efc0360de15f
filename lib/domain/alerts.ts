/** Alert plumbing shared by the forecast and the refill assessment (severity scale of reference.md E). */
import type { Alert, AlertCode, Severity, WithdrawalRisk } from './types';
import { formatDecimal } from './numbers';

const ORDER: readonly Severity[] = ['info', 'warn', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return ORDER.indexOf(s);
}

/** One level up, CRITICAL staying CRITICAL (E13 raises E1/E2 for high-risk patients). */
export function raiseSeverity(s: Severity): Severity {
  return ORDER[Math.min(ORDER.length - 1, severityRank(s) + 1)]!;
}

/**
 * E5: the severity of a residual discrepancy beyond the B4 tolerance. HIGH; CRITICAL for an under-infusion of a drug
 * whose interruption causes severe withdrawal (ITB: possible motor stall or catheter problem, reference.md E5, E0).
 * Null when nothing was flagged.
 */
export function discrepancyAlertSeverity(
  flag: 'none' | 'over-delivery' | 'under-infusion' | null | undefined,
  risk: WithdrawalRisk,
): 'high' | 'critical' | null {
  if (flag === 'under-infusion') return risk === 'severe' ? 'critical' : 'high';
  if (flag === 'over-delivery') return 'high';
  return null;
}

/**
 * Each alert as a short phrase (reference.md section E), for places with room for a few words: a worklist row,
 * the day sheet, a button. The alert's message keeps the full sentence with the numbers.
 */
export const alertPhrases: Readonly<Record<AlertCode, string>> = {
  E1: 'Refill overdue',
  E2: 'Booked after the alarm date',
  E3: 'No next refill booked',
  E4: 'Drug past its stability limit',
  E5: 'Residual volume discrepancy',
  E7: 'Dose step larger than usual',
  E8: 'Concentration changed without a bridge bolus',
  E9: 'Dose outside the usual range',
  E10: 'Pump near end of life',
  E12: 'Drug not labelled for this pump',
  E16: 'Flex dosing across a time change',
  E17: 'Due date moved off a closed day',
  E19: 'No oral backup plan recorded',
  CLOCK: 'Record dated in the future: check the clock',
};

export function makeAlert(code: AlertCode, severity: Severity, message: string): Alert {
  return { code, severity, message };
}

/** Most severe first; equal severities keep the order they were raised in (E-number order). */
export function sortAlerts(alerts: Alert[]): Alert[] {
  // Insertion sort: a handful of alerts, and it is stable without index bookkeeping.
  for (let i = 1; i < alerts.length; i++) {
    const a = alerts[i]!;
    const rank = severityRank(a.severity);
    let j = i - 1;
    while (j >= 0 && severityRank(alerts[j]!.severity) < rank) {
      alerts[j + 1] = alerts[j]!;
      j--;
    }
    alerts[j + 1] = a;
  }
  return alerts;
}

/** What an interruption means for this drug, for alert sentences (reference.md E0, D). */
export function interruptionRisk(drugName: string, risk: WithdrawalRisk): string {
  switch (risk) {
    case 'severe':
      // Boxed warning "Do not discontinue abruptly" (S1, S2); withdrawal evolves over 1–3 days (S91).
      return `Stopping ${drugName} abruptly can cause life-threatening withdrawal (high fever, altered mental state, rebound spasticity, rigidity).`;
    case 'moderate':
      // Opioid interruption can cause withdrawal (S89).
      return `An interruption of ${drugName} can cause opioid withdrawal.`;
    case 'low':
      // Ziconotide can be stopped without withdrawal effects, but analgesia is lost (S108).
      return `An interruption of ${drugName} stops pain relief.`;
  }
}

/** A volume in alert text, to 0.1 mL, written as every number is (lib/domain/numbers.ts): "2 mL", "3.5 mL". */
export function fmtMl(ml: number): string {
  return `${formatDecimal(ml, 1)} mL`;
}

export function fmtNumber(n: number): string {
  return formatDecimal(n, 2);
}
