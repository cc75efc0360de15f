import { getDb } from '@/db';
import { clinicActor } from '@/lib/clinic/actor';
import { bookTitrationSeries } from '@/lib/clinic/titration';
import { requestNow } from '@/lib/clock';
import { api } from '@/lib/http/api';
import { titrationSeriesSchema } from '@/lib/validation/appointment';
import { parseId } from '@/lib/validation/ids';

export const dynamic = 'force-dynamic';

/** Books the titration visits after an implant, all or none (issue 18, item 5). */
export const POST = api(
  { permission: 'appointments:write', body: titrationSeriesSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    return { appointments: bookTitrationSeries(getDb(), clinicActor(staff), pumpId, body, requestNow()) };
  },
);
