import { describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidProgramError, InvalidTimeZoneError, NoProgramError } from './errors';
import { localDateOf } from './calendar';
import { forecast } from './forecast';
import { constantFlowConcentration, constantFlowDaysToReserve } from './formulas';
import { clinic, DAY, example1, HOUR, MINUTE, simpleProgram } from './test-factories';
import type { Alert, ForecastInput } from './types';

const alert = (alerts: Alert[], code: string) => alerts.find((a) => a.code === code);

describe('reference.md B7-1: SynchroMed II 20 mL, 250 mcg/day at 500 mcg/mL', () => {
  // Friday 9 Jan 2026 10:00 UTC: day 29 is Saturday 7 Feb.
  const t0 = Date.parse('2026-01-09T10:00:00Z');
  const f = () => forecast(example1(t0, { now: t0 + DAY }));

  it('delivers 0.5 mL/day', () => {
    expect(f().dailyVolumeMl).toBe(0.5);
    expect(f().worstCaseDailyVolumeMl).toBe(0.5);
    expect(f().dailyDoseMcg).toBe(250);
  });

  it('reaches the 2 mL alarm on day 36 and is empty on day 40', () => {
    expect(f().lowReservoirAlarmAt).toBe(t0 + 36 * DAY);
    expect(f().lowReservoirAlarmOn).toBe('2026-02-14');
    expect(f().emptyAt).toBe(t0 + 40 * DAY);
    expect(f().volumeNowMl).toBeCloseTo(19.5, 12);
    expect(f().daysToAlarm).toBe(35);
  });

  it('is due on day 29 (alarm − 7 days), moved back from Saturday to Friday', () => {
    expect(f().unadjustedDueOn).toBe('2026-02-07');
    expect(f().refillDueOn).toBe('2026-02-06');
    expect(f().stabilityBinding).toBe(false);
    expect(f().stabilityExpiresOn).toBe('2026-07-08'); // 180 days after 9 Jan
    expect(alert(f().alerts, 'E17')).toMatchObject({
      severity: 'info',
      message: expect.stringContaining('from Sat 7 Feb 2026 to Fri 6 Feb 2026'),
    });
  });

  it('counts elapsed time across a daylight-saving change, not calendar days (Chicago)', () => {
    // Refill Fri 27 Feb 2026 10:00 CST; clocks go forward on 8 Mar. 36 × 24 h later it is 11:00 CDT.
    const t = Date.parse('2026-02-27T10:00:00-06:00');
    const g = forecast(example1(t, { clinic: clinic('America/Chicago') }));
    expect(g.lowReservoirAlarmAt).toBe(Date.parse('2026-04-04T11:00:00-05:00'));
    expect(g.lowReservoirAlarmOn).toBe('2026-04-04');
    expect(g.emptyAt).toBe(Date.parse('2026-04-08T11:00:00-05:00'));
    expect(g.refillDueOn).toBe('2026-03-27'); // Sat 28 Mar → Fri 27 Mar
  });
});

describe('reference.md B7-2: 40 mL, 400 mcg/day at 2000 mcg/mL, 180-day stability binds', () => {
  const t0 = Date.parse('2026-01-05T09:00:00Z'); // Monday; day 180 is Saturday 4 July
  const input = (overrides: Partial<ForecastInput> = {}): ForecastInput =>
    example1(t0, {
      now: t0 + DAY,
      pump: { kind: 'programmable', reservoirMl: 40, alarmMl: 2 },
      lastRefill: { at: t0, volumeMl: 40 },
      programs: [simpleProgram(t0, 400, 2000)],
      ...overrides,
    });

  it('would alarm on day 190, beyond the 180-day limit', () => {
    const f = forecast(input());
    expect(f.dailyVolumeMl).toBeCloseTo(0.2, 15);
    expect(f.lowReservoirAlarmAt).toBe(t0 + 190 * DAY);
    expect(f.stabilityExpiresOn).toBe('2026-07-04');
  });

  it('is due on the stability date (day 180) moved back to a clinic day', () => {
    const f = forecast(input());
    expect(f.stabilityBinding).toBe(true);
    expect(f.unadjustedDueOn).toBe('2026-07-04');
    expect(f.refillDueOn).toBe('2026-07-03');
    expect(alert(f.alerts, 'E4')).toMatchObject({ severity: 'info' });
  });

  it('skips a holiday too', () => {
    const f = forecast(input({ clinic: clinic('UTC', { holidays: ['2026-07-03'] }) }));
    expect(f.refillDueOn).toBe('2026-07-02');
  });

  it('with a 7-day stability buffer is due on day 173 (the reference example)', () => {
    const f = forecast(input({ clinic: clinic('UTC', { stabilityBufferDays: 7 }) }));
    expect(f.unadjustedDueOn).toBe('2026-06-27'); // day 173, a Saturday
    expect(f.refillDueOn).toBe('2026-06-26');
  });
});

