import { describe, expect, it } from 'vitest';
import { FillExceedsCapacityError, InvalidInputError } from './errors';
import { bridgeTransit, prometraCadence, prometraCatheterVolumeMl } from './formulas';
import { forecast } from './forecast';
import {
  appointmentsReplacedByRefill,
  assessDoseChange,
  assessRefillVisit,
  discrepancyToleranceMl,
  bridgeBolusVolumeProblem,
  discrepancyAlertSeverity,
  missingPocketFillSafeguards,
  programmedResidual,
  reservoirAfterRefillMl,
  type RefillVisitInput,
} from './refill';
import { clinic, DAY, example1, simpleProgram } from './test-factories';

const t0 = Date.parse('2026-01-09T10:00:00Z');

/** reference.md B7-3: the B7-1 pump seen on day 30. */
function visit(overrides: Partial<RefillVisitInput> = {}): RefillVisitInput {
  return {
    state: example1(t0),
    visitAt: t0 + 30 * DAY,
    aspiratedResidualMl: 5,
    volumeFilledMl: 20,
    oldConcentrationMcgPerMl: 500,
    newConcentrationMcgPerMl: 500,
    bridgeBolusGiven: false,
    oldDailyDoseMcg: 250,
    newDailyDoseMcg: 250,
    spasticityOrigin: 'spinal',
    ...overrides,
  };
}

