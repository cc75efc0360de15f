import { getDb } from '@/db';
import { revokeToken } from '@/db/queries/staff';
import { api } from '@/lib/http/api';
import { parseId } from '@/lib/validation/ids';

export const dynamic = 'force-dynamic';

export const DELETE = api({ permission: 'tokens:own' }, async ({ staff, params }) => {
  revokeToken(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, parseId(params.id, 'token'));
  return { revoked: true };
});
