/**
 * Adding a patient with their pump, its first program and the initial fill: one form, one POST
 * (/api/v1/patients), one transaction. Quantities come in the units staff read on the pump programmer (mL, mcg);
 * the server stores them exactly (µL, ng). Checks that need the catalogue (the model's reservoir and alarm, the
 * drug's concentrations) are made by the server against the database and reported under the same field paths.
 */
import { z } from 'zod';
import { alarmVolumeProblem } from '@/lib/domain/volumes';
import { localDate, localTime, namedLocalDate } from './common';

import { flexStepsProblem } from '@/lib/domain/flex-steps';
import { nameOrders, programModes, spasticityOrigins } from '@/lib/domain/vocabulary';
import { flexStepSchema } from './program';

export { programModes, spasticityOrigins };

const text = (label: string, max: number) =>
  z
    .string({ message: `${label} must be text` })
    .trim()
    .max(max, `${label} must be at most ${max} characters`);
const required = (label: string, max: number) => text(label, max).min(1, `${label} is required`);

/** mL with at most 3 decimals (1 µL), within [min, max]. */
const ml = (label: string, min: number, max: number, options: { exclusiveMin?: boolean } = {}) =>
  z
    .number({ message: `${label} must be a number of mL` })
    .finite(`${label} must be a number of mL`)
    .refine(
      (v) => (options.exclusiveMin ? v > min : v >= min) && v <= max,
      `${label} must be ${options.exclusiveMin ? 'more than' : 'from'} ${min} ${options.exclusiveMin ? 'and at most' : 'to'} ${max} mL`,
    )
    .refine(
      (v) => Number.isInteger(Math.round(v * 1e6) / 1e3),
      `${label} may have at most 3 decimals (1 µL)`,
    );

const mcg = (label: string, max: number, unit: string) =>
  z
    .number({ message: `${label} must be a number (${unit})` })
    .finite(`${label} must be a number (${unit})`)
    .gt(0, `${label} must be more than 0 ${unit}`)
    .max(max, `${label} must be at most ${max} ${unit}`)
    .refine((v) => Number.isInteger(Math.round(v * 1e6) / 1e3), `${label} may have at most 3 decimals`);

const phone = (label: string) =>
  text(label, 40).regex(
    /^[0-9+()\-.\s/]*(ext\.?\s*\d+)?$/i,
    `${label} may contain digits, spaces and + ( ) - . / only`,
  );

/** The identity fields, one rule each for adding a patient and correcting one (PATCH /api/v1/patients/{id}). */
export const mrnSchema = required('MRN', 32).regex(
  /^[A-Za-z0-9][A-Za-z0-9\-/.]*$/,
  'MRN may contain letters, digits and - / . only',
);
export const givenNameSchema = required('Given name', 80);
export const familyNameSchema = required('Family name', 80);
export const nameOrderSchema = z.enum(nameOrders, { message: 'Name order must be given-first or family-first' });
export const dateOfBirthSchema = namedLocalDate('Date of birth').refine(
  (d) => d >= '1900-01-01',
  'Date of birth must be after 1900',
);
export const spasticityOriginSchema = z.enum(spasticityOrigins, {
  message: 'Spasticity origin must be spinal, cerebral or other',
});

export const newPatientSchema = z.object({
  mrn: mrnSchema,
  givenName: givenNameSchema,
  familyName: familyNameSchema,
  nameOrder: nameOrderSchema.default('given-first'),
  dateOfBirth: dateOfBirthSchema,
  phone: phone('Phone').default(''),
  address: text('Address', 300).default(''),
  caregiverName: text('Caregiver name', 120).default(''),
  caregiverPhone: phone('Caregiver phone').default(''),
  spasticityOrigin: spasticityOriginSchema,
  riskInjuryT6OrAbove: z.boolean().default(false),
  riskCommunication: z.boolean().default(false),
  riskPriorWithdrawal: z.boolean().default(false),
  riskHearingImpaired: z.boolean().default(false),
  backupOralPlan: text('Backup oral baclofen plan', 1000).default(''),
  allergies: text('Allergies', 1000).default(''),
  managingPhysicianId: z.string().trim().max(64).nullable().default(null),
});

