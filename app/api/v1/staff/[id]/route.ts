import { getDb } from '@/db';
import { updateStaff } from '@/db/queries/staff';
import { NotFoundError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { updateStaffSchema } from '@/lib/validation/staff';

export const dynamic = 'force-dynamic';

export const PATCH = api({ permission: 'staff:manage', body: updateStaffSchema }, async ({ staff, body, params }) => {
  const id = params.id;
  if (!id || id.length > 64) throw new NotFoundError('No such staff member.');
  return { staff: updateStaff(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, id, body) };
});