describe('reference.md B7-7: constant flow 1.0 mL/day, 30 mL reservoir, 3 mL reserve', () => {
  const t0 = Date.parse('2026-03-02T15:00:00Z');
  const f = () => forecast(
    example1(t0, {
      pump: { kind: 'constant-flow', reservoirMl: 30, alarmMl: 3, flowMlPerDay: 1.0 },
      lastRefill: { at: t0, volumeMl: 30 },
      programs: [{ from: t0, concentrationMcgPerMl: 500, mode: 'constant-flow' }],
    }),
  );

  it('reaches the reserve after 27 days', () => {
    expect(f().lowReservoirAlarmAt).toBe(t0 + 27 * DAY);
    expect(f().emptyAt).toBe(t0 + 30 * DAY);
    expect(constantFlowDaysToReserve(30, 3, 1.0)).toBe(27);
  });

  it('delivers the dose set by the concentration: 1.0 mL/day × 500 mcg/mL', () => {
    expect(f().dailyVolumeMl).toBe(1);
    expect(f().dailyDoseMcg).toBe(500);
    expect(constantFlowConcentration(500, 1.0)).toBe(500);
  });
});

describe('status as of now', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z');
  const at = (now: number) => forecast(example1(t0, { now }));
  const alarmAt = t0 + 36 * DAY;
  const emptyAt = t0 + 40 * DAY;

  it('is critical from the start of the clinic-local alarm day (E1: CRITICAL at LRA_date), not only at the instant', () => {
    expect(at(alarmAt).status).toBe('critical');
    expect(at(alarmAt).daysToAlarm).toBe(0);
    expect(at(alarmAt).volumeNowMl).toBeCloseTo(2, 9);
    const dayStart = Date.parse(`${localDateOf(alarmAt, 'UTC')}T00:00:00Z`);
    expect(alarmAt - dayStart).toBeGreaterThan(0);
    expect(at(dayStart).status).toBe('critical');
    expect(at(dayStart).alerts.find((a) => a.code === 'E1')).toMatchObject({
      severity: 'critical',
      message: expect.stringMatching(/alarm volume expected today/),
    });
    expect(at(dayStart - 1).status).toBe('overdue');
  });

  it('is empty exactly at the empty instant', () => {
    expect(at(emptyAt).status).toBe('empty');
    expect(at(emptyAt).volumeNowMl).toBe(0);
    expect(at(emptyAt - 1).status).toBe('critical');
    expect(at(emptyAt + 10 * DAY).volumeNowMl).toBe(0);
  });

  it('is not overdue on the due date itself, and overdue the next day', () => {
    // Due Fri 6 Feb 2026 (UTC clinic).
    expect(at(Date.parse('2026-02-06T23:59:59.999Z')).status).toBe('due-soon');
    expect(at(Date.parse('2026-02-07T00:00:00Z')).status).toBe('overdue');
  });

  it('is due-soon from 14 days before the due date', () => {
    expect(at(Date.parse('2026-01-23T00:00:00Z')).status).toBe('due-soon'); // 14 days before 6 Feb
    expect(at(Date.parse('2026-01-22T23:59:59Z')).status).toBe('ok');
  });

  it('uses the clinic-local "today"', () => {
    // Chicago: 05:00Z on 7 Feb is still 23:00 on 6 Feb (the due date) locally.
    const f = forecast(
      example1(t0, { now: Date.parse('2026-02-07T05:00:00Z'), clinic: clinic('America/Chicago') }),
    );
    expect(f.refillDueOn).toBe('2026-02-06');
    expect(f.status).toBe('due-soon');
  });

  it('alarms at once when the fill is already at or below the alarm volume', () => {
    const f = forecast(example1(t0, { lastRefill: { at: t0, volumeMl: 2 } }));
    expect(f.lowReservoirAlarmAt).toBe(t0);
    expect(f.emptyAt).toBe(t0 + 4 * DAY);
    expect(f.status).toBe('critical');
  });
});

describe('program changes', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z');

  it('switches rate exactly at the change instant (0.5 → 1.0 mL/day at day 10)', () => {
    const input = (now: number) =>
      example1(t0, { now, programs: [simpleProgram(t0, 250, 500), simpleProgram(t0 + 10 * DAY, 500, 500)] });
    const f = forecast(input(t0 + 12 * DAY));
    // 5 mL in 10 days, then 13 mL more to the 2 mL alarm at 1 mL/day: day 23, not an average of the two rates.
    expect(f.lowReservoirAlarmAt).toBe(t0 + 23 * DAY);
    expect(f.emptyAt).toBe(t0 + 25 * DAY);
    expect(forecast(input(t0 + 10 * DAY)).volumeNowMl).toBeCloseTo(15, 12);
    expect(f.volumeNowMl).toBeCloseTo(13, 12);
    expect(f.dailyVolumeMl).toBe(1);
    // Before the change the program in effect is the first one.
    expect(forecast(input(t0 + 9 * DAY)).dailyVolumeMl).toBe(0.5);
  });

  it('applies the version in effect at the refill and ignores ones superseded before it', () => {
    const f = forecast(
      example1(t0, {
        programs: [simpleProgram(t0 - 60 * DAY, 900, 500), simpleProgram(t0 - 30 * DAY, 250, 500)],
      }),
    );
    expect(f.lowReservoirAlarmAt).toBe(t0 + 36 * DAY);
  });

  it('applies a version entered minutes after the fill from the refill itself', () => {
    const f = forecast(example1(t0, { programs: [simpleProgram(t0 + 5 * 60_000, 250, 500)] }));
    expect(f.lowReservoirAlarmAt).toBe(t0 + 36 * DAY);
  });
});

