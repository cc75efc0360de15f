import { describe, expect, it } from 'vitest';
import { flexStepsProblem } from './flex-steps';

const steps = (...list: [string, number][]) =>
  list.map(([start, doseMcgPerHour]) => ({ start, doseMcgPerHour }));

describe('flexStepsProblem: one rule for every flex schedule entered', () => {
  it('accepts steps from 00:00, in order, delivering some drug', () => {
    expect(flexStepsProblem(steps(['00:00', 8], ['07:00', 14], ['22:00', 8]))).toBeNull();
  });

  it('refuses a first step after 00:00: the hours before it would get the last step rate nobody typed', () => {
    expect(flexStepsProblem(steps(['07:00', 14], ['22:00', 8]))).toMatch(/first step must start at 00:00/);
    expect(flexStepsProblem(steps(['00:01', 14]))).toMatch(/00:00/);
  });

  it('names repeated and unordered starts before the midnight rule, and nothing delivered last', () => {
    expect(flexStepsProblem(steps(['07:00', 1], ['07:00', 2]))).toMatch(/differ/);
    expect(flexStepsProblem(steps(['12:00', 1], ['07:00', 2]))).toMatch(/order/);
    expect(flexStepsProblem(steps(['00:00', 0], ['12:00', 0]))).toMatch(/deliver some drug/);
  });

  it('refuses an empty or missing list', () => {
    expect(flexStepsProblem([])).toMatch(/at least one step/);
    expect(flexStepsProblem(undefined)).toMatch(/at least one step/);
  });
});
