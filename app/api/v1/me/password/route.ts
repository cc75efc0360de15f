import { getDb } from '@/db';
import { changeOwnPassword } from '@/db/queries/staff';
import { ForbiddenError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { changePasswordSchema } from '@/lib/validation/staff';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

export const POST = api({ permission: 'account:own', body: changePasswordSchema }, async ({ staff, body }) => {
  // A personal API token must not be able to take over its owner's account.
  if (staff.via !== 'session') throw new ForbiddenError('Change your password while signed in, not with an API token.');
  await changeOwnPassword(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, body, staff.sessionId, requestNow());
  return { changed: true };
});