describe('worst case with patient boluses (reference.md B1, S28)', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z');
  it('assumes every allowed bolus is taken', () => {
    // Basal 250 mcg/day + 5 × 50 mcg = 500 mcg/day at 500 mcg/mL → 1 mL/day: alarm after 18 days.
    const f = forecast(
      example1(t0, {
        programs: [{ ...simpleProgram(t0, 250, 500), patientBolus: { doseMcg: 50, maxPerDay: 5 } }],
      }),
    );
    expect(f.dailyVolumeMl).toBe(0.5);
    expect(f.worstCaseDailyVolumeMl).toBe(1);
    expect(f.dailyDoseMcg).toBe(250);
    expect(f.lowReservoirAlarmAt).toBe(t0 + 18 * DAY);
  });
});

describe('no crossing', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z');

  it('reports null alarm and empty instants for a program that delivers nothing, and stops', () => {
    const f = forecast(
      example1(t0, {
        now: t0 + DAY,
        programs: [
          {
            from: t0,
            concentrationMcgPerMl: 500,
            mode: 'flex',
            steps: [{ start: '00:00', doseMcgPerHour: 0 }],
          },
        ],
        clinic: clinic('America/Chicago'),
      }),
    );
    expect(f.lowReservoirAlarmAt).toBeNull();
    expect(f.lowReservoirAlarmOn).toBeNull();
    expect(f.emptyAt).toBeNull();
    expect(f.daysToAlarm).toBeNull();
    expect(f.volumeNowMl).toBe(20);
    expect(f.horizonAt).toBe(t0 + 1826 * DAY);
    // The stability limit still sets a due date, and the zero dose is flagged.
    expect(f.stabilityBinding).toBe(true);
    expect(f.refillDueOn).toBe('2026-07-08');
    expect(alert(f.alerts, 'E9')).toMatchObject({ severity: 'high' });
  });

  it('reports null for a crossing beyond the 5-year horizon', () => {
    // 1 mcg/day at 2000 mcg/mL: 0.0005 mL/day, 36,000 days to the alarm.
    const f = forecast(example1(t0, { programs: [simpleProgram(t0, 1, 2000)] }));
    expect(f.lowReservoirAlarmAt).toBeNull();
    expect(f.emptyAt).toBeNull();
  });
});

