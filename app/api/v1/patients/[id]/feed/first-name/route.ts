/**
 * The patient's consent to their first name in their own calendar feed (docs/feeds.md). GET: the consent, with
 * its date and who recorded it. PUT: record or withdraw it (the patient record's `version`: 409 if it moved).
 */
import { getDb } from '@/db';
import { feedFirstNameConsent } from '@/db/queries/feeds';
import { recordFeedFirstNameConsent } from '@/lib/clinic/feed-consent';
import { requestNow } from '@/lib/clock';
import { api } from '@/lib/http/api';
import { feedFirstNameConsentSchema } from '@/lib/validation/feeds';
import { parseId } from '@/lib/validation/ids';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'feeds:manage' }, async ({ staff, params }) => {
  return feedFirstNameConsent(getDb(), staff.clinicId, parseId(params.id, 'patient'));
});

export const PUT = api({ permission: 'feeds:manage', body: feedFirstNameConsentSchema }, async ({ staff, params, body }) => {
  return recordFeedFirstNameConsent(getDb(), staff, parseId(params.id, 'patient'), body, requestNow());
});
