import type { AuditFilter } from '@/db/queries/audit';
import { addDaysToLocalDate, localDateTimeToInstant } from '@/lib/domain/calendar';
import { ValidationError } from '@/lib/errors';
import { fieldErrors } from '@/lib/validation/errors';
import { auditQuerySchema } from '@/lib/validation/staff';

/** Audit filters from a query string; dates are days in the clinic's zone `zone` (to is inclusive). */
export function auditFilterFrom(
  params: URLSearchParams | Record<string, string | undefined>,
  zone: string,
): AuditFilter & { page: number } {
  const plain = Object.fromEntries(
    (params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params)).filter(
      ([, v]) => v !== undefined && v !== '',
    ),
  );
  const parsed = auditQuerySchema.safeParse(plain);
  if (!parsed.success) throw new ValidationError('Invalid audit filter.', fieldErrors(parsed.error));
  const q = parsed.data;
  return {
    actorId: q.actorId,
    entity: q.entity,
    entityId: q.entityId,
    action: q.action,
    patientId: q.patientId,
    from: q.from ? localDateTimeToInstant(q.from, '00:00', zone) : undefined,
    to: q.to ? localDateTimeToInstant(addDaysToLocalDate(q.to, 1), '00:00', zone) - 1 : undefined,
    page: q.page ?? 1,
  };
}
