import { getDb } from '@/db';
import { confirmEnrolment } from '@/lib/auth/mfa';
import { ForbiddenError } from '@/lib/errors';
import { api, json } from '@/lib/http/api';
import { mfaCodeSchema } from '@/lib/validation/staff';

export const dynamic = 'force-dynamic';

/** A first code from the app puts two-step sign-in in force. The session is renewed (new cookie). */
export const POST = api({ permission: 'account:own', body: mfaCodeSchema }, async ({ staff, body, request }) => {
  if (staff.via !== 'session') throw new ForbiddenError('Set up two-step sign-in while signed in, not with an API token.');
  const { cookies } = await confirmEnrolment(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, request.headers, body.code);
  const response = json({ enrolled: true }, { status: 201 });
  for (const cookie of cookies) response.headers.append('Set-Cookie', cookie);
  return response;
});
