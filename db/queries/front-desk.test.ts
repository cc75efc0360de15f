/** The front desk's narrowed worklist rows and alerts (issue 14): what scheduling needs, nothing of the treatment. */
import { describe, expect, it } from 'vitest';
import { schedulingAlerts, worklistFor, worklistRowForScheduling } from './front-desk';
import type { WorklistRow } from './worklist';

const row: WorklistRow = {
  pumpId: 3,
  patientId: 7,
  mrn: 'MRN-1',
  patientName: 'Thompson, Grace',
  phone: '+1 555 0100',
  physicianName: 'Dr. Ana Ortiz',
  pumpLabel: 'Medtronic SynchroMed II',
  constantFlow: false,
  volumeNowMl: 3.4,
  status: 'critical',
  forecastStatus: 'due-soon',
  worstAlert: { code: 'E5', severity: 'critical' },
  refillDueOn: '2026-03-10',
  lowReservoirAlarmAt: 1_773_000_000_000,
  emptyAt: 1_774_000_000_000,
  daysOfDrugLeft: 6,
  nextAppointmentAt: null,
  appointmentLate: false,
  alerts: [
    { code: 'E5', severity: 'critical', message: 'Residual 7.0 mL found, 4.0 mL expected (−3.0 mL, under-infusion)', acknowledged: false, review: { visitId: 9, performedAt: 1 } },
    { code: 'E3', severity: 'high', message: 'No refill booked before the due date 10 Mar 2026 (250 mcg/day)', acknowledged: false },
    { code: 'E9', severity: 'warn', message: 'Dose 1,400 mcg/day is above the usual range', acknowledged: true },
  ],
  cardOutdated: false,
};

describe('the front desk’s worklist row', () => {
  const narrowed = worklistRowForScheduling(row);

  it('keeps who, how to reach them, the dates and the urgency', () => {
    const { volumeNowMl: _v, alerts: _a, worstAlert: _w, ...kept } = row;
    expect(narrowed).toMatchObject(kept);
    expect(narrowed.status).toBe('critical');
  });

  it('drops the volume, the clinical alerts and every alert sentence', () => {
    expect(narrowed.volumeNowMl).toBeNull();
    expect(narrowed.alerts).toEqual([{ code: 'E3', severity: 'high', message: 'No next refill booked', acknowledged: false }]);
    // The worst alert was the discrepancy: the tier still says critical, the reason is a nurse's.
    expect(narrowed.worstAlert).toBeNull();
    expect(JSON.stringify(narrowed)).not.toMatch(/mcg|mL|Residual|review/);
  });

  it('keeps a scheduling alert as the worst one', () => {
    expect(worklistRowForScheduling({ ...row, worstAlert: { code: 'E1', severity: 'critical' } }).worstAlert).toEqual({ code: 'E1', severity: 'critical' });
  });
});

describe('worklistFor', () => {
  it('narrows the front desk’s rows and leaves the clinical staff’s untouched', () => {
    const page = { rows: [row], total: 1 };
    expect(worklistFor('nurse', page)).toBe(page);
    expect(worklistFor('physician', page)).toBe(page);
    expect(worklistFor('front-desk', page).rows[0]!.volumeNowMl).toBeNull();
    expect(worklistFor('front-desk', page).total).toBe(1);
  });
});

describe('schedulingAlerts', () => {
  it('keeps overdue, booked too late, none booked, stability, end of life and a moved due date, as phrases', () => {
    const codes = ['E1', 'E2', 'E3', 'E4', 'E5', 'E7', 'E8', 'E9', 'E10', 'E12', 'E16', 'E17', 'E19', 'CLOCK'];
    const kept = schedulingAlerts(codes.map((code) => ({ code, severity: 'warn' as const, acknowledged: false, message: `${code} 5 mL` })));
    expect(kept.map((a) => a.code)).toEqual(['E1', 'E2', 'E3', 'E4', 'E10', 'E17']);
    for (const a of kept) expect(a.message).not.toMatch(/mL/);
  });
});
