/**
 * A refill visit as the nurse records it (POST /api/v1/pumps/{id}/visits). Volumes in mL, concentration and dose in
 * mcg. The expected residual, the discrepancy and its flag are NOT input: the server computes them (a client that
 * sends them is ignored), because a wrong flag hides an under-infusion.
 */
import { z } from 'zod';
import {
  bridgeBolusVolumeProblem,
  fillConfirmationMethods,
  missingPocketFillSafeguards,
  replacedAppointmentActions,
} from '@/lib/domain/refill';
import { isoInstant, localDate, positive } from './common';
import { concentrationMcgPerMl, doseMcgPerDay, secondPersonSchema } from './program';

/**
 * 2 mL: warn when a fill comes within 2 mL of the reservoir's capacity. One text fills a 20 mL pump with 18 mL
 * "for safety" and the refill protocol says "DO NOT OVERFILL" (reference.md B6b, S13, S52). A fill above the
 * capacity is refused outright.
 */
export const FILL_WARN_MARGIN_ML = 2;

export const recordVisitSchema = z
  .object({
    /** When the residual was aspirated; defaults to now. Must not be in the future or before the last fill. */
    performedAt: isoInstant.optional(),
    aspiratedResidualMl: z
      .number({ message: 'Aspirated residual must be a number (mL)' })
      .finite('Aspirated residual must be a number (mL)')
      .min(0, 'Aspirated residual must be 0 mL or more')
      .max(100, 'Aspirated residual must be at most 100 mL'),
    volumeFilledMl: positive('Volume filled', 100, 'mL'),
    drugId: z
      .number({ message: 'Drug product must be chosen' })
      .int('Drug product must be chosen')
      .positive('Drug product must be chosen'),
    drugLot: z
      .string({ message: 'Lot number is required' })
      .trim()
      .min(1, 'Lot number is required')
      .max(40, 'Lot number must be at most 40 characters'),
    drugExpiresOn: z
      .string({ message: 'Expiry date is required' })
      .min(1, 'Expiry date is required')
      .pipe(localDate),
    concentrationMcgPerMl,
    /** A new daily dose (simple continuous programs), or null/absent for no change. */
    newDoseMcgPerDay: doseMcgPerDay.nullable().optional(),
    /** Patient-activated boluses the pump log shows since the last refill (they count in the expected residual). */
    patientBolusesTaken: z
      .number({ message: 'Patient boluses taken must be a whole number' })
      .int('Patient boluses taken must be a whole number')
      .min(0, 'Patient boluses taken must be 0 or more')
      .max(10_000, 'Patient boluses taken must be at most 10000')
      .optional(),
    bridgeBolusGiven: z.boolean({ message: 'must be true or false' }).default(false),
    /** The volume the bridge bolus drew from the reservoir (B5): required when one was given. */
    bridgeBolusMl: z
      .number({ message: 'Bridge bolus volume must be a number (mL)' })
      .finite('Bridge bolus volume must be a number (mL)')
      .nullable()
      .optional(),
    bridgeBolusNote: z
      .string()
      .trim()
      .max(500, 'Bridge bolus note must be at most 500 characters')
      .default(''),
    /** The nurse re-measured or confirms a CRITICAL residual discrepancy (E5) before it is saved. */
    confirmDiscrepancy: z.boolean({ message: 'must be true or false' }).default(false),
    /** Pocket-fill safeguards of reference.md G1 steps 4–6 (E6): see lib/domain/refill.ts. */
    needlePlacementConfirmed: z.boolean({ message: 'must be true or false' }).default(false),
    residualCheckedBeforeFill: z.boolean({ message: 'must be true or false' }).default(false),
    templateUsed: z.boolean({ message: 'must be true or false' }).default(false),
    fillConfirmationMethod: z
      .enum(fillConfirmationMethods, {
        message: 'Fill confirmation must be aspiration-back, ultrasound or fluoroscopy',
      })
      .nullable()
      .optional(),
    /**
     * What to do with each booked appointment this refill replaces (lib/domain/refill.ts
     * appointmentsReplacedByRefill); one not named gets its default (done, or keep for a later one).
     */
    replacedAppointments: z
      .array(
        z.object({
          appointmentId: z
            .number({ message: 'Appointment must be chosen' })
            .int('Appointment must be chosen')
            .positive('Appointment must be chosen'),
          action: z.enum(replacedAppointmentActions, { message: 'must be done, cancel or keep' }),
        }),
        { message: 'must be a list of appointments and what to do with each' },
      )
      .max(20, 'at most 20 appointments')
      .default([]),
    /** The nurse confirms saving a concentration change with no bridge bolus recorded (E8). */
    confirmNoBridgeBolus: z.boolean({ message: 'must be true or false' }).default(false),
    /** The second person who verified the refill, with their own password (E7, S55). */
    secondPerson: secondPersonSchema.nullable().optional(),
    /** The physician's pending order applied at this refill (GET /api/v1/pumps/{id}/orders). */
    applyOrderId: z
      .number({ message: 'Order must be chosen' })
      .int('Order must be chosen')
      .positive('Order must be chosen')
      .nullable()
      .optional(),
    notes: z.string().trim().max(2000, 'Notes must be at most 2000 characters').default(''),
  })
  .superRefine((v, ctx) => {
    if (v.bridgeBolusGiven) {
      const problem =
        v.bridgeBolusMl == null
          ? 'Bridge bolus volume is required (mL): it is drawn from the reservoir'
          : typeof v.volumeFilledMl === 'number'
            ? bridgeBolusVolumeProblem(v.volumeFilledMl, v.bridgeBolusMl)
            : null;
      if (problem) ctx.addIssue({ code: 'custom', path: ['bridgeBolusMl'], message: problem });
    }
    for (const { field, message } of missingPocketFillSafeguards(v))
      ctx.addIssue({ code: 'custom', path: [field], message });
  });

export type RecordVisitInput = z.infer<typeof recordVisitSchema>;
/** The JSON body a client sends: the visit time is an ISO 8601 string with an offset, never epoch ms. */
export type RecordVisitBody = z.input<typeof recordVisitSchema>;
