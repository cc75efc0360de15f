/**
 * What `compileSchedule` accepts, refuses and builds from a pump, its refill and its program versions (reference.md
 * B1, B6): the service layer refuses most bad input before it gets here (zod, the use cases), so these are the
 * engine's own last line: a dose of NaN, an instant in 2201 or a fill above the reservoir must never become a date.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidProgramError, NoProgramError } from './errors';
import {
  checkInstant,
  checkNonNegative,
  checkPositive,
  compileSchedule,
  isInstant,
  isNonNegative,
  isPositive,
  versionAt,
} from './program';
import { DAY, example1, HOUR, MINUTE, simpleProgram } from './test-factories';
import type { ForecastInput, ProgramVersion } from './types';

const T0 = Date.UTC(2026, 2, 2, 9); // Mon 2 Mar 2026, 09:00 UTC
const MAX = Date.UTC(2200, 0, 1);

function input(overrides: Partial<ForecastInput> = {}): ForecastInput {
  return example1(T0, { pumpId: 7, ...overrides });
}

/** The error `fn` throws, checked to be of `type`, for its field, message and context. */
function refusal(fn: () => unknown, type: typeof InvalidInputError = InvalidInputError): InvalidInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as InvalidInputError;
  }
  throw new Error('expected a refusal, got none');
}

const compile = (overrides: Partial<ForecastInput>, basis: 'programmed' | 'worst-case' = 'programmed') =>
  compileSchedule(input(overrides), basis);
const onlyVersion = (v: ProgramVersion, pump?: ForecastInput['pump']) =>
  compile({ programs: [v], ...(pump ? { pump } : {}) }).versions[0]!;

describe('the checks of a single value', () => {
  it('an instant is a number of ms from 1970 up to, not including, 2200', () => {
    for (const ok of [0, T0, MAX - 1]) expect(isInstant(ok)).toBe(true);
    for (const bad of [-1, MAX, Number.NaN, Infinity, '1700000000000', null, undefined]) expect(isInstant(bad)).toBe(false);
    expect(checkInstant(T0, 'f')).toBe(T0);
    const e = refusal(() => checkInstant(MAX, 'lastRefill.at', { pumpId: 3 }));
    expect(e.field).toBe('lastRefill.at');
    expect(e.message).toBe(`lastRefill.at must be an instant (epoch ms) between 1970 and 2200, got ${MAX}`);
    expect(e.context).toMatchObject({ field: 'lastRefill.at', value: MAX, pumpId: 3 });
  });

  it('a dose, volume or alarm may be 0 but not negative, infinite or not a number', () => {
    for (const ok of [0, 0.0001, 1e6]) expect(isNonNegative(ok)).toBe(true);
    for (const bad of [-0.0001, Infinity, Number.NaN, '1', null]) expect(isNonNegative(bad)).toBe(false);
    expect(checkNonNegative(0, 'f')).toBe(0);
    const e = refusal(() => checkNonNegative(-1, 'pump.alarmMl', { pumpId: 3 }));
    expect(e.field).toBe('pump.alarmMl');
    expect(e.message).toBe('pump.alarmMl must be a number ≥ 0, got -1');
    expect(e.context).toMatchObject({ value: -1, pumpId: 3 });
  });

  it('a concentration, reservoir or flow must be above 0 and finite', () => {
    for (const ok of [0.0001, 500]) expect(isPositive(ok)).toBe(true);
    for (const bad of [0, -1, Infinity, Number.NaN, '2']) expect(isPositive(bad)).toBe(false);
    expect(checkPositive(2, 'f')).toBe(2);
    const e = refusal(() => checkPositive(0, 'pump.reservoirMl', { pumpId: 3 }));
    expect(e.field).toBe('pump.reservoirMl');
    expect(e.message).toBe('pump.reservoirMl must be a number > 0, got 0');
    expect(e.context).toMatchObject({ value: 0, pumpId: 3 });
  });
});

