import { getDb } from '@/db';
import { getClinicSettings } from '@/db/queries/settings';
import { clinicActor } from '@/lib/clinic/actor';
import { updateClinicSettings } from '@/lib/clinic/settings';
import { requestNow } from '@/lib/clock';
import { api } from '@/lib/http/api';
import { settingsPatchSchema } from '@/lib/validation/settings';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'settings:read' }, async ({ staff }) => {
  return getClinicSettings(getDb(), staff.clinicId);
});

/** Any subset of the settings plus the `version` read; a policy change refreshes every stored forecast. */
export const PATCH = api(
  { permission: 'settings:write', body: settingsPatchSchema },
  async ({ staff, body }) => {
    return updateClinicSettings(getDb(), clinicActor(staff), body, requestNow());
  },
);
