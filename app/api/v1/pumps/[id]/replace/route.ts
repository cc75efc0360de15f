import { getDb } from '@/db';
import { clinicActor } from '@/lib/clinic/actor';
import { replacePump } from '@/lib/clinic/pumps';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';
import { replacePumpSchema } from '@/lib/validation/patient';

export const dynamic = 'force-dynamic';

/** Explants the pump and implants its replacement (pump, first program, initial fill) in one transaction. */
export const POST = api(
  { permission: 'patients:write', body: replacePumpSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    return replacePump(getDb(), clinicActor(staff), pumpId, body, requestNow());
  },
);