describe('reference.md B7-3: residual discrepancy at a refill visit', () => {
  it('expects 20 − 30 × 0.5 = 5.0 mL on day 30', () => {
    const r = assessRefillVisit(visit());
    expect(r.expectedResidualMl).toBeCloseTo(5, 12);
    expect(r.deliveredMl).toBeCloseTo(15, 12);
    expect(r.discrepancyMl).toBeCloseTo(0, 12);
    expect(r.flag).toBe('none');
    expect(r.alerts).toEqual([]);
  });

  it('a) aspirated 2.6 mL: +2.4 mL, over-delivery, flagged HIGH', () => {
    const r = assessRefillVisit(visit({ aspiratedResidualMl: 2.6 }));
    expect(r.discrepancyMl).toBeCloseTo(2.4, 12);
    // Tolerance max(0.5, min(1 mL for a 20 mL pump, 15 % × 15 mL delivered = 2.25)) = 1.0 mL (revised B4).
    expect(r.toleranceMl).toBeCloseTo(1, 12);
    expect(r.discrepancyPct).toBeCloseTo(16, 10);
    expect(r.flag).toBe('over-delivery');
    expect(r.alerts).toEqual([
      expect.objectContaining({ code: 'E5', severity: 'high', message: expect.stringMatching(/\+2\.4 mL/) }),
    ]);
  });

  it('b) aspirated 8.0 mL: −3.0 mL, under-infusion, urgent (CRITICAL) for baclofen', () => {
    const r = assessRefillVisit(visit({ aspiratedResidualMl: 8 }));
    expect(r.discrepancyMl).toBeCloseTo(-3, 12);
    expect(r.flag).toBe('under-infusion');
    expect(r.alerts[0]).toMatchObject({ code: 'E5', severity: 'critical' });
    expect(r.alerts[0]!.message).toMatch(/motor stall/);
    // The same finding for ziconotide (no withdrawal syndrome, S108) is HIGH.
    const zico = visit({
      aspiratedResidualMl: 8,
      state: example1(t0, { drug: { name: 'ziconotide', stabilityDays: 84, withdrawalRisk: 'low' } }),
    });
    expect(assessRefillVisit(zico).alerts[0]).toMatchObject({ code: 'E5', severity: 'high' });
  });

  it('does not flag a discrepancy inside the tolerance', () => {
    expect(assessRefillVisit(visit({ aspiratedResidualMl: 4.1 })).flag).toBe('none'); // +0.9 ≤ 1.0
    expect(assessRefillVisit(visit({ aspiratedResidualMl: 5.9 })).flag).toBe('none'); // −0.9
    expect(assessRefillVisit(visit({ aspiratedResidualMl: 6.2 })).flag).toBe('under-infusion'); // −1.2 > 1.0
  });

  it('uses the floor for small deliveries, the accuracy share in between and the absolute limit for large ones', () => {
    // Day 2: 1 mL delivered, 15 % = 0.15 mL → the 0.5 mL measurement floor.
    expect(assessRefillVisit(visit({ visitAt: t0 + 2 * DAY, aspiratedResidualMl: 19 })).toleranceMl).toBe(0.5);
    const big = visit({
      state: example1(t0, {
        pump: { kind: 'programmable', reservoirMl: 40, alarmMl: 2 },
        lastRefill: { at: t0, volumeMl: 40 },
        programs: [simpleProgram(t0, 500, 500)],
      }),
      visitAt: t0 + 30 * DAY,
      aspiratedResidualMl: 10,
    });
    // 40 mL pump, 30 mL delivered: min(2 mL, 4.5 mL) = 2 mL.
    expect(assessRefillVisit(big).toleranceMl).toBeCloseTo(2, 12);
    const strict = {
      ...big,
      state: { ...big.state, clinic: clinic('UTC', { accuracyPct: 5, discrepancyLimitLargeMl: 3 }) },
    };
    expect(assessRefillVisit(strict).toleranceMl).toBeCloseTo(1.5, 12); // 5 % of 30 mL, under the 3 mL limit
  });

  it('excludes patient boluses unless the pump log gives how many were taken', () => {
    const state = example1(t0, {
      programs: [{ ...simpleProgram(t0, 250, 500), patientBolus: { doseMcg: 50, maxPerDay: 5 } }],
    });
    expect(assessRefillVisit(visit({ state })).expectedResidualMl).toBeCloseTo(5, 12);
    // 20 boluses × 50 mcg / 500 mcg/mL = 2 mL.
    expect(assessRefillVisit(visit({ state, patientBolusesTaken: 20 })).expectedResidualMl).toBeCloseTo(
      3,
      12,
    );
  });

  it('integrates a program change since the refill exactly', () => {
    const state = example1(t0, {
      programs: [simpleProgram(t0, 250, 500), simpleProgram(t0 + 10 * DAY, 500, 500)],
    });
    // 10 × 0.5 + 10 × 1.0 = 15 mL delivered by day 20.
    expect(assessRefillVisit(visit({ state, visitAt: t0 + 20 * DAY })).expectedResidualMl).toBeCloseTo(5, 12);
  });

  it('says so when the programmed delivery emptied the reservoir before the visit', () => {
    const r = assessRefillVisit(visit({ visitAt: t0 + 45 * DAY, aspiratedResidualMl: 0 }));
    expect(r.expectedResidualMl).toBe(0);
    expect(r.alerts).toEqual([
      expect.objectContaining({
        code: 'E1',
        severity: 'critical',
        message: expect.stringMatching(/Wed 18 Feb 2026 10:00/),
      }),
    ]);
  });

  it('rejects a fill above the reservoir capacity and negative volumes', () => {
    expect(() => assessRefillVisit(visit({ volumeFilledMl: 20.5 }))).toThrow(FillExceedsCapacityError);
    expect(() => assessRefillVisit(visit({ volumeFilledMl: 18, reservoirMl: 17 }))).toThrow(
      FillExceedsCapacityError,
    );
    expect(() => assessRefillVisit(visit({ aspiratedResidualMl: -1 }))).toThrow(InvalidInputError);
    expect(() => assessRefillVisit(visit({ volumeFilledMl: -0.1 }))).toThrow(/volumeFilledMl/);
    expect(() => assessRefillVisit(visit({ aspiratedResidualMl: 25 }))).toThrow(/more than the reservoir/);
    expect(() => assessRefillVisit(visit({ visitAt: t0 - 1 }))).toThrow(/before the last refill/);
    expect(() => assessRefillVisit(visit({ newConcentrationMcgPerMl: 0 }))).toThrow(
      /newConcentrationMcgPerMl/,
    );
  });
});

