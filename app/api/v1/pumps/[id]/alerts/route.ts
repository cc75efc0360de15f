import { getDb } from '@/db';
import { clinicActor } from '@/lib/clinic/actor';
import { actOnAlert } from '@/lib/clinic/alerts';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';
import { alertActionSchema } from '@/lib/validation/patient';

export const dynamic = 'force-dynamic';

/** Acknowledges or snoozes (1–30 days) an alert the pump raises now, with a reason; answers the pump's alerts. */
export const POST = api(
  { permission: 'alerts:acknowledge', body: alertActionSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    return { alerts: actOnAlert(getDb(), clinicActor(staff), pumpId, body, requestNow()) };
  },
);
