import { getDb } from '@/db';
import { clinicActor } from '@/lib/clinic/actor';
import { completeFollowUp } from '@/lib/clinic/outreach';
import { requestNow } from '@/lib/clock';
import { api } from '@/lib/http/api';
import { parseId } from '@/lib/validation/ids';
import { followUpPatchSchema } from '@/lib/validation/outreach';

export const dynamic = 'force-dynamic';

/** Marks a follow-up task done (`{ version, done: true }`; 409 if it moved). */
export const PATCH = api({ permission: 'outreach:write', body: followUpPatchSchema }, async ({ staff, params, body }) =>
  completeFollowUp(getDb(), clinicActor(staff), parseId(params.id, 'follow-up'), body, requestNow()),
);