describe('E7: dose change beyond the usual step', () => {
  it('spinal titration allows +30 % per 24 h', () => {
    expect(assessDoseChange(250, 325, 'spinal', 'titration').exceedsUsualStep).toBe(false); // exactly +30 %
    const r = assessDoseChange(250, 330, 'spinal', 'titration');
    expect(r).toMatchObject({ direction: 'increase', exceedsUsualStep: true, limitPct: 30 });
    expect(r.changePct).toBeCloseTo(32, 12);
    expect(r.alert).toMatchObject({ code: 'E7', severity: 'warn', message: expect.stringMatching(/second/) });
  });

  it('cerebral titration allows +15 %', () => {
    expect(assessDoseChange(200, 230, 'cerebral', 'titration').exceedsUsualStep).toBe(false);
    expect(assessDoseChange(200, 232, 'cerebral', 'titration').exceedsUsualStep).toBe(true);
  });

  it('at a refill allows spinal +40 %, cerebral +20 %', () => {
    expect(assessDoseChange(500, 700, 'spinal', 'refill').exceedsUsualStep).toBe(false);
    expect(assessDoseChange(500, 705, 'spinal', 'refill').exceedsUsualStep).toBe(true);
    expect(assessDoseChange(500, 600, 'cerebral', 'refill').exceedsUsualStep).toBe(false);
    expect(assessDoseChange(500, 605, 'cerebral', 'refill').exceedsUsualStep).toBe(true);
  });

  it('flags a decrease beyond 20 %', () => {
    expect(assessDoseChange(500, 400, 'spinal', 'refill')).toMatchObject({
      direction: 'decrease',
      exceedsUsualStep: false,
    });
    expect(assessDoseChange(500, 395, 'cerebral', 'titration')).toMatchObject({
      exceedsUsualStep: true,
      limitPct: 20,
    });
  });

  it('uses the stricter cerebral limits for other origins, and flags any start from 0', () => {
    expect(assessDoseChange(500, 610, 'other', 'refill').exceedsUsualStep).toBe(true);
    expect(assessDoseChange(0, 50, 'spinal', 'titration')).toMatchObject({
      changePct: null,
      exceedsUsualStep: true,
    });
    expect(assessDoseChange(300, 300, 'spinal', 'refill')).toMatchObject({ direction: 'none', alert: null });
  });

  it('is part of the refill assessment', () => {
    const r = assessRefillVisit(visit({ oldDailyDoseMcg: 250, newDailyDoseMcg: 400 }));
    expect(r.doseChange.exceedsUsualStep).toBe(true);
    expect(r.alerts.map((a) => a.code)).toEqual(['E7']);
  });
});

describe('E8 and reference.md B7-4: concentration change without a bridge bolus', () => {
  it('computes the underdose window of B7-4', () => {
    const deadSpace = prometraCatheterVolumeMl(80);
    expect(deadSpace).toBeCloseTo(0.208, 12);
    const t = bridgeTransit({
      doseMcgPerDay: 300,
      oldConcentrationMcgPerMl: 500,
      newConcentrationMcgPerMl: 1000,
      deadSpaceMl: deadSpace,
    });
    expect(t.doseDuringTransitMcgPerDay).toBe(150);
    expect(t.transitDays).toBeCloseTo(0.6933, 4); // ≈ 17 h
  });

  it('raises E8 HIGH without a bridge bolus, and nothing with one', () => {
    const changed = {
      oldDailyDoseMcg: 300,
      newDailyDoseMcg: 300,
      oldConcentrationMcgPerMl: 500,
      newConcentrationMcgPerMl: 1000,
      deadSpaceMl: 0.208,
    };
    const without = assessRefillVisit(visit({ ...changed, bridgeBolusGiven: false }));
    expect(without.concentrationChanged).toBe(true);
    expect(without.alerts).toEqual([
      expect.objectContaining({
        code: 'E8',
        severity: 'high',
        message: expect.stringMatching(/receives 150 instead of 300 mcg\/day for about 16\.64 h/),
      }),
    ]);
    expect(assessRefillVisit(visit({ ...changed, bridgeBolusGiven: true })).alerts).toEqual([]);
  });
});

