import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayNumberOf, isClinicDay, localDateOf } from './calendar';
import { volumeCurve } from './curve';
import { forecast } from './forecast';
import { clinic, DAY } from './test-factories';
import type { ForecastInput, ProgramVersion } from './types';

const ZONES = ['UTC', 'America/Chicago', 'Europe/Berlin', 'Australia/Adelaide', 'America/St_Johns'];
const time = fc
  .integer({ min: 0, max: 1439 })
  .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

/** A program shape with a dose scale, so the same program can be given at a higher dose. */
const programShape = fc.oneof(
  fc.record({
    mode: fc.constant('simple' as const),
    doseMcgPerDay: fc.double({ min: 20, max: 1500, noNaN: true }),
  }),
  fc.record({
    mode: fc.constant('flex' as const),
    steps: fc.uniqueArray(
      fc.record({ start: time, doseMcgPerHour: fc.double({ min: 0, max: 60, noNaN: true }) }),
      {
        minLength: 1,
        maxLength: 6,
        selector: (s) => s.start,
      },
    ),
    periodicBoluses: fc.array(
      fc.record({ at: time, doseMcg: fc.double({ min: 0, max: 150, noNaN: true }) }),
      {
        maxLength: 3,
      },
    ),
  }),
);
type Shape = typeof programShape extends fc.Arbitrary<infer T> ? T : never;

function program(
  from: number,
  c: number,
  shape: Shape,
  scale: number,
  patientBolus: ProgramVersion['patientBolus'],
) {
  const p: ProgramVersion =
    shape.mode === 'simple'
      ? { from, concentrationMcgPerMl: c, mode: 'simple', doseMcgPerDay: shape.doseMcgPerDay * scale }
      : {
          from,
          concentrationMcgPerMl: c,
          mode: 'flex',
          steps: shape.steps.map((s) => ({ ...s, doseMcgPerHour: s.doseMcgPerHour * scale })),
          periodicBoluses: shape.periodicBoluses.map((b) => ({ ...b, doseMcg: b.doseMcg * scale })),
        };
  return { ...p, patientBolus };
}

const scenario = fc.record({
  tz: fc.constantFrom(...ZONES),
  t0: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
  nowAfterDays: fc.double({ min: 0, max: 250, noNaN: true }),
  reservoirMl: fc.constantFrom(20, 40),
  fillFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  alarmMl: fc.constantFrom(2, 3, 4),
  c: fc.constantFrom(500, 1000, 2000),
  shape: programShape,
  // A second version part-way through the interval, at another dose.
  change: fc.option(
    fc.record({
      afterDays: fc.double({ min: 0.01, max: 60, noNaN: true }),
      scale: fc.double({ min: 0.2, max: 3, noNaN: true }),
    }),
  ),
  patientBolus: fc.option(
    fc.record({ doseMcg: fc.integer({ min: 1, max: 100 }), maxPerDay: fc.integer({ min: 1, max: 8 }) }),
  ),
  bufferDays: fc.integer({ min: 0, max: 14 }),
  weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
  holidayOffsets: fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 8 }),
  stabilityDays: fc.constantFrom(14, 40, 84, 90, 180),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario, scale = 1, withPatientBolus = true): ForecastInput {
  const fill = s.reservoirMl * s.fillFraction;
  const pb = withPatientBolus ? s.patientBolus : null;
  const programs = [program(s.t0, s.c, s.shape, scale, pb)];
  if (s.change)
    programs.push(program(s.t0 + s.change.afterDays * DAY, s.c, s.shape, scale * s.change.scale, pb));
  const holidays = s.holidayOffsets.map((o) => new Date(s.t0 + o * DAY).toISOString().slice(0, 10));
  return {
    now: s.t0 + s.nowAfterDays * DAY,
    clinic: clinic(s.tz, { bufferDays: s.bufferDays, clinicWeekdays: s.weekdays, holidays }),
    pump: { kind: 'programmable', reservoirMl: s.reservoirMl, alarmMl: s.alarmMl },
    lastRefill: { at: s.t0, volumeMl: fill },
    drug: { name: 'baclofen', stabilityDays: s.stabilityDays },
    programs,
    nextAppointmentAt: null,
  };
}

const RUNS = { numRuns: 300 };

