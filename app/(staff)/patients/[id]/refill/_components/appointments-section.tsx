'use client';

import type { ReplacedAppointmentAction } from '@/lib/domain/refill';
import { formatInstant, formatLocalDate } from '@/lib/format';
import type { RefillSectionProps } from './refill-fields';

const actionLabels: Record<ReplacedAppointmentAction, string> = {
  done: 'Close it (mark done)',
  cancel: 'Cancel it',
  keep: 'Keep it',
};

/** The booked appointments this refill replaces (lib/domain/refill.ts appointmentsReplacedByRefill), and what to do with each. */
export function AppointmentsSection({ context, update, draft, check, fields }: RefillSectionProps) {
  return (
    <fieldset className="card stack" aria-describedby={fields.describe('replacedAppointments')}>
      <legend>Booked appointment this refill replaces</legend>
      {check.replaced.length === 0 ? (
        <p className="small muted">
          No booked refill appointment from {formatLocalDate(check.visitDate)} on.
        </p>
      ) : (
        check.replaced.map((r) => (
          <fieldset key={r.id} className="rf-radios">
            <legend>
              {r.appointment.type === 'replacement' ? 'Replacement' : 'Refill'} appointment{' '}
              {formatInstant(r.appointment.startsAt, context.timeZone)}
              {r.defaultAction === 'keep' ? ' (after the due date it was booked for)' : ''}
            </legend>
            {(['done', 'cancel', 'keep'] as const).map((action) => (
              <label key={action} className="inline">
                <input
                  type="radio"
                  name={`${fields.id}-appt-${r.id}`}
                  value={action}
                  checked={r.action === action}
                  onChange={() =>
                    update({ appointmentChoices: { ...draft.appointmentChoices, [r.id]: action } })
                  }
                />{' '}
                {actionLabels[action]}
              </label>
            ))}
          </fieldset>
        ))
      )}
      {fields.errorText('replacedAppointments')}
    </fieldset>
  );
}
