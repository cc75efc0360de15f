/**
 * What the signed-in staff member's own clinic calendar feed shows (decision 026). GET: the scope ("mine" or
 * "clinic"), whether it was chosen or is the default, and how many patients name them as managing physician.
 * PUT: choose it (audited); the feed follows at its next fetch, at the same address.
 */
import { getDb } from '@/db';
import { staffFeedScope } from '@/db/queries/feeds';
import { setStaffFeedScope } from '@/lib/clinic/feed-scope';
import { requestNow } from '@/lib/clock';
import { api } from '@/lib/http/api';
import { staffFeedScopeSchema } from '@/lib/validation/feeds';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'feeds:own' }, async ({ staff }) => staffFeedScope(getDb(), staff.clinicId, staff.id));

export const PUT = api({ permission: 'feeds:own', body: staffFeedScopeSchema }, async ({ staff, body }) =>
  setStaffFeedScope(getDb(), staff, body.scope, requestNow()),
);
