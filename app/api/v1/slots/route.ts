import { getDb } from '@/db';
import { openSlotsForPump } from '@/db/queries/appointments';
import { api, parseWith } from '@/lib/http/api';
import { plainParams, slotQuerySchema } from '@/lib/validation/appointment';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

/** Open slots for a pump on or before its refill due date (?pumpId=&count=&durationMinutes=). */
export const GET = api({ permission: 'patients:read' }, async ({ staff, request }) => {
  const query = parseWith(slotQuerySchema, plainParams(request.nextUrl.searchParams));
  return openSlotsForPump(
    getDb(),
    staff.clinicId,
    query.pumpId,
    { count: query.count, durationMinutes: query.durationMinutes },
    requestNow(),
  );
});
