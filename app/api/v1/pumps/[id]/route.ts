import { getDb } from '@/db';
import { updatePump } from '@/db/queries/patients';
import { api } from '@/lib/server/api';
import { requestNow } from '@/lib/server/clock';
import { parseId } from '@/lib/validation/ids';
import { updatePumpSchema } from '@/lib/validation/patient';

export const dynamic = 'force-dynamic';

/** Alarm volume, catheter volume, ERI date, or explant (`explantedOn` + `reason`), with the `version` read. */
export const PATCH = api(
  { permission: 'patients:write', body: updatePumpSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    return updatePump(getDb(), staff, pumpId, body, requestNow());
  },
);
