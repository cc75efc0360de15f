import { z } from 'zod';
import { plainParams } from './appointment';

export const patientListStatuses = ['all', 'active', 'explanted', 'no-pump'] as const;

/** The patient list's search and filter, from the page's query string. Empty values mean the default. */
export const patientListQuerySchema = z.object({
  q: z.string().trim().max(100, 'must be at most 100 characters').default(''),
  status: z.enum(patientListStatuses, { message: 'must be one of all, active, explanted, no-pump' }).default('all'),
  page: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(100_000).default(1),
  pageSize: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(200, 'must be at most 200').default(50),
});

export type PatientListQuery = z.infer<typeof patientListQuerySchema>;

export function patientListQueryFrom(params: Record<string, string | string[] | undefined>) {
  return patientListQuerySchema.safeParse(plainParams(params));
}
