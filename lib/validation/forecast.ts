/**
 * The what-if forecast request (POST /api/v1/forecast), documented in docs/api.md. Every field is checked
 * and named in the error; the result converts straight to the engine's input.
 */
import { z } from 'zod';
import { programModes, pumpKinds } from '@/lib/domain/vocabulary';
import {
  DEFAULT_DISCREPANCY_FLOOR_ML,
  DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
  DEFAULT_DISCREPANCY_LIMIT_SMALL_ML,
  DEFAULT_STABILITY_BUFFER_DAYS,
  usualDoseLimits,
} from '@/lib/domain/policy';
import type { ForecastInput, ProgramVersion } from '@/lib/domain/types';
import { alarmVolumeProblem, overfillProblem } from '@/lib/domain/volumes';
import { isoInstant, localDate, localTime, positive, timeZone, weekdays } from './common';

const discrepancyMl = (max: number) =>
  z
    .number({ message: `must be a number from 0 to ${max} mL` })
    .finite(`must be a number from 0 to ${max} mL`)
    .min(0, `must be a number from 0 to ${max} mL`)
    .max(max, `must be a number from 0 to ${max} mL`);

const flexStep = z.object({
  start: localTime,
  doseMcgPerHour: z
    .number({ message: 'must be a number (mcg/hour)' })
    .finite()
    .min(0, 'must be 0 or more mcg/hour')
    .max(10_000, 'must be at most 10000 mcg/hour'),
});

const program = z
  .object({
    from: isoInstant,
    concentrationMcgPerMl: positive('Concentration', 100_000, 'mcg/mL'),
    mode: z.enum(programModes, { message: 'must be simple, flex or constant-flow' }),
    doseMcgPerDay: positive('Daily dose', 100_000, 'mcg/day').optional(),
    steps: z
      .array(flexStep)
      .min(1, 'a flex program needs at least one step')
      .max(48, 'at most 48 steps')
      .optional(),
    periodicBoluses: z
      .array(z.object({ at: localTime, doseMcg: positive('Bolus dose', 10_000, 'mcg') }))
      .max(24, 'at most 24 periodic boluses a day')
      .optional(),
    patientBolus: z
      .object({
        doseMcg: positive('Patient bolus dose', 10_000, 'mcg'),
        maxPerDay: z
          .number({ message: 'must be a whole number' })
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(48, 'must be at most 48'),
      })
      .nullable()
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.mode === 'simple' && p.doseMcgPerDay === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['doseMcgPerDay'],
        message: 'is required for a simple continuous program (mcg/day)',
      });
    if (p.mode === 'flex') {
      if (!p.steps)
        ctx.addIssue({ code: 'custom', path: ['steps'], message: 'is required for a flex program' });
      else {
        const starts = p.steps.map((st) => st.start);
        if (new Set(starts).size !== starts.length)
          ctx.addIssue({ code: 'custom', path: ['steps'], message: 'step start times must differ' });
        if ([...starts].sort().join() !== starts.join())
          ctx.addIssue({ code: 'custom', path: ['steps'], message: 'steps must be in order of start time' });
      }
    }
  });

