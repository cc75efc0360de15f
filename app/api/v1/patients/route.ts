import { getDb } from '@/db';
import { searchPatients } from '@/db/queries/patient-lookup';
import { clinicActor } from '@/lib/clinic/actor';
import { createPatientWithPump } from '@/lib/clinic/create-patient';
import { requestNow } from '@/lib/clock';
import { api, parseWith } from '@/lib/http/api';
import { plainParams } from '@/lib/validation/appointment';
import { createPatientSchema, patientSearchSchema } from '@/lib/validation/patient-create';

export const dynamic = 'force-dynamic';

/** Patients whose name or MRN contains ?q=, with their active pumps (at most ?limit=, default 20). */
export const GET = api(
  { permission: 'patients:read', reads: { resource: 'patient-search' } },
  async ({ staff, request, read }) => {
    const query = parseWith(patientSearchSchema, plainParams(request.nextUrl.searchParams));
    const patients = searchPatients(getDb(), staff.clinicId, query);
    // What was searched for is part of who looked for whom.
    read({ patientIds: patients.map((p) => p.id), detail: { query: query.q } });
    return { patients };
  },
);

/** A new patient with their pump, first program and initial fill, in one transaction. */
export const POST = api(
  { permission: 'patients:write', body: createPatientSchema },
  async ({ staff, body }) => {
    return createPatientWithPump(getDb(), clinicActor(staff), body, requestNow());
  },
);
