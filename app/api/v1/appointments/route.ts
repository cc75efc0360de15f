import { getDb } from '@/db';
import { bookAppointment, listAppointments } from '@/db/queries/appointments';
import { api, parseWith } from '@/lib/server/api';
import { appointmentRangeSchema, bookAppointmentSchema, plainParams } from '@/lib/validation/appointment';

export const dynamic = 'force-dynamic';

/** The clinic's appointments between two clinic-local dates (?from=YYYY-MM-DD&to=YYYY-MM-DD, at most 62 days). */
export const GET = api({ permission: 'patients:read' }, async ({ staff, request }) => {
  const range = parseWith(appointmentRangeSchema, plainParams(request.nextUrl.searchParams));
  return listAppointments(getDb(), staff.clinicId, range, Date.now());
});

/** Books an appointment for a pump of the caller's clinic. */
export const POST = api(
  { permission: 'appointments:write', body: bookAppointmentSchema },
  async ({ staff, body }) => {
    return bookAppointment(getDb(), staff, body, Date.now());
  },
);
