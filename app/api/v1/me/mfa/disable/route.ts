import { getDb } from '@/db';
import { disableMfa } from '@/lib/auth/mfa';
import { requestNow } from '@/lib/clock';
import { ForbiddenError } from '@/lib/errors';
import { api, json } from '@/lib/http/api';
import { mfaPasswordSchema } from '@/lib/validation/staff';

export const dynamic = 'force-dynamic';

/** Switches two-step sign-in off (password again): 403 when the clinic requires it of one's role. */
export const POST = api({ permission: 'account:own', body: mfaPasswordSchema }, async ({ staff, body, request }) => {
  if (staff.via !== 'session') throw new ForbiddenError('Manage two-step sign-in while signed in, not with an API token.');
  const actor = { id: staff.id, name: staff.name, clinicId: staff.clinicId };
  const { cookies } = await disableMfa(getDb(), { actor, email: staff.email, now: requestNow(), role: staff.role }, request.headers, body.password);
  const response = json({ enrolled: false });
  for (const cookie of cookies) response.headers.append('Set-Cookie', cookie);
  return response;
});
