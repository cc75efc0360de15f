/**
 * Editing a patient and their pumps: PATCH /api/v1/patients/{id}, PATCH /api/v1/pumps/{id},
 * POST /api/v1/pumps/{id}/replace and POST /api/v1/pumps/{id}/alerts. Every edit names the `version` it read.
 */
import { z } from 'zod';
import { alarmVolumeProblem } from '@/lib/domain/volumes';
import { alertActions } from '@/lib/domain/vocabulary';
import { localDate, positive } from './common';
import {
  dateOfBirthSchema,
  familyNameSchema,
  givenNameSchema,
  mrnSchema,
  nameOrderSchema,
  spasticityOriginSchema,
} from './patient-create';
import { programFields, refineProgram } from './program';

const version = z
  .number({ message: 'Version read is required (reload the page)' })
  .int('Version read is required (reload the page)')
  .min(1, 'Version read is required (reload the page)');

const text = (label: string, max: number) =>
  z
    .string({ message: `${label} must be text` })
    .trim()
    .max(max, `${label} must be at most ${max} characters`);
const flag = z.boolean({ message: 'must be true or false' });

export const updatePatientSchema = z
  .object({
    version,
    // Identity: the same rules as when the patient was added (a correction, audited; the printed card is then
    // outdated because its fingerprint covers name, date of birth and MRN).
    mrn: mrnSchema.optional(),
    givenName: givenNameSchema.optional(),
    familyName: familyNameSchema.optional(),
    nameOrder: nameOrderSchema.optional(),
    dateOfBirth: dateOfBirthSchema.optional(),
    phone: text('Phone', 40).optional(),
    address: text('Address', 300).optional(),
    caregiverName: text('Caregiver name', 120).optional(),
    caregiverPhone: text('Caregiver phone', 40).optional(),
    spasticityOrigin: spasticityOriginSchema.optional(),
    riskInjuryT6OrAbove: flag.optional(),
    riskCommunication: flag.optional(),
    riskPriorWithdrawal: flag.optional(),
    riskHearingImpaired: flag.optional(),
    backupOralPlan: text('Backup oral plan', 1000).optional(),
    allergies: text('Allergies', 500).optional(),
    managingPhysicianId: z.string().trim().max(64).nullable().optional(),
    notes: text('Notes', 4000).optional(),
  })
  .refine((v) => Object.keys(v).length > 1, {
    message: 'Nothing to change: send at least one field besides version',
    path: ['(body)'],
  });
export type UpdatePatientInput = z.infer<typeof updatePatientSchema>;

/** The model-independent part of the alarm rule here (the 2 mL floor); the server adds the model's and the reservoir's. */
export const alarmMl = z
  .number({ message: 'Alarm volume must be a number (mL)' })
  .finite('Alarm volume must be a number (mL)')
  .max(20, 'Alarm volume must be at most 20 mL')
  .superRefine((v, ctx) => {
    const problem = alarmVolumeProblem(v, Infinity, null);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const updatePumpSchema = z
  .object({
    version,
    alarmMl: alarmMl.optional(),
    catheterVolumeMl: z
      .number({ message: 'Catheter volume must be a number (mL)' })
      .finite()
      .min(0, 'Catheter volume must be 0 mL or more')
      .max(5, 'Catheter volume must be at most 5 mL')
      .nullable()
      .optional(),
    eriRecordedOn: localDate.nullable().optional(),
    /** Setting an explant date explants the pump: it leaves the worklist and its booked refills are cancelled. */
    explantedOn: localDate.optional(),
    reason: text('Reason', 500).optional(),
  })
  .superRefine((v, ctx) => {
    if (Object.keys(v).filter((k) => k !== 'version' && k !== 'reason').length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['(body)'],
        message: 'Nothing to change: send alarmMl, catheterVolumeMl, eriRecordedOn or explantedOn',
      });
    if (v.explantedOn && (v.reason ?? '') === '')
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Reason for the explant is required' });
  });
export type UpdatePumpInput = z.infer<typeof updatePumpSchema>;

export const replacePumpSchema = z
  .object({
    version,
    explantedOn: z
      .string({ message: 'Explant date is required' })
      .min(1, 'Explant date is required')
      .pipe(localDate),
    reason: text('Reason', 500).min(3, 'Reason is required (at least 3 characters)'),
    newPump: z.object({
      modelId: z.number({ message: 'Pump model must be chosen' }).int().positive('Pump model must be chosen'),
      serial: text('Serial number', 60).min(1, 'Serial number is required'),
      implantedOn: localDate,
      /** Defaults to the model's alarm volume (2 mL for SynchroMed II, reference.md S32). */
      alarmMl: alarmMl.nullable().optional(),
      /** Defaults to the model's reservoir; required for models without one (Codman 3000). */
      reservoirMl: positive('Reservoir', 100, 'mL').nullable().optional(),
      flowMlPerDay: positive('Flow rate', 20, 'mL/day').nullable().optional(),
      catheterVolumeMl: z
        .number()
        .finite()
        .min(0, 'Catheter volume must be 0 mL or more')
        .max(5, 'Catheter volume must be at most 5 mL')
        .nullable()
        .optional(),
    }),
    initialFill: z.object({
      volumeMl: positive('Initial fill', 100, 'mL'),
      drugLot: text('Lot number', 40).min(1, 'Lot number is required'),
      drugExpiresOn: z
        .string({ message: 'Expiry date is required' })
        .min(1, 'Expiry date is required')
        .pipe(localDate),
    }),
    program: z.object(programFields).superRefine((p, ctx) => refineProgram(p, ctx)),
  })
  .superRefine((v, ctx) => {
    if (v.newPump.implantedOn < v.explantedOn)
      ctx.addIssue({
        code: 'custom',
        path: ['newPump', 'implantedOn'],
        message: 'The new pump cannot be implanted before the old one is explanted',
      });
  });
export type ReplacePumpInput = z.infer<typeof replacePumpSchema>;

export const alertActionSchema = z
  .object({
    code: z
      .string({ message: 'Alert code is required' })
      .regex(/^E\d{1,2}$/, 'Alert code must look like E1 … E19'),
    action: z.enum(alertActions, { message: 'Action must be acknowledge or snooze' }),
    reason: z
      .string({ message: 'Reason is required' })
      .trim()
      .min(3, 'Reason is required (at least 3 characters)')
      .max(500, 'Reason must be at most 500 characters'),
    snoozeDays: z
      .number({ message: 'Snooze must be a whole number of days' })
      .int('Snooze must be a whole number of days')
      .min(1, 'Snooze must be 1 to 30 days')
      .max(30, 'Snooze must be 1 to 30 days')
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.action === 'snooze' && v.snoozeDays === undefined)
      ctx.addIssue({ code: 'custom', path: ['snoozeDays'], message: 'Choose how many days to snooze' });
  });
export type AlertActionInput = z.infer<typeof alertActionSchema>;

/** A physician's review of a residual discrepancy (E5): what was done or decided, in words. */
export const discrepancyReviewSchema = z.object({
  note: z
    .string({ message: 'Review note is required' })
    .trim()
    .min(3, 'Review note is required (at least 3 characters)')
    .max(1000, 'Review note must be at most 1000 characters'),
});
export type DiscrepancyReviewInput = z.infer<typeof discrepancyReviewSchema>;
