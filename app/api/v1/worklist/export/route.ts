import { getDb } from '@/db';
import { writeTransaction } from '@/db/client';
import { worklistFor } from '@/db/queries/front-desk';
import { listWorklist, type WorklistRow } from '@/db/queries/worklist';
import { requestNow } from '@/lib/clock';
import { ValidationError } from '@/lib/errors';
import { worklistCsv } from '@/lib/export/worklist-csv';
import { api } from '@/lib/http/api';
import { fieldErrors } from '@/lib/validation/errors';
import { worklistQueryFor } from '@/lib/validation/worklist';

export const dynamic = 'force-dynamic';

const PAGE = 200;

/**
 * The worklist as CSV: every pump the filter selects (the worklist page's filters; `page` and `pageSize` are
 * ignored), in the worklist's order. Audited as an export, in one snapshot of the database.
 */
export const GET = api({ permission: 'patients:read', reads: { resource: 'worklist', action: 'export' } }, async ({ staff, request, read }) => {
  const parsed = worklistQueryFor(request.nextUrl.searchParams, staff);
  if (!parsed.success) throw new ValidationError('Invalid worklist filter.', fieldErrors(parsed.error));
  const { page: _page, pageSize: _size, ...filter } = parsed.data;
  const db = getDb();
  const now = requestNow();
  const { rows, timeZone, today } = writeTransaction(db, () => {
    const all: WorklistRow[] = [];
    const first = listWorklist(db, staff.clinicId, { ...filter, viewerId: staff.id, page: 1, pageSize: PAGE }, now);
    all.push(...first.rows);
    for (let page = 2; (page - 1) * PAGE < first.total; page++) {
      const next = listWorklist(db, staff.clinicId, { ...filter, viewerId: staff.id, page, pageSize: PAGE }, now);
      all.push(...next.rows);
      if (next.rows.length === 0) break;
    }
    return { rows: all, timeZone: first.timeZone, today: first.today };
  });
  read({ patientIds: rows.map((r) => r.patientId), detail: { format: 'csv', rows: rows.length, filter } });
  return new Response(worklistCsv(worklistFor(staff.role, { rows }).rows, timeZone), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="worklist-${today}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
});