describe('the pump and its refill', () => {
  it('refuses a refill time outside 1970–2200, naming the field and the pump', () => {
    for (const at of [-1, MAX, Number.NaN]) {
      const e = refusal(() => compile({ lastRefill: { at, volumeMl: 20 } }));
      expect(e.field).toBe('lastRefill.at');
      expect(e.context).toMatchObject({ pumpId: 7 });
    }
  });

  it('refuses a reservoir of 0 or less, a negative fill and a negative or unknown alarm', () => {
    const pump = input().pump;
    expect(refusal(() => compile({ pump: { ...pump, reservoirMl: 0 } })).field).toBe('pump.reservoirMl');
    expect(refusal(() => compile({ lastRefill: { at: T0, volumeMl: -0.5 } })).field).toBe('lastRefill.volumeMl');
    expect(refusal(() => compile({ pump: { ...pump, alarmMl: -1 } })).field).toBe('pump.alarmMl');
    expect(refusal(() => compile({ pump: { ...pump, alarmMl: Number.NaN } })).field).toBe('pump.alarmMl');
    // An empty reservoir and a zero alarm are possible readings.
    expect(() => compile({ lastRefill: { at: T0, volumeMl: 0 } })).not.toThrow();
    expect(() => compile({ pump: { ...pump, alarmMl: 0 } })).not.toThrow();
  });

  it('refuses a fill above what the reservoir holds, and takes one exactly at it (rounding allowed)', () => {
    const e = refusal(() => compile({ lastRefill: { at: T0, volumeMl: 20.01 } }));
    expect(e.field).toBe('lastRefill.volumeMl');
    expect(e.message).toBe('Fill volume 20.01 mL is more than the reservoir holds (20 mL)');
    expect(e.context).toMatchObject({ pumpId: 7, value: 20.01, reservoirMl: 20 });
    expect(() => compile({ lastRefill: { at: T0, volumeMl: 20 } })).not.toThrow();
    expect(() => compile({ lastRefill: { at: T0, volumeMl: 20 + 1e-10 } })).not.toThrow();
  });

  it('refuses an alarm at or above the reservoir, and takes one just below it', () => {
    const pump = input().pump;
    const e = refusal(() => compile({ pump: { ...pump, alarmMl: 20 } }));
    expect(e.field).toBe('pump.alarmMl');
    expect(e.message).toBe('Alarm volume 20 mL must be below the reservoir (20 mL)');
    expect(e.context).toMatchObject({ pumpId: 7, value: 20 });
    expect(() => compile({ pump: { ...pump, alarmMl: 19.9 }, lastRefill: { at: T0, volumeMl: 20 } })).not.toThrow();
  });

  it('says which pump has no program since its refill, or "The pump" when it has no id', () => {
    const e = refusal(() => compile({ programs: [] }), NoProgramError);
    expect(e.field).toBe('programs');
    expect(e.message).toBe('Pump 7 has no drug program since its refill');
    expect(e.context).toMatchObject({ pumpId: 7 });
    const anonymous = refusal(
      () => compileSchedule({ ...input(), pumpId: undefined, programs: [] }, 'programmed'),
      NoProgramError,
    );
    expect(anonymous.message).toBe('The pump has no drug program since its refill');
    expect(refusal(() => compile({ programs: undefined }), NoProgramError).field).toBe('programs');
  });
});

