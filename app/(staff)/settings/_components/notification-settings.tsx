'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Field } from '@/app/(staff)/_components/field';
import { ApiError, fetchJson } from '@/lib/query/client';
import { fieldErrors } from '@/lib/validation/errors';
import { notificationSettingsSchema, type NotificationSettingsBody } from '@/lib/validation/notifications';

export interface NotificationSettingsView extends NotificationSettingsBody {
  configured: { email: boolean; sms: boolean };
}

/**
 * Reminder and digest times, the escalation delay and the on-call contact (PATCH /api/v1/notification-settings),
 * and who is on duty for the morning digest (PATCH /api/v1/staff/{id}/duty). Admins edit; others read.
 */
export function NotificationSettings({
  initial,
  roster,
  canWrite,
}: {
  initial: NotificationSettingsView;
  roster: { userId: string; name: string; role: string; onDuty: boolean }[];
  canWrite: boolean;
}) {
  const router = useRouter();
  const { configured, ...start } = initial;
  const [draft, setDraft] = useState({ ...start, escalateAfterMinutes: String(start.escalateAfterMinutes) });
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: NotificationSettingsBody) => fetchJson('/api/v1/notification-settings', { method: 'PATCH', body: JSON.stringify(body) }),
    onSuccess: () => router.refresh(),
  });
  const duty = useMutation({
    mutationFn: (v: { userId: string; onDuty: boolean }) =>
      fetchJson(`/api/v1/staff/${encodeURIComponent(v.userId)}/duty`, { method: 'PATCH', body: JSON.stringify({ onDuty: v.onDuty }) }),
    onSuccess: () => router.refresh(),
  });
  const errors = { ...(save.error instanceof ApiError ? save.error.fields : {}), ...localErrors };
  const set = (key: keyof typeof draft, value: string) => setDraft((d) => ({ ...d, [key]: value }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = notificationSettingsSchema.safeParse({ ...draft, escalateAfterMinutes: Number(draft.escalateAfterMinutes) });
    if (!parsed.success) {
      setLocalErrors(fieldErrors(parsed.error));
      return;
    }
    setLocalErrors({});
    save.mutate(parsed.data);
  };

  const text = (key: keyof typeof draft, label: string, help?: string, type = 'text') => (
    <Field label={label} error={errors[key]} help={help}>
      {(p) => <input {...p} type={type} value={draft[key]} disabled={!canWrite} onChange={(e) => set(key, e.target.value)} />}
    </Field>
  );

  return (
    <section className="card stack" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading" style={{ margin: 0 }}>
        Reminders and alerts
      </h2>
      <p className={configured.email || configured.sms ? 'small muted' : 'notice warn'}>
        {configured.email || configured.sms
          ? `Sending by ${[configured.email && 'e-mail', configured.sms && 'SMS webhook'].filter(Boolean).join(' and ')} (docs/notifications.md).`
          : 'Reminders are not configured on this server: set SMTP_URL or SMS_WEBHOOK_URL (docs/notifications.md). Nothing is sent.'}
      </p>
      <form className="stack" aria-label="Reminder and alert settings" onSubmit={onSubmit} noValidate>
        <div className="grid-2">
          {text('eveningReminderAt', 'Evening-before reminder', 'Clinic time, the day before an appointment', 'time')}
          {text('morningReminderAt', 'Morning-of reminder', 'Also the earliest time for due and overdue reminders', 'time')}
          {text('digestAt', 'Staff digest', 'Each clinic day, to the staff on duty', 'time')}
          {text('escalateAfterMinutes', 'Escalate critical alerts after (minutes)', 'To the managing physician; after twice as long, to on-call', 'number')}
          {text('onCallName', 'On-call contact')}
          {text('onCallEmail', 'On-call e-mail', undefined, 'email')}
          {text('onCallPhone', 'On-call phone (SMS)')}
        </div>
        {save.error && !Object.keys(errors).length && (
          <p className="error" role="alert">
            {save.error.message}
          </p>
        )}
        {save.isSuccess && <p role="status">Saved.</p>}
        {canWrite && (
          <div>
            <button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save reminder settings'}
            </button>
          </div>
        )}
      </form>
      <fieldset className="pt-fieldset">
        <legend>On duty (receive the morning digest and undelivered-reminder alerts)</legend>
        {roster.map((r) => (
          <label key={r.userId} className="inline">
            <input
              type="checkbox"
              checked={r.onDuty}
              disabled={!canWrite || duty.isPending}
              onChange={(e) => duty.mutate({ userId: r.userId, onDuty: e.target.checked })}
            />{' '}
            {r.name} <span className="muted small">({r.role})</span>
          </label>
        ))}
        {duty.error && (
          <p className="error" role="alert">
            {duty.error.message}
          </p>
        )}
      </fieldset>
    </section>
  );
}
