import { getDb } from '@/db';
import { createStaff, listStaffWithLocks } from '@/db/queries/staff';
import { api } from '@/lib/http/api';
import { createStaffSchema } from '@/lib/validation/staff';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'staff:manage' }, async ({ staff }) => ({ staff: listStaffWithLocks(getDb(), staff.clinicId, requestNow()) }));

export const POST = api({ permission: 'staff:manage', body: createStaffSchema }, async ({ staff, body }) => {
  const created = await createStaff(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, body);
  return { staff: created };
});
