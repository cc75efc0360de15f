import { getDb } from '@/db';
import { listWorklist } from '@/db/queries/worklist';
import { ValidationError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { fieldErrors } from '@/lib/validation/errors';
import { worklistQueryFrom } from '@/lib/validation/worklist';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'patients:read' }, async ({ staff, request }) => {
  const parsed = worklistQueryFrom(request.nextUrl.searchParams);
  if (!parsed.success) throw new ValidationError('Invalid worklist filter.', fieldErrors(parsed.error));
  return listWorklist(getDb(), staff.clinicId, parsed.data, requestNow());
});
