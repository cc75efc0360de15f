/**
 * Daylight-saving behaviour of the integration: 23 h and 25 h days, flex steps and boluses at times the clock skips
 * or repeats, a whole year of flex dosing, and a minute-by-minute simulation written independently (the wall clock as
 * Intl.DateTimeFormat prints it, no ZoneClock) compared with the engine on random programs around every 2026
 * transition of six zones (found by the Temporal polyfill).
 */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { forecast } from './forecast';
import { consumedUntil, instantWhenConsumed } from './integrate';
import { compileSchedule } from './program';
import { clinic, DAY, example1, HOUR, MINUTE } from './test-factories';
import type { FlexStep, ForecastInput, PeriodicBolus, ProgramVersion } from './types';

function flexInput(
  timeZone: string,
  t0: number,
  steps: FlexStep[],
  periodicBoluses: PeriodicBolus[] = [],
  concentrationMcgPerMl = 1000,
): ForecastInput {
  return example1(t0, {
    clinic: clinic(timeZone),
    pump: { kind: 'programmable', reservoirMl: 40, alarmMl: 2 },
    lastRefill: { at: t0, volumeMl: 40 },
    programs: [{ from: t0, concentrationMcgPerMl, mode: 'flex', steps, periodicBoluses }],
  });
}

/** mL delivered from the refill to `at`, through the public forecast. */
function usedMl(input: ForecastInput, at: number): number {
  return input.lastRefill.volumeMl - forecast({ ...input, now: at }).volumeNowMl;
}

// 6 mcg/h from midnight, 12 mcg/h from the step time, 24 mcg/h from noon; at 1000 mcg/mL, 1 mcg = 0.001 mL.
const steps = (second: string): FlexStep[] => [
  { start: '00:00', doseMcgPerHour: 6 },
  { start: second, doseMcgPerHour: 12 },
  { start: '12:00', doseMcgPerHour: 24 },
];

describe('America/Chicago spring forward, Sun 8 Mar 2026 (02:00 CST → 03:00 CDT at 08:00Z)', () => {
  const t0 = Date.parse('2026-03-08T00:00:00-06:00');
  const input = flexInput('America/Chicago', t0, steps('02:30'), [{ at: '02:30', doseMcg: 100 }]);

  it('starts a step at 02:30 (a time that does not exist) at 03:00 CDT, the first instant after the gap', () => {
    expect(usedMl(input, Date.parse('2026-03-08T07:59:59.999Z'))).toBeCloseTo(0.012, 6); // 2 h × 6 mcg
    // The 02:30 bolus also lands at 08:00Z.
    expect(usedMl(input, Date.parse('2026-03-08T08:00:00Z'))).toBeCloseTo(0.112, 9);
    expect(usedMl(input, Date.parse('2026-03-08T09:00:00Z'))).toBeCloseTo(0.124, 9); // + 1 h × 12 mcg
  });

  it('delivers a 23-hour day: 2 h × 6 + 9 h × 12 + 12 h × 24 mcg, plus the bolus', () => {
    const nextMidnight = Date.parse('2026-03-09T00:00:00-05:00');
    expect(nextMidnight - t0).toBe(23 * HOUR);
    expect(usedMl(input, nextMidnight)).toBeCloseTo(0.408 + 0.1, 9);
    // The next, ordinary day delivers the nominal 24 h volume: 2.5 × 6 + 9.5 × 12 + 12 × 24 = 417 mcg.
    expect(usedMl(input, nextMidnight + DAY) - usedMl(input, nextMidnight)).toBeCloseTo(0.417 + 0.1, 9);
    expect(forecast(input).dailyVolumeMl).toBeCloseTo(0.517, 12);
  });
});