describe('alerts', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z'); // due Fri 6 Feb, alarm 14 Feb 10:00, empty 18 Feb 10:00 UTC
  const due = Date.parse('2026-02-06T12:00:00Z');
  const make = (overrides: Partial<ForecastInput>) => forecast(example1(t0, overrides));

  it('E1: overdue is HIGH, CRITICAL for a high-risk patient or past the alarm', () => {
    const now = Date.parse('2026-02-09T12:00:00Z');
    expect(alert(make({ now }).alerts, 'E1')).toMatchObject({ severity: 'high' });
    expect(alert(make({ now, highRisk: true }).alerts, 'E1')).toMatchObject({ severity: 'critical' });
    expect(alert(make({ now: t0 + 37 * DAY }).alerts, 'E1')).toMatchObject({ severity: 'critical' });
    expect(alert(make({ now: t0 + 3 * DAY }).alerts, 'E1')).toBeUndefined();
  });

  it('E1: an empty reservoir is CRITICAL with withdrawal wording', () => {
    const f = make({ now: t0 + 41 * DAY });
    const e1 = alert(f.alerts, 'E1')!;
    expect(e1.severity).toBe('critical');
    expect(e1.message).toMatch(/EMPTY since Wed 18 Feb 2026 10:00/);
    expect(e1.message).toMatch(/withdrawal/);
    expect(f.alerts[0]).toBe(e1); // most severe first
  });

  it('E2: a booked appointment after the due date is HIGH, at/after empty CRITICAL', () => {
    const now = t0 + DAY;
    expect(alert(make({ now, nextAppointmentAt: due }).alerts, 'E2')).toBeUndefined();
    expect(alert(make({ now, nextAppointmentAt: due }).alerts, 'E3')).toBeUndefined();
    const late = make({ now, nextAppointmentAt: Date.parse('2026-02-09T09:00:00Z') });
    expect(alert(late.alerts, 'E2')).toMatchObject({
      severity: 'high',
      message: expect.stringMatching(/due date/),
    });
    const afterAlarm = make({ now, nextAppointmentAt: t0 + 36 * DAY });
    expect(alert(afterAlarm.alerts, 'E2')).toMatchObject({
      severity: 'high',
      message: expect.stringMatching(/alarm/),
    });
    const afterEmpty = make({ now, nextAppointmentAt: t0 + 40 * DAY });
    expect(alert(afterEmpty.alerts, 'E2')).toMatchObject({ severity: 'critical' });
  });

  it('E2/E3: an overdue pump is told to bring the visit forward, not to move it to a past date', () => {
    const now = Date.parse('2026-02-09T12:00:00Z'); // due Fri 6 Feb
    const e2 = alert(make({ now, nextAppointmentAt: Date.parse('2026-02-11T09:00:00Z') }).alerts, 'E2')!;
    expect(e2.message).toMatch(/Bring it forward as far as possible/);
    expect(alert(make({ now }).alerts, 'E3')!.message).toMatch(/was due Fri 6 Feb 2026/);
  });

  it('E13: a high-risk patient raises E2 by one level', () => {
    const f = make({ now: t0 + DAY, highRisk: true, nextAppointmentAt: Date.parse('2026-02-09T09:00:00Z') });
    expect(alert(f.alerts, 'E2')).toMatchObject({ severity: 'critical' });
  });

  it('E3: no appointment is WARN, HIGH once due-soon', () => {
    expect(alert(make({ now: t0 + DAY }).alerts, 'E3')).toMatchObject({ severity: 'warn' });
    expect(alert(make({ now: Date.parse('2026-02-01T00:00:00Z') }).alerts, 'E3')).toMatchObject({
      severity: 'high',
    });
    // A booked appointment that has passed is no appointment.
    const past = make({ now: t0 + 3 * DAY, nextAppointmentAt: t0 + 2 * DAY });
    expect(alert(past.alerts, 'E3')!.message).toMatch(/has passed/);
  });

  it('E4: stability limit HIGH when it is near or passed', () => {
    const short = { name: 'morphine', stabilityDays: 20, withdrawalRisk: 'moderate' as const };
    expect(alert(make({ drug: short, now: t0 + DAY }).alerts, 'E4')).toMatchObject({ severity: 'info' });
    expect(alert(make({ drug: short, now: t0 + 10 * DAY }).alerts, 'E4')).toMatchObject({ severity: 'high' });
    expect(alert(make({ drug: short, now: t0 + 21 * DAY }).alerts, 'E4')).toMatchObject({
      severity: 'high',
      message: expect.stringMatching(/past its 20-day stability limit/),
    });
    expect(alert(make({ now: t0 + DAY }).alerts, 'E4')).toBeUndefined();
  });

  it('E9: a dose above the usual maximum warns', () => {
    const f = make({
      programs: [simpleProgram(t0, 1200, 2000)],
      drug: {
        name: 'baclofen',
        stabilityDays: 180,
        usualMaxDoseMcgPerDay: 1000,
        highestReportedDoseMcgPerDay: 2003,
      },
    });
    expect(alert(f.alerts, 'E9')).toMatchObject({
      severity: 'warn',
      message: expect.stringMatching(/1200 mcg\/day/),
    });
    expect(alert(make({}).alerts, 'E9')).toBeUndefined();
  });

  it('E10: pump end of life by age and by ERI', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    const pump = { kind: 'programmable' as const, reservoirMl: 20, alarmMl: 2, maxServiceYears: 7 };
    // Implanted 2019-08-01: 7 y − 6 months = 2026-02-01, not reached.
    expect(alert(make({ now, pump: { ...pump, implantedOn: '2019-08-01' } }).alerts, 'E10')).toBeUndefined();
    // Implanted 2019-07-10: replacement point 2026-01-10 reached.
    expect(alert(make({ now, pump: { ...pump, implantedOn: '2019-07-10' } }).alerts, 'E10')).toMatchObject({
      severity: 'high',
      message: expect.stringMatching(/shuts off at 7 years on Fri 10 Jul 2026/),
    });
    const eri = make({ now, pump: { ...pump, eriRecordedOn: '2025-12-01' } });
    expect(alert(eri.alerts, 'E10')).toMatchObject({
      severity: 'high',
      message: expect.stringMatching(/stops about Sun 1 Mar 2026/), // ERI + 90 d
    });
    // ERI + 60 d = 2026-01-30.
    const late = make({
      now: Date.parse('2026-01-30T12:00:00Z'),
      pump: { ...pump, eriRecordedOn: '2025-12-01' },
    });
    expect(alert(late.alerts, 'E10')).toMatchObject({ severity: 'critical' });
  });

  it('E16: flex dosing with a clock change before the due date', () => {
    const chicago = clinic('America/Chicago');
    const t = Date.parse('2026-02-25T16:00:00Z'); // the clocks change 11 days later, inside the due-soon window
    const flex = {
      from: t,
      concentrationMcgPerMl: 500,
      mode: 'flex' as const,
      steps: [
        { start: '00:00', doseMcgPerHour: 8 },
        { start: '08:00', doseMcgPerHour: 12 },
      ],
    };
    const f = forecast(example1(t, { now: t, clinic: chicago, programs: [flex] }));
    expect(alert(f.alerts, 'E16')).toMatchObject({
      severity: 'warn',
      message: expect.stringMatching(/Sun 8 Mar 2026 \(UTC−06:00 → UTC−05:00\)/),
    });
    const simple = forecast(example1(t, { now: t, clinic: chicago }));
    expect(alert(simple.alerts, 'E16')).toBeUndefined();
    const utc = forecast(example1(t, { now: t, programs: [flex] }));
    expect(alert(utc.alerts, 'E16')).toBeUndefined();
  });

  it('E12: a drug the pump model is not labeled for', () => {
    const pump = (labeledDrugs: string[] | null | undefined) => ({
      kind: 'programmable' as const,
      reservoirMl: 20,
      alarmMl: 2,
      labeledDrugs,
    });
    const hydromorphone = { name: 'hydromorphone', stabilityDays: 90, withdrawalRisk: 'moderate' as const };
    const offLabel = alert(
      make({ pump: pump(['baclofen', 'morphine', 'ziconotide']), drug: hydromorphone }).alerts,
      'E12',
    );
    expect(offLabel).toMatchObject({
      severity: 'warn',
      message: expect.stringContaining('Hydromorphone is not on this pump'),
    });
    expect(offLabel?.message).toContain('baclofen, morphine, ziconotide');
    // Labeled (case-insensitive), or no list known: no alert.
    expect(alert(make({ pump: pump(['Baclofen', 'morphine']) }).alerts, 'E12')).toBeUndefined();
    expect(alert(make({ pump: pump(null), drug: hydromorphone }).alerts, 'E12')).toBeUndefined();
    expect(alert(make({ pump: pump([]), drug: hydromorphone }).alerts, 'E12')).toBeUndefined();
  });

  it('E19: no backup oral baclofen plan', () => {
    expect(alert(make({ hasBackupOralPlan: false }).alerts, 'E19')).toMatchObject({ severity: 'info' });
    expect(alert(make({ hasBackupOralPlan: true }).alerts, 'E19')).toBeUndefined();
    expect(alert(make({}).alerts, 'E19')).toBeUndefined();
  });

  it('names dates in clinic-local form', () => {
    const f = forecast(
      example1(Date.parse('2026-02-27T10:00:00-06:00'), {
        now: Date.parse('2026-04-05T12:00:00-05:00'),
        clinic: clinic('America/Chicago'),
      }),
    );
    expect(f.status).toBe('critical');
    expect(alert(f.alerts, 'E1')!.message).toMatch(
      /reached Sat 4 Apr 2026 11:00 \(refill was due Fri 27 Mar 2026\)/,
    );
  });
});

