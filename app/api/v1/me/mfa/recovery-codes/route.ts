import { getDb } from '@/db';
import { regenerateRecoveryCodes } from '@/lib/auth/mfa';
import { requestNow } from '@/lib/clock';
import { ForbiddenError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { mfaPasswordSchema } from '@/lib/validation/staff';

export const dynamic = 'force-dynamic';

/** Ten new one-time recovery codes (password again), shown once; the old ones stop working. */
export const POST = api({ permission: 'account:own', body: mfaPasswordSchema }, async ({ staff, body, request }) => {
  if (staff.via !== 'session') throw new ForbiddenError('Manage two-step sign-in while signed in, not with an API token.');
  const actor = { id: staff.id, name: staff.name, clinicId: staff.clinicId };
  return regenerateRecoveryCodes(getDb(), { actor, email: staff.email, now: requestNow() }, request.headers, body.password);
});
