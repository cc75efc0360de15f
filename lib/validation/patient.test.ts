import { describe, expect, it } from 'vitest';
import { fieldErrors } from './errors';
import { alertActionSchema, replacePumpSchema, updatePatientSchema, updatePumpSchema } from './patient';

describe('updatePatientSchema', () => {
  it('needs the version and at least one change', () => {
    expect(fieldErrors(updatePatientSchema.safeParse({ riskCommunication: true }).error!)).toHaveProperty(
      'version',
    );
    expect(fieldErrors(updatePatientSchema.safeParse({ version: 2 }).error!)['(body)']).toMatch(
      /Nothing to change/,
    );
    expect(
      updatePatientSchema.parse({ version: 2, riskCommunication: true, caregiverName: '  Sam ' }),
    ).toEqual({ version: 2, riskCommunication: true, caregiverName: 'Sam' });
  });
});

describe('updatePumpSchema', () => {
  it('keeps alarm volumes within 2–20 mL (the one alarm rule, reference.md B6b) and needs a reason to explant', () => {
    for (const alarmMl of [0, 0.2, 1.999])
      expect(fieldErrors(updatePumpSchema.safeParse({ version: 1, alarmMl }).error!).alarmMl).toMatch(
        /^Alarm volume must be at least 2 mL/,
      );
    expect(updatePumpSchema.safeParse({ version: 1, alarmMl: 2 }).success).toBe(true);
    expect(
      fieldErrors(updatePumpSchema.safeParse({ version: 1, explantedOn: '2026-01-02' }).error!).reason,
    ).toMatch(/required/);
    expect(
      updatePumpSchema.safeParse({ version: 1, explantedOn: '2026-01-02', reason: 'Infection' }).success,
    ).toBe(true);
  });
});

describe('replacePumpSchema', () => {
  const valid = {
    version: 1,
    explantedOn: '2026-05-01',
    reason: 'ERI',
    newPump: { modelId: 2, serial: 'NEW-1', implantedOn: '2026-05-01' },
    initialFill: { volumeMl: 40, drugLot: 'L', drugExpiresOn: '2027-01-01' },
    program: { drugId: 1, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
  };
  it('accepts a replacement and refuses an implant before the explant', () => {
    expect(replacePumpSchema.safeParse(valid).success).toBe(true);
    const early = replacePumpSchema.safeParse({
      ...valid,
      newPump: { ...valid.newPump, implantedOn: '2026-04-30' },
    });
    expect(fieldErrors(early.error!)['newPump.implantedOn']).toMatch(/before the old one is explanted/);
  });
  it('checks the program of the new pump under program.*', () => {
    const r = replacePumpSchema.safeParse({ ...valid, program: { ...valid.program, doseMcgPerDay: null } });
    expect(fieldErrors(r.error!)).toEqual({
      'program.doseMcgPerDay': 'Daily dose is required for a simple continuous program (mcg/day)',
    });
  });
});

describe('alertActionSchema', () => {
  it('needs a reason, and the days of a snooze', () => {
    expect(alertActionSchema.safeParse({ code: 'E3', action: 'acknowledge', reason: 'Called' }).success).toBe(
      true,
    );
    const fields = fieldErrors(
      alertActionSchema.safeParse({ code: 'E3', action: 'snooze', reason: 'ok' }).error!,
    );
    expect(fields).toEqual({
      reason: 'Reason is required (at least 3 characters)',
      snoozeDays: 'Choose how many days to snooze',
    });
    expect(
      fieldErrors(
        alertActionSchema.safeParse({ code: 'E3', action: 'snooze', reason: 'Called', snoozeDays: 31 })
          .error!,
      ).snoozeDays,
    ).toBe('Snooze must be 1 to 30 days');
  });
});
