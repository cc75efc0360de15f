import { stringify } from 'csv-stringify/sync';
import { getDb } from '@/db';
import { clinicTimeZone } from '@/db/queries/clinics';
import { MAX_AUDIT_ROWS } from '@/db/queries/audit';
import { viewAudit } from '@/lib/audit/view';
import { formatInstantIso } from '@/lib/domain/calendar';
import { spreadsheetSafe } from '@/lib/export/clinic-zip';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { auditFilterFrom } from '@/lib/validation/audit-filter';

export const dynamic = 'force-dynamic';

/**
 * The filtered audit trail as CSV (up to 100,000 rows), in clinic time, one sentence per row and its changes in
 * units; clinical values only for `audit:values`, as on the page. Cells that a spreadsheet would run as
 * formulas are neutralised. The download is itself audited (an export of the audit log).
 */
export const GET = api({ permission: 'audit:read', reads: { resource: 'audit-log', action: 'export' } }, async ({ staff, request, read }) => {
  const db = getDb();
  const filter = auditFilterFrom(request.nextUrl.searchParams, clinicTimeZone(db, staff.clinicId));
  const view = viewAudit(db, staff, { ...filter, limit: MAX_AUDIT_ROWS, offset: 0 });
  read({ patientIds: view.patientIds, detail: { format: 'csv', rows: view.rows.length, query: request.nextUrl.searchParams.toString() } });
  const csv = stringify(
    view.rows.map(({ entry, presented }) =>
      [
        formatInstantIso(entry.at, view.timeZone),
        presented.who,
        entry.actorId,
        entry.action,
        presented.sentence,
        presented.changes.map((c) => `${c.field}: ${c.before ? `${c.before} → ` : ''}${c.after}`).join('; '),
        entry.entity,
        entry.entityId,
        entry.ipAddress,
        entry.userAgent,
        entry.id,
      ].map((v) => spreadsheetSafe(v)),
    ),
    {
      header: true,
      columns: [`at (${view.timeZone})`, 'who', 'actor_id', 'action', 'what', 'changes', 'entity', 'entity_id', 'ip_address', 'user_agent', 'row'],
    },
  );
  return new Response(`\uFEFF${csv}`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-${new Date(requestNow()).toISOString().slice(0, 10)}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
});