describe('reference.md B7-6: Prometra actuation cadence', () => {
  it('300 mcg/day at 2000 mcg/mL with a 2.5 µL accumulator', () => {
    expect(prometraCadence({ doseMcgPerDay: 300, concentrationMcgPerMl: 2000 })).toEqual({
      dailyVolumeMl: 0.15,
      actuationsPerDay: expect.closeTo(60, 9),
      minutesBetweenActuations: expect.closeTo(24, 9),
      doseMcgPerActuation: 5,
    });
  });
});

describe('discrepancyToleranceMl (reference.md B4 revised, E5)', () => {
  it('worked check 1: 40 mL pump, 33 mL delivered, 5 mL discrepancy → tolerance 2.0 mL, flagged', () => {
    const tolerance = discrepancyToleranceMl(33, 40);
    expect(tolerance).toBeCloseTo(2, 12); // min(2.0, 15 % × 33 = 4.95)
    expect(5 > tolerance).toBe(true);
    // Through the assessment: a 40 mL pump filled to 40 mL, 33 mL programmed by day 66, 5 mL more aspirated.
    const r = assessRefillVisit(
      visit({
        state: example1(t0, {
          pump: { kind: 'programmable', reservoirMl: 40, alarmMl: 2 },
          lastRefill: { at: t0, volumeMl: 40 },
        }),
        visitAt: t0 + 66 * DAY,
        aspiratedResidualMl: 12,
      }),
    );
    expect(r.deliveredMl).toBeCloseTo(33, 9);
    expect(r.toleranceMl).toBeCloseTo(2, 12);
    expect(r.discrepancyMl).toBeCloseTo(-5, 9);
    expect(r.flag).toBe('under-infusion');
  });

  it('worked check 2: 20 mL pump, 4 mL delivered, 0.4 mL discrepancy → tolerance 0.6 mL, not flagged', () => {
    expect(discrepancyToleranceMl(4, 20)).toBeCloseTo(0.6, 12); // max(0.5, min(1.0, 0.6))
    const r = assessRefillVisit(visit({ visitAt: t0 + 8 * DAY, aspiratedResidualMl: 15.6 }));
    expect(r.deliveredMl).toBeCloseTo(4, 9);
    expect(r.toleranceMl).toBeCloseTo(0.6, 12);
    expect(r.flag).toBe('none');
  });

  it('uses the small limit up to 20 mL and the large one above, each from the clinic when set', () => {
    const policy = { accuracyPct: 15, discrepancyFloorMl: 0.2, discrepancyLimitSmallMl: 0.8, discrepancyLimitLargeMl: 1.6 };
    expect(discrepancyToleranceMl(30, 20, policy)).toBe(0.8);
    expect(discrepancyToleranceMl(30, 20.001, policy)).toBe(1.6);
    expect(discrepancyToleranceMl(0, 40, policy)).toBe(0.2);
    expect(discrepancyToleranceMl(-3, 40)).toBe(0.5); // never below the floor
  });
});

describe('reference.md B5: the bridge bolus volume leaves the reservoir', () => {
  it('B7-1 pump (20 mL, 0.5 mL/day, alarm 2 mL) with a 0.9 mL bridge bolus: alarm 0.9 / 0.5 = 1.8 days earlier', () => {
    const after = reservoirAfterRefillMl(20, 0.9);
    expect(after).toBeCloseTo(19.1, 12);
    const whole = forecast(example1(t0));
    const real = forecast(example1(t0, { lastRefill: { at: t0, volumeMl: after } }));
    // 36 days to the alarm from the whole fill (B7-1), 34.2 days from what is really left.
    expect((whole.lowReservoirAlarmAt! - t0) / DAY).toBeCloseTo(36, 9);
    expect((real.lowReservoirAlarmAt! - t0) / DAY).toBeCloseTo(34.2, 9);
    expect((whole.lowReservoirAlarmAt! - real.lowReservoirAlarmAt!) / DAY).toBeCloseTo(0.9 / 0.5, 9);
  });

  it('no bridge bolus leaves the fill; a bolus of 0 or of the whole fill is refused', () => {
    expect(reservoirAfterRefillMl(18, null)).toBe(18);
    expect(() => reservoirAfterRefillMl(18, 0)).toThrow(/more than 0/);
    expect(() => reservoirAfterRefillMl(18, 18)).toThrow(InvalidInputError);
    expect(bridgeBolusVolumeProblem(18, 0.5)).toBeNull();
  });
});

