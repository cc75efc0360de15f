/**
 * A refill visit as the nurse records it (POST /api/v1/pumps/{id}/visits). Volumes in mL, concentration and dose in
 * mcg. The expected residual, the discrepancy and its flag are NOT input: the server computes them (a client that
 * sends them is ignored), because a wrong flag hides an under-infusion.
 */
import { z } from 'zod';
import { isoInstant, localDate, positive } from './common';
import { concentrationMcgPerMl, doseMcgPerDay } from './program';

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
    bridgeBolusNote: z
      .string()
      .trim()
      .max(500, 'Bridge bolus note must be at most 500 characters')
      .default(''),
    /** The nurse confirms saving a concentration change with no bridge bolus recorded (E8). */
    confirmNoBridgeBolus: z.boolean({ message: 'must be true or false' }).default(false),
    /** The second person who verified the refill (a staff member of the clinic). */
    verifiedById: z.string().trim().max(64).nullable().optional(),
    notes: z.string().trim().max(2000, 'Notes must be at most 2000 characters').default(''),
  })
  .superRefine((v, ctx) => {
    if (v.bridgeBolusGiven && v.bridgeBolusNote === '')
      ctx.addIssue({
        code: 'custom',
        path: ['bridgeBolusNote'],
        message: 'Describe the bridge bolus given (volume and duration)',
      });
  });

export type RecordVisitInput = z.infer<typeof recordVisitSchema>;
