import { describe, expect, it } from 'vitest';
import { fieldErrors } from './errors';
import { changeProgramSchema, programSpecSchema } from './program';

const base = { drugId: 1, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 };

describe('programSpecSchema', () => {
  it('accepts simple, flex and constant-flow programs', () => {
    expect(programSpecSchema.safeParse(base).success).toBe(true);
    expect(
      programSpecSchema.safeParse({
        ...base,
        mode: 'flex',
        doseMcgPerDay: null,
        flexSteps: [
          { start: '00:00', doseMcgPerHour: 8 },
          { start: '07:00', doseMcgPerHour: 14 },
        ],
      }).success,
    ).toBe(true);
    expect(programSpecSchema.safeParse({ ...base, mode: 'constant-flow', doseMcgPerDay: null }).success).toBe(
      true,
    );
  });

  it('requires the dose of a simple program and the steps of a flex one', () => {
    expect(fieldErrors(programSpecSchema.safeParse({ ...base, doseMcgPerDay: null }).error!)).toEqual({
      doseMcgPerDay: 'Daily dose is required for a simple continuous program (mcg/day)',
    });
    expect(fieldErrors(programSpecSchema.safeParse({ ...base, mode: 'flex' }).error!)).toEqual({
      flexSteps: 'A flex program needs at least one step',
    });
  });

  it('refuses flex steps that repeat, are out of order or deliver nothing', () => {
    const steps = (list: [string, number][]) => ({
      ...base,
      mode: 'flex',
      flexSteps: list.map(([start, doseMcgPerHour]) => ({ start, doseMcgPerHour })),
    });
    expect(
      fieldErrors(
        programSpecSchema.safeParse(
          steps([
            ['07:00', 1],
            ['07:00', 2],
          ]),
        ).error!,
      ).flexSteps,
    ).toMatch(/differ/);
    expect(
      fieldErrors(
        programSpecSchema.safeParse(
          steps([
            ['12:00', 1],
            ['07:00', 2],
          ]),
        ).error!,
      ).flexSteps,
    ).toMatch(/order/);
    expect(fieldErrors(programSpecSchema.safeParse(steps([['00:00', 0]])).error!).flexSteps).toMatch(
      /deliver some drug/,
    );
    expect(
      fieldErrors(programSpecSchema.safeParse(steps([['24:00', 1]])).error!)['flexSteps.0.start'],
    ).toMatch(/HH:MM/);
  });

  it('refuses boluses on a constant-flow pump and two boluses at the same time', () => {
    const cf = fieldErrors(
      programSpecSchema.safeParse({
        ...base,
        mode: 'constant-flow',
        periodicBoluses: [{ at: '08:00', doseMcg: 10 }],
        patientBolus: { doseMcg: 10, maxPerDay: 2 },
      }).error!,
    );
    expect(Object.keys(cf).sort()).toEqual(['patientBolus', 'periodicBoluses']);
    const twice = programSpecSchema.safeParse({
      ...base,
      periodicBoluses: [
        { at: '08:00', doseMcg: 10 },
        { at: '08:00', doseMcg: 5 },
      ],
    });
    expect(fieldErrors(twice.error!).periodicBoluses).toMatch(/same time/);
  });
});

describe('changeProgramSchema', () => {
  it('needs the version read and a reason', () => {
    const fields = fieldErrors(changeProgramSchema.safeParse(base).error!);
    expect(fields).toEqual({
      expectedVersionNo: 'Program version read is required (reload the page)',
      reason: 'Reason is required',
    });
    expect(
      changeProgramSchema.safeParse({ ...base, expectedVersionNo: 3, reason: 'Titration' }).success,
    ).toBe(true);
  });
});

describe('one flex-step rule for the program change and the new patient', () => {
  it('both refuse a first step after 00:00, with the same message', async () => {
    const { newProgramSchema } = await import('./patient-create');
    const flexSteps = [{ start: '07:00', doseMcgPerHour: 14 }];
    const change = fieldErrors(programSpecSchema.safeParse({ ...base, mode: 'flex', doseMcgPerDay: null, flexSteps }).error!);
    const created = fieldErrors(
      newProgramSchema.safeParse({ drugId: 1, concentrationNgPerMl: 500_000, mode: 'flex', flexSteps }).error!,
    );
    expect(change.flexSteps).toMatch(/first step must start at 00:00/);
    expect(created.flexSteps).toBe(change.flexSteps);
  });
});