describe('E5 severity kept on the visit, and the confirmation of a critical one', () => {
  it('B7-3b under-infusion of baclofen is CRITICAL and needs confirmation; B7-3a over-delivery is HIGH', () => {
    const under = assessRefillVisit(visit({ aspiratedResidualMl: 8 }));
    expect(under).toMatchObject({ discrepancySeverity: 'critical', discrepancyNeedsConfirmation: true });
    const over = assessRefillVisit(visit({ aspiratedResidualMl: 2.6 }));
    expect(over).toMatchObject({ discrepancySeverity: 'high', discrepancyNeedsConfirmation: false });
    expect(assessRefillVisit(visit())).toMatchObject({ discrepancySeverity: null, discrepancyNeedsConfirmation: false });
    expect(discrepancyAlertSeverity('under-infusion', 'low')).toBe('high');
  });
});

describe('E6 pocket-fill safeguards (G1 steps 5-6)', () => {
  it('names each missing safeguard; the template is not one of them', () => {
    const none = { needlePlacementConfirmed: false, residualCheckedBeforeFill: false, templateUsed: false };
    expect(missingPocketFillSafeguards(none).map((m) => m.field)).toEqual([
      'residualCheckedBeforeFill',
      'needlePlacementConfirmed',
      'fillConfirmationMethod',
    ]);
    expect(
      missingPocketFillSafeguards({
        needlePlacementConfirmed: true,
        residualCheckedBeforeFill: true,
        templateUsed: false,
        fillConfirmationMethod: 'fluoroscopy',
      }),
    ).toEqual([]);
  });
});

describe('appointmentsReplacedByRefill', () => {
  const appts = [
    { id: 1, date: '2026-12-01' },
    { id: 2, date: '2026-12-03' },
    { id: 3, date: '2026-12-20' },
  ];
  it('closes by default every booked one from the visit day up to the previous due date', () => {
    // Refilled Wed 2 Dec, due Fri 4 Dec: Thu 3 Dec was for this refill; 1 Dec is past; 20 Dec is not replaced.
    expect(appointmentsReplacedByRefill(appts, '2026-12-02', '2026-12-04')).toEqual([
      { id: 2, defaultAction: 'done' },
    ]);
    expect(appointmentsReplacedByRefill(appts, '2026-12-01', '2026-12-04').map((r) => r.id)).toEqual([1, 2]);
  });
  it('else shows the nearest later one, kept by default', () => {
    expect(appointmentsReplacedByRefill(appts, '2026-12-04', '2026-12-10')).toEqual([
      { id: 3, defaultAction: 'keep' },
    ]);
    expect(appointmentsReplacedByRefill(appts, '2026-12-21', '2026-12-30')).toEqual([]);
  });
});

