'use client';

import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { clockNow } from '@/lib/clock';
import { passedStartMessage, startHasPassed } from '@/lib/domain/booking';
import { localDateTimeToInstant } from '@/lib/domain/calendar';
import { ApiError } from '@/lib/query/client';
import {
  bookAppointment,
  patientSearchQuery,
  type AppointmentDto,
  type PatientSearchRow,
} from '@/lib/query/appointments';
import { queryKeys, refetchAfter } from '@/lib/query/keys';
import { formatInstant, formatLocalDate } from '@/lib/format';
import { appointmentTypeLabels, appointmentTypes, type AppointmentType } from '@/lib/validation/appointment';
import { Field } from '@/app/(staff)/_components/field';
import { useFocusFirstInvalid } from '@/app/(staff)/_components/form-errors';
import {
  ConfirmationBlocks,
  confirmationPayload,
  noConfirmations,
  SavedWarning,
  shownConfirmations,
  useLateCheck,
  type Confirmations,
} from './booking-confirmations';
import { DateTimeFields, SlotPicker } from './slot-picker';

interface Selection {
  patient: PatientSearchRow;
  pumpId: number;
}

/** The instant of a typed date and time in the clinic's zone, or null while either is incomplete. */
function startOf(date: string, time: string, timeZone: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  try {
    return localDateTimeToInstant(date, time, timeZone);
  } catch {
    return null;
  }
}

