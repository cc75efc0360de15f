import { getDb } from '@/db';
import { saveMapping, savedMapping } from '@/lib/clinic/import-patients';
import { importMappingSchema } from '@/lib/import';
import { api } from '@/lib/http/api';
import { clinicActor } from '@/lib/clinic/actor';

export const dynamic = 'force-dynamic';

/** The clinic's saved mapping (the last import's, or one saved here), or null. */
export const GET = api({ permission: 'patients:import' }, async ({ staff }) => ({
  mapping: savedMapping(getDb(), staff.clinicId),
}));

/** Saves a mapping for the clinic's next file without importing (audited). */
export const POST = api(
  { permission: 'patients:import', body: importMappingSchema },
  async ({ staff, body }) => {
    saveMapping(getDb(), clinicActor(staff), body);
    return { mapping: body };
  },
);
