import { getDb } from '@/db';
import { pumpInClinic } from '@/db/queries/pumps';
import { listPrograms } from '@/db/queries/programs';
import { clinicActor } from '@/lib/clinic/actor';
import { changeProgram } from '@/lib/clinic/change-program';
import { confirmSecondPerson } from '@/lib/auth/second-person';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';
import { changeProgramSchema } from '@/lib/validation/program';

export const dynamic = 'force-dynamic';

/** Every version of the pump's drug program, newest first (the active one has `supersededAt: null`). */
export const GET = api({ permission: 'clinical:read', reads: { resource: 'pump-programs' } }, async ({ staff, params, read }) => {
  const pumpId = parseId(params.id, 'pump');
  const db = getDb();
  read({ entityId: pumpId, patientIds: [pumpInClinic(db, staff.clinicId, pumpId).patientId] });
  return { programs: listPrograms(db, staff.clinicId, pumpId) };
});

/**
 * A physician's order: applied now (a new version that keeps the drug and concentration in the reservoir), or
 * pending for the next refill. 409 when the active version is no longer `expectedVersionNo`.
 */
export const POST = api(
  { permission: 'programs:write', body: changeProgramSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    const db = getDb();
    const now = requestNow();
    const second = await confirmSecondPerson(db, staff, body.secondPerson, 'secondPerson', now);
    return changeProgram(db, clinicActor(staff), pumpId, body, now, second);
  },
);
