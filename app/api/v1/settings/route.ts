import { getDb } from '@/db';
import { getClinicSettings, updateClinicSettings } from '@/db/queries/settings';
import { api } from '@/lib/server/api';
import { settingsPatchSchema } from '@/lib/validation/settings';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'settings:read' }, async ({ staff }) => {
  return getClinicSettings(getDb(), staff.clinicId);
});

/** Any subset of the settings plus the `version` read; a policy change refreshes every stored forecast. */
export const PATCH = api(
  { permission: 'settings:write', body: settingsPatchSchema },
  async ({ staff, body }) => {
    return updateClinicSettings(getDb(), staff, body, Date.now());
  },
);