describe('forecast properties', () => {
  it('a higher dose never gives a later alarm or due date', () => {
    fc.assert(
      fc.property(scenario, fc.double({ min: 1, max: 4, noNaN: true }), (s, factor) => {
        const low = forecast(build(s));
        const high = forecast(build(s, factor));
        if (low.lowReservoirAlarmAt !== null && high.lowReservoirAlarmAt !== null) {
          expect(high.lowReservoirAlarmAt).toBeLessThanOrEqual(low.lowReservoirAlarmAt);
        }
        if (low.lowReservoirAlarmAt !== null) expect(high.lowReservoirAlarmAt).not.toBeNull();
        expect(high.refillDueOn <= low.refillDueOn).toBe(true);
      }),
      RUNS,
    );
  });

  it('the due date is a clinic day, never after the alarm date or the stability date', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = build(s);
        const f = forecast(input);
        expect(isClinicDay(f.refillDueOn, input.clinic)).toBe(true);
        expect(f.refillDueOn <= f.stabilityExpiresOn).toBe(true);
        if (f.lowReservoirAlarmAt !== null) {
          const alarmDate = localDateOf(f.lowReservoirAlarmAt, s.tz);
          expect(f.lowReservoirAlarmOn).toBe(alarmDate);
          expect(dayNumberOf(f.refillDueOn)).toBeLessThanOrEqual(dayNumberOf(alarmDate) - s.bufferDays);
          // Empty never comes before the alarm (it may never come: a zero-rate program filled below the alarm).
          if (f.emptyAt !== null) expect(f.emptyAt).toBeGreaterThanOrEqual(f.lowReservoirAlarmAt);
        }
      }),
      RUNS,
    );
  });

  it('the volume stays within [0, capacity] and never rises', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = build(s);
        const points = volumeCurve(input, s.t0, s.t0 + 300 * DAY, 60);
        expect(points[0]!.volumeMl).toBeCloseTo(input.lastRefill.volumeMl, 12);
        for (let i = 0; i < points.length; i++) {
          expect(points[i]!.volumeMl).toBeGreaterThanOrEqual(0);
          expect(points[i]!.volumeMl).toBeLessThanOrEqual(s.reservoirMl);
          if (i > 0) expect(points[i]!.volumeMl).toBeLessThanOrEqual(points[i - 1]!.volumeMl + 1e-12);
        }
        const now = forecast(input).volumeNowMl;
        expect(now).toBeGreaterThanOrEqual(0);
        expect(now).toBeLessThanOrEqual(s.reservoirMl);
      }),
      RUNS,
    );
  });

  it('the worst-case rate never gives a later alarm than the programmed rate', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const worst = forecast(build(s, 1, true));
        const programmed = forecast(build(s, 1, false));
        if (programmed.lowReservoirAlarmAt !== null) {
          expect(worst.lowReservoirAlarmAt).not.toBeNull();
          expect(worst.lowReservoirAlarmAt!).toBeLessThanOrEqual(programmed.lowReservoirAlarmAt);
        }
        expect(worst.refillDueOn <= programmed.refillDueOn).toBe(true);
        // Compare the two curves at the same instants (each curve also carries its own crossing points).
        const worstCurve = volumeCurve(build(s), s.t0, s.t0 + 200 * DAY, 30, 'worst-case');
        const programmedAt = new Map(
          volumeCurve(build(s), s.t0, s.t0 + 200 * DAY, 30, 'programmed').map((p) => [p.at, p.volumeMl]),
        );
        let compared = 0;
        for (const p of worstCurve) {
          const other = programmedAt.get(p.at);
          if (other === undefined) continue;
          expect(p.volumeMl).toBeLessThanOrEqual(other + 1e-12);
          compared++;
        }
        expect(compared).toBeGreaterThanOrEqual(2);
      }),
      RUNS,
    );
  });

  it('the alarm instant is where the volume reaches the alarm volume', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = build(s);
        const f = forecast(input);
        if (f.lowReservoirAlarmAt === null || f.lowReservoirAlarmAt === s.t0) return;
        const at = f.lowReservoirAlarmAt;
        const volume = (t: number) => forecast({ ...input, now: t }).volumeNowMl;
        // Rounded to the millisecond, so allow the volume delivered in 1 ms on either side.
        expect(volume(at + 1)).toBeLessThanOrEqual(s.alarmMl + 1e-9);
        expect(volume(at - 1)).toBeGreaterThan(s.alarmMl - 1e-9);
        expect(forecast({ ...input, now: at }).status).toMatch(/critical|empty/);
      }),
      RUNS,
    );
  });

  it('status follows its precedence', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const f = forecast(build(s));
        const now = s.t0 + s.nowAfterDays * DAY;
        const today = localDateOf(now, s.tz);
        const expected =
          f.emptyAt !== null && now >= f.emptyAt
            ? 'empty'
            : f.lowReservoirAlarmOn !== null && today >= f.lowReservoirAlarmOn
              ? 'critical'
              : today > f.refillDueOn
                ? 'overdue'
                : dayNumberOf(f.refillDueOn) - dayNumberOf(today) <= 14
                  ? 'due-soon'
                  : 'ok';
        expect(f.status).toBe(expected);
        const e1 = f.alerts.find((a) => a.code === 'E1');
        expect(e1 !== undefined).toBe(
          expected === 'empty' || expected === 'critical' || expected === 'overdue',
        );
      }),
      RUNS,
    );
  });
});
