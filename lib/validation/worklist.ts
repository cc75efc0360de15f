import { z } from 'zod';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD');

/** Worklist filters, from a query string (page URL or GET /api/v1/worklist). Empty values mean "any". */
export const worklistQuerySchema = z.object({
  status: z.enum(['empty', 'critical', 'overdue', 'due-soon', 'ok'], { message: 'must be one of empty, critical, overdue, due-soon, ok' }).optional(),
  physicianId: z.string().max(64).optional(),
  q: z.string().max(100, 'must be at most 100 characters').optional(),
  dueFrom: date.optional(),
  dueTo: date.optional(),
  view: z.enum(['today', 'mine'], { message: 'must be today or mine' }).optional(),
  page: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(100_000).optional(),
  pageSize: z.coerce.number().int().min(1).max(200, 'must be at most 200').optional(),
});

export type WorklistQuery = z.infer<typeof worklistQuerySchema>;

function plainParams(params: Record<string, string | string[] | undefined> | URLSearchParams): Record<string, string> {
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  const plain: Record<string, string> = {};
  for (const [k, v] of entries) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && value !== '') plain[k] = value;
  }
  return plain;
}

/**
 * The filters for a signed-in user: `view=mine` lists the patients a physician manages, so it is refused, with the
 * field named, for any other role (nobody else manages patients) and beside another physician's `physicianId`.
 */
export function worklistQueryFor(
  params: Record<string, string | string[] | undefined> | URLSearchParams,
  viewer: { id: string; role: string },
) {
  return worklistQuerySchema
    .superRefine((q, ctx) => {
      if (q.view !== 'mine') return;
      if (viewer.role !== 'physician')
        ctx.addIssue({ code: 'custom', path: ['view'], message: '“My patients” is for physicians: the patients they manage' });
      else if (q.physicianId && q.physicianId !== viewer.id)
        ctx.addIssue({ code: 'custom', path: ['physicianId'], message: 'cannot be another physician with “My patients”' });
    })
    .safeParse(plainParams(params));
}
