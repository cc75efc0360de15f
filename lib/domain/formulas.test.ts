import { describe, expect, it } from 'vitest';
import {
  bridgeTransit,
  constantFlowConcentration,
  constantFlowDaysToReserve,
  dailyVolumeMl,
  prometraCadence,
  prometraCatheterVolumeMl,
} from './formulas';

describe('reference.md B1: daily volume = dose / concentration', () => {
  it('B7-1: 250 mcg/day at 500 mcg/mL is 0.5 mL/day; B7-2: 400 at 2000 is 0.2 mL/day', () => {
    expect(dailyVolumeMl(250, 500)).toBe(0.5);
    expect(dailyVolumeMl(400, 2000)).toBe(0.2);
    expect(dailyVolumeMl(0, 500)).toBe(0);
  });

  it('names the field of a negative dose or a zero concentration', () => {
    expect(() => dailyVolumeMl(-1, 500)).toThrow(expect.objectContaining({ field: 'doseMcgPerDay' }));
    expect(() => dailyVolumeMl(250, 0)).toThrow(expect.objectContaining({ field: 'concentrationMcgPerMl' }));
  });
});

describe('reference.md B5: the underdose window after a concentration change without a bridge bolus', () => {
  it('has no duration when the dead space is not recorded, or when nothing is delivered', () => {
    const noDeadSpace = bridgeTransit({ doseMcgPerDay: 300, oldConcentrationMcgPerMl: 500, newConcentrationMcgPerMl: 1000 });
    expect(noDeadSpace).toEqual({ doseDuringTransitMcgPerDay: 150, transitDays: null });
    const stopped = bridgeTransit({
      doseMcgPerDay: 0,
      oldConcentrationMcgPerMl: 500,
      newConcentrationMcgPerMl: 1000,
      deadSpaceMl: 0.208,
    });
    expect(stopped).toEqual({ doseDuringTransitMcgPerDay: 0, transitDays: null });
  });

  it('names the field of each refused value', () => {
    const ok = { doseMcgPerDay: 300, oldConcentrationMcgPerMl: 500, newConcentrationMcgPerMl: 1000, deadSpaceMl: 0.2 };
    expect(() => bridgeTransit({ ...ok, doseMcgPerDay: -1 })).toThrow(expect.objectContaining({ field: 'doseMcgPerDay' }));
    expect(() => bridgeTransit({ ...ok, oldConcentrationMcgPerMl: 0 })).toThrow(
      expect.objectContaining({ field: 'oldConcentrationMcgPerMl' }),
    );
    expect(() => bridgeTransit({ ...ok, newConcentrationMcgPerMl: 0 })).toThrow(
      expect.objectContaining({ field: 'newConcentrationMcgPerMl' }),
    );
    expect(() => bridgeTransit({ ...ok, deadSpaceMl: -0.1 })).toThrow(expect.objectContaining({ field: 'deadSpaceMl' }));
  });

  it('B7-4: an 80 cm Prometra catheter holds 80 × 0.0026 = 0.208 mL; a negative length is refused', () => {
    expect(prometraCatheterVolumeMl(80)).toBeCloseTo(0.208, 12);
    expect(() => prometraCatheterVolumeMl(-1)).toThrow(expect.objectContaining({ field: 'implantedLengthCm' }));
  });
});

describe('reference.md B1/B7-6: Prometra actuation cadence', () => {
  it('a larger accumulator actuates less often: 0.15 mL/day with 5 µL is 30 actuations, one every 48 min', () => {
    const r = prometraCadence({ doseMcgPerDay: 300, concentrationMcgPerMl: 2000, accumulatorMl: 0.005 });
    expect(r.actuationsPerDay).toBeCloseTo(30, 9);
    expect(r.minutesBetweenActuations).toBeCloseTo(48, 9);
    expect(r.doseMcgPerActuation).toBe(10);
  });

  it('a stopped pump never actuates', () => {
    expect(prometraCadence({ doseMcgPerDay: 0, concentrationMcgPerMl: 2000 })).toMatchObject({
      actuationsPerDay: 0,
      minutesBetweenActuations: Infinity,
    });
    expect(() => prometraCadence({ doseMcgPerDay: 300, concentrationMcgPerMl: 2000, accumulatorMl: 0 })).toThrow(
      expect.objectContaining({ field: 'accumulatorMl' }),
    );
  });
});

describe('reference.md B6/B7-7: constant-flow pumps', () => {
  it('a reserve at or above the fill leaves no days, never negative ones', () => {
    expect(constantFlowDaysToReserve(30, 3, 1)).toBe(27);
    expect(constantFlowDaysToReserve(3, 3, 1)).toBe(0);
    expect(constantFlowDaysToReserve(2, 3, 1)).toBe(0);
  });

  it('names the field of each refused value', () => {
    expect(() => constantFlowDaysToReserve(-1, 3, 1)).toThrow(expect.objectContaining({ field: 'fillMl' }));
    expect(() => constantFlowDaysToReserve(30, -1, 1)).toThrow(expect.objectContaining({ field: 'reserveMl' }));
    expect(() => constantFlowDaysToReserve(30, 3, 0)).toThrow(expect.objectContaining({ field: 'flowMlPerDay' }));
    expect(() => constantFlowConcentration(-1, 1)).toThrow(expect.objectContaining({ field: 'targetDoseMcgPerDay' }));
    expect(() => constantFlowConcentration(500, 0)).toThrow(expect.objectContaining({ field: 'flowMlPerDay' }));
  });
});

describe('reference.md B6 with a flow other than 1 mL/day', () => {
  it('Q = 2 mL/day: 500 mcg/day needs 250 mcg/mL; 30 mL to a 3 mL reserve lasts 13.5 days', () => {
    expect(constantFlowConcentration(500, 2)).toBe(250);
    expect(constantFlowDaysToReserve(30, 3, 2)).toBe(13.5);
  });
});
