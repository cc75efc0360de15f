/**
 * Clinical definitions the loaders, the forecast and the pages share, each defined once.
 */
import type { EpochMs } from './types';

/** The risk flags of a patient record (reference.md E13 and the hearing flag of the emergency card). */
export interface RiskFlags {
  riskInjuryT6OrAbove: boolean;
  riskCommunication: boolean;
  riskPriorWithdrawal: boolean;
  riskHearingImpaired: boolean;
}

/** What each risk flag means, in the words the patient record, the day sheet and the lists use. */
export const riskFlagLabels: Readonly<Record<keyof RiskFlags, string>> = {
  riskInjuryT6OrAbove: 'Spinal cord injury at T6 or above',
  riskCommunication: 'Communication difficulty',
  riskPriorWithdrawal: 'Prior baclofen withdrawal',
  riskHearingImpaired: 'Hearing impaired (may not hear the pump alarm)',
};

/**
 * E13, the high-risk intrathecal baclofen patient: spinal cord injury at T6 or above, communication difficulty, or
 * a prior withdrawal (reference.md E13; boxed warning "special attention" list, S1, S2). It raises the severity of
 * E1/E2. Hearing impairment is not part of it: it is shown to staff (the pump alarm may go unheard), but it does
 * not raise the alerts.
 */
export function isHighRiskPatient(p: Omit<RiskFlags, 'riskHearingImpaired'>): boolean {
  return p.riskInjuryT6OrAbove || p.riskCommunication || p.riskPriorWithdrawal;
}

/**
 * How long a booked appointment stays "upcoming" after its start: one day [INFERENCE]. A booked appointment more
 * than a day in the past was missed; it no longer counts as the pump's next visit (E3 sees none booked).
 */
export const MISSED_AFTER_MS = 86_400_000;

/** The earliest start of a booked appointment that still counts as upcoming at `now`; before it, it was missed. */
export function upcomingAppointmentsFrom(now: EpochMs): EpochMs {
  return now - MISSED_AFTER_MS;
}

/** A booked appointment that started more than a day before `now` was missed. */
export function isMissedAppointment(startsAt: EpochMs, now: EpochMs): boolean {
  return startsAt < upcomingAppointmentsFrom(now);
}
