/**
 * A patient's calendar feed link. GET: whether one is active (never the token). POST: issue a new link and
 * revoke the old one in the same transaction (the token is in this response only). DELETE: revoke.
 */
import { getDb } from '@/db';
import { feedStatus, patientFeedOwner, revokeFeedToken, rotateFeedToken } from '@/db/queries/feeds';
import { api } from '@/lib/http/api';
import { feedLink, publicOrigin } from '@/lib/feeds/serve';
import { rotateFeedSchema } from '@/lib/validation/feeds';
import { parseId } from '@/lib/validation/ids';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

const actorOf = (staff: { id: string; name: string; clinicId: number }) => ({ id: staff.id, name: staff.name, clinicId: staff.clinicId });

export const GET = api({ permission: 'feeds:manage' }, async ({ staff, params }) => {
  const db = getDb();
  return feedStatus(db, patientFeedOwner(db, staff.clinicId, parseId(params.id, 'patient')));
});

export const POST = api({ permission: 'feeds:manage', body: rotateFeedSchema }, async ({ staff, params, body, request }) => {
  const db = getDb();
  const owner = patientFeedOwner(db, staff.clinicId, parseId(params.id, 'patient'));
  const { token, status } = rotateFeedToken(db, actorOf(staff), owner, body.replaces, requestNow());
  return { feed: status, link: await feedLink(publicOrigin(request), 'patient', token) };
});

export const DELETE = api({ permission: 'feeds:manage' }, async ({ staff, params }) => {
  const db = getDb();
  const owner = patientFeedOwner(db, staff.clinicId, parseId(params.id, 'patient'));
  return revokeFeedToken(db, actorOf(staff), owner, requestNow());
});
