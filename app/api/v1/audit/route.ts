import { getDb } from '@/db';
import { listAudit } from '@/db/queries/audit';
import { clinicTimeZone } from '@/db/queries/clinics';
import { api } from '@/lib/http/api';
import { auditFilterFrom } from '@/lib/validation/audit-filter';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'audit:read' }, async ({ staff, request }) => {
  const db = getDb();
  const filter = auditFilterFrom(request.nextUrl.searchParams, clinicTimeZone(db, staff.clinicId));
  return listAudit(db, staff.clinicId, { ...filter, limit: 100, offset: (filter.page - 1) * 100 });
});
