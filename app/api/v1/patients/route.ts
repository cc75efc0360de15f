import { getDb } from '@/db';
import { readsClinicalRecord } from '@/db/queries/front-desk';
import { searchPatients } from '@/db/queries/patient-lookup';
import { clinicActor } from '@/lib/clinic/actor';
import { z } from 'zod';
import { createPatientRecordProblems, createPatientWithPump } from '@/lib/clinic/create-patient';
import { ValidationError } from '@/lib/errors';
import { fieldErrors } from '@/lib/validation/errors';
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
    const found = searchPatients(getDb(), staff.clinicId, query);
    // The front desk's scheduling view leaves out the pump serial (docs/security.md, db/queries/front-desk.ts).
    const patients = readsClinicalRecord(staff.role)
      ? found
      : found.map((p) => ({ ...p, pumps: p.pumps.map(({ serial: _serial, ...pump }) => pump) }));
    // What was searched for is part of who looked for whom.
    read({ patientIds: patients.map((p) => p.id), detail: { query: query.q } });
    return { patients };
  },
);

/**
 * A new patient with their pump, first program and initial fill, in one transaction. A body the schema refuses is
 * answered with every problem found: the schema's, and the record checks that can run on the parts that were
 * typed correctly (createPatientRecordProblems), so the form shows them all in one pass.
 */
export const POST = api(
  { permission: 'patients:write', body: z.unknown() },
  async ({ staff, body }) => {
    const now = requestNow();
    const parsed = createPatientSchema.safeParse(body);
    if (!parsed.success) {
      const fields = { ...createPatientRecordProblems(getDb(), staff.clinicId, body, now), ...fieldErrors(parsed.error) };
      throw new ValidationError(`Invalid input: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`, fields);
    }
    return createPatientWithPump(getDb(), clinicActor(staff), parsed.data, now);
  },
);