describe('reference.md B4: the discrepancy flag is "above the tolerance", not "at it"', () => {
  // B7-3 pump on day 30: 15 mL delivered, tolerance max(0.5, min(1.0, 15 % × 15 = 2.25)) = 1.0 mL.
  it('a discrepancy of exactly +1.0 or −1.0 mL on the B7-3 pump is not flagged; 0.1 mL more is', () => {
    const over = assessRefillVisit(visit({ aspiratedResidualMl: 4 }));
    expect(over.toleranceMl).toBe(1);
    expect(over.discrepancyMl).toBe(1);
    expect(over).toMatchObject({ flag: 'none', alerts: [] });
    const under = assessRefillVisit(visit({ aspiratedResidualMl: 6 }));
    expect(under.discrepancyMl).toBe(-1);
    expect(under).toMatchObject({ flag: 'none', alerts: [] });
    expect(assessRefillVisit(visit({ aspiratedResidualMl: 3.9 })).flag).toBe('over-delivery');
    expect(assessRefillVisit(visit({ aspiratedResidualMl: 6.1 })).flag).toBe('under-infusion');
  });

  it('E5 prints the signed discrepancy with the expected, aspirated and tolerance volumes', () => {
    const over = assessRefillVisit(visit({ aspiratedResidualMl: 2.6 })).alerts[0]!.message;
    expect(over).toMatch(/^Residual discrepancy \+2\.4 mL \(expected 5 mL, aspirated 2\.6 mL, tolerance 1 mL\): more drug left/);
    const under = assessRefillVisit(visit({ aspiratedResidualMl: 8 })).alerts[0]!.message;
    expect(under).toMatch(/^Residual discrepancy −3 mL \(expected 5 mL, aspirated 8 mL, tolerance 1 mL\): less drug/);
    expect(under).toContain('Stopping baclofen abruptly can cause life-threatening withdrawal');
  });

  it('treats a drug without a recorded withdrawal risk as severe: its under-infusion is CRITICAL', () => {
    const state = example1(t0, { drug: { name: 'baclofen', stabilityDays: 180 } });
    const r = assessRefillVisit(visit({ state, aspiratedResidualMl: 8 }));
    expect(r).toMatchObject({ discrepancySeverity: 'critical', discrepancyNeedsConfirmation: true });
    expect(r.alerts[0]!.message).toContain('life-threatening withdrawal');
  });
});

describe('a refill visit at the very instant of the last refill', () => {
  it('is accepted: nothing delivered, so there is no discrepancy percentage', () => {
    const r = assessRefillVisit(visit({ visitAt: t0, aspiratedResidualMl: 20 }));
    expect(r).toMatchObject({ deliveredMl: 0, expectedResidualMl: 20, discrepancyMl: 0, discrepancyPct: null, flag: 'none' });
  });

  it('a visit 1 ms before it names visitAt and the pump', () => {
    const state = { ...example1(t0), pumpId: 42 };
    expect(() => assessRefillVisit(visit({ state, visitAt: t0 - 1 }))).toThrow(
      expect.objectContaining({
        field: 'visitAt',
        message: 'The visit is before the last refill',
        context: { field: 'visitAt', pumpId: 42, visitAt: t0 - 1, lastRefillAt: t0 },
      }),
    );
  });
});

describe('refused refill inputs name their field, the pump and the values (422 with the field)', () => {
  const state = { ...example1(t0), pumpId: 42 };
  const refused = (overrides: Partial<RefillVisitInput>) => {
    try {
      assessRefillVisit(visit({ state, ...overrides }));
    } catch (e) {
      return e as InvalidInputError;
    }
    throw new Error('expected the input to be refused');
  };

  it('an overfill names volumeFilledMl with the fill and the reservoir', () => {
    const e = refused({ volumeFilledMl: 20.5 });
    expect(e).toBeInstanceOf(FillExceedsCapacityError);
    expect(e.message).toBe('Fill volume 20.5 mL is more than the reservoir holds (20 mL)');
    expect(e.context).toEqual({ field: 'volumeFilledMl', pumpId: 42, value: 20.5, reservoirMl: 20 });
  });

  it('an aspirated residual above the reservoir names aspiratedResidualMl; the full reservoir is accepted', () => {
    const e = refused({ aspiratedResidualMl: 21 });
    expect(e.message).toBe('Aspirated residual 21 mL is more than the reservoir holds (20 mL)');
    expect(e.context).toEqual({ field: 'aspiratedResidualMl', pumpId: 42, value: 21, reservoirMl: 20 });
    expect(assessRefillVisit(visit({ state, aspiratedResidualMl: 20 })).flag).toBe('under-infusion');
  });

  it('each number names its own field', () => {
    const fields: [Partial<RefillVisitInput>, string][] = [
      [{ visitAt: Number.NaN }, 'visitAt'],
      [{ reservoirMl: 0 }, 'reservoirMl'],
      [{ aspiratedResidualMl: -1 }, 'aspiratedResidualMl'],
      [{ volumeFilledMl: -1 }, 'volumeFilledMl'],
      [{ oldConcentrationMcgPerMl: 0 }, 'oldConcentrationMcgPerMl'],
      [{ newConcentrationMcgPerMl: 0 }, 'newConcentrationMcgPerMl'],
      [{ patientBolusesTaken: -1 }, 'patientBolusesTaken'],
      [{ oldDailyDoseMcg: -1 }, 'oldDailyDoseMcg'],
      [{ newDailyDoseMcg: -1 }, 'newDailyDoseMcg'],
    ];
    for (const [input, field] of fields) {
      const e = refused(input);
      expect(e.field, field).toBe(field);
      if (!field.endsWith('DailyDoseMcg')) expect(e.context.pumpId, field).toBe(42);
    }
  });
});

