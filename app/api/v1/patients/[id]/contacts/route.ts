import { getDb } from '@/db';
import { patientContactLog } from '@/db/queries/outreach';
import { patientInClinic } from '@/db/queries/patients';
import { clinicActor } from '@/lib/clinic/actor';
import { logContactAttempt } from '@/lib/clinic/outreach';
import { requestNow } from '@/lib/clock';
import { api } from '@/lib/http/api';
import { parseId } from '@/lib/validation/ids';
import { contactAttemptSchema } from '@/lib/validation/outreach';

export const dynamic = 'force-dynamic';

/** The patient's contact attempts and follow-up tasks (issue 16 item 4). */
export const GET = api({ permission: 'patients:read', reads: { resource: 'patient-contacts' } }, async ({ staff, params, read }) => {
  const patientId = parseId(params.id, 'patient');
  const db = getDb();
  patientInClinic(db, staff.clinicId, patientId);
  const log = patientContactLog(db, staff.clinicId, patientId);
  read({ entityId: patientId, patientIds: [patientId] });
  return log;
});

/** Logs an attempt to reach the patient (outcome, note; who and when are the caller and now), with an optional follow-up. */
export const POST = api({ permission: 'outreach:write', body: contactAttemptSchema }, async ({ staff, params, body }) => {
  const patientId = parseId(params.id, 'patient');
  return logContactAttempt(getDb(), clinicActor(staff), patientId, body, requestNow());
});