describe('the program versions since the refill', () => {
  it('refuses a version starting outside 1970–2200, naming it', () => {
    const e = refusal(() => compile({ programs: [simpleProgram(T0, 250, 500), simpleProgram(MAX, 250, 500)] }));
    expect(e.field).toBe('programs[1].from');
    expect(e.context).toMatchObject({ pumpId: 7, programIndex: 1 });
  });

  it('refuses versions out of order or two starting at the same instant', () => {
    for (const second of [T0, T0 - HOUR]) {
      const e = refusal(
        () => compile({ programs: [simpleProgram(T0, 250, 500), simpleProgram(second, 300, 500)] }),
        InvalidProgramError,
      );
      expect(e.field).toBe('programs[1].from');
      expect(e.message).toBe('Program versions must be sorted by their start, with no two starting at the same instant');
      expect(e.context).toMatchObject({ pumpId: 7, programIndex: 1 });
    }
  });

  it('skips versions superseded before the refill; the one in force at the refill runs from it', () => {
    const programs = [
      simpleProgram(T0 - 10 * DAY, 100, 500),
      simpleProgram(T0 - 2 * DAY, 200, 500),
      simpleProgram(T0 + DAY, 300, 500),
    ];
    const s = compile({ programs });
    expect(s.t0).toBe(T0);
    expect(s.versions.map((v) => [v.index, v.start, v.end, v.programmedDailyDoseMcg])).toEqual([
      [1, T0, T0 + DAY, 200],
      [2, T0 + DAY, Infinity, 300],
    ]);
  });

  it('a version entered at the refill instant is the one in force', () => {
    const s = compile({ programs: [simpleProgram(T0 - DAY, 100, 500), simpleProgram(T0, 200, 500)] });
    expect(s.versions.map((v) => v.index)).toEqual([1]);
    expect(s.versions[0]!.start).toBe(T0);
  });

  it('a version entered a little after the refill (during the visit) still applies from the refill', () => {
    const s = compile({ programs: [simpleProgram(T0 + 10 * MINUTE, 250, 500)] });
    expect(s.versions.map((v) => [v.index, v.start, v.end])).toEqual([[0, T0, Infinity]]);
  });

  it('versionAt finds the version in force at an instant, the first before it starts', () => {
    const s = compile({
      programs: [simpleProgram(T0, 100, 500), simpleProgram(T0 + DAY, 200, 500), simpleProgram(T0 + 3 * DAY, 300, 500)],
    });
    const doseAt = (at: number) => versionAt(s, at).programmedDailyDoseMcg;
    expect(doseAt(T0 - HOUR)).toBe(100);
    expect(doseAt(T0)).toBe(100);
    expect(doseAt(T0 + DAY - 1)).toBe(100);
    expect(doseAt(T0 + DAY)).toBe(200);
    expect(doseAt(T0 + 3 * DAY - 1)).toBe(200);
    expect(doseAt(T0 + 3 * DAY)).toBe(300);
    expect(doseAt(T0 + 30 * DAY)).toBe(300);
  });
});