describe('invalid input', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z');

  it('rejects an empty program list, naming the pump', () => {
    expect(() => forecast(example1(t0, { programs: [], pumpId: 42 }))).toThrow(NoProgramError);
    try {
      forecast(example1(t0, { programs: [], pumpId: 42 }));
    } catch (e) {
      expect((e as NoProgramError).message).toBe('Pump 42 has no drug program since its refill');
      expect((e as NoProgramError).context).toMatchObject({ field: 'programs', pumpId: 42 });
    }
  });

  it('rejects malformed programs', () => {
    const bad = (programs: ForecastInput['programs']) => () => forecast(example1(t0, { programs }));
    expect(bad([simpleProgram(t0 + DAY, 250, 500), simpleProgram(t0, 250, 500)])).toThrow(
      InvalidProgramError,
    );
    expect(bad([simpleProgram(t0, 250, 0)])).toThrow(/concentrationMcgPerMl must be a number > 0/);
    expect(bad([simpleProgram(t0, -1, 500)])).toThrow(InvalidInputError);
    expect(bad([{ from: t0, concentrationMcgPerMl: 500, mode: 'flex', steps: [] }])).toThrow(
      InvalidProgramError,
    );
    expect(
      bad([
        {
          from: t0,
          concentrationMcgPerMl: 500,
          mode: 'flex',
          steps: [{ start: '24:00', doseMcgPerHour: 1 }],
        },
      ]),
    ).toThrow(/programs\[0\]\.steps\[0\]\.start/);
    expect(
      bad([
        {
          from: t0,
          concentrationMcgPerMl: 500,
          mode: 'flex',
          steps: [
            { start: '08:00', doseMcgPerHour: 1 },
            { start: '08:00', doseMcgPerHour: 2 },
          ],
        },
      ]),
    ).toThrow(/same time/);
    expect(bad([{ from: t0, concentrationMcgPerMl: 500, mode: 'constant-flow' }])).toThrow(
      /programmable pump/,
    );
  });

  it('rejects impossible pump, refill and clinic values', () => {
    expect(() => forecast(example1(t0, { lastRefill: { at: t0, volumeMl: 21 } }))).toThrow(
      /more than the reservoir/,
    );
    expect(() => forecast(example1(t0, { now: Number.NaN }))).toThrow(InvalidInputError);
    expect(() => forecast(example1(t0, { clinic: clinic('Nowhere/Land') }))).toThrow(InvalidTimeZoneError);
    expect(() => forecast(example1(t0, { clinic: clinic('UTC', { bufferDays: -1 }) }))).toThrow(/bufferDays/);
    expect(() =>
      forecast(
        example1(t0, {
          pump: { kind: 'constant-flow', reservoirMl: 20, alarmMl: 2 },
          programs: [{ from: t0, concentrationMcgPerMl: 500, mode: 'constant-flow' }],
        }),
      ),
    ).toThrow(/flowMlPerDay/);
    expect(() => forecast(example1(t0, { drug: { name: 'baclofen', stabilityDays: 0 } }))).toThrow(
      /stabilityDays/,
    );
    expect(() =>
      forecast(example1(t0, { pump: { kind: 'programmable', reservoirMl: 20, alarmMl: 20 } })),
    ).toThrow(/alarm volume/i);
  });

  it('a single flex step delivers like the same dose in simple mode', () => {
    const f = forecast(
      example1(t0, {
        programs: [
          {
            from: t0,
            concentrationMcgPerMl: 500,
            mode: 'flex',
            steps: [{ start: '00:00', doseMcgPerHour: 250 / 24 }],
          },
        ],
      }),
    );
    expect(f.lowReservoirAlarmAt! - t0).toBeCloseTo(36 * 24 * HOUR, -1);
  });
});

