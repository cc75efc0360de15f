'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { ApiError, fetchJson } from '@/lib/query/client';
import { fieldErrors } from '@/lib/validation/errors';
import { reminderContactSchema, type ReminderContactBody } from '@/lib/validation/notifications';

/** Record the reminder e-mail and the patient's consent per channel (PATCH with the patient record's version). */
export function ReminderConsentForm(props: {
  patientId: number;
  version: number;
  email: string;
  emailConsent: boolean;
  smsConsent: boolean;
  hasPhone: boolean;
}) {
  const id = useId();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState(props.email);
  const [emailConsent, setEmailConsent] = useState(props.emailConsent);
  const [smsConsent, setSmsConsent] = useState(props.smsConsent);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: ReminderContactBody) =>
      fetchJson(`/api/v1/patients/${props.patientId}/reminders`, { method: 'PATCH', body: JSON.stringify(body) }),
    onSuccess: () => {
      setOpen(false);
      router.refresh();
    },
  });
  const errors = { ...(mutation.error instanceof ApiError ? mutation.error.fields : {}), ...localErrors };

  if (!open)
    return (
      <button type="button" className="secondary small" onClick={() => setOpen(true)}>
        Record reminder consent
      </button>
    );

  return (
    <form
      className="stack"
      aria-label="Reminder consent"
      // The zod schema checks the address and names the field; the browser's own bubble would pre-empt it.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = reminderContactSchema.safeParse({ version: props.version, email: email.trim(), emailConsent, smsConsent });
        if (!parsed.success) {
          setLocalErrors(fieldErrors(parsed.error));
          return;
        }
        setLocalErrors({});
        mutation.mutate(parsed.data);
      }}
    >
      <label>
        Reminder e-mail
        <input
          type="email"
          value={email}
          maxLength={254}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={!!errors.email}
          aria-describedby={errors.email ? `${id}-email-err` : undefined}
        />
        {errors.email && (
          <span id={`${id}-email-err`} className="field-error">
            {errors.email}
          </span>
        )}
      </label>
      <label className="inline">
        <input type="checkbox" checked={emailConsent} onChange={(e) => setEmailConsent(e.target.checked)} />{' '}
        The patient consents to e-mail reminders (today&rsquo;s date is recorded)
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={smsConsent}
          disabled={!props.hasPhone && !smsConsent}
          onChange={(e) => setSmsConsent(e.target.checked)}
          aria-describedby={errors.smsConsent ? `${id}-sms-err` : undefined}
        />{' '}
        The patient consents to SMS reminders to their phone{props.hasPhone ? '' : ' (record a phone number first)'}
      </label>
      {errors.smsConsent && (
        <span id={`${id}-sms-err`} className="field-error">
          {errors.smsConsent}
        </span>
      )}
      {mutation.error && !Object.keys(errors).length && (
        <p className="error" role="alert">
          {mutation.error.message}
        </p>
      )}
      <div className="pt-buttons">
        <button type="submit" className="small" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save consent'}
        </button>
        <button type="button" className="secondary small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
