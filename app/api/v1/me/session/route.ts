import { api } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * "Still here": the browser calls it while someone types (at most once a minute) and on "Stay signed in", so a
 * long form counts as activity for the server's idle limit too (lib/auth/session.ts records each request).
 */
export const GET = api({ permission: 'account:own' }, async ({ staff }) => ({ signedIn: true, via: staff.via }));
