'use client';

import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import {
  appointmentLateness,
  latenessWarning,
  MIN_CONFIRMATION_REASON,
  type Lateness,
} from '@/lib/domain/booking';
import { localDateTimeToInstant } from '@/lib/domain/calendar';
import { pumpSlotsQuery } from '@/lib/query/appointments';
import { Field } from '@/app/(staff)/_components/field';

export interface Confirmations {
  lateReason: string;
  confirmAfterAlarm: boolean;
  overbookReason: string;
}
export const noConfirmations: Confirmations = {
  lateReason: '',
  confirmAfterAlarm: false,
  overbookReason: '',
};

export interface LateCheck {
  lateness: Lateness;
  warning: string | null;
}

/**
 * The live check of a chosen date and time against the pump's deadlines, with the same rule as the API
 * (lib/domain/booking appointmentLateness). The deadlines come with the pump's open slots (the slot picker's query).
 */
export function useLateCheck(
  pumpId: number | null,
  durationMinutes: number | undefined,
  when: { date: string; time: string },
): LateCheck {
  const { data } = useQuery({ ...pumpSlotsQuery(pumpId ?? 0, durationMinutes), enabled: pumpId != null });
  if (!data || pumpId == null) return { lateness: 'on-time', warning: null };
  let startsAt: number;
  try {
    startsAt = localDateTimeToInstant(when.date, when.time, data.timeZone);
  } catch {
    return { lateness: 'on-time', warning: null }; // not a complete date and time yet
  }
  const lateness = appointmentLateness(startsAt, data.timeZone, data);
  return { lateness, warning: latenessWarning(lateness, startsAt, data.timeZone, data) };
}

const titles: Record<Exclude<Lateness, 'on-time'>, string> = {
  'after-due': 'After the refill due date',
  'after-alarm': 'After the low-reservoir alarm',
  'after-empty': 'After the reservoir is empty',
};

/** What to send: a reason only where the form asked for it. */
export function confirmationPayload(
  value: Confirmations,
  shown: { late: boolean; overbook: boolean },
): { lateReason?: string; confirmAfterAlarm?: boolean; overbookReason?: string } {
  return {
    lateReason: shown.late && value.lateReason.trim() ? value.lateReason.trim() : undefined,
    confirmAfterAlarm: shown.late && value.confirmAfterAlarm ? true : undefined,
    overbookReason: shown.overbook && value.overbookReason.trim() ? value.overbookReason.trim() : undefined,
  };
}

/** Whether each confirmation block is on screen (the live check, or the server asked for it). */
export function shownConfirmations(
  check: LateCheck,
  fields: Record<string, string>,
  overbookAsked: boolean,
): { late: boolean; overbook: boolean } {
  return {
    late: check.lateness !== 'on-time' || !!fields.lateReason || !!fields.confirmAfterAlarm,
    overbook: overbookAsked || !!fields.overbookReason,
  };
}

/**
 * The warning blocks a late or overbooked booking must pass: the dates, a reason, and for a date after the alarm an
 * explicit checkbox (reference.md E2; the API refuses without them).
 */
export function ConfirmationBlocks({
  check,
  value,
  onChange,
  fields,
  shown,
}: {
  check: LateCheck;
  value: Confirmations;
  onChange: (value: Confirmations) => void;
  fields: Record<string, string>;
  shown: { late: boolean; overbook: boolean };
}) {
  const lateId = useId();
  const overbookId = useId();
  // When the live check and the server disagree (e.g. the forecast changed meanwhile), the server's word counts.
  const serverAlarm = !!fields.confirmAfterAlarm;
  const lateness: Lateness =
    check.lateness === 'on-time' ? (serverAlarm ? 'after-alarm' : 'after-due') : check.lateness;
  const afterAlarm = lateness === 'after-alarm' || lateness === 'after-empty' || serverAlarm;
  const warning = check.warning ?? fields.lateReason ?? '';
  return (
    <>
      {shown.late && (
        <div
          role="group"
          aria-labelledby={`${lateId}-title`}
          className={`notice ${lateness === 'after-due' ? 'warn' : 'danger'} stack appt-confirm`}
        >
          <h3 id={`${lateId}-title`} className="appt-confirm-title">
            {titles[lateness]}
          </h3>
          <p className="small">{warning}</p>
          <Field
            label="Reason for booking late"
            help={`Required, at least ${MIN_CONFIRMATION_REASON} characters. Stored with the appointment and in the audit log.`}
            error={fields.lateReason ? `Give the reason for booking on this date.` : undefined}
          >
            {(p) => (
              <textarea
                {...p}
                rows={2}
                maxLength={500}
                value={value.lateReason}
                onChange={(e) => onChange({ ...value, lateReason: e.target.value })}
              />
            )}
          </Field>
          {afterAlarm && (
            // sched-field: the shared size for a checkbox beside its label (globals.css).
            <div className="sched-field">
              <label className="inline appt-confirm-check">
                <input
                  type="checkbox"
                  checked={value.confirmAfterAlarm}
                  aria-invalid={!!fields.confirmAfterAlarm}
                  aria-describedby={fields.confirmAfterAlarm ? `${lateId}-alarm-err` : undefined}
                  onChange={(e) => onChange({ ...value, confirmAfterAlarm: e.target.checked })}
                />{' '}
                {lateness === 'after-empty'
                  ? 'I confirm booking after the reservoir is calculated to be empty'
                  : 'I confirm booking after the low-reservoir alarm'}
              </label>
              {fields.confirmAfterAlarm && (
                <span id={`${lateId}-alarm-err`} className="field-error">
                  {fields.confirmAfterAlarm}
                </span>
              )}
            </div>
          )}
        </div>
      )}
      {shown.overbook && (
        <div role="group" aria-labelledby={`${overbookId}-title`} className="notice warn stack appt-confirm">
          <h3 id={`${overbookId}-title`} className="appt-confirm-title">
            Overbook a full day
          </h3>
          <p className="small">
            {fields.overbookReason ??
              'This day is at the clinic’s daily capacity. Overbook it only for an urgent patient.'}
          </p>
          <Field
            label="Reason for overbooking"
            help={`Required, at least ${MIN_CONFIRMATION_REASON} characters (e.g. an alarm reported by the patient).`}
          >
            {(p) => (
              <textarea
                {...p}
                rows={2}
                maxLength={500}
                value={value.overbookReason}
                onChange={(e) => onChange({ ...value, overbookReason: e.target.value })}
              />
            )}
          </Field>
        </div>
      )}
    </>
  );
}

/** After saving: the warning the booker confirmed, so a late booking never looks like an ordinary one. */
export function SavedWarning({
  a,
}: {
  a: { lateWarning: string | null; lateReason: string | null; overbookReason: string | null };
}) {
  if (!a.lateWarning && !a.overbookReason) return null;
  return (
    <div className="notice warn small">
      {a.lateWarning && (
        <p>
          <strong>Booked late.</strong> {a.lateWarning} Reason given: {a.lateReason}
        </p>
      )}
      {a.overbookReason && (
        <p>
          <strong>Overbooked.</strong> Reason given: {a.overbookReason}
        </p>
      )}
    </div>
  );
}
