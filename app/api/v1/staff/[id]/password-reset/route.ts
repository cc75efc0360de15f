import { getDb } from '@/db';
import { resetStaffPassword } from '@/db/queries/staff';
import { NotFoundError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { resetPasswordSchema } from '@/lib/validation/staff';

export const dynamic = 'force-dynamic';

/** A one-time temporary password, answered once to the admin; the person must replace it at sign-in. */
export const POST = api({ permission: 'staff:manage', body: resetPasswordSchema }, async ({ staff, params, body }) => {
  const id = params.id;
  if (!id || id.length > 64) throw new NotFoundError('No such staff member.');
  return resetStaffPassword(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, id, body.expectedUpdatedAt);
});
