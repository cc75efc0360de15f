import { getDb } from '@/db';
import { pumpInClinic } from '@/db/queries/pumps';
import { openSlotsForPump } from '@/db/queries/appointments';
import { api, parseWith } from '@/lib/http/api';
import { plainParams, slotQuerySchema } from '@/lib/validation/appointment';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

/** Open slots for a pump on or before its refill due date (?pumpId=&count=&durationMinutes=). */
export const GET = api({ permission: 'patients:read', reads: { resource: 'pump-slots' } }, async ({ staff, request, read }) => {
  const query = parseWith(slotQuerySchema, plainParams(request.nextUrl.searchParams));
  const db = getDb();
  read({ entityId: query.pumpId, patientIds: [pumpInClinic(db, staff.clinicId, query.pumpId).patientId] });
  return openSlotsForPump(
    db,
    staff.clinicId,
    query.pumpId,
    { count: query.count, durationMinutes: query.durationMinutes },
    requestNow(),
  );
});
