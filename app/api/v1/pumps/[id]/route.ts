import { getDb } from '@/db';
import { clinicActor } from '@/lib/clinic/actor';
import { updatePump } from '@/lib/clinic/pumps';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';
import { updatePumpSchema } from '@/lib/validation/patient';

export const dynamic = 'force-dynamic';

/** Alarm volume, catheter volume, ERI date, or explant (`explantedOn` + `reason`), with the `version` read. */
export const PATCH = api(
  { permission: 'patients:write', body: updatePumpSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    return updatePump(getDb(), clinicActor(staff), pumpId, body, requestNow());
  },
);