describe('records dated after now (a clock that stepped back, item 11)', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z');

  it('a fill dated 20 days ahead forecasts from now and raises CLOCK HIGH, never throws', () => {
    const now = t0 - 20 * DAY;
    const f = forecast(example1(t0, { now }));
    // The fill happened no later than now: counted from now, the dates are early, never late.
    expect(f.lowReservoirAlarmAt).toBe(now + 36 * DAY);
    expect(f.volumeNowMl).toBe(20);
    expect(f.alerts.find((a) => a.code === 'CLOCK')).toMatchObject({
      severity: 'high',
      message: expect.stringMatching(/after the server's clock.*check the server time and the visit time/),
    });
  });

  it('a 2-minute step back does the same, and the alert goes once the clock passes the record', () => {
    expect(forecast(example1(t0, { now: t0 - 2 * MINUTE })).alerts.map((a) => a.code)).toContain('CLOCK');
    expect(forecast(example1(t0, { now: t0 + MINUTE })).alerts.map((a) => a.code)).not.toContain('CLOCK');
  });

  it('a later stored record (a program version) dated after now raises CLOCK too', () => {
    const f = forecast(example1(t0, { now: t0 + DAY, latestRecordAt: t0 + 3 * DAY }));
    expect(f.alerts.find((a) => a.code === 'CLOCK')?.severity).toBe('high');
    expect(f.lowReservoirAlarmAt).toBe(t0 + 36 * DAY);
  });
});

