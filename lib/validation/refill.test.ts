import { describe, expect, it } from 'vitest';
import { fieldErrors } from './errors';
import { recordVisitSchema } from './refill';

const valid = {
  aspiratedResidualMl: 4.2,
  volumeFilledMl: 18,
  drugId: 1,
  drugLot: ' L-1 ',
  drugExpiresOn: '2027-03-31',
  concentrationMcgPerMl: 500,
  residualCheckedBeforeFill: true,
  needlePlacementConfirmed: true,
  fillConfirmationMethod: 'aspiration-back',
};

describe('recordVisitSchema', () => {
  it('accepts a plain refill and fills in the defaults', () => {
    const r = recordVisitSchema.parse(valid);
    expect(r).toMatchObject({
      drugLot: 'L-1',
      bridgeBolusGiven: false,
      confirmNoBridgeBolus: false,
      notes: '',
      bridgeBolusNote: '',
    });
    expect(r.performedAt).toBeUndefined();
  });

  it('drops a discrepancy, expected residual or flag sent by a client: the server computes them', () => {
    const r = recordVisitSchema.parse({
      ...valid,
      discrepancyFlag: 'none',
      expectedResidualMl: 4.2,
      discrepancyMl: 0,
    });
    expect(r).not.toHaveProperty('discrepancyFlag');
    expect(r).not.toHaveProperty('expectedResidualMl');
    expect(r).not.toHaveProperty('discrepancyMl');
  });

  it('names every wrong field with a message a nurse understands', () => {
    const r = recordVisitSchema.safeParse({
      ...valid,
      aspiratedResidualMl: -0.1,
      volumeFilledMl: 0,
      drugLot: '',
      drugExpiresOn: '',
      concentrationMcgPerMl: 'x',
      newDoseMcgPerDay: -5,
    });
    expect(r.success).toBe(false);
    const fields = fieldErrors(r.error!);
    expect(fields).toEqual({
      aspiratedResidualMl: 'Aspirated residual must be 0 mL or more',
      volumeFilledMl: 'Volume filled must be more than 0 mL',
      drugLot: 'Lot number is required',
      drugExpiresOn: 'Expiry date is required',
      concentrationMcgPerMl: 'Concentration must be a number (mcg/mL)',
      newDoseMcgPerDay: 'Daily dose must be more than 0 mcg/day',
    });
  });

  it('needs the volume of a bridge bolus that was given, less than the fill (B5)', () => {
    const r = recordVisitSchema.safeParse({ ...valid, bridgeBolusGiven: true });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!).bridgeBolusMl).toMatch(/volume is required/);
    const big = recordVisitSchema.safeParse({ ...valid, bridgeBolusGiven: true, bridgeBolusMl: 18 });
    expect(fieldErrors(big.error!).bridgeBolusMl).toMatch(/less than the volume filled \(18 mL\)/);
    expect(recordVisitSchema.parse({ ...valid, bridgeBolusGiven: true, bridgeBolusMl: 0.9 }).bridgeBolusMl).toBe(0.9);
  });

  it('names each missing pocket-fill safeguard (E6); the template is optional', () => {
    const r = recordVisitSchema.safeParse({
      ...valid,
      residualCheckedBeforeFill: undefined,
      needlePlacementConfirmed: undefined,
      fillConfirmationMethod: undefined,
    });
    expect(Object.keys(fieldErrors(r.error!)).sort()).toEqual([
      'fillConfirmationMethod',
      'needlePlacementConfirmed',
      'residualCheckedBeforeFill',
    ]);
    expect(recordVisitSchema.parse(valid).templateUsed).toBe(false);
  });

  it('takes the visit time only as an ISO instant with an offset', () => {
    expect(recordVisitSchema.parse({ ...valid, performedAt: '2026-03-10T09:00:00-06:00' }).performedAt).toBe(
      Date.parse('2026-03-10T15:00:00Z'),
    );
    expect(recordVisitSchema.safeParse({ ...valid, performedAt: '2026-03-10 09:00' }).success).toBe(false);
  });
});
