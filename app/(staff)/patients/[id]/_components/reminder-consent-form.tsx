'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useFormErrors } from '@/app/(staff)/_components/form-errors';
import { fetchJson } from '@/lib/query/client';
import type { ReminderContactBody } from '@/lib/validation/notifications';
import { CHECKS_UNAVAILABLE, lazyModule, useLazyChecks } from '@/app/(staff)/_components/lazy-checks';

const checks = lazyModule(() => import('@/lib/validation/notifications'));

/** Record the reminder e-mail and the patient's consent per channel (PATCH with the patient record's version). */
export function ReminderConsentForm(props: {
  patientId: number;
  version: number;
  email: string;
  emailConsent: boolean;
  smsConsent: boolean;
  hasPhone: boolean;
}) {
  const router = useRouter();
  const form = useFormErrors();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState(props.email);
  const [emailConsent, setEmailConsent] = useState(props.emailConsent);
  const [smsConsent, setSmsConsent] = useState(props.smsConsent);
  const mutation = useMutation({
    mutationFn: (body: ReminderContactBody) =>
      fetchJson(`/api/v1/patients/${props.patientId}/reminders`, { method: 'PATCH', body: JSON.stringify(body) }),
    onError: (e) => form.refuseFromServer(e),
    onSuccess: () => {
      form.clear();
      setOpen(false);
      router.refresh();
    },
  });

  const loadChecks = useLazyChecks(checks, open);
  const submit = async () => {
    const { reminderContactSchema } = await loadChecks();
    const body = form.parse(reminderContactSchema, { version: props.version, email: email.trim(), emailConsent, smsConsent });
    if (body) mutation.mutate(body);
  };

  if (!open)
    return (
      <button type="button" className="secondary small" onClick={() => setOpen(true)}>
        Record reminder consent
      </button>
    );

  return (
    <form
      id={form.formId}
      className="stack"
      aria-label="Reminder consent"
      // The zod schema checks the address and names the field; the browser's own bubble would pre-empt it.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit().catch((error: unknown) => form.refuseFromServer(error, CHECKS_UNAVAILABLE));
      }}
    >
      <label>
        Reminder e-mail
        <input
          type="email"
          value={email}
          maxLength={254}
          onChange={(e) => setEmail(e.target.value)}
          {...form.control('email')}
        />
        {form.message('email')}
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
          {...form.control('smsConsent')}
        />{' '}
        The patient consents to SMS reminders to their phone{props.hasPhone ? '' : ' (record a phone number first)'}
      </label>
      {form.message('smsConsent')}
      {form.generalAlert()}
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
