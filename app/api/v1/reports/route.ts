import { z } from 'zod';
import { getDb } from '@/db';
import { clinicReport } from '@/db/queries/reports';
import { requestNow } from '@/lib/clock';
import { ValidationError } from '@/lib/errors';
import { reportModelsCsv, reportMonthsCsv } from '@/lib/export/reports-csv';
import { api } from '@/lib/http/api';
import { plainParams } from '@/lib/validation/appointment';
import { fieldErrors } from '@/lib/validation/errors';

export const dynamic = 'force-dynamic';

const querySchema = z.object({
  format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).default('json'),
  table: z.enum(['months', 'models'], { message: 'must be months or models' }).default('months'),
});

/**
 * The clinic's reports of the last twelve months (docs/api.md): JSON, or one of its two tables as CSV
 * (`?format=csv&table=months|models`). Aggregates only, no patient named.
 */
export const GET = api({ permission: 'patients:read', reads: { resource: 'reports' } }, async ({ staff, request, read }) => {
  const parsed = querySchema.safeParse(plainParams(request.nextUrl.searchParams));
  if (!parsed.success) throw new ValidationError('Invalid report query.', fieldErrors(parsed.error));
  const now = requestNow();
  const report = clinicReport(getDb(), staff.clinicId, now);
  // Aggregates of the clinic's records: audited as a read that names no one patient.
  read({ patientIds: [], detail: { format: parsed.data.format, table: parsed.data.table } });
  if (parsed.data.format === 'json') return Response.json(report, { headers: { 'Cache-Control': 'no-store' } });
  const csv = parsed.data.table === 'months' ? reportMonthsCsv(report) : reportModelsCsv(report);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="report-${parsed.data.table}-${report.today}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
});
