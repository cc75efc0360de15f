'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { NO_SHOW_UNDO_MS } from '@/lib/domain/booking';
import { ApiError } from '@/lib/query/client';
import { changeAppointment, type AppointmentDto } from '@/lib/query/appointments';
import { queryKeys, refetchAfter } from '@/lib/query/keys';
import { formatLocalDate } from '@/lib/format';
import type { AppointmentPatch } from '@/lib/validation/appointment';
import { Field } from '@/app/(staff)/_components/field';
import {
  ConfirmationBlocks,
  confirmationPayload,
  noConfirmations,
  shownConfirmations,
  useLateCheck,
  type Confirmations,
} from './booking-confirmations';
import { DateTimeFields, SlotPicker } from './slot-picker';

const verbs: Record<AppointmentPatch['action'], string> = {
  move: 'Moved',
  cancel: 'Cancelled',
  done: 'Marked done',
  'no-show': 'Marked as a no-show',
  'undo-no-show': 'No-show undone, booked again',
};

/** Move, cancel, mark done or mark no-show one booked appointment (PATCH /api/v1/appointments/{id}). */
export function AppointmentActions({
  appointment: a,
  today,
  compact = false,
  onMoved,
}: {
  appointment: AppointmentDto;
  today: string;
  compact?: boolean;
  /**
   * Told after a move, so that the calendar says where the appointment went: the row may leave the day shown, and a
   * message inside it would vanish with it.
   */
  onMoved?: (moved: AppointmentDto) => void;
}) {
  const client = useQueryClient();
  const [mode, setMode] = useState<'move' | 'cancel' | 'no-show' | null>(null);
  /** After a no-show from here: the Undo button shows for the minute the server allows it (NO_SHOW_UNDO_MS). */
  const [undoable, setUndoable] = useState(false);
  useEffect(() => {
    if (!undoable) return;
    const timer = setTimeout(() => setUndoable(false), NO_SHOW_UNDO_MS - 2_000);
    return () => clearTimeout(timer);
  }, [undoable]);
  const [target, setTarget] = useState({ date: a.date, time: a.time });
  const [duration, setDuration] = useState(String(a.durationMinutes));
  const [reason, setReason] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<{ message: string; conflict: boolean } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirmations>(noConfirmations);
  const [overbookAsked, setOverbookAsked] = useState(false);
  const durationMinutes = Number(duration) || undefined;
  const check = useLateCheck(mode === 'move' ? a.pumpId : null, durationMinutes, target);
  const shown = shownConfirmations(check, fields, overbookAsked);

  const mutation = useMutation({
    mutationFn: (patch: AppointmentPatch) => changeAppointment(a.id, patch),
    onSuccess: async (result, patch) => {
      setFields({});
      setError(null);
      setMode(null);
      setConfirm(noConfirmations);
      setOverbookAsked(false);
      setUndoable(patch.action === 'no-show');
      if (patch.action === 'move' && onMoved) onMoved(result);
      else
        setDone(
          `${verbs[patch.action]}: ${result.patientName}, ${formatLocalDate(result.date)} ${result.time}.`,
        );
      await refetchAfter(client, 'schedule');
    },
    onError: (e) => {
      setDone(null);
      if (e instanceof ApiError) {
        setFields(e.fields);
        if (e.fields.overbookReason) setOverbookAsked(true);
        setError({ message: e.message, conflict: e.status === 409 });
      } else setError({ message: 'The server could not be reached. Nothing was changed.', conflict: false });
    },
  });

  if (a.status !== 'booked')
    return done || error ? (
      <div className="appt-actions">
        {done && (
          <p role="status" className="ok-text small">
            {done}{' '}
            {undoable && a.status === 'no-show' && (
              <button
                type="button"
                className="small secondary"
                disabled={mutation.isPending}
                onClick={() => mutation.mutate({ action: 'undo-no-show', version: a.version })}
              >
                Undo no-show
              </button>
            )}
          </p>
        )}
        {error && (
          <p role="alert" className="notice danger small">
            {fields.action ?? error.message}
          </p>
        )}
      </div>
    ) : null;
  const pending = mutation.isPending;
  const onOrAfterDay = a.date <= today;

  function submitMove(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate({
      action: 'move',
      version: a.version,
      date: target.date,
      time: target.time,
      durationMinutes: Number(duration),
      ...confirmationPayload(confirm, shown),
    });
  }
  function submitCancel(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate({ action: 'cancel', version: a.version, reason: reason.trim() || undefined });
  }

  return (
    <div className={`appt-actions${compact ? ' compact' : ''}`}>
      <div
        className="appt-buttons"
        role="group"
        aria-label={`Change the appointment of ${a.patientName} at ${a.time}`}
      >
        {onOrAfterDay && (
          <button
            type="button"
            className="small"
            disabled={pending}
            onClick={() => mutation.mutate({ action: 'done', version: a.version })}
          >
            Mark done
          </button>
        )}
        {onOrAfterDay && (
          <button
            type="button"
            className="small secondary"
            disabled={pending}
            aria-expanded={mode === 'no-show'}
            onClick={() => setMode(mode === 'no-show' ? null : 'no-show')}
          >
            No-show…
          </button>
        )}
        <button
          type="button"
          className="small secondary"
          aria-expanded={mode === 'move'}
          onClick={() => setMode(mode === 'move' ? null : 'move')}
        >
          Move…
        </button>
        <button
          type="button"
          className="small secondary"
          aria-expanded={mode === 'cancel'}
          onClick={() => setMode(mode === 'cancel' ? null : 'cancel')}
        >
          Cancel…
        </button>
      </div>

      {mode === 'no-show' && (
        <div className="appt-inline-form stack" role="group" aria-label={`Confirm the no-show of ${a.patientName}`}>
          <p className="small">
            Record that {a.patientName} did not come to the {formatLocalDate(a.date)} {a.time} appointment? The pump then
            shows as having no appointment, and the patient appears on the outreach list. You can undo it for one
            minute.
          </p>
          <div className="pt-buttons">
            <button
              type="button"
              className="small danger"
              disabled={pending}
              onClick={() => mutation.mutate({ action: 'no-show', version: a.version })}
            >
              {pending ? 'Saving…' : 'Record no-show'}
            </button>
            <button type="button" className="small secondary" onClick={() => setMode(null)}>
              Keep it booked
            </button>
          </div>
        </div>
      )}

      {mode === 'move' && (
        <form
          onSubmit={submitMove}
          className="appt-inline-form stack"
          aria-label={`Move the appointment of ${a.patientName}`}
          noValidate
        >
          <SlotPicker pumpId={a.pumpId} durationMinutes={durationMinutes} value={target} onPick={setTarget} />
          <div className="appt-fields">
            <DateTimeFields
              value={target}
              onChange={setTarget}
              errors={fields}
              labels={{ date: 'New date', time: 'New time' }}
            />
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
          <ConfirmationBlocks
            check={check}
            value={confirm}
            onChange={setConfirm}
            fields={fields}
            shown={shown}
          />
          <div>
            <button type="submit" disabled={pending}>
              {pending ? 'Moving…' : 'Save new time'}
            </button>
          </div>
        </form>
      )}

      {mode === 'cancel' && (
        <form
          onSubmit={submitCancel}
          className="appt-inline-form stack"
          aria-label={`Cancel the appointment of ${a.patientName}`}
          noValidate
        >
          <Field label="Reason (optional)" error={fields.reason}>
            {(p) => (
              <input
                {...p}
                type="text"
                maxLength={500}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </Field>
          <p className="small muted">
            The pump will show as having no appointment on the worklist until a new one is booked.
          </p>
          <div>
            <button type="submit" className="danger" disabled={pending}>
              {pending ? 'Cancelling…' : 'Cancel this appointment'}
            </button>
          </div>
        </form>
      )}

      {error && (
        <div role="alert" className={`notice ${error.conflict ? 'warn' : 'danger'} small`}>
          {[
            'date',
            'time',
            'durationMinutes',
            'reason',
            'lateReason',
            'confirmAfterAlarm',
            'overbookReason',
          ].some((k) => fields[k])
            ? 'Nothing was changed: see the messages next to the fields.'
            : (fields.action ?? error.message)}
          {error.conflict && (
            <>
              {' '}
              <button
                type="button"
                className="small secondary"
                onClick={() =>
                  void client
                    .invalidateQueries({ queryKey: queryKeys.appointments.all })
                    .then(() => setError(null))
                }
              >
                Reload the calendar
              </button>
            </>
          )}
        </div>
      )}
      {done && (
        <p role="status" className="ok-text small">
          {done}
        </p>
      )}
    </div>
  );
}
