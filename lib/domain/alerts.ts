/** Alert plumbing shared by the forecast and the refill assessment (severity scale of reference.md E). */
import type { Alert, AlertCode, Severity, WithdrawalRisk } from './types';

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

export function fmtMl(ml: number): string {
  return `${(Math.round(ml * 10) / 10).toFixed(1)} mL`;
}

export function fmtNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}
