import { getDb } from '@/db';
import { mfaStatus } from '@/lib/auth/mfa';
import { api } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** Whether two-step sign-in is set up, whether the clinic requires it of one's role, recovery codes left. */
export const GET = api({ permission: 'account:own' }, async ({ staff }) => mfaStatus(getDb(), staff));
