import { describe, expect, it } from 'vitest';
import { parseNumber, signedMl } from './labels';

describe('parseNumber: a form number is digits and one decimal point, nothing else (issue 18)', () => {
  it('reads plain decimals', () => {
    expect(parseNumber('12')).toBe(12);
    expect(parseNumber(' 12.5 ')).toBe(12.5);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('0')).toBe(0);
  });

  it.each(['-1', '3.3e1', '1,5', '2,000', '0x1A', '1.2.3', '12 mL', '', ' ', 'Infinity', '+3'])(
    'gives NaN for %j, so that the schema refuses it naming the field',
    (typed) => {
      expect(parseNumber(typed)).toBeNaN();
    },
  );
});

describe('signedMl', () => {
  it('writes numbers as every page does: no separator, no trailing zero, a true minus', () => {
    expect(signedMl(2.4)).toBe('+2.4 mL');
    expect(signedMl(-3)).toBe('−3 mL');
    expect(signedMl(1250.5)).toBe('+1250.5 mL');
  });
});