/** Book an appointment: find the patient by name or MRN, choose the pump, take an offered slot or enter a time. */
export function BookAppointment({
  defaultDate,
  slotMinutes,
  timeZone,
  preselected,
}: {
  defaultDate: string;
  slotMinutes: number;
  timeZone: string;
  preselected: Selection | null;
}) {
  const client = useQueryClient();
  const [q, setQ] = useState(preselected?.patient.mrn ?? '');
  const [term, setTerm] = useState(q);
  const [selected, setSelected] = useState<Selection | null>(preselected);
  const [when, setWhen] = useState({ date: defaultDate, time: '' });
  const [duration, setDuration] = useState(String(slotMinutes));
  const [type, setType] = useState<AppointmentType>('refill');
  const [notes, setNotes] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [booked, setBooked] = useState<{ text: string; date: string; appointment: AppointmentDto } | null>(
    null,
  );
  const [confirm, setConfirm] = useState<Confirmations>(noConfirmations);
  const [overbookAsked, setOverbookAsked] = useState(false);
  const formId = useId();
  const [refusals, setRefusals] = useState(0);
  useFocusFirstInvalid(formId, refusals);
  const durationMinutes = Number(duration) || undefined;
  const check = useLateCheck(selected?.pumpId ?? null, durationMinutes, when);
  const shown = shownConfirmations(check, fields, overbookAsked);

  // Search after a short pause in typing, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => setTerm(q.trim()), 250);
    return () => clearTimeout(timer);
  }, [q]);
  const search = useQuery(patientSearchQuery(term));

  const mutation = useMutation({
    mutationFn: bookAppointment,
    onSuccess: async (a) => {
      setFields({});
      setError(null);
      setBooked({
        text: `Booked ${a.patientName} (MRN ${a.mrn}) on ${formatLocalDate(a.date)}, ${a.time}–${a.endTime}.`,
        date: a.date,
        appointment: a,
      });
      setConfirm(noConfirmations);
      setOverbookAsked(false);
      setSelected(null);
      setQ('');
      setWhen({ date: a.date, time: '' });
      setNotes('');
      await Promise.all([
        refetchAfter(client, 'schedule'),
        // The picker shows each patient's next appointment.
        client.invalidateQueries({ queryKey: queryKeys.patients.allSearches }),
      ]);
    },
    onError: (e) => {
      setBooked(null);
      setRefusals((n) => n + 1);
      if (e instanceof ApiError) {
        setFields(e.fields);
        if (e.fields.overbookReason) setOverbookAsked(true);
        setError(
          Object.keys(e.fields).length ? 'Not booked: see the messages next to the fields.' : e.message,
        );
      } else setError('The server could not be reached. Nothing was booked.');
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const refuse = (f: Record<string, string>) => {
      setFields(f);
      setError('Not booked: see the messages next to the fields.');
      setRefusals((n) => n + 1);
    };
    if (!selected) return refuse({ pumpId: 'Choose the patient’s pump first.' });
    // The server refuses it too (db/queries/appointments.ts assertSchedulable); said here before sending.
    const startsAt = startOf(when.date, when.time, timeZone);
    if (startsAt != null && startHasPassed(startsAt, clockNow()))
      return refuse({ time: passedStartMessage(when.time, clockNow(), timeZone) });
    mutation.mutate({
      pumpId: selected.pumpId,
      date: when.date,
      time: when.time,
      durationMinutes: Number(duration),
      type,
      notes,
      ...confirmationPayload(confirm, shown),
    });
  }

  const results = search.data?.patients ?? [];
  const nextAt = selected?.patient.pumps.find((p) => p.id === selected.pumpId)?.nextAppointmentAt ?? null;

  return (
    <form id={formId} className="card stack appt-book" onSubmit={onSubmit} noValidate aria-labelledby="book-heading">
      <h2 id="book-heading">Book an appointment</h2>
      {booked && (
        <div role="status" className="stack">
          <p className="notice">
            {booked.text} <Link href={`/appointments?view=day&date=${booked.date}`}>Show that day</Link>
          </p>
          <SavedWarning a={booked.appointment} />
        </div>
      )}

      {selected ? (
        <div className="appt-chosen">
          <div>
            <strong>{selected.patient.name}</strong>{' '}
            <span className="muted small">MRN {selected.patient.mrn}</span>
            <div className="small">
              {selected.patient.pumps.find((p) => p.id === selected.pumpId)?.label}
              {(() => {
                const due = selected.patient.pumps.find((p) => p.id === selected.pumpId)?.refillDueOn;
                return due ? ` · refill due ${formatLocalDate(due)}` : '';
              })()}
            </div>
          </div>
          <button type="button" className="small secondary" onClick={() => setSelected(null)}>
            Change patient
          </button>
        </div>
      ) : null}
      {selected && nextAt != null ? (
        <p className="notice warn small">
          This pump already has an appointment on {formatInstant(nextAt, timeZone)}. Move that one instead of
          booking a second refill, unless both are needed.
        </p>
      ) : null}
      {selected ? null : (
        <div className="stack appt-search">
          <Field label="Patient name or MRN" help="Type at least 2 characters." error={fields.pumpId}>
            {(p) => (
              <input
                {...p}
                type="search"
                value={q}
                onChange={(e) => setQ(e.target.value)}
                maxLength={100}
                autoComplete="off"
              />
            )}
          </Field>
          {term.length >= 2 && (
            <div aria-live="polite">
              {search.isPending ? (
                <p className="muted small">Searching…</p>
              ) : search.error ? (
                <p className="error small">The search failed: {search.error.message}</p>
              ) : results.length === 0 ? (
                <p className="muted small">No patient matches “{term}”.</p>
              ) : (
                <ul className="appt-results" aria-label="Matching patients">
                  {results.map((p) => (
                    <li key={p.id}>
                      <div>
                        <strong>{p.name}</strong> <span className="muted small">MRN {p.mrn}</span>
                      </div>
                      {p.pumps.length === 0 ? (
                        <span className="muted small">No active pump</span>
                      ) : (
                        p.pumps.map((pump) => (
                          <button
                            key={pump.id}
                            type="button"
                            className="small secondary"
                            onClick={() => setSelected({ patient: p, pumpId: pump.id })}
                          >
                            Choose {pump.label}
                            {pump.refillDueOn ? `, due ${formatLocalDate(pump.refillDueOn)}` : ''}
                            <span className="sr-only"> for {p.name}</span>
                          </button>
                        ))
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      )}

      <div className="appt-fields">
        <Field label="Type" error={fields.type}>
          {(p) => (
            <select {...p} value={type} onChange={(e) => setType(e.target.value as AppointmentType)}>
              {appointmentTypes.map((t) => (
                <option key={t} value={t}>
                  {appointmentTypeLabels[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Minutes" error={fields.durationMinutes}>
          {(p) => (
            <input
              {...p}
              type="number"
              min={5}
              max={480}
              step={5}
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
            />
          )}
        </Field>
      </div>

      {selected && (
        <SlotPicker
          pumpId={selected.pumpId}
          durationMinutes={durationMinutes}
          value={when}
          onPick={setWhen}
        />
      )}

      <div className="appt-fields">
        <DateTimeFields value={when} onChange={setWhen} errors={fields} />
      </div>
      <ConfirmationBlocks check={check} value={confirm} onChange={setConfirm} fields={fields} shown={shown} />
      <Field label="Notes (optional)" error={fields.notes}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            maxLength={500}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        )}
      </Field>

      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div>
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Booking…' : 'Book appointment'}
        </button>
      </div>
    </form>
  );
}
