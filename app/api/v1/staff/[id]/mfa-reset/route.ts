import { getDb } from '@/db';
import { resetStaffMfa } from '@/lib/auth/mfa';
import { requestNow } from '@/lib/clock';
import { NotFoundError } from '@/lib/errors';
import { api } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** The admin's reset of a staff member's two-step sign-in (a lost phone): removed, their sessions ended, audited. */
export const POST = api({ permission: 'staff:manage' }, async ({ staff, params }) => {
  const id = params.id;
  if (!id || id.length > 64) throw new NotFoundError('No such staff member.');
  return resetStaffMfa(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, id, requestNow());
});