describe('alert wording and boundaries on the B7-1 pump (due Fri 6 Feb, alarm Sat 14 Feb 10:00, empty Wed 18 Feb 10:00)', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z');
  const make = (overrides: Partial<ForecastInput>) => forecast(example1(t0, overrides));
  const severe =
    'Stopping baclofen abruptly can cause life-threatening withdrawal (high fever, altered mental state, rebound spasticity, rigidity).';

  it('an on-time booking leaves only E17, which says why the due date moved earlier', () => {
    const f = make({ nextAppointmentAt: Date.parse('2026-02-05T09:00:00Z') });
    expect(f.alerts).toEqual([
      {
        code: 'E17',
        severity: 'info',
        message: 'Refill due date moved earlier from Sat 7 Feb 2026 to Fri 6 Feb 2026 because the clinic is closed on Sat 7 Feb 2026.',
      },
    ]);
    expect(f.daysToAlarm).toBe(36);
  });

  it('a due date on a clinic day raises no E17', () => {
    // Saturday clinics: day 29 (Sat 7 Feb) stays.
    const f = make({ clinic: clinic('UTC', { clinicWeekdays: [1, 2, 3, 4, 5, 6] }), nextAppointmentAt: Date.parse('2026-02-05T09:00:00Z') });
    expect(f.refillDueOn).toBe('2026-02-07');
    expect(f.alerts).toEqual([]);
  });

  it('E1 overdue names the due date and the coming alarm, and a high-risk patient', () => {
    const now = Date.parse('2026-02-08T12:00:00Z');
    expect(alert(make({ now }).alerts, 'E1')!.message).toBe(
      `Refill overdue: it was due Fri 6 Feb 2026. Low-reservoir alarm expected Sat 14 Feb 2026 10:00. ${severe}`,
    );
    expect(alert(make({ now, highRisk: true }).alerts, 'E1')!.message).toBe(
      `Refill overdue: it was due Fri 6 Feb 2026. Low-reservoir alarm expected Sat 14 Feb 2026 10:00. High-risk patient. ${severe}`,
    );
  });

  it('E1 on the alarm day: expected today before the alarm instant, reached from it', () => {
    expect(alert(make({ now: Date.parse('2026-02-14T08:00:00Z') }).alerts, 'E1')!.message).toBe(
      `Low-reservoir alarm volume expected today, Sat 14 Feb 2026 10:00 (refill was due Fri 6 Feb 2026); about 2 mL left, empty Wed 18 Feb 2026 10:00. ${severe} Refill now.`,
    );
    expect(alert(make({ now: t0 + 36 * DAY }).alerts, 'E1')!.message).toMatch(
      /^Low-reservoir alarm volume reached Sat 14 Feb 2026 10:00 \(refill was due Fri 6 Feb 2026\); about 2 mL left, empty Wed 18 Feb 2026 10:00\./,
    );
    expect(make({ now: Date.parse('2026-02-14T08:00:00Z') }).daysToAlarm).toBe(0);
  });

  it('an empty ziconotide pump speaks of pain relief, not withdrawal', () => {
    const f = make({ now: t0 + 41 * DAY, drug: { name: 'ziconotide', stabilityDays: 84, withdrawalRisk: 'low' } });
    expect(alert(f.alerts, 'E1')!.message).toContain('An interruption of ziconotide stops pain relief.');
  });

  it('E3 says whether the refill is or was due, and that the last booking passed', () => {
    expect(alert(make({}).alerts, 'E3')).toEqual({
      code: 'E3',
      severity: 'warn',
      message: 'No refill appointment booked. The refill is due Fri 6 Feb 2026.',
    });
    const now = Date.parse('2026-02-08T12:00:00Z');
    expect(alert(make({ now, nextAppointmentAt: Date.parse('2026-02-05T09:00:00Z') }).alerts, 'E3')!.message).toBe(
      'No refill appointment booked. The last booked appointment (Thu 5 Feb 2026 09:00) has passed. The refill was due Fri 6 Feb 2026.',
    );
    // On the due date itself the refill "is" due.
    expect(alert(make({ now: Date.parse('2026-02-06T08:00:00Z') }).alerts, 'E3')!.message).toBe(
      'No refill appointment booked. The refill is due Fri 6 Feb 2026.',
    );
  });

  it('an appointment starting right now counts as booked', () => {
    const now = Date.parse('2026-02-05T09:00:00Z');
    expect(alert(make({ now, nextAppointmentAt: now }).alerts, 'E3')).toBeUndefined();
  });

  it('E2 names the appointment, what it is after, and what to do', () => {
    const late = Date.parse('2026-02-10T09:00:00Z');
    expect(alert(make({ nextAppointmentAt: late }).alerts, 'E2')!.message).toBe(
      'The booked appointment on Tue 10 Feb 2026 09:00 is after the refill due date (Fri 6 Feb 2026). Move it to Fri 6 Feb 2026 or earlier.',
    );
    // On the due date the visit can still be moved to it.
    expect(alert(make({ now: Date.parse('2026-02-06T08:00:00Z'), nextAppointmentAt: late }).alerts, 'E2')!.message).toMatch(
      /Move it to Fri 6 Feb 2026 or earlier\.$/,
    );
    expect(alert(make({ nextAppointmentAt: Date.parse('2026-02-19T09:00:00Z') }).alerts, 'E2')!.message).toBe(
      'The booked appointment on Thu 19 Feb 2026 09:00 is after the reservoir is calculated to be empty (Wed 18 Feb 2026 10:00). Move it to Fri 6 Feb 2026 or earlier.',
    );
  });

  it('E9: a program delivering nothing names the program', () => {
    const f = make({ programs: [simpleProgram(t0, 0, 500)] });
    expect(alert(f.alerts, 'E9')).toEqual({
      code: 'E9',
      severity: 'high',
      message: 'Program 1 delivers 0 mcg/day of baclofen. Check the prescription.',
    });
    // No crossing at all: E4 says the alarm would not be reached for years.
    expect(alert(f.alerts, 'E4')!.message).toContain('the reservoir would not reach its alarm volume for years');
  });

  it('E9: exactly the usual maximum (1000 mcg/day, S20) is not above it; the highest reported dose (2003, S78) is named above it', () => {
    const at = (dose: number) => make({ pump: { kind: 'programmable', reservoirMl: 40, alarmMl: 2 }, programs: [simpleProgram(t0, dose, 2000)], drug: { name: 'baclofen', stabilityDays: 180, usualMaxDoseMcgPerDay: 1000, highestReportedDoseMcgPerDay: 2003 } });
    expect(alert(at(1000).alerts, 'E9')).toBeUndefined();
    expect(alert(at(1200).alerts, 'E9')!.message).toBe(
      'Daily dose 1200 mcg/day is above the usual maximum of 1000 mcg/day for baclofen. Confirm the prescription.',
    );
    expect(alert(at(2003).alerts, 'E9')!.message).not.toContain('highest dose reported');
    expect(alert(at(2100).alerts, 'E9')!.message).toBe(
      'Daily dose 2100 mcg/day is above the usual maximum of 1000 mcg/day for baclofen. It is also above the highest dose reported (2003 mcg/day). Confirm the prescription.',
    );
  });

  it('E9 says when only the allowed patient boluses take the dose above the maximum', () => {
    const f = make({
      programs: [{ ...simpleProgram(t0, 900, 2000), patientBolus: { doseMcg: 50, maxPerDay: 4 } }],
      pump: { kind: 'programmable', reservoirMl: 40, alarmMl: 2 },
    });
    expect(alert(f.alerts, 'E9')!.message).toBe(
      'Daily dose 1100 mcg/day (with every allowed patient bolus) is above the usual maximum of 1000 mcg/day for baclofen. Confirm the prescription.',
    );
  });

  it('E10: a model that stops 60 days after ERI is CRITICAL 30 days before the stop, and STOPPED on the stop day', () => {
    const eriOn = '2026-01-09';
    const e10 = (now: number) =>
      alert(make({ now, pump: { kind: 'programmable', reservoirMl: 20, alarmMl: 2, eriRecordedOn: eriOn, eriToStopDays: 60 } }).alerts, 'E10')!;
    expect(e10(t0 + 29 * DAY).severity).toBe('high');
    expect(e10(t0 + 30 * DAY).severity).toBe('critical');
    expect(e10(t0 + 59 * DAY).message).toBe(
      'Elective replacement indicator recorded Fri 9 Jan 2026: the pump stops about Tue 10 Mar 2026. Replace it before then.',
    );
    expect(e10(t0 + 60 * DAY).message).toBe(
      `Elective replacement indicator recorded Fri 9 Jan 2026: the pump has probably STOPPED (expected Tue 10 Mar 2026). ${severe}`,
    );
  });

  it('E10: on the day the 7-year service life ends the pump may have shut off (CRITICAL)', () => {
    const pump = { kind: 'programmable' as const, reservoirMl: 20, alarmMl: 2, implantedOn: '2019-01-09', maxServiceYears: 7 };
    expect(alert(make({ pump }).alerts, 'E10')).toEqual({
      code: 'E10',
      severity: 'critical',
      message: `The pump reached its 7-year service life on Fri 9 Jan 2026 and may have shut off. ${severe}`,
    });
    expect(alert(make({ pump: { ...pump, implantedOn: '2019-01-10' } }).alerts, 'E10')!.severity).toBe('high');
    // Service years without an implant date cannot be judged: no E10, no error.
    expect(alert(make({ pump: { ...pump, implantedOn: null } }).alerts, 'E10')).toBeUndefined();
  });

  it('E12 matches the labeled drug list ignoring case and spaces', () => {
    const pump = { kind: 'programmable' as const, reservoirMl: 20, alarmMl: 2, labeledDrugs: [' BACLOFEN ', 'morphine'] };
    expect(alert(make({ pump }).alerts, 'E12')).toBeUndefined();
  });

  it('E19 in words', () => {
    expect(alert(make({ hasBackupOralPlan: false }).alerts, 'E19')!.message).toBe('No backup oral baclofen plan is documented.');
  });
});