describe('America/Chicago fall back, Sun 1 Nov 2026 (02:00 CDT → 01:00 CST at 07:00Z)', () => {
  const t0 = Date.parse('2026-11-01T00:00:00-05:00');
  const input = flexInput('America/Chicago', t0, steps('01:30'), [{ at: '01:30', doseMcg: 100 }]);

  it('delivers a 25-hour day: 1.5 h × 6 + 11.5 h × 12 + 12 h × 24 mcg, plus one bolus', () => {
    const nextMidnight = Date.parse('2026-11-02T00:00:00-06:00');
    expect(nextMidnight - t0).toBe(25 * HOUR);
    expect(usedMl(input, nextMidnight)).toBeCloseTo(0.435 + 0.1, 9);
  });

  it('gives the 01:30 bolus once, at the first 01:30 (06:30Z), not again at 01:30 CST', () => {
    expect(usedMl(input, Date.parse('2026-11-01T06:29:59.999Z'))).toBeCloseTo(0.009, 6);
    expect(usedMl(input, Date.parse('2026-11-01T06:30:00Z'))).toBeCloseTo(0.109, 9);
    // 06:30Z → 07:45Z (01:45 CST the second time): 1.25 h × 12 mcg and no second drop.
    expect(usedMl(input, Date.parse('2026-11-01T07:45:00Z'))).toBeCloseTo(0.109 + 0.015, 9);
  });
});

describe('Europe/Berlin', () => {
  it('spring forward Sun 29 Mar 2026: 23-hour day and a 02:30 bolus at 03:00 CEST', () => {
    const t0 = Date.parse('2026-03-29T00:00:00+01:00');
    const input = flexInput('Europe/Berlin', t0, steps('02:30'), [{ at: '02:30', doseMcg: 100 }]);
    expect(usedMl(input, Date.parse('2026-03-29T00:59:59.999Z'))).toBeCloseTo(0.012, 6);
    expect(usedMl(input, Date.parse('2026-03-29T01:00:00Z'))).toBeCloseTo(0.112, 9);
    expect(usedMl(input, Date.parse('2026-03-30T00:00:00+02:00'))).toBeCloseTo(0.408 + 0.1, 9);
  });

  it('fall back Sun 25 Oct 2026: 25-hour day, the 02:30 step starts at the first 02:30 (CEST)', () => {
    const t0 = Date.parse('2026-10-25T00:00:00+02:00');
    const input = flexInput('Europe/Berlin', t0, steps('02:30'));
    // 2.5 h × 6 + (02:30 CEST → 12:00 CET = 10.5 h) × 12 + 12 h × 24 = 15 + 126 + 288 mcg.
    expect(usedMl(input, Date.parse('2026-10-26T00:00:00+01:00'))).toBeCloseTo(0.429, 9);
    expect(usedMl(input, Date.parse('2026-10-25T00:30:00Z'))).toBeCloseTo(0.015, 9);
  });
});

describe('America/Santiago skips midnight, Sun 6 Sep 2026 (00:00 → 01:00 at 04:00Z)', () => {
  // Regression: that day starts at 01:00 and lasts 23 h; it was once skipped as an ordinary 24 h day, which
  // jumped past the next day's 00:00 bolus.
  it('gives the 00:00 bolus at the day start, then at each following midnight', () => {
    const t0 = Date.parse('2026-09-06T03:00:00Z'); // 23:00 on Sat 5 Sep
    const input = flexInput(
      'America/Santiago',
      t0,
      [{ start: '00:00', doseMcgPerHour: 0 }],
      [{ at: '00:00', doseMcg: 1000 }],
    );
    expect(usedMl(input, Date.parse('2026-09-06T03:59:59Z'))).toBe(0);
    expect(usedMl(input, Date.parse('2026-09-06T04:00:00Z'))).toBeCloseTo(1, 12); // 01:00 −03, the day's start
    expect(usedMl(input, Date.parse('2026-09-07T02:59:59Z'))).toBeCloseTo(1, 12);
    expect(usedMl(input, Date.parse('2026-09-07T03:00:00Z'))).toBeCloseTo(2, 12); // Mon 00:00 −03
    expect(usedMl(input, Date.parse('2026-09-07T12:20:00Z'))).toBeCloseTo(2, 12);
    expect(usedMl(input, Date.parse('2026-09-09T12:00:00Z'))).toBeCloseTo(4, 12);
  });
});

