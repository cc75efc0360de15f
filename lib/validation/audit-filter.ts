import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { AuditFilter } from '@/db/queries/audit';
import { clinics } from '@/db/schema';
import { addDaysToLocalDate, localDateTimeToInstant } from '@/lib/domain/calendar';
import { ValidationError } from '@/lib/errors';
import { fieldErrors } from '@/lib/validation/errors';
import { auditQuerySchema } from '@/lib/validation/staff';

/** Audit filters from a query string; dates are clinic-local days (to is inclusive). */
export function auditFilterFrom(db: Pick<Db, 'select'>, clinicId: number, params: URLSearchParams | Record<string, string | undefined>): AuditFilter & { page: number } {
  const plain = Object.fromEntries(
    (params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params)).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = auditQuerySchema.safeParse(plain);
  if (!parsed.success) throw new ValidationError('Invalid audit filter.', fieldErrors(parsed.error));
  const zone = db.select({ tz: clinics.timeZone }).from(clinics).where(eq(clinics.id, clinicId)).get()?.tz ?? 'UTC';
  const q = parsed.data;
  return {
    actorId: q.actorId,
    entity: q.entity,
    entityId: q.entityId,
    action: q.action,
    from: q.from ? localDateTimeToInstant(q.from, '00:00', zone) : undefined,
    to: q.to ? localDateTimeToInstant(addDaysToLocalDate(q.to, 1), '00:00', zone) - 1 : undefined,
    page: q.page ?? 1,
  };
}
