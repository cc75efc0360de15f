/**
 * A drug program version as staff enter it (mcg, mL, clinic-local HH:MM), shared by the program-change form,
 * the refill visit's optional dose change and the pump replacement. POST /api/v1/pumps/{id}/programs.
 */
import { z } from 'zod';
import { localTime, positive } from './common';

import { flexStepsProblem } from '@/lib/domain/flex-steps';
import { orderTimings, programModes, type ProgramMode } from '@/lib/domain/vocabulary';

export { programModes, type ProgramMode };

export const MAX_CONCENTRATION_MCG_PER_ML = 100_000;
export const MAX_DOSE_MCG_PER_DAY = 100_000;

const id = (label: string) =>
  z
    .number({ message: `${label} must be chosen` })
    .int(`${label} must be chosen`)
    .positive(`${label} must be chosen`);

export const concentrationMcgPerMl = positive('Concentration', MAX_CONCENTRATION_MCG_PER_ML, 'mcg/mL');
export const doseMcgPerDay = positive('Daily dose', MAX_DOSE_MCG_PER_DAY, 'mcg/day');

export const flexStepSchema = z.object({
  start: localTime,
  doseMcgPerHour: z
    .number({ message: 'Step dose must be a number (mcg/hour)' })
    .finite()
    .min(0, 'Step dose must be 0 or more mcg/hour')
    .max(10_000, 'Step dose must be at most 10000 mcg/hour'),
});

export const periodicBolusSchema = z.object({
  at: localTime,
  doseMcg: positive('Bolus dose', 10_000, 'mcg'),
});

export const patientBolusSchema = z.object({
  doseMcg: positive('Patient bolus dose', 10_000, 'mcg'),
  maxPerDay: z
    .number({ message: 'Boluses per day must be a whole number' })
    .int('Boluses per day must be a whole number')
    .min(1, 'Boluses per day must be at least 1')
    .max(48, 'Boluses per day must be at most 48'),
});

/** The fields of one program version; `refineProgram` adds the checks between fields. */
export const programFields = {
  drugId: id('Drug'),
  concentrationMcgPerMl,
  mode: z.enum(programModes, { message: 'Mode must be simple, flex or constant-flow' }),
  doseMcgPerDay: doseMcgPerDay.nullable().optional(),
  flexSteps: z
    .array(flexStepSchema, { message: 'Flex steps must be a list' })
    .min(1, 'A flex program needs at least one step')
    .max(48, 'At most 48 flex steps')
    .nullable()
    .optional(),
  periodicBoluses: z
    .array(periodicBolusSchema)
    .max(24, 'At most 24 periodic boluses a day')
    .nullable()
    .optional(),
  patientBolus: patientBolusSchema.nullable().optional(),
};

type ProgramShape = {
  mode: (typeof programModes)[number];
  doseMcgPerDay?: number | null;
  flexSteps?: { start: string; doseMcgPerHour: number }[] | null;
  periodicBoluses?: { at: string }[] | null;
  patientBolus?: unknown;
};

/** Checks between fields, with the path of the field to correct. `prefix` nests them (e.g. `program`). */
export function refineProgram(p: ProgramShape, ctx: z.RefinementCtx, prefix: (string | number)[] = []): void {
  if (p.mode === 'simple' && p.doseMcgPerDay == null)
    ctx.addIssue({
      code: 'custom',
      path: [...prefix, 'doseMcgPerDay'],
      message: 'Daily dose is required for a simple continuous program (mcg/day)',
    });
  if (p.mode === 'flex') {
    const problem = flexStepsProblem(p.flexSteps);
    if (problem) ctx.addIssue({ code: 'custom', path: [...prefix, 'flexSteps'], message: problem });
  }
  if (p.mode === 'constant-flow') {
    if (p.periodicBoluses?.length)
      ctx.addIssue({
        code: 'custom',
        path: [...prefix, 'periodicBoluses'],
        message: 'A constant-flow pump cannot give periodic boluses',
      });
    if (p.patientBolus)
      ctx.addIssue({
        code: 'custom',
        path: [...prefix, 'patientBolus'],
        message: 'A constant-flow pump cannot give patient boluses',
      });
  }
  const times = (p.periodicBoluses ?? []).map((b) => b.at);
  if (new Set(times).size !== times.length)
    ctx.addIssue({
      code: 'custom',
      path: [...prefix, 'periodicBoluses'],
      message: 'Two periodic boluses are at the same time: combine them',
    });
}

export const programSpecSchema = z.object(programFields).superRefine((p, ctx) => refineProgram(p, ctx));
export type ProgramSpecInput = z.infer<typeof programSpecSchema>;

/**
 * A second experienced provider who confirms a change (S55) with their own credentials: picking a name from a
 * list proves nothing, so their password is checked as at sign-in (and counts toward their lockout).
 */
export const secondPersonSchema = z.object({
  userId: z
    .string({ message: 'Second person must be chosen' })
    .trim()
    .min(1, 'Second person must be chosen')
    .max(64, 'Second person must be chosen'),
  password: z
    .string({ message: "The second person's password is required" })
    .min(1, "The second person's password is required")
    .max(256, "The second person's password is at most 256 characters"),
});
export type SecondPersonInput = z.infer<typeof secondPersonSchema>;

export { orderTimings, type OrderTiming } from '@/lib/domain/vocabulary';

/**
 * POST /api/v1/pumps/{id}/programs: a physician's order, naming the version it replaces. 'now' applies it at
 * once and must keep the drug and concentration in the reservoir; 'next-refill' waits for the nurse to apply it
 * at the refill, where a new drug or concentration goes in with its bridge bolus (reference.md B5).
 */
export const changeProgramSchema = z
  .object({
    ...programFields,
    timing: z.enum(orderTimings, { message: 'Timing must be now or next-refill' }).default('now'),
    /** The version number of the active program the physician read (optimistic concurrency). */
    expectedVersionNo: z
      .number({ message: 'Program version read is required (reload the page)' })
      .int('Program version read is required (reload the page)')
      .min(1, 'Program version read is required (reload the page)'),
    reason: z
      .string({ message: 'Reason is required' })
      .trim()
      .min(3, 'Reason is required (at least 3 characters)')
      .max(500, 'Reason must be at most 500 characters'),
    /** Required when the dose step is unusual over 24 h (E7) or the drug changes. */
    secondPerson: secondPersonSchema.nullable().optional(),
  })
  .superRefine((p, ctx) => refineProgram(p, ctx));
export type ChangeProgramInput = z.infer<typeof changeProgramSchema>;

/** Quantities in the unit staff think in: baclofen and ziconotide in mcg, morphine in mg. */
export function unitFactor(doseUnit: 'mcg' | 'mg'): number {
  return doseUnit === 'mg' ? 1000 : 1;
}
