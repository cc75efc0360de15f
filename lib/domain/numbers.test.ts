import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal, intlDecimal } from './numbers';

describe('formatDecimal: every number written one way (decision 028)', () => {
  it('has no thousands separator, so it reads as it is typed and printed on the vial', () => {
    expect(formatDecimal(2000)).toBe('2000');
    expect(formatDecimal(25000.5)).toBe('25000.5');
  });

  it('drops trailing zeros ("2.0 mL" can be read as 20 mL) and keeps the leading one', () => {
    expect(formatDecimal(2)).toBe('2');
    expect(formatDecimal(2.5, 1)).toBe('2.5');
    expect(formatDecimal(0.25)).toBe('0.25');
  });

  it('rounds to at most the decimals asked for, and never writes −0', () => {
    expect(formatDecimal(1.23456)).toBe('1.23');
    expect(formatDecimal(1.23456, 3)).toBe('1.235');
    expect(formatDecimal(3.45, 1)).toBe('3.5');
    expect(formatDecimal(-0.001)).toBe('0');
    expect(formatDecimal(-1.5, 1)).toBe('-1.5');
  });
});

describe('formatDecimal writes what Intl.NumberFormat writes, without Intl', () => {
  it('agrees on any double, at 0 to 6 decimals', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), fc.integer({ min: 0, max: 6 }), (value, decimals) => {
        expect(formatDecimal(value, decimals)).toBe(intlDecimal(value, decimals));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on the values a pump record holds, and on the halves where rounding could differ', () => {
    const decimals = fc.integer({ min: 0, max: 4 });
    // Doses, volumes, rates and concentrations: 0 to 100,000 with up to 5 decimals, as typed.
    const typed = fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }).map((n) => n / 100_000);
    // n + 0.5 at a power of ten: ties in decimal, not always in binary (1.005 is 1.00499999…).
    const half = fc.tuple(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 0, max: 4 }))
      .map(([n, p]) => (n + 0.5) / 10 ** p);
    fc.assert(
      fc.property(fc.oneof(typed, half), decimals, (value, d) => {
        expect(formatDecimal(value, d)).toBe(intlDecimal(value, d));
      }),
      { numRuns: 20_000 },
    );
    for (const [value, d] of [[1.005, 2], [2.5, 0], [-2.5, 0], [0.125, 2], [1e21, 2], [-1e-7, 3], [Infinity, 2]] as const)
      expect(formatDecimal(value, d)).toBe(intlDecimal(value, d));
  });
});

describe('formatDecimal refuses a number of decimals it cannot mean', () => {
  it('throws for a fraction, a negative, NaN or more than 20 decimals', () => {
    for (const d of [-1, 2.5, Number.NaN, 21]) expect(() => formatDecimal(1.25, d)).toThrow(RangeError);
    expect(formatDecimal(1.25, 0)).toBe('1');
    expect(formatDecimal(1.25, 20)).toBe(intlDecimal(1.25, 20));
  });
});
