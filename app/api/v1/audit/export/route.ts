import { stringify } from 'csv-stringify/sync';
import { getDb } from '@/db';
import { audit, listAudit } from '@/db/queries/audit';
import { clinicTimeZone } from '@/db/queries/clinics';
import { spreadsheetSafe, type ExportValue } from '@/lib/export/clinic-zip';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { auditFilterFrom } from '@/lib/validation/audit-filter';

export const dynamic = 'force-dynamic';

/** The filtered audit trail as CSV (up to 100,000 rows). Cells that a spreadsheet would run as formulas are neutralised. */
export const GET = api({ permission: 'audit:read' }, async ({ staff, request }) => {
  const db = getDb();
  const filter = auditFilterFrom(request.nextUrl.searchParams, clinicTimeZone(db, staff.clinicId));
  const { rows } = listAudit(db, staff.clinicId, { ...filter, limit: 100_000, offset: 0 });
  audit(db, { id: staff.id, name: staff.name, clinicId: staff.clinicId }, 'export', 'audit-log', null, null, { rows: rows.length });
  const csv = stringify(
    rows.map((r) => [new Date(r.at).toISOString(), r.actorLabel, r.actorId, r.action, r.entity, r.entityId, r.before, r.after].map((v) => spreadsheetSafe(v as ExportValue))),
    { header: true, columns: ['at', 'actor', 'actor_id', 'action', 'entity', 'entity_id', 'before', 'after'] },
  );
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-${new Date(requestNow()).toISOString().slice(0, 10)}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
});
