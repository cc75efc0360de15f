import { getDb } from '@/db';
import { clinicActor } from '@/lib/clinic/actor';
import { reviewDiscrepancy } from '@/lib/clinic/review-discrepancy';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';
import { discrepancyReviewSchema } from '@/lib/validation/patient';

export const dynamic = 'force-dynamic';

/** A physician reviews a visit's residual discrepancy (E5) with a note; the E5 alert closes. Answers the pump's alerts. */
export const POST = api(
  { permission: 'discrepancies:review', body: discrepancyReviewSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    const visitId = parseId(params.visitId, 'visit');
    return reviewDiscrepancy(getDb(), clinicActor(staff), pumpId, visitId, body, requestNow());
  },
);