describe('one version: what it delivers and what it may not be', () => {
  it('refuses a concentration of 0 or less, naming the version', () => {
    for (const c of [0, -500, Number.NaN]) {
      const e = refusal(() => onlyVersion(simpleProgram(T0, 250, c)));
      expect(e.field).toBe('programs[0].concentrationMcgPerMl');
      expect(e.context).toMatchObject({ pumpId: 7, programIndex: 0 });
    }
  });

  it('a simple program: its dose over the concentration, spread evenly; 0 is allowed, negative or NaN is not', () => {
    const v = onlyVersion(simpleProgram(T0, 250, 500));
    expect(v.baseMlPerMs).toBeCloseTo(0.5 / DAY, 20);
    expect(v.programmedDailyDoseMcg).toBe(250);
    expect(v.programmedDailyVolumeMl).toBe(0.5);
    expect(v.worstCaseDailyVolumeMl).toBe(0.5);
    expect(v.patientBolusMl).toBe(0);
    expect(v.profile).toBeNull();
    expect(v.followsClinicClock).toBe(false);
    expect(onlyVersion(simpleProgram(T0, 0, 500)).baseMlPerMs).toBe(0);
    for (const dose of [-1, Number.NaN, undefined]) {
      const e = refusal(() => onlyVersion({ from: T0, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: dose }));
      expect(e.field).toBe('programs[0].doseMcgPerDay');
      expect(e.context).toMatchObject({ pumpId: 7, programIndex: 0 });
    }
  });

  it('periodic boluses at the same clock time are one drop of their sum, kept in time order', () => {
    const v = onlyVersion({
      ...simpleProgram(T0, 100, 500),
      periodicBoluses: [
        { at: '08:00', doseMcg: 50 },
        { at: '06:30', doseMcg: 25 },
        { at: '08:00', doseMcg: 100 },
        { at: '20:00', doseMcg: 10 },
      ],
    });
    const p = v.profile!;
    expect(p.bolusWallMs).toEqual([6.5 * HOUR, 8 * HOUR, 20 * HOUR]);
    expect(p.bolusMl).toEqual([25 / 500, 150 / 500, 10 / 500]);
    // No flex steps: nothing runs at midnight but the simple rate, which is in baseMlPerMs.
    expect(p.stepWallMs).toEqual([]);
    expect(p.stepMlPerMs).toEqual([]);
    expect(p.wrapMlPerMs).toBe(0);
    expect(p.dayMl).toBeCloseTo(185 / 500, 12);
    expect(v.programmedDailyDoseMcg).toBe(285);
    expect(v.programmedDailyVolumeMl).toBeCloseTo(285 / 500, 12);
    expect(v.baseMlPerMs).toBeCloseTo(100 / 500 / DAY, 20);
    expect(v.followsClinicClock).toBe(true);
  });

  it('an empty list of periodic boluses is no bolus, and the clock does not matter', () => {
    const v = onlyVersion({ ...simpleProgram(T0, 100, 500), periodicBoluses: [] });
    expect(v.profile).toBeNull();
    expect(v.followsClinicClock).toBe(false);
  });

  it('refuses a periodic bolus with a negative dose or a time that is not HH:MM', () => {
    const bad = (b: { at: string; doseMcg: number }) => () =>
      onlyVersion({ ...simpleProgram(T0, 100, 500), periodicBoluses: [{ at: '06:00', doseMcg: 5 }, b] });
    const e = refusal(bad({ at: '08:00', doseMcg: -5 }));
    expect(e.field).toBe('programs[0].periodicBoluses[1].doseMcg');
    expect(e.context).toMatchObject({ pumpId: 7, programIndex: 0 });
    expect(refusal(bad({ at: '8:00', doseMcg: 5 })).field).toBe('programs[0].periodicBoluses[1].at');
  });

  it('flex steps: sorted by start, each running to the next, the last wrapping past midnight', () => {
    const v = onlyVersion({
      from: T0,
      concentrationMcgPerMl: 500,
      mode: 'flex',
      steps: [
        { start: '22:00', doseMcgPerHour: 5 },
        { start: '06:00', doseMcgPerHour: 10 },
        { start: '12:00', doseMcgPerHour: 20 },
      ],
    });
    const p = v.profile!;
    expect(p.stepWallMs).toEqual([6 * HOUR, 12 * HOUR, 22 * HOUR]);
    expect(p.stepMlPerMs).toEqual([10 / 500 / HOUR, 20 / 500 / HOUR, 5 / 500 / HOUR]);
    // From 00:00 to 06:00 the 22:00 step is still running.
    expect(p.wrapMlPerMs).toBe(5 / 500 / HOUR);
    // 10 × 6 h + 20 × 10 h + 5 × 8 h (22:00 → 06:00).
    expect(v.programmedDailyDoseMcg).toBe(300);
    expect(p.dayMl).toBeCloseTo(0.6, 12);
    expect(v.baseMlPerMs).toBe(0);
    expect(v.followsClinicClock).toBe(true);
  });

  it('one flex step runs all day', () => {
    const v = onlyVersion({ from: T0, concentrationMcgPerMl: 500, mode: 'flex', steps: [{ start: '07:00', doseMcgPerHour: 10 }] });
    expect(v.programmedDailyDoseMcg).toBe(240);
    expect(v.profile!.wrapMlPerMs).toBe(10 / 500 / HOUR);
  });

  it('refuses a flex program with no steps, two steps at the same time, or a negative step dose', () => {
    const flex = (steps: { start: string; doseMcgPerHour: number }[] | undefined) => () =>
      onlyVersion({ from: T0, concentrationMcgPerMl: 500, mode: 'flex', steps });
    for (const none of [[], undefined]) {
      const e = refusal(flex(none), InvalidProgramError);
      expect(e.field).toBe('programs[0].steps');
      expect(e.message).toBe('A flex program needs at least one step');
      expect(e.context).toMatchObject({ pumpId: 7, programIndex: 0 });
    }
    const same = refusal(
      flex([
        { start: '12:00', doseMcgPerHour: 5 },
        { start: '06:00', doseMcgPerHour: 10 },
        { start: '12:00', doseMcgPerHour: 20 },
      ]),
      InvalidProgramError,
    );
    expect(same.field).toBe('programs[0].steps');
    expect(same.message).toBe('Two flex steps start at the same time');
    expect(same.context).toMatchObject({ pumpId: 7, programIndex: 0 });
    const negative = refusal(flex([{ start: '00:00', doseMcgPerHour: 5 }, { start: '06:00', doseMcgPerHour: -1 }]));
    expect(negative.field).toBe('programs[0].steps[1].doseMcgPerHour');
    expect(negative.context).toMatchObject({ pumpId: 7, programIndex: 0 });
  });

  it('a patient bolus: its volume, and the worst case of every allowed bolus only on the worst-case basis', () => {
    const v: ProgramVersion = { ...simpleProgram(T0, 250, 500), patientBolus: { doseMcg: 25, maxPerDay: 4 } };
    const programmed = compile({ programs: [v] }, 'programmed').versions[0]!;
    const worst = compile({ programs: [v] }, 'worst-case').versions[0]!;
    for (const c of [programmed, worst]) {
      expect(c.patientBolusMl).toBe(0.05);
      expect(c.programmedDailyVolumeMl).toBe(0.5);
      expect(c.worstCaseDailyVolumeMl).toBeCloseTo(0.7, 12);
    }
    expect(programmed.baseMlPerMs).toBeCloseTo(0.5 / DAY, 20);
    expect(worst.baseMlPerMs).toBeCloseTo(0.7 / DAY, 20);
  });

  it('refuses a patient bolus with a negative dose or a negative number per day', () => {
    const e1 = refusal(() => onlyVersion({ ...simpleProgram(T0, 250, 500), patientBolus: { doseMcg: -25, maxPerDay: 4 } }));
    expect(e1.field).toBe('programs[0].patientBolus.doseMcg');
    expect(e1.context).toMatchObject({ pumpId: 7, programIndex: 0 });
    const e2 = refusal(() => onlyVersion({ ...simpleProgram(T0, 250, 500), patientBolus: { doseMcg: 25, maxPerDay: Number.NaN } }));
    expect(e2.field).toBe('programs[0].patientBolus.maxPerDay');
    expect(e2.context).toMatchObject({ pumpId: 7, programIndex: 0 });
  });
});