describe('E1 at a refill: the pump ran empty before the visit', () => {
  it('when patient boluses, not the programmed rate, used up the fill, it says so without an empty time', () => {
    // 0.5 mL/day for 30 days = 15 mL programmed; 60 boluses × 50 mcg / 500 mcg/mL = 6 mL more: 21 mL > the 20 mL fill.
    const state = example1(t0, {
      programs: [{ ...simpleProgram(t0, 250, 500), patientBolus: { doseMcg: 50, maxPerDay: 5 } }],
    });
    const r = assessRefillVisit(visit({ state, patientBolusesTaken: 60, aspiratedResidualMl: 0 }));
    expect(r.deliveredMl).toBe(20);
    const e1 = r.alerts.find((a) => a.code === 'E1');
    expect(e1?.message).toMatch(/^By the programmed delivery the reservoir was empty, before this visit\. Stopping baclofen/);
  });
});

describe('E8 message without a recorded dead space', () => {
  it('gives the wrong dose but no duration, which needs the tubing and catheter volume (B5)', () => {
    const r = assessRefillVisit(
      visit({ oldDailyDoseMcg: 300, newDailyDoseMcg: 300, oldConcentrationMcgPerMl: 500, newConcentrationMcgPerMl: 1000 }),
    );
    expect(r.alerts).toEqual([
      expect.objectContaining({
        code: 'E8',
        message:
          'Concentration changed from 500 to 1000 mcg/mL without a bridge bolus: until the old drug in the pump tubing and catheter is flushed the patient receives 150 instead of 300 mcg/day. Program a bridge bolus.',
      }),
    ]);
  });
});

describe('E7 wording: the nurse reads which step was exceeded', () => {
  it('an increase during spinal titration', () => {
    expect(assessDoseChange(250, 330, 'spinal', 'titration').alert?.message).toBe(
      'Dose change 250 → 330 mcg/day (+32 %) is beyond the usual increase of 30 % per 24 h of titration for spinal origin. A second experienced person must confirm it.',
    );
  });

  it('a decrease at a refill', () => {
    expect(assessDoseChange(500, 395, 'cerebral', 'refill').alert?.message).toBe(
      'Dose change 500 → 395 mcg/day (-21 %) is beyond the usual decrease of 20 % at a refill for cerebral origin. A second experienced person must confirm it.',
    );
  });

  it('a start from 0', () => {
    expect(assessDoseChange(0, 50, 'spinal', 'refill').alert?.message).toBe(
      'Dose change 0 → 50 mcg/day (from 0) is beyond the usual increase of 40 % at a refill for spinal origin. A second experienced person must confirm it.',
    );
  });

  it('keeping a dose of 0 is no change at all', () => {
    expect(assessDoseChange(0, 0, 'spinal', 'refill')).toMatchObject({
      direction: 'none',
      changePct: 0,
      exceedsUsualStep: false,
      alert: null,
    });
  });
});

