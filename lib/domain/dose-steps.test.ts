import { describe, expect, it } from 'vitest';
import { assessDoseChangeOver24h, changedReservoirField, dosesInWindow, type DoseInEffect } from './dose-steps';

const H = 3_600_000;
const t0 = Date.UTC(2026, 11, 1, 12);
/** Versions effective at the given hours after t0, each superseded by the next. */
function history(...steps: [hours: number, dose: number][]): DoseInEffect[] {
  return steps.map(([h, dose], i) => ({
    effectiveAt: t0 + h * H,
    supersededAt: steps[i + 1] ? t0 + steps[i + 1]![0] * H : null,
    doseMcgPerDay: dose,
  }));
}

describe('assessDoseChangeOver24h (E7 per 24 h, reference.md D/E7, S18 S20)', () => {
  it('judges four +30 % steps in one minute as the +185 % change they add up to', () => {
    const minute = 1 / 60;
    const h = history([-100, 250], [0, 325], [minute, 422.5], [2 * minute, 549.25]);
    const fourth = assessDoseChangeOver24h(h, 714, 'spinal', t0 + 3 * minute * H);
    expect(fourth.baselineMcgPerDay).toBe(250);
    expect(fourth.changePct).toBeCloseTo(185.6, 1);
    expect(fourth.exceedsUsualStep).toBe(true);
  });

  it('measures from the dose in effect 24 h before once earlier steps have left the window', () => {
    const h = history([-100, 250], [0, 325]);
    // 25 h later only 325 mcg/day was in effect in the window: +23 % is within the 30 % step.
    const later = assessDoseChangeOver24h(h, 400, 'spinal', t0 + 25 * H);
    expect(later.baselineMcgPerDay).toBe(325);
    expect(later.exceedsUsualStep).toBe(false);
    // 23 h later 250 mcg/day was still in effect an hour into the window: +60 %.
    const sooner = assessDoseChangeOver24h(h, 400, 'spinal', t0 + 23 * H);
    expect(sooner.baselineMcgPerDay).toBe(250);
    expect(sooner.exceedsUsualStep).toBe(true);
  });

  it('measures a decrease from the highest dose of the window, and no change as no step', () => {
    const h = history([-100, 400], [0, 350]);
    const down = assessDoseChangeOver24h(h, 300, 'cerebral', t0 + H);
    expect(down.baselineMcgPerDay).toBe(400);
    expect(down.changePct).toBe(-25);
    expect(down.exceedsUsualStep).toBe(true);
    const same = assessDoseChangeOver24h(h, 350, 'cerebral', t0 + H);
    expect(same.direction).toBe('none');
    expect(same.exceedsUsualStep).toBe(false);
  });

  it('uses the stricter cerebral limit (15 % per 24 h)', () => {
    const h = history([-100, 200]);
    expect(assessDoseChangeOver24h(h, 230, 'cerebral', t0).exceedsUsualStep).toBe(false);
    expect(assessDoseChangeOver24h(h, 231, 'cerebral', t0).exceedsUsualStep).toBe(true);
  });

  it('lists only the doses in effect during the 24 h before', () => {
    expect(dosesInWindow(history([-100, 1], [-30, 2], [-10, 3]), t0).sort()).toEqual([2, 3]);
  });
});

describe('changedReservoirField (B5: the reservoir changes only at a refill)', () => {
  it('names the drug product or the concentration that a program change would alter', () => {
    expect(changedReservoirField({ drugId: 1, concentrationMcgPerMl: 500 }, { drugId: 1, concentrationMcgPerMl: 500 })).toBeNull();
    expect(changedReservoirField({ drugId: 1, concentrationMcgPerMl: 500 }, { drugId: 1, concentrationMcgPerMl: 2000 })).toBe(
      'concentrationMcgPerMl',
    );
    expect(changedReservoirField({ drugId: 1, concentrationMcgPerMl: 500 }, { drugId: 2, concentrationMcgPerMl: 500 })).toBe('drugId');
  });
});

describe('the 24-hour window (E7 per 24 h) at its edges', () => {
  it('leaves out a dose superseded exactly 24 h before, and versions from the change on', () => {
    const h = history([-100, 100], [-24, 200], [0, 300]);
    // At t0: 100 ended exactly 24 h before; the 300 version starts at t0 itself.
    expect(dosesInWindow(h, t0)).toEqual([200]);
    const planned = [...h, { effectiveAt: t0 + 5 * H, supersededAt: null, doseMcgPerDay: 999 }];
    expect(dosesInWindow(planned, t0 + H)).toEqual([200, 300]);
  });

  it('reads the history in any order, and ignores a version planned for later', () => {
    const h = history([-100, 250], [-2, 300]).reverse();
    const planned = [...h, { effectiveAt: t0 + 5 * H, supersededAt: null, doseMcgPerDay: 999 }];
    const r = assessDoseChangeOver24h(planned, 300, 'spinal', t0);
    expect(r.currentMcgPerDay).toBe(300);
    expect(r.direction).toBe('none');
  });

  it('a first program is a start from 0', () => {
    expect(assessDoseChangeOver24h([], 100, 'spinal', t0)).toMatchObject({
      baselineMcgPerDay: 0,
      currentMcgPerDay: 0,
      changePct: null,
      exceedsUsualStep: true,
    });
  });

  it('re-saving the current dose is no step even after a recent increase (cerebral +25 % then unchanged)', () => {
    const h = history([-100, 200], [-1, 250]);
    const same = assessDoseChangeOver24h(h, 250, 'cerebral', t0);
    expect(same).toMatchObject({ baselineMcgPerDay: 250, direction: 'none', exceedsUsualStep: false });
  });
});
