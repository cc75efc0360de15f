import { getDb } from '@/db';
import { setStaffOnDuty } from '@/db/queries/notifications';
import { NotFoundError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { staffDutySchema } from '@/lib/validation/notifications';

export const dynamic = 'force-dynamic';

/** On duty: receives the morning digest and "reminder could not be delivered" alerts. */
export const PATCH = api({ permission: 'staff:manage', body: staffDutySchema }, async ({ staff, body, params }) => {
  const id = params.id;
  if (!id || id.length > 64) throw new NotFoundError('No such staff member.');
  setStaffOnDuty(getDb(), staff, id, body.onDuty, requestNow());
  return { id, onDuty: body.onDuty };
});