describe('bridge bolus refusals name bridgeBolusMl', () => {
  it('a bolus of the whole fill', () => {
    expect(() => reservoirAfterRefillMl(18, 18)).toThrow(
      expect.objectContaining({
        field: 'bridgeBolusMl',
        message: 'Bridge bolus volume must be less than the volume filled (18 mL)',
        context: { field: 'bridgeBolusMl', volumeFilledMl: 18, bridgeBolusMl: 18 },
      }),
    );
    expect(() => reservoirAfterRefillMl(-1, 0.5)).toThrow(expect.objectContaining({ field: 'volumeFilledMl' }));
  });
});

describe('E6 pocket-fill safeguards: what each missing one asks for', () => {
  it('asks for each step in words', () => {
    const none = { needlePlacementConfirmed: false, residualCheckedBeforeFill: false, templateUsed: true };
    expect(missingPocketFillSafeguards(none).map((m) => m.message)).toEqual([
      'Confirm that the aspirated residual was checked against the expected volume before filling (pocket-fill safeguard, E6)',
      'Confirm that the needle is in the reservoir before the fill is saved (pocket-fill safeguard, E6)',
      'Choose how the fill was confirmed in the reservoir: aspiration back, ultrasound or fluoroscopy',
    ]);
  });

  it('refuses a confirmation method that is not one of aspiration back, ultrasound or fluoroscopy', () => {
    const s = {
      needlePlacementConfirmed: true,
      residualCheckedBeforeFill: true,
      templateUsed: false,
      fillConfirmationMethod: 'palpation' as never,
    };
    expect(missingPocketFillSafeguards(s).map((m) => m.field)).toEqual(['fillConfirmationMethod']);
  });
});

describe('appointmentsReplacedByRefill: order and the due date itself', () => {
  it('closes the one booked on the previous due date, and reads the list in date order', () => {
    const appts = [
      { id: 3, date: '2026-12-20' },
      { id: 2, date: '2026-12-04' },
      { id: 1, date: '2026-12-03' },
    ];
    expect(appointmentsReplacedByRefill(appts, '2026-12-02', '2026-12-04')).toEqual([
      { id: 1, defaultAction: 'done' },
      { id: 2, defaultAction: 'done' },
    ]);
    // None up to the due date: the NEAREST later one is offered, whatever the list order.
    const later = [
      { id: 9, date: '2027-01-20' },
      { id: 8, date: '2026-12-21' },
    ];
    expect(appointmentsReplacedByRefill(later, '2026-12-02', '2026-12-04')).toEqual([{ id: 8, defaultAction: 'keep' }]);
  });
});

describe('E1 at a refill is about a pump that ran empty, not one left empty', () => {
  it('a pump emptied on purpose at its last visit (0 mL, e.g. a Prometra before an MRI, S25) raises no E1', () => {
    const state = example1(t0, { lastRefill: { at: t0, volumeMl: 0 } });
    const r = assessRefillVisit(visit({ state, aspiratedResidualMl: 0 }));
    expect(r.deliveredMl).toBe(0);
    expect(r.alerts.map((a) => a.code)).not.toContain('E1');
  });
});

describe('programmedResidual: what the program leaves in the reservoir at an instant (the day sheet, B4)', () => {
  it('is the fill minus the programmed delivery: 20 − 12 × 0.5 = 14 mL on day 12, and 0 once the fill is used up', () => {
    expect(programmedResidual(example1(t0), t0 + 12 * DAY).expectedResidualMl).toBeCloseTo(14, 12);
    expect(programmedResidual(example1(t0), t0 + 45 * DAY)).toMatchObject({ expectedResidualMl: 0, deliveredMl: 20 });
  });

  it('is the residual the refill assessment expects at the same instant', () => {
    for (const day of [0, 1, 17.5, 30, 39.9]) {
      const at = t0 + day * DAY;
      expect(programmedResidual(example1(t0), at).expectedResidualMl).toBe(assessRefillVisit(visit({ visitAt: at })).expectedResidualMl);
    }
  });

  it('refuses an instant before the last refill', () => {
    expect(() => programmedResidual(example1(t0), t0 - 1)).toThrow(InvalidInputError);
  });
});
