import { getDb } from '@/db';
import { patientFor } from '@/db/queries/front-desk';
import { patientDetail } from '@/db/queries/patients';
import { clinicActor } from '@/lib/clinic/actor';
import { updatePatient } from '@/lib/clinic/patients';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';
import { updatePatientSchema } from '@/lib/validation/patient';

export const dynamic = 'force-dynamic';

/**
 * The patient's record: details, risk flags, pumps, programs, live forecasts with alerts, visits, appointments; for
 * the front desk (no `clinical:read`) the scheduling view only (`view: 'scheduling'`, db/queries/front-desk.ts).
 */
export const GET = api(
  { permission: 'patients:read', reads: { resource: 'patient' } },
  async ({ staff, params, read }) => {
    const detail = patientDetail(getDb(), staff.clinicId, parseId(params.id, 'patient'), requestNow());
    read({ entityId: detail.patient.id, patientIds: [detail.patient.id] });
    return patientFor(staff.role, detail);
  },
);

/** Demographics, caregiver, risk flags, backup plan, managing physician: only if `version` is still current (409). */
export const PATCH = api(
  { permission: 'patients:write', body: updatePatientSchema },
  async ({ staff, params, body }) => {
    const patientId = parseId(params.id, 'patient');
    return updatePatient(getDb(), clinicActor(staff), patientId, body, requestNow());
  },
);
