import { describe, expect, it } from 'vitest';
import { formatDecimal } from './numbers';

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
