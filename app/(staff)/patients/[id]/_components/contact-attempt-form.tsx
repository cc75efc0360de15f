'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useFormErrors } from '@/app/(staff)/_components/form-errors';
import { contactOutcomeLabels, contactOutcomes, type ContactOutcome } from '@/lib/domain/vocabulary';
import { fetchJson } from '@/lib/query/client';
import type { ContactAttemptBody } from '@/lib/validation/outreach';
import { NOTE_MAX } from '@/lib/validation/limits';
import { DateInput } from '@/app/(staff)/_components/date-time-inputs';
import { CHECKS_UNAVAILABLE, lazyModule, useLazyChecks } from '@/app/(staff)/_components/lazy-checks';

const checks = lazyModule(() => import('@/lib/validation/outreach'));

/** Log one attempt to reach the patient, and optionally a follow-up call (a date and who makes it). */
export function ContactAttemptForm(props: { patientId: number; today: string; assignees: { id: string; name: string }[]; me: string }) {
  const router = useRouter();
  const form = useFormErrors();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<ContactOutcome | ''>('');
  const [note, setNote] = useState('');
  const [followUp, setFollowUp] = useState(false);
  const [dueOn, setDueOn] = useState(props.today);
  const [assigneeId, setAssigneeId] = useState(props.assignees.some((a) => a.id === props.me) ? props.me : (props.assignees[0]?.id ?? ''));
  const mutation = useMutation({
    mutationFn: (body: ContactAttemptBody) => fetchJson(`/api/v1/patients/${props.patientId}/contacts`, { method: 'POST', body: JSON.stringify(body) }),
    onError: (e) => form.refuseFromServer(e),
    onSuccess: () => {
      form.clear();
      setOpen(false);
      setOutcome('');
      setNote('');
      setFollowUp(false);
      router.refresh();
    },
  });
  const err = (field: string) => form.message(field);
  const loadChecks = useLazyChecks(checks, open);
  const submit = async () => {
    const { contactAttemptSchema } = await loadChecks();
    const body = form.parse(contactAttemptSchema, { outcome: outcome || undefined, note, followUp: followUp ? { dueOn, assigneeId } : null });
    if (body) mutation.mutate(body);
  };

  if (!open)
    return (
      <button type="button" className="small" onClick={() => setOpen(true)}>
        Log contact attempt
      </button>
    );

  return (
    <form
      id={form.formId}
      className="stack"
      aria-label="Contact attempt"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit().catch((error: unknown) => form.refuseFromServer(error, CHECKS_UNAVAILABLE));
      }}
    >
      <label>
        Outcome
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as ContactOutcome | '')} {...form.control('outcome')}>
          <option value="">Choose…</option>
          {contactOutcomes.map((o) => (
            <option key={o} value={o}>
              {contactOutcomeLabels[o]}
            </option>
          ))}
        </select>
        {err('outcome')}
      </label>
      <label>
        Note
        <textarea value={note} maxLength={NOTE_MAX} rows={2} onChange={(e) => setNote(e.target.value)} {...form.control('note')} />
        {err('note')}
      </label>
      <label className="inline">
        <input type="checkbox" checked={followUp} onChange={(e) => setFollowUp(e.target.checked)} /> Plan a follow-up call
      </label>
      {followUp && (
        <div className="pt-buttons">
          <div className="typed-field">
            <label htmlFor={`${form.formId}-follow-up-by`}>Follow-up by</label>
            <DateInput
              id={`${form.formId}-follow-up-by`}
              label="Follow-up by"
              value={dueOn}
              min={props.today}
              onChange={setDueOn}
              {...form.control('followUp.dueOn')}
            />
            {err('followUp.dueOn')}
          </div>
          <label>
            Assigned to
            <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)} {...form.control('followUp.assigneeId')}>
              {props.assignees.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
            {err('followUp.assigneeId')}
          </label>
        </div>
      )}
      {form.generalAlert()}
      <div className="pt-buttons">
        <button type="submit" className="small" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save attempt'}
        </button>
        <button type="button" className="secondary small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function FollowUpDoneButton({ taskId, version, dueOn }: { taskId: number; version: number; dueOn: string }) {
  const router = useRouter();
  const mutation = useMutation({
    mutationFn: () => fetchJson(`/api/v1/follow-ups/${taskId}`, { method: 'PATCH', body: JSON.stringify({ version, done: true }) }),
    onSuccess: () => router.refresh(),
  });
  return (
    <>
      <button type="button" className="secondary small" disabled={mutation.isPending} onClick={() => mutation.mutate()} aria-label={`Mark the follow-up of ${dueOn} done`}>
        Done
      </button>
      {mutation.error && (
        <span className="error" role="alert">
          {' '}
          {mutation.error.message}
        </span>
      )}
    </>
  );
}
