import { describe, expect, it } from 'vitest';
import { flexStepsProblem, newFlexStepPlace } from './flex-steps';

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

describe('newFlexStepPlace: "Add a step" in time order (issue 18)', () => {
  it('splits the longest gap of the day and inserts the step in order', () => {
    // 00:00–18:00 is the longest gap: the new step starts at 09:00, between the two.
    expect(newFlexStepPlace(['00:00', '18:00'])).toEqual({ start: '09:00', at: 1 });
    // 00:00–06:00 and 06:00–24:00: the second is longer, 15:00 goes last.
    expect(newFlexStepPlace(['00:00', '06:00'])).toEqual({ start: '15:00', at: 2 });
  });

  it('never lands on an existing start, and rounds to the quarter hour', () => {
    const starts = ['00:00', '07:00', '07:30', '22:00'];
    const { start, at } = newFlexStepPlace(starts);
    expect(start).toBe('14:45');
    expect(at).toBe(3);
    const next = [...starts];
    next.splice(at, 0, start);
    expect([...next].sort()).toEqual(next);
  });

  it('starts at 00:00 when no start is typed yet, and ignores half-typed ones', () => {
    expect(newFlexStepPlace([])).toEqual({ start: '00:00', at: 0 });
    expect(newFlexStepPlace(['00:00', ''])).toEqual({ start: '12:00', at: 2 });
  });
});
