import { getDb } from '@/db';
import { createStaff, listStaffWithLocks } from '@/db/queries/staff';
import { api } from '@/lib/server/api';
import { createStaffSchema } from '@/lib/validation/staff';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'staff:manage' }, async ({ staff }) => ({ staff: listStaffWithLocks(getDb(), staff.clinicId, Date.now()) }));

export const POST = api({ permission: 'staff:manage', body: createStaffSchema }, async ({ staff, body }) => {
  const created = await createStaff(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, body);
  return { staff: created };
});
