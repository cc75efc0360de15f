import { getDb } from '@/db';
import { listAppointments } from '@/db/queries/appointments';
import { clinicActor } from '@/lib/clinic/actor';
import { bookAppointment } from '@/lib/clinic/appointments';
import { requestNow } from '@/lib/clock';
import { api, parseWith } from '@/lib/http/api';
import { appointmentRangeSchema, bookAppointmentSchema, plainParams } from '@/lib/validation/appointment';

export const dynamic = 'force-dynamic';

/** The clinic's appointments between two clinic-local dates (?from=YYYY-MM-DD&to=YYYY-MM-DD, at most 62 days). */
export const GET = api(
  {
    permission: 'patients:read',
    reads: { resource: 'appointments' },
  },
  async ({ staff, request, read }) => {
  const range = parseWith(appointmentRangeSchema, plainParams(request.nextUrl.searchParams));
    const list = listAppointments(getDb(), staff.clinicId, range, requestNow());
    read({ patientIds: list.appointments.map((a) => a.patientId), detail: { from: list.from, to: list.to } });
    return list;
  },
);

/** Books an appointment for a pump of the caller's clinic. */
export const POST = api(
  { permission: 'appointments:write', body: bookAppointmentSchema },
  async ({ staff, body }) => {
    return bookAppointment(getDb(), clinicActor(staff), body, requestNow());
  },
);
