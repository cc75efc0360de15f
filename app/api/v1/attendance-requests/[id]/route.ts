import { getDb } from '@/db';
import { clinicActor } from '@/lib/clinic/actor';
import { handleAttendanceRequest } from '@/lib/clinic/outreach';
import { requestNow } from '@/lib/clock';
import { api } from '@/lib/http/api';
import { parseId } from '@/lib/validation/ids';
import { attendanceRequestPatchSchema } from '@/lib/validation/outreach';

export const dynamic = 'force-dynamic';

/** The front desk has dealt with a patient's request for another time (`{ handled: true }`). */
export const PATCH = api({ permission: 'outreach:write', body: attendanceRequestPatchSchema }, async ({ staff, params }) =>
  handleAttendanceRequest(getDb(), clinicActor(staff), parseId(params.id, 'request'), requestNow()),
);
