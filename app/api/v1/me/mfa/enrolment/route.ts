import { getDb } from '@/db';
import { startEnrolment } from '@/lib/auth/mfa';
import { requestNow } from '@/lib/clock';
import { ForbiddenError } from '@/lib/errors';
import { api } from '@/lib/http/api';
import { mfaPasswordSchema } from '@/lib/validation/staff';

export const dynamic = 'force-dynamic';

/** Starts an enrolment (password again): the otpauth URI, its QR code, the secret as text and the recovery codes. */
export const POST = api({ permission: 'account:own', body: mfaPasswordSchema }, async ({ staff, body, request }) => {
  if (staff.via !== 'session') throw new ForbiddenError('Set up two-step sign-in while signed in, not with an API token.');
  const actor = { id: staff.id, name: staff.name, clinicId: staff.clinicId };
  return startEnrolment(getDb(), { actor, email: staff.email, now: requestNow() }, request.headers, body.password);
});
