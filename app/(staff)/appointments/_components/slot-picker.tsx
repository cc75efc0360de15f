'use client';

import { useQuery } from '@tanstack/react-query';
import { format, parseISO } from 'date-fns';
import { useId } from 'react';
import { pumpSlotsQuery } from '@/lib/query/appointments';
import { formatLocalDate } from '@/lib/format';
import { Field } from '@/app/(staff)/_components/field';
import { DateInput, TimeInput } from '@/app/(staff)/_components/date-time-inputs';

const short = (date: string) => format(parseISO(date), 'EEE d MMM');

/** The open slots of a pump on or before its due date (GET /api/v1/slots), as a radio group; late ones are marked. */
export function SlotPicker({
  pumpId,
  durationMinutes,
  value,
  onPick,
}: {
  pumpId: number;
  durationMinutes?: number;
  value: { date: string; time: string };
  onPick: (slot: { date: string; time: string }) => void;
}) {
  const name = useId();
  const { data, isPending, error } = useQuery(pumpSlotsQuery(pumpId, durationMinutes));
  if (isPending) return <p className="muted small">Finding open slots…</p>;
  if (error) return <p className="error small">Open slots could not be loaded: {error.message}</p>;
  return (
    <fieldset className="appt-slots">
      <legend>
        {data.beforeDueDate
          ? `Open slots on or before the refill due date${data.refillDueOn ? ` (${formatLocalDate(data.refillDueOn)})` : ''}`
          : 'Earliest open slots'}
      </legend>
      {!data.beforeDueDate && (
        <p className="notice warn small">
          {data.refillDueOn
            ? `No open slot is left on or before the due date (${formatLocalDate(data.refillDueOn)}). These are the earliest ones: book the first possible and check the patient’s backup plan.`
            : 'This pump has no stored due date. These are the earliest open slots.'}
        </p>
      )}
      {data.slots.length === 0 ? (
        <p className="muted small">No open slot in the next four weeks. Enter a date and time below.</p>
      ) : (
        <div className="appt-slot-list">
          {data.slots.map((slot) => (
            <label key={slot.startsAt} className="appt-slot">
              <input
                type="radio"
                name={name}
                value={slot.startsAtIso}
                checked={value.date === slot.date && value.time === slot.time}
                onChange={() => onPick({ date: slot.date, time: slot.time })}
              />
              <span>
                {short(slot.date)}, {slot.time}
                {slot.lateness !== 'on-time' && (
                  <span className="late small">
                    {' '}
                    (
                    {slot.lateness === 'after-due'
                      ? 'after the due date'
                      : slot.lateness === 'after-alarm'
                        ? 'after the alarm'
                        : 'after EMPTY'}
                    )
                  </span>
                )}
              </span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** The date and time of an appointment typed by hand (the slot picker fills them too), with their field errors. */
export function DateTimeFields({
  value,
  onChange,
  errors,
  labels = { date: 'Date', time: 'Time' },
}: {
  value: { date: string; time: string };
  onChange: (value: { date: string; time: string }) => void;
  errors: Record<string, string | undefined>;
  labels?: { date: string; time: string };
}) {
  return (
    <>
      <Field label={labels.date} error={errors.date}>
        {(p) => (
          <DateInput
            {...p}
            label={labels.date}
            value={value.date}
            onChange={(v) => onChange({ ...value, date: v })}
            required
          />
        )}
      </Field>
      <Field label={labels.time} error={errors.time}>
        {(p) => (
          <TimeInput
            {...p}
            label={labels.time}
            value={value.time}
            onChange={(v) => onChange({ ...value, time: v })}
            required
          />
        )}
      </Field>
    </>
  );
}