describe('a bolus that crosses the alarm volume', () => {
  it('makes the crossing that bolus instant', () => {
    // Only a 1 mL bolus at 08:00 each day. 5.5 mL → 4.5, 3.5, 2.5, then 1.5 ≤ 2 mL at the fourth bolus.
    const t0 = Date.parse('2026-01-05T10:00:00Z');
    const input = example1(t0, {
      lastRefill: { at: t0, volumeMl: 5.5 },
      programs: [
        {
          from: t0,
          concentrationMcgPerMl: 1000,
          mode: 'flex',
          steps: [{ start: '00:00', doseMcgPerHour: 0 }],
          periodicBoluses: [{ at: '08:00', doseMcg: 1000 }],
        },
      ],
    });
    const f = forecast(input);
    expect(f.lowReservoirAlarmAt).toBe(Date.parse('2026-01-09T08:00:00Z'));
    expect(f.emptyAt).toBe(Date.parse('2026-01-11T08:00:00Z'));
    expect(forecast({ ...input, now: Date.parse('2026-01-09T07:59:59Z') }).volumeNowMl).toBeCloseTo(2.5, 12);
  });
});

describe('a bolus scheduled at the refill instant itself', () => {
  it('is not counted: the fill volume is what is in the reservoir at that instant', () => {
    const t0 = Date.parse('2026-01-05T08:00:00Z');
    const input = example1(t0, {
      programs: [
        {
          from: t0,
          concentrationMcgPerMl: 1000,
          mode: 'flex',
          steps: [{ start: '00:00', doseMcgPerHour: 0 }],
          periodicBoluses: [{ at: '08:00', doseMcg: 1000 }],
        },
      ],
    });
    expect(usedMl(input, t0)).toBe(0);
    expect(usedMl(input, t0 + DAY - 1)).toBe(0);
    expect(usedMl(input, t0 + DAY)).toBeCloseTo(1, 12);
  });
});

describe('a flex program across a whole year', () => {
  // No step boundary between 01:00 and 04:00, where the skipped and repeated hours fall, so the lost spring hour and
  // the extra autumn hour have the same rate; boluses sit in the skipped (02:30) and repeated (01:30) hours.
  const yearSteps: FlexStep[] = [
    { start: '00:00', doseMcgPerHour: 8 },
    { start: '07:00', doseMcgPerHour: 20 },
    { start: '13:00', doseMcgPerHour: 15 },
    { start: '20:00', doseMcgPerHour: 10 },
  ];
  const boluses: PeriodicBolus[] = [
    { at: '01:30', doseMcg: 25 },
    { at: '02:30', doseMcg: 25 },
    { at: '08:00', doseMcg: 25 },
  ];

  for (const [tz, from, to] of [
    ['America/Chicago', '2026-01-01T00:00:00-06:00', '2027-01-01T00:00:00-06:00'],
    ['Europe/Berlin', '2026-01-01T00:00:00+01:00', '2027-01-01T00:00:00+01:00'],
    ['Australia/Adelaide', '2026-01-01T00:00:00+10:30', '2027-01-01T00:00:00+10:30'],
    ['UTC', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
  ] as const) {
    it(`delivers exactly 365 × the daily volume in ${tz}`, () => {
      const t0 = Date.parse(from);
      const input = flexInput(tz, t0, yearSteps, boluses, 4000);
      const daily = forecast(input).dailyVolumeMl;
      expect(daily).toBeCloseTo((56 + 120 + 105 + 40 + 75) / 4000, 15);
      expect(365 * daily).toBeLessThan(40 - 2); // stays above the alarm: nothing is clamped
      const used = usedMl(input, Date.parse(to));
      expect(Math.abs(used - 365 * daily) / (365 * daily)).toBeLessThan(1e-9);
    });
  }

  it('also with steps inside the DST hours when the clinic is in UTC', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    // (413 + 75) mcg/day at 8000 mcg/mL: 22.3 mL a year, inside the 40 mL reservoir.
    const input = flexInput(
      'UTC',
      t0,
      [...steps('02:30'), { start: '01:10', doseMcgPerHour: 3 }],
      boluses,
      8000,
    );
    const used = usedMl(input, t0 + 365 * DAY);
    const daily = forecast(input).dailyVolumeMl;
    expect(365 * daily).toBeLessThan(40 - 2);
    expect(Math.abs(used - 365 * daily) / (365 * daily)).toBeLessThan(1e-9);
  });
});

