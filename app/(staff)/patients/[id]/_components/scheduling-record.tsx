/**
 * The patient page as the front desk reads it (issue 14, db/queries/front-desk.ts): who the patient is, how to
 * reach them, and per pump when the refill is due, the latest safe dates, the urgency and the appointments. The
 * page builds it from the narrowed DTO, so nothing clinical is rendered or sent to the browser.
 */
import Link from 'next/link';
import type { PatientSchedulingDetail, SchedulingPump } from '@/db/queries/front-desk';
import { fullName } from '@/lib/domain/names';
import { formatInstant, formatLocalDate, statusLabels, telHref } from '@/lib/format';
import { PastAppointmentList, splitAppointments, UpcomingAppointmentList } from './appointment-lists';

export function SchedulingRecord({ detail, canBook }: { detail: PatientSchedulingDetail; canBook: boolean }) {
  const { patient, pumps, clinic, now } = detail;
  const active = pumps.filter((p) => p.status === 'active');
  return (
    <>
      <header className="pt-head">
        <div>
          <p className="muted small pt-crumbs">
            <Link prefetch={false} href="/">Worklist</Link> / Patient
          </p>
          <h1 dir="auto">{fullName(patient)}</h1>
          <p className="muted">
            MRN {patient.mrn} · born {formatLocalDate(patient.dateOfBirth)} · phone{' '}
            {patient.phone ? <a href={telHref(patient.phone) ?? undefined}>{patient.phone}</a> : '—'}
          </p>
        </div>
      </header>
      <p className="muted small">
        The scheduling view: the clinical record (programs, doses, visits, allergies) is for the nurses and physicians.
      </p>
      {active.length === 0 && <p className="notice warn">This patient has no active pump.</p>}
      {active.map((pump) => (
        <SchedulingPumpSection key={pump.id} pump={pump} timeZone={clinic.timeZone} now={now} canBook={canBook} />
      ))}
    </>
  );
}

function SchedulingPumpSection({ pump, timeZone, now, canBook }: { pump: SchedulingPump; timeZone: string; now: number; canBook: boolean }) {
  const f = pump.forecast;
  const headingId = `pump-${pump.id}`;
  const { upcoming, past } = splitAppointments(pump.appointments, now);
  return (
    <section className="card stack pt-pump" aria-labelledby={headingId}>
      <div className="pt-pump-head">
        <h2 id={headingId}>Pump: {pump.label}</h2>
        {f && <span className={`badge status-${f.status}`}>{statusLabels[f.status]}</span>}
      </div>
      {f ? (
        <dl className="facts">
          <dt>Refill due</dt>
          <dd>
            <strong>{formatLocalDate(f.refillDueOn)}</strong>
          </dd>
          <dt>{pump.constantFlow ? 'Reserve reached (no alarm)' : 'Low-reservoir alarm'}</dt>
          <dd>{f.lowReservoirAlarmAt ? formatInstant(f.lowReservoirAlarmAt, timeZone) : 'not within 5 years'}</dd>
          <dt>Empty</dt>
          <dd>{f.emptyAt ? formatInstant(f.emptyAt, timeZone) : 'not within 5 years'}</dd>
          <dt>Next appointment</dt>
          <dd>{f.nextAppointmentAt ? formatInstant(f.nextAppointmentAt, timeZone) : <strong className="error">none booked</strong>}</dd>
        </dl>
      ) : (
        <p className="muted">No forecast: no fill or program recorded. Ask a nurse when to book.</p>
      )}
      {f && f.alerts.some((a) => !a.acknowledged) && (
        <ul className="alerts">
          {f.alerts
            .filter((a) => !a.acknowledged)
            .map((a) => (
              <li key={a.code} className={`sev-${a.severity}`}>
                <span className="sev">{a.severity}</span> {a.message}
              </li>
            ))}
        </ul>
      )}
      <h3 className="pt-subhead">Upcoming appointments</h3>
      <UpcomingAppointmentList appointments={upcoming} timeZone={timeZone} refillDueOn={f?.refillDueOn} />
      <h3 className="pt-subhead">Past appointments</h3>
      <PastAppointmentList appointments={past} timeZone={timeZone} />
      {canBook && pump.status === 'active' && (
        <Link prefetch={false} className="button secondary" href={`/appointments?pumpId=${pump.id}#book-heading`}>
          Book an appointment for this pump
        </Link>
      )}
    </section>
  );
}