export const forecastRequestSchema = z
  .object({
    now: isoInstant,
    clinic: z.object({
      timeZone,
      bufferDays: z
        .number({ message: 'must be a whole number of days' })
        .int('must be a whole number of days')
        .min(0, 'must be 0 or more days')
        .max(60, 'must be at most 60 days')
        .default(7),
      dueSoonDays: z
        .number({ message: 'must be a whole number of days' })
        .int('must be a whole number of days')
        .min(0)
        .max(120, 'must be at most 120 days')
        .default(14),
      clinicWeekdays: weekdays.default([1, 2, 3, 4, 5]),
      holidays: z.array(localDate).max(1000, 'at most 1000 holidays').default([]),
      accuracyPct: z
        .number()
        .finite()
        .min(0, 'must be 0 to 100 %')
        .max(100, 'must be 0 to 100 %')
        .default(15),
      discrepancyFloorMl: discrepancyMl(5).default(DEFAULT_DISCREPANCY_FLOOR_ML),
      discrepancyLimitSmallMl: discrepancyMl(20).default(DEFAULT_DISCREPANCY_LIMIT_SMALL_ML),
      discrepancyLimitLargeMl: discrepancyMl(20).optional(),
      /** Before the revised B4 rule: the one "minimum discrepancy"; now read as the large-reservoir limit. */
      discrepancyMinMl: discrepancyMl(20).optional(),
      stabilityBufferDays: z
        .number({ message: 'must be a whole number of days' })
        .int('must be a whole number of days')
        .min(0, 'must be 0 or more days')
        .max(60, 'must be at most 60 days')
        .default(DEFAULT_STABILITY_BUFFER_DAYS),
    }),
    pump: z
      .object({
        kind: z.enum(pumpKinds, { message: 'must be programmable or constant-flow' }),
        reservoirMl: positive('Reservoir', 100, 'mL'),
        alarmMl: z
          .number({ message: 'must be a number (mL)' })
          .finite()
          .min(0, 'must be 0 or more mL')
          .max(100),
        flowMlPerDay: positive('Flow rate', 20, 'mL/day').optional(),
        implantedOn: localDate.nullable().optional(),
        maxServiceYears: z.number().int().min(1).max(50).nullable().optional(),
        eriRecordedOn: localDate.nullable().optional(),
        labeledDrugs: z.array(z.string().trim().min(1).max(80)).max(20).nullable().optional(),
      })
      .superRefine((p, ctx) => {
        // A what-if pump has no catalogue model: the 2 mL practical floor applies (reference.md B6b).
        const alarmProblem = alarmVolumeProblem(p.alarmMl, p.reservoirMl, null);
        if (alarmProblem) ctx.addIssue({ code: 'custom', path: ['alarmMl'], message: alarmProblem });
        if (p.kind === 'constant-flow' && p.flowMlPerDay === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['flowMlPerDay'],
            message: 'is required for a constant-flow pump (mL/day)',
          });
      }),
    lastRefill: z.object({
      at: isoInstant,
      volumeMl: z
        .number({ message: 'must be a number (mL)' })
        .finite()
        .min(0, 'must be 0 or more mL')
        .max(100),
    }),
    drug: z.object({
      name: z.string().trim().min(1, 'is required').max(80),
      stabilityDays: z
        .number({ message: 'must be a whole number of days' })
        .int('must be a whole number of days')
        .min(1, 'must be at least 1 day')
        .max(400, 'must be at most 400 days'),
      usualMaxDoseMcgPerDay: positive('Usual maximum dose', 1_000_000, 'mcg/day').nullable().optional(),
    }),
    programs: z
      .array(program, { message: 'must be a list of program versions' })
      .min(1, 'needs at least one program version')
      .max(100, 'at most 100 versions'),
    nextAppointmentAt: isoInstant.nullable().default(null),
    highRisk: z.boolean().optional(),
    hasBackupOralPlan: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    // Only the overfill half of the fill rule: a what-if fill at or below the alarm is a valid question (it alarms at once).
    const overfill = overfillProblem(r.lastRefill.volumeMl, r.pump.reservoirMl, 'Fill volume');
    if (overfill) ctx.addIssue({ code: 'custom', path: ['lastRefill', 'volumeMl'], message: overfill });
    if (r.lastRefill.at > r.now)
      ctx.addIssue({ code: 'custom', path: ['lastRefill', 'at'], message: 'must not be after now' });
    r.programs.forEach((p, i) => {
      const prev = r.programs[i - 1];
      if (prev && p.from < prev.from)
        ctx.addIssue({
          code: 'custom',
          path: ['programs', i, 'from'],
          message: 'versions must be in time order',
        });
      if (r.pump.kind === 'constant-flow' && p.mode !== 'constant-flow')
        ctx.addIssue({
          code: 'custom',
          path: ['programs', i, 'mode'],
          message: 'must be constant-flow for a constant-flow pump',
        });
      if (r.pump.kind === 'programmable' && p.mode === 'constant-flow')
        ctx.addIssue({
          code: 'custom',
          path: ['programs', i, 'mode'],
          message: 'constant-flow needs a constant-flow pump',
        });
    });
  });

export type ForecastRequest = z.infer<typeof forecastRequestSchema>;

export function toForecastInput(r: ForecastRequest): ForecastInput {
  const { discrepancyMinMl, discrepancyLimitLargeMl, ...clinic } = r.clinic;
  // E9 fires by default: without a limit from the caller, the catalogue's limit for the drug applies (item 10).
  const limits = usualDoseLimits(r.drug.name);
  return {
    now: r.now,
    clinic: {
      ...clinic,
      discrepancyLimitLargeMl: discrepancyLimitLargeMl ?? discrepancyMinMl ?? DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
    },
    pump: r.pump,
    lastRefill: r.lastRefill,
    drug: {
      name: r.drug.name,
      stabilityDays: r.drug.stabilityDays,
      usualMaxDoseMcgPerDay: r.drug.usualMaxDoseMcgPerDay ?? limits?.usualMaxDoseMcgPerDay ?? null,
      highestReportedDoseMcgPerDay: limits?.highestReportedDoseMcgPerDay ?? null,
    },
    programs: r.programs.map((p): ProgramVersion => ({
      from: p.from,
      concentrationMcgPerMl: p.concentrationMcgPerMl,
      mode: p.mode,
      doseMcgPerDay: p.doseMcgPerDay,
      steps: p.steps,
      periodicBoluses: p.periodicBoluses,
      patientBolus: p.patientBolus ?? null,
    })),
    nextAppointmentAt: r.nextAppointmentAt,
    highRisk: r.highRisk,
    hasBackupOralPlan: r.hasBackupOralPlan,
  };
}
