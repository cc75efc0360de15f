import { z } from 'zod';
import { localDate } from './common';
import { staffRoles } from '@/lib/domain/vocabulary';

const role = z.enum(staffRoles, { message: 'must be admin, physician, nurse or front-desk' });

export const createStaffSchema = z.object({
  name: z.string().trim().min(2, 'must be at least 2 characters').max(120, 'must be at most 120 characters'),
  email: z.string().trim().toLowerCase().pipe(z.email({ message: 'must be an email address' })).pipe(z.string().max(254)),
  role,
  password: z.string().min(12, 'must be at least 12 characters').max(128, 'must be at most 128 characters'),
});

export const updateStaffSchema = z.object({
  name: z.string().trim().min(2, 'must be at least 2 characters').max(120).optional(),
  role: role.optional(),
  disabled: z.boolean({ message: 'must be true or false' }).optional(),
  expectedUpdatedAt: z.number({ message: 'is required (the updatedAt you read)' }).int(),
});

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
});

export const auditQuerySchema = z.object({
  actorId: z.string().max(64).optional(),
  entity: z.string().max(40).optional(),
  entityId: z.string().max(64).optional(),
  action: z.string().max(20).optional(),
  patientId: z.coerce.number({ message: 'must be a patient number' }).int('must be a patient number').positive('must be a patient number').optional(),
  // A real calendar date, so "2026-13-45" is a 400 naming the field, not a 500 (issue 14, item 8).
  from: localDate.optional(),
  to: localDate.optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string({ message: 'is required' }).min(1, 'is required').max(128, 'must be at most 128 characters'),
  // Strength (zxcvbn, with the person's own name) is checked on the server: lib/auth/password-strength.ts.
  newPassword: z.string({ message: 'is required' }).min(12, 'must be at least 12 characters').max(128, 'must be at most 128 characters'),
});

/** A reset names the account version the admin saw: a reset racing another edit is a 409, not a surprise. */
export const resetPasswordSchema = z.object({
  expectedUpdatedAt: z.number({ message: 'is required (the updatedAt you read)' }).int(),
});

/** Steps of two-step sign-in that need the password again (/me/security). */
export const mfaPasswordSchema = z.object({
  password: z.string({ message: 'is required' }).min(1, 'is required').max(128, 'must be at most 128 characters'),
});

/** The 6-digit code an authenticator app shows (spaces, as some apps group the digits, are dropped). */
export const mfaCodeSchema = z.object({
  code: z
    .string({ message: 'is required' })
    .transform((v) => v.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'must be the 6 digits your authenticator app shows')),
});
