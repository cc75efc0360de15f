import { getDb } from '@/db';
import { changeProgram, listPrograms } from '@/db/queries/programs';
import { api } from '@/lib/server/api';
import { requestNow } from '@/lib/server/clock';
import { parseId } from '@/lib/validation/ids';
import { changeProgramSchema } from '@/lib/validation/program';

export const dynamic = 'force-dynamic';

/** Every version of the pump's drug program, newest first (the active one has `supersededAt: null`). */
export const GET = api({ permission: 'patients:read' }, async ({ staff, params }) => {
  const pumpId = parseId(params.id, 'pump');
  return { programs: listPrograms(getDb(), staff.clinicId, pumpId) };
});

/** A new program version, effective now; 409 when the active version is no longer `expectedVersionNo`. */
export const POST = api(
  { permission: 'programs:write', body: changeProgramSchema },
  async ({ staff, params, body }) => {
    const pumpId = parseId(params.id, 'pump');
    return changeProgram(getDb(), staff, pumpId, body, requestNow());
  },
);
