import { describe, expect, it } from 'vitest';
import { visitAfterLastFillProblem } from './clock';
import { defaultClinicPolicy, usualDoseLimits } from './policy';
import { alarmVolumeProblem, fillVolumeProblem, isOverfill, minimumAlarmMl, overfillProblem } from './volumes';

describe('the alarm-volume rule (reference.md S32, B6b)', () => {
  it('needs at least the model’s recommended alarm volume, or the 2 mL floor without one', () => {
    expect(minimumAlarmMl(2)).toBe(2);
    expect(minimumAlarmMl(3)).toBe(3);
    expect(minimumAlarmMl(null)).toBe(2);
    expect(alarmVolumeProblem(0, 20, 2)).toMatch(/at least 2 mL, the model's recommended alarm volume/);
    expect(alarmVolumeProblem(0, 20, null)).toMatch(/at least 2 mL, the practical floor/);
    expect(alarmVolumeProblem(2.5, 20, 3)).toMatch(/at least 3 mL/);
    expect(alarmVolumeProblem(Number.NaN, 20, null)).toMatch(/at least/);
    expect(alarmVolumeProblem(2, 20, 2)).toBeNull();
    expect(alarmVolumeProblem(4, 20, 2)).toBeNull();
  });

  it('must be less than the reservoir', () => {
    expect(alarmVolumeProblem(20, 20, 2)).toBe('Alarm volume must be less than the reservoir (20 mL)');
    expect(alarmVolumeProblem(19.999, 20, 2)).toBeNull();
  });
});

describe('a model whose alarm volume is recorded as 0 mL has none (reference.md B6b)', () => {
  it('falls back to the 2 mL practical floor, not to an alarm that sounds only when the pump is empty', () => {
    expect(minimumAlarmMl(0)).toBe(2);
    expect(alarmVolumeProblem(1, 20, 0)).toBe(
      'Alarm volume must be at least 2 mL, the practical floor of a low-reservoir alarm (reference.md B6b)',
    );
    expect(alarmVolumeProblem(0, 20, 0)).toMatch(/at least 2 mL/);
  });
});

describe('the fill rule: more than the alarm, no overfill (reference.md B6b, S13)', () => {
  it('the what-if overfill check names the fill volume unless told otherwise', () => {
    expect(overfillProblem(21, 20)).toBe(
      "Fill volume must be at most 20 mL, the reservoir's capacity: do not overfill (reference.md B6b)",
    );
    expect(overfillProblem(20, 20)).toBeNull();
  });

  it('refuses an overfill, compared in whole microlitres', () => {
    expect(isOverfill(20.001, 20)).toBe(true);
    expect(isOverfill(20.0004, 20)).toBe(false);
    expect(fillVolumeProblem(21, 20, 2, 'Initial fill')).toBe(
      "Initial fill must be at most 20 mL, the reservoir's capacity: do not overfill (reference.md B6b)",
    );
  });

  it('refuses a fill at or below the alarm volume: the pump would alarm at once', () => {
    expect(fillVolumeProblem(2, 20, 2)).toBe(
      'Fill volume must be more than the alarm volume (2 mL), or the pump alarms at once',
    );
    expect(fillVolumeProblem(1, 20, 2)).toMatch(/more than the alarm volume/);
    expect(fillVolumeProblem(2.001, 20, 2)).toBeNull();
    expect(fillVolumeProblem(20, 20, 2)).toBeNull();
  });
});

describe('visitAfterLastFillProblem (item 11)', () => {
  const last = Date.parse('2026-03-30T15:00:00Z');
  it('accepts a visit after the last fill', () => {
    expect(visitAfterLastFillProblem(last + 1, last, last + 1, 'UTC')).toBeNull();
  });
  it('asks for a later time when the last fill is in the past', () => {
    expect(visitAfterLastFillProblem(last, last, last + 60_000, 'UTC')).toMatch(/must be after the last fill/);
  });
  it('says what to do when the last fill is dated after the server clock', () => {
    const now = last - 20 * 86_400_000;
    expect(visitAfterLastFillProblem(now, last, now, 'UTC')).toMatch(
      /after the server's clock.*Check the server time and the visit time/,
    );
  });
});

describe('usualDoseLimits (E9 from the catalogue)', () => {
  it('matches the drug by name', () => {
    expect(usualDoseLimits('Baclofen')).toEqual({ usualMaxDoseMcgPerDay: 1000, highestReportedDoseMcgPerDay: 2003 });
    expect(usualDoseLimits('morphine')?.usualMaxDoseMcgPerDay).toBe(20_000);
    expect(usualDoseLimits('ziconotide')?.usualMaxDoseMcgPerDay).toBe(19.2);
    expect(usualDoseLimits('clonidine')).toBeNull();
  });
});

describe('defaultClinicPolicy: the reference.md defaults of a new clinic', () => {
  it('7-day buffer (S10), 14 days due-soon, Monday–Friday, B4 discrepancy defaults, no stability buffer', () => {
    const p = defaultClinicPolicy('Europe/Berlin');
    expect(p).toEqual({
      timeZone: 'Europe/Berlin',
      bufferDays: 7,
      dueSoonDays: 14,
      clinicWeekdays: [1, 2, 3, 4, 5],
      holidays: [],
      accuracyPct: 15,
      discrepancyFloorMl: 0.5,
      discrepancyLimitSmallMl: 1,
      discrepancyLimitLargeMl: 2,
      stabilityBufferDays: 0,
    });
    // Each clinic gets its own lists: editing one never edits the defaults.
    p.clinicWeekdays.push(6);
    expect(defaultClinicPolicy('UTC').clinicWeekdays).toEqual([1, 2, 3, 4, 5]);
  });
});
