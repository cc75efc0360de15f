/**
 * The signed-in staff member's own clinic calendar feed link. GET: whether one is active (never the token).
 * POST: issue a new link and revoke the old one at once (the token is in this response only). DELETE: revoke.
 */
import { getDb } from '@/db';
import { feedStatus, revokeFeedToken, rotateFeedToken, type FeedOwner } from '@/db/queries/feeds';
import type { Staff } from '@/lib/auth/session';
import { api } from '@/lib/http/api';
import { feedLink, publicOrigin } from '@/lib/feeds/serve';
import { rotateFeedSchema } from '@/lib/validation/feeds';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

const ownerOf = (staff: Staff): FeedOwner => ({ kind: 'clinic', clinicId: staff.clinicId, userId: staff.id });
const actorOf = (staff: Staff) => ({ id: staff.id, name: staff.name, clinicId: staff.clinicId });

export const GET = api({ permission: 'feeds:own' }, async ({ staff }) => feedStatus(getDb(), ownerOf(staff)));

export const POST = api({ permission: 'feeds:own', body: rotateFeedSchema }, async ({ staff, body, request }) => {
  const { token, status } = rotateFeedToken(getDb(), actorOf(staff), ownerOf(staff), body.replaces, requestNow());
  return { feed: status, link: await feedLink(publicOrigin(request), 'clinic', token) };
});

export const DELETE = api({ permission: 'feeds:own' }, async ({ staff }) =>
  revokeFeedToken(getDb(), actorOf(staff), ownerOf(staff), requestNow()),
);
