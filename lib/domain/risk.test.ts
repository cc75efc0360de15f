import { describe, expect, it } from 'vitest';
import { isHighRiskPatient, isMissedAppointment, MISSED_AFTER_MS, upcomingAppointmentsFrom } from './risk';

const none = { riskInjuryT6OrAbove: false, riskCommunication: false, riskPriorWithdrawal: false };

describe('isHighRiskPatient (E13)', () => {
  it.each([['riskInjuryT6OrAbove'], ['riskCommunication'], ['riskPriorWithdrawal']] as const)(
    '%s alone makes the patient high-risk',
    (flag) => {
      expect(isHighRiskPatient({ ...none, [flag]: true })).toBe(true);
    },
  );

  it('no E13 flag: not high-risk, even when hearing impaired (the engine does not raise E1/E2 for it)', () => {
    expect(isHighRiskPatient({ ...none, riskHearingImpaired: true } as typeof none)).toBe(false);
  });
});

describe('missed appointments: more than one day past their start', () => {
  const now = Date.UTC(2026, 2, 10, 9, 0);

  it('an appointment that started exactly a day ago is still upcoming; a millisecond earlier it was missed', () => {
    expect(MISSED_AFTER_MS).toBe(86_400_000);
    expect(isMissedAppointment(now - MISSED_AFTER_MS, now)).toBe(false);
    expect(isMissedAppointment(now - MISSED_AFTER_MS - 1, now)).toBe(true);
  });

  it('the loaders query from the same boundary', () => {
    expect(upcomingAppointmentsFrom(now)).toBe(now - MISSED_AFTER_MS);
    expect(isMissedAppointment(upcomingAppointmentsFrom(now), now)).toBe(false);
  });

  it('a future appointment is not missed', () => {
    expect(isMissedAppointment(now + 3_600_000, now)).toBe(false);
  });
});