export const newPumpSchema = z.object({
  modelId: z
    .number({ message: 'Choose the pump model' })
    .int('Choose the pump model')
    .positive('Choose the pump model'),
  serial: required('Serial number', 40),
  implantedOn: localDate,
  /** Defaults to the model's alarm volume; required when the model has none (e.g. Prometra). */
  alarmMl: ml('Alarm volume', 0, 100)
    .superRefine((v, ctx) => {
      // The model-independent part of the one alarm rule; the server adds the model's volume and the reservoir.
      const problem = alarmVolumeProblem(v, Infinity, null);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** Defaults to the model's reservoir; required when the model has none (constant-flow pumps). */
  reservoirMl: ml('Reservoir', 0, 100, { exclusiveMin: true }).optional(),
  /** Constant-flow pumps only: the fixed flow rate. */
  flowMlPerDay: ml('Flow rate', 0, 20, { exclusiveMin: true }).optional(),
  catheterVolumeMl: ml('Catheter volume', 0, 10).nullable().default(null),
});

export const newProgramSchema = z
  .object({
    drugId: z
      .number({ message: 'Choose the drug product' })
      .int('Choose the drug product')
      .positive('Choose the drug product'),
    /** One of the drug's listed concentrations, exactly (ng/mL). */
    concentrationNgPerMl: z
      .number({ message: 'Choose a concentration from the drug’s list' })
      .int('Choose a concentration from the drug’s list')
      .positive('Choose a concentration from the drug’s list'),
    mode: z.enum(programModes, { message: 'Mode must be simple, flex or constant-flow' }),
    /** Simple mode: the daily dose in mcg (morphine's mg × 1000). */
    doseMcgPerDay: mcg('Daily dose', 100_000, 'mcg/day').optional(),
    flexSteps: z
      .array(flexStepSchema)
      .min(1, 'A flex program needs at least one step')
      .max(48, 'At most 48 steps')
      .optional(),
    patientBolus: z
      .object({
        doseMcg: mcg('Patient bolus dose', 10_000, 'mcg'),
        maxPerDay: z
          .number({ message: 'Boluses per day must be a whole number from 1 to 48' })
          .int('Boluses per day must be a whole number from 1 to 48')
          .min(1, 'Boluses per day must be a whole number from 1 to 48')
          .max(48, 'Boluses per day must be a whole number from 1 to 48'),
      })
      .nullable()
      .default(null),
  })
  .superRefine((p, ctx) => {
    if (p.mode === 'simple' && p.doseMcgPerDay === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['doseMcgPerDay'],
        message: 'Daily dose is required for a simple continuous program',
      });
    if (p.mode === 'flex') {
      const problem = flexStepsProblem(p.flexSteps);
      if (problem) ctx.addIssue({ code: 'custom', path: ['flexSteps'], message: problem });
    }
  });

export const initialFillSchema = z.object({
  /** Clinic-local date and time of the fill. */
  date: localDate,
  time: localTime,
  volumeMl: ml('Fill volume', 0, 100, { exclusiveMin: true }),
  drugLot: required('Drug lot', 40),
  drugExpiresOn: localDate.nullable().default(null),
});

export const createPatientSchema = z.object({
  patient: newPatientSchema,
  pump: newPumpSchema,
  program: newProgramSchema,
  initialFill: initialFillSchema,
});

export type CreatePatientInput = z.infer<typeof createPatientSchema>;
export type CreatePatientBody = z.input<typeof createPatientSchema>;

/** GET /api/v1/patients?q= : a name or MRN search for pickers (booking, worklist). */
export const patientSearchSchema = z.object({
  q: z.string().trim().max(100, 'Search must be at most 100 characters').default(''),
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 to 50')
    .max(50, 'must be 1 to 50')
    .default(20),
});
