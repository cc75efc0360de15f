import { getDb } from '@/db';
import { viewAudit } from '@/lib/audit/view';
import { api } from '@/lib/http/api';
import { auditFilterFrom } from '@/lib/validation/audit-filter';
import { clinicTimeZone } from '@/db/queries/clinics';

export const dynamic = 'force-dynamic';

/**
 * The clinic's audit trail, newest first, 100 a page: each row in a sentence and its changes in units, with
 * clinical values only for `audit:values` (docs/security.md). Reading it is itself audited.
 */
export const GET = api({ permission: 'audit:read', reads: { resource: 'audit-log' } }, async ({ staff, request, read }) => {
  const db = getDb();
  const filter = auditFilterFrom(request.nextUrl.searchParams, clinicTimeZone(db, staff.clinicId));
  const view = viewAudit(db, staff, { ...filter, limit: 100, offset: (filter.page - 1) * 100 });
  read({ patientIds: view.patientIds, detail: { query: request.nextUrl.searchParams.toString(), rows: view.rows.length } });
  return {
    total: view.total,
    timeZone: view.timeZone,
    withValues: view.withValues,
    rows: view.rows.map(({ entry, presented }) => ({ ...entry, text: presented.sentence, changes: presented.changes, from: presented.from })),
  };
});
