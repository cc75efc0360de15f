/**
 * A pump's appointments on the patient page, in both views (the clinical record and the front desk's scheduling
 * view): which count as upcoming, and how each list reads.
 */
import type { PatientDetail } from '@/db/queries/patients';
import { isAfterRefillDueDate } from '@/lib/domain/booking';
import { localDateOf } from '@/lib/domain/calendar';
import { isMissedAppointment } from '@/lib/domain/risk';
import { formatInstant } from '@/lib/format';
import { appointmentStatusLabels } from './labels';

type PumpAppointment = PatientDetail['pumps'][number]['appointments'][number];

/** Upcoming: booked and not yet missed, soonest first. Past: the rest (done, cancelled, no-show, missed), ten at most. */
export function splitAppointments(appointments: readonly PumpAppointment[], now: number) {
  const upcoming = appointments
    .filter((a) => a.status === 'booked' && !isMissedAppointment(a.startsAt, now))
    .sort((a, b) => a.startsAt - b.startsAt);
  const past = appointments.filter((a) => !upcoming.includes(a)).slice(0, 10);
  return { upcoming, past };
}

/** Each upcoming appointment, marked when it falls after the refill due date (reference G3). */
export function UpcomingAppointmentList({
  appointments,
  timeZone,
  refillDueOn,
}: {
  appointments: readonly PumpAppointment[];
  timeZone: string;
  refillDueOn: string | null | undefined;
}) {
  if (appointments.length === 0) return <p className="error">None booked.</p>;
  return (
    <ul className="pt-plain">
      {appointments.map((a) => (
        <li key={a.id}>
          {formatInstant(a.startsAt, timeZone)} · {a.type} · {a.durationMinutes} min{' '}
          {refillDueOn && isAfterRefillDueDate(localDateOf(a.startsAt, timeZone), refillDueOn) && (
            <strong className="late">after the due date</strong>
          )}
        </li>
      ))}
    </ul>
  );
}

export function PastAppointmentList({ appointments, timeZone }: { appointments: readonly PumpAppointment[]; timeZone: string }) {
  if (appointments.length === 0) return <p className="muted">None.</p>;
  return (
    <ul className="pt-plain">
      {appointments.map((a) => (
        <li key={a.id}>
          {formatInstant(a.startsAt, timeZone)} · {a.type} ·{' '}
          <span className={`pt-appt-${a.status}`}>{appointmentStatusLabels[a.status]}</span>
        </li>
      ))}
    </ul>
  );
}
