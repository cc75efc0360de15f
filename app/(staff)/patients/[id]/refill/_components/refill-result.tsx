'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import type { RefillFormContext } from '@/db/queries/refills';
import { formatInstant, formatLocalDate, formatMl } from '@/lib/format';
import { bookAppointment } from '@/lib/query/appointments';
import { refetchAfter } from '@/lib/query/keys';
import type { RecordedVisit } from '@/lib/query/patients';
import { flagLabels, severityLabels, signedMl, signedPct } from '../../_components/labels';

/** What the server saved and computed, and the next refill's slots to book before the patient leaves. */
export function RefillResult({ result, context }: { result: RecordedVisit; context: RefillFormContext }) {
  const queryClient = useQueryClient();
  const tz = result.timeZone;
  const book = useMutation({
    mutationFn: (slot: RecordedVisit['slots'][number]) =>
      bookAppointment({
        pumpId: context.pump.id,
        date: slot.date,
        time: slot.time,
        type: 'refill',
        notes: '',
      }),
    onSuccess: async () => {
      await refetchAfter(queryClient, 'schedule', { patientId: context.patient.id });
    },
  });
  const flagged = result.assessment.flag !== 'none';
  const alerts = result.assessment.alerts;
  return (
    <div className="stack rf-result">
      <section
        className={`card stack ${flagged ? 'rf-result-flagged' : ''}`}
        aria-labelledby="rf-saved"
        role="status"
      >
        <h2 id="rf-saved">
          Refill saved{flagged ? `: ${flagLabels[result.assessment.flag].toLowerCase()} flagged` : ''}
        </h2>
        <dl className="facts">
          <dt>Expected residual</dt>
          <dd>{formatMl(Math.round(result.assessment.expectedResidualMl * 100) / 100)}</dd>
          <dt>Aspirated</dt>
          <dd>{formatMl(result.visit.aspiratedResidualMl)}</dd>
          <dt>Discrepancy</dt>
          <dd>
            {signedMl(result.assessment.discrepancyMl)} ({signedPct(result.assessment.discrepancyPct)}):{' '}
            <strong>{flagLabels[result.assessment.flag]}</strong>
          </dd>
          <dt>Filled</dt>
          <dd>{formatMl(result.visit.volumeFilledMl)}</dd>
          {result.programChanged && (
            <>
              <dt>Program</dt>
              <dd>new version {result.newProgramVersionNo}</dd>
            </>
          )}
          <dt>Refill due</dt>
          <dd>
            <strong data-testid="new-due-date">{formatLocalDate(result.forecast.refillDueOn)}</strong>
            {result.previousDueOn && result.previousDueOn !== result.forecast.refillDueOn && (
              <span className="muted"> (was {formatLocalDate(result.previousDueOn)})</span>
            )}
          </dd>
          <dt>Alarm</dt>
          <dd>
            {result.forecast.lowReservoirAlarmAt
              ? formatInstant(Date.parse(result.forecast.lowReservoirAlarmAt), tz)
              : '—'}
          </dd>
        </dl>
        {alerts.length > 0 && (
          <ul className="pt-alert-list">
            {alerts.map((al) => (
              <li key={al.code} className={`pt-alert sev-${al.severity}`}>
                <span className="pt-sev">{severityLabels[al.severity]}</span>{' '}
                <span className="pt-alert-msg">{al.message}</span>
              </li>
            ))}
          </ul>
        )}
        {result.appointments.length > 0 && (
          <ul className="small">
            {result.appointments.map((ap) => (
              <li key={ap.id}>
                Appointment {formatInstant(Date.parse(ap.startsAt), tz)}:{' '}
                {ap.action === 'done' ? 'closed (done)' : ap.action === 'cancel' ? 'cancelled' : 'kept'}
              </li>
            ))}
          </ul>
        )}
        {result.warnings.map((w) => (
          <p key={w} className="notice warn">
            {w}
          </p>
        ))}
      </section>

      <section className="card stack" aria-labelledby="rf-next">
        <h2 id="rf-next">Book the next refill before the patient leaves</h2>
        {book.data ? (
          <p className="notice" role="status">
            Booked: <strong>{formatInstant(book.data.startsAt, tz)}</strong> ({book.data.durationMinutes}{' '}
            min). The due date is {formatLocalDate(result.forecast.refillDueOn)}.
          </p>
        ) : result.slots.length > 0 ? (
          <>
            <p>
              The earliest open time on each day before the due date (
              {formatLocalDate(result.forecast.refillDueOn)}):
            </p>
            <ul className="rf-slots">
              {result.slots.map((slot) => (
                <li key={slot.startsAt}>
                  <button type="button" disabled={book.isPending} onClick={() => book.mutate(slot)}>
                    Book {formatLocalDate(slot.date)} at {slot.time}
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="notice warn">No open slot before the due date: book by hand in the calendar.</p>
        )}
        {book.error && (
          <p role="alert" className="notice danger">
            Not booked: {book.error.message}
          </p>
        )}
        <p>
          <Link href={`/appointments?pumpId=${context.pump.id}`}>
            Another day or time: the appointments page
          </Link>{' '}
          · <Link href={`/patients/${context.patient.id}`}>Back to {context.patient.name}</Link>
        </p>
      </section>
    </div>
  );
}
