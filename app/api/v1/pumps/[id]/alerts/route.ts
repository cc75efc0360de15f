import { getDb } from '@/db';
import { actOnAlert } from '@/db/queries/patients';
import { api } from '@/lib/server/api';
import { requestNow } from '@/lib/server/clock';
import { parseId } from '@/lib/validation/ids';
import { alertActionSchema } from '@/lib/validation/patient';

export const dynamic = 'force-dynamic';

/** Acknowledges or snoozes (1–30 days) an alert the pump raises now, with a reason; answers the pump's alerts. */
export const POST = api(
  { permission: 'alerts:acknowledge', body: alertActionSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    return { alerts: actOnAlert(getDb(), staff, pumpId, body, requestNow()) };
  },
);
