import { getDb } from '@/db';
import { listAudit } from '@/db/queries/audit';
import { api } from '@/lib/http/api';
import { auditFilterFrom } from '@/lib/validation/audit-filter';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'audit:read' }, async ({ staff, request }) => {
  const db = getDb();
  const filter = auditFilterFrom(db, staff.clinicId, request.nextUrl.searchParams);
  return listAudit(db, staff.clinicId, { ...filter, limit: 100, offset: (filter.page - 1) * 100 });
});