describe('matches an independent minute-by-minute simulation around every 2026 clock change', () => {
  /**
   * The rule, stated independently of the engine: at every instant the step in effect is the one with the latest
   * start the local clock has reached so far that local day (the last step before the first one of the day), and
   * each periodic bolus is given once per local date, at the first instant the clock reaches its time.
   */
  function simulate(
    tz: string,
    t0: number,
    minutes: number,
    versions: ProgramVersion[],
    baseMlPerMinute: number,
  ): number[] {
    const compiled = versions.map((p) => {
      const c = p.concentrationMcgPerMl;
      return {
        from: p.from,
        steps: [...(p.steps ?? [])]
          .map((s) => ({ min: hm(s.start), mlPerMinute: s.doseMcgPerHour / c / 60 }))
          .sort((a, b) => a.min - b.min),
        boluses: (p.periodicBoluses ?? []).map((b) => ({ min: hm(b.at), ml: b.doseMcg / c })),
      };
    });
    const inEffect = (u: number) => [...compiled].reverse().find((v) => v.from <= u) ?? compiled[0]!;
    const wall = (u: number) => wallClock(tz, u);
    const rateAt = (u: number, maxMin: number) => {
      const steps = inEffect(u).steps;
      let r = steps.length ? steps[steps.length - 1]!.mlPerMinute : 0;
      for (const s of steps) if (s.min <= maxMin) r = s.mlPerMinute;
      return r + baseMlPerMinute;
    };
    const out = [0];
    let { date, min: maxMin } = wall(t0);
    let used = 0;
    for (let k = 1; k <= minutes; k++) {
      const u = t0 + k * MINUTE;
      used += rateAt(u - MINUTE, maxMin);
      const w = wall(u);
      let prevMax = maxMin;
      if (w.date !== date) {
        date = w.date;
        prevMax = -1;
        maxMin = w.min;
      } else {
        maxMin = Math.max(maxMin, w.min);
      }
      // Boluses belong to the version in effect when they fall due (one starting at u gives a bolus due at u).
      for (const b of inEffect(u).boluses) if (b.min > prevMax && b.min <= maxMin) used += b.ml;
      out.push(used);
    }
    return out;
  }
  const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  // The zone's wall clock straight from the runtime's tz database (an explicit timeZone: the host's TZ plays no
  // part), memoised: the runs share the minutes around each transition.
  const formatters = new Map<string, Intl.DateTimeFormat>();
  const walls = new Map<string, { date: string; min: number }>();
  const wallClock = (tz: string, u: number) => {
    const key = `${tz} ${u}`;
    let w = walls.get(key);
    if (!w) {
      let f = formatters.get(tz);
      if (!f) {
        const [numeric, twoDigit] = ['numeric', '2-digit'] as const;
        const fields = { year: numeric, month: numeric, day: numeric, hour: twoDigit, minute: twoDigit };
        f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', ...fields });
        formatters.set(tz, f);
      }
      const m = /^(\d+)\/(\d+)\/(\d+), (\d\d):(\d\d)$/.exec(f.format(u))!; // 3/8/2026, 02:30
      w = { date: `${m[3]}-${m[1]}-${m[2]}`, min: Number(m[4]) * 60 + Number(m[5]) };
      walls.set(key, w);
    }
    return w;
  };
  const time = fc
    .integer({ min: 0, max: 1439 })
    .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

  const zones = [
    'America/Chicago',
    'Europe/Berlin',
    'Australia/Adelaide',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'America/Santiago',
  ];
  const windows = zones.flatMap((tz) => {
    const out: { tz: string; around: number }[] = [];
    let z = Temporal.Instant.from('2026-01-01T00:00:00Z').toZonedDateTimeISO(tz).getTimeZoneTransition('next');
    while (z && z.epochMilliseconds < Date.UTC(2027, 0, 1)) {
      out.push({ tz, around: Math.floor(z.epochMilliseconds / MINUTE) * MINUTE });
      z = z.getTimeZoneTransition('next');
    }
    return out;
  });

  it('has the windows it means to test', () => {
    expect(windows.length).toBe(12);
  });

  // Windows far from any clock change (mid-January, mid-June), and UTC: over 8 days the engine skips whole ordinary
  // days in one multiplication, which the transition windows above never reach.
  const quiet = [...zones, 'UTC'].flatMap((tz) =>
    [Date.UTC(2026, 0, 15), Date.UTC(2026, 5, 15)].map((around) => ({ tz, around })),
  );

  it('gives the same volume and alarm instant', () => {
    agreesWithSimulation(windows, 3, 60);
  });

  it('gives the same volume and alarm instant over 8 ordinary days, where whole days are skipped', () => {
    agreesWithSimulation(quiet, 8, 20);
  });

  function agreesWithSimulation(around: { tz: string; around: number }[], days: number, numRuns: number) {
    fc.assert(
      fc.property(
        fc.constantFrom(...around),
        fc.integer({ min: -36 * 60, max: -60 }), // start 1–36 h before the change
        fc.uniqueArray(fc.record({ start: time, doseMcgPerHour: fc.integer({ min: 0, max: 60 }) }), {
          minLength: 1,
          maxLength: 6,
          selector: (s) => s.start,
        }),
        fc.array(fc.record({ at: time, doseMcg: fc.integer({ min: 0, max: 200 }) }), { maxLength: 3 }),
        fc.option(
          fc.record({ doseMcg: fc.integer({ min: 1, max: 50 }), maxPerDay: fc.integer({ min: 1, max: 6 }) }),
        ),
        fc.constantFrom(500, 1000, 2000),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.option(
          fc.record({
            afterMinutes: fc.integer({ min: 1, max: 3 * 24 * 60 - 1 }),
            steps: fc.uniqueArray(
              fc.record({ start: time, doseMcgPerHour: fc.integer({ min: 0, max: 60 }) }),
              {
                minLength: 1,
                maxLength: 4,
                selector: (s) => s.start,
              },
            ),
            periodicBoluses: fc.array(fc.record({ at: time, doseMcg: fc.integer({ min: 0, max: 200 }) }), {
              maxLength: 2,
            }),
          }),
        ),
        ({ tz, around }, startMin, flexSteps, periodicBoluses, patientBolus, c, fraction, change) => {
          const t0 = around + startMin * MINUTE;
          const minutes = days * 24 * 60;
          const programs: ProgramVersion[] = [
            {
              from: t0,
              concentrationMcgPerMl: c,
              mode: 'flex',
              steps: flexSteps,
              periodicBoluses,
              patientBolus,
            },
          ];
          if (change) {
            // The same patient bolus, so the worst-case base rate stays one number.
            programs.push({
              from: t0 + change.afterMinutes * MINUTE,
              concentrationMcgPerMl: c,
              mode: 'flex',
              steps: change.steps,
              periodicBoluses: change.periodicBoluses,
              patientBolus,
            });
          }
          const input: ForecastInput = { ...flexInput(tz, t0, flexSteps), programs };
          const base = patientBolus ? (patientBolus.doseMcg * patientBolus.maxPerDay) / c / 1440 : 0;
          const expected = simulate(tz, t0, minutes, programs, base);
          const s = compileSchedule(input, 'worst-case');
          const dayEnds = Array.from({ length: days }, (_, d) => [(d + 1) * 1440 - 1, (d + 1) * 1440]).flat();
          for (const k of [1, 59, 60, 61, 600, 1439, 1440, 2000, 2879, 2880, 4000, minutes, ...dayEnds]) {
            expect(consumedUntil(s, t0 + k * MINUTE)).toBeCloseTo(expected[k]!, 9);
          }
          // The first minute boundary at which the simulation has delivered `amount` bounds the engine's crossing.
          const amount = expected[minutes]! * fraction;
          if (amount <= 1e-9) return;
          const k = expected.findIndex((v) => v >= amount - 1e-12);
          const at = instantWhenConsumed(s, amount, t0 + (days + 7) * DAY)!;
          expect(at).toBeGreaterThan(t0 + (k - 1) * MINUTE - 1e-3);
          expect(at).toBeLessThanOrEqual(t0 + k * MINUTE + 1e-3);
        },
      ),
      { numRuns },
    );
  }
});
