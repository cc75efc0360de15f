import { getDb } from '@/db';
import { worklistFor } from '@/db/queries/front-desk';
import { listWorklist } from '@/db/queries/worklist';
import { ValidationError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { fieldErrors } from '@/lib/validation/errors';
import { worklistQueryFor } from '@/lib/validation/worklist';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'patients:read', reads: { resource: 'worklist' } }, async ({ staff, request, read }) => {
  const parsed = worklistQueryFor(request.nextUrl.searchParams, staff);
  if (!parsed.success) throw new ValidationError('Invalid worklist filter.', fieldErrors(parsed.error));
  const page = worklistFor(staff.role, listWorklist(getDb(), staff.clinicId, { ...parsed.data, viewerId: staff.id }, requestNow()));
  read({ patientIds: page.rows.map((r) => r.patientId), detail: { query: request.nextUrl.searchParams.toString() } });
  return page;
});
