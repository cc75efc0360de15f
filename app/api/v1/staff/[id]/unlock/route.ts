import { getDb } from '@/db';
import { unlockStaff } from '@/db/queries/staff';
import { NotFoundError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

export const POST = api({ permission: 'staff:manage' }, async ({ staff, params }) => {
  const id = params.id;
  if (!id || id.length > 64) throw new NotFoundError('No such staff member.');
  return unlockStaff(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, id, requestNow());
});