describe('a constant-flow pump (Codman 3000, reference.md B6)', () => {
  const codman = { kind: 'constant-flow' as const, reservoirMl: 20, alarmMl: 0, flowMlPerDay: 0.5 };
  const constant = (extra: Partial<ProgramVersion> = {}): ProgramVersion => ({
    from: T0,
    concentrationMcgPerMl: 1000,
    mode: 'constant-flow',
    ...extra,
  });

  it('delivers its fixed flow whatever the program says; the dose is flow × concentration', () => {
    const v = onlyVersion(constant({ doseMcgPerDay: 9999 }), codman);
    expect(v.baseMlPerMs).toBe(0.5 / DAY);
    expect(v.programmedDailyVolumeMl).toBe(0.5);
    expect(v.programmedDailyDoseMcg).toBe(500);
    expect(v.worstCaseDailyVolumeMl).toBe(0.5);
    expect(v.profile).toBeNull();
    expect(v.followsClinicClock).toBe(false);
    expect(() => onlyVersion(constant({ periodicBoluses: [] }), codman)).not.toThrow();
  });

  it('refuses a mode the pump cannot run, either way round, naming the pump and the version', () => {
    const e = refusal(() => onlyVersion(simpleProgram(T0, 250, 500), codman), InvalidProgramError);
    expect(e.field).toBe('programs[0].mode');
    expect(e.message).toBe('Pump 7 is a constant-flow pump but program 1 is in simple mode');
    expect(e.context).toMatchObject({ pumpId: 7, programIndex: 0 });
    const other = refusal(() => onlyVersion(constant()), InvalidProgramError);
    expect(other.message).toBe('Pump 7 is a programmable pump but program 1 is in constant-flow mode');
  });

  it('refuses boluses of either kind: a gas-propellant pump has no electronics', () => {
    for (const extra of [{ periodicBoluses: [{ at: '08:00', doseMcg: 10 }] }, { patientBolus: { doseMcg: 10, maxPerDay: 2 } }]) {
      const e = refusal(() => onlyVersion(constant(extra), codman), InvalidProgramError);
      expect(e.field).toBe('programs[0]');
      expect(e.message).toBe('A constant-flow pump cannot deliver boluses');
      expect(e.context).toMatchObject({ pumpId: 7, programIndex: 0 });
    }
  });

  it('refuses a flow of 0, negative or unknown', () => {
    for (const flowMlPerDay of [0, -0.5, undefined]) {
      const e = refusal(() => onlyVersion(constant(), { ...codman, flowMlPerDay }));
      expect(e.field).toBe('pump.flowMlPerDay');
      expect(e.context).toMatchObject({ pumpId: 7 });
    }
  });
});
