import { getDb } from '@/db';
import { pumpInClinic } from '@/db/queries/pumps';
import { listVisits } from '@/db/queries/refills';
import { clinicActor } from '@/lib/clinic/actor';
import { recordVisit } from '@/lib/clinic/record-visit';
import { confirmSecondPerson } from '@/lib/auth/second-person';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';
import { recordVisitSchema } from '@/lib/validation/refill';

export const dynamic = 'force-dynamic';

/** The pump's fills and refills, newest first, with expected and aspirated residuals and the discrepancy flag. */
export const GET = api({ permission: 'clinical:read', reads: { resource: 'pump-visits' } }, async ({ staff, params, read }) => {
  const pumpId = parseId(params.id, 'pump');
  const db = getDb();
  read({ entityId: pumpId, patientIds: [pumpInClinic(db, staff.clinicId, pumpId).patientId] });
  return { visits: listVisits(db, staff.clinicId, pumpId) };
});

/**
 * Records a refill visit in one transaction. The discrepancy and its flag are computed here; the answer carries
 * the new forecast and open slots before the new due date. A physician's pending order is applied with
 * `applyOrderId`; a dose or concentration change without one is a physician's alone.
 */
export const POST = api(
  { permission: 'refills:write', body: recordVisitSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    const db = getDb();
    const now = requestNow();
    const second = await confirmSecondPerson(db, staff, body.secondPerson, 'secondPerson', now);
    return recordVisit(db, clinicActor(staff), pumpId, body, now, second);
  },
);
