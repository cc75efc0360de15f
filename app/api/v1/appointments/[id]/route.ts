import { getDb } from '@/db';
import { getAppointment } from '@/db/queries/appointments';
import { clinicActor } from '@/lib/clinic/actor';
import { changeAppointment } from '@/lib/clinic/appointments';
import { requestNow } from '@/lib/clock';
import { api } from '@/lib/http/api';
import { appointmentPatchSchema } from '@/lib/validation/appointment';
import { parseId } from '@/lib/validation/ids';

export const dynamic = 'force-dynamic';

export const GET = api(
  { permission: 'patients:read', reads: { resource: 'appointment' } },
  async ({ staff, params, read }) => {
    const appointment = getAppointment(getDb(), staff.clinicId, parseId(params.id, 'appointment'));
    read({ entityId: appointment.id, patientIds: [appointment.patientId] });
    return appointment;
  },
);

/** Move, cancel, mark done or mark no-show: `{ action, version, … }`; 409 when someone else changed it first. */
export const PATCH = api(
  { permission: 'appointments:write', body: appointmentPatchSchema },
  async ({ staff, params, body }) => {
    return changeAppointment(getDb(), clinicActor(staff), parseId(params.id, 'appointment'), body, requestNow());
  },
);