describe('forecast input refused with the field named', () => {
  const t0 = Date.parse('2026-01-09T10:00:00Z');
  const refused = (overrides: Partial<ForecastInput>) => () => forecast({ ...example1(t0, overrides), pumpId: 7 });

  it('clinic days must be whole numbers ≥ 0', () => {
    for (const [key, value] of [
      ['bufferDays', 1.5],
      ['bufferDays', -1],
      ['bufferDays', '7'],
      ['dueSoonDays', -1],
      ['stabilityBufferDays', 2.5],
    ] as const) {
      expect(refused({ clinic: clinic('UTC', { [key]: value }) }), `${key} ${value}`).toThrow(
        expect.objectContaining({
          field: `clinic.${key}`,
          message: `clinic.${key} must be a whole number of days ≥ 0, got ${String(value)}`,
          context: { field: `clinic.${key}`, value },
        }),
      );
    }
    expect(forecast(example1(t0, { clinic: clinic('UTC', { stabilityBufferDays: 0 }) })).refillDueOn).toBe('2026-02-06');
  });

  it('now, the stability limit and the appointment', () => {
    expect(refused({ now: Number.NaN })).toThrow(expect.objectContaining({ field: 'now', context: expect.objectContaining({ pumpId: 7 }) }));
    for (const stabilityDays of [0, 1.5, '180']) {
      expect(refused({ drug: { name: 'baclofen', stabilityDays: stabilityDays as number } })).toThrow(
        expect.objectContaining({
          field: 'drug.stabilityDays',
          message: 'drug.stabilityDays must be a whole number > 0',
          context: { field: 'drug.stabilityDays', pumpId: 7, value: stabilityDays },
        }),
      );
    }
    expect(refused({ nextAppointmentAt: Number.NaN })).toThrow(
      expect.objectContaining({ field: 'nextAppointmentAt', context: expect.objectContaining({ pumpId: 7 }) }),
    );
  });
});
