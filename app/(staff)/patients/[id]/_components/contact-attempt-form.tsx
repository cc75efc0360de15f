'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { contactOutcomeLabels, contactOutcomes, type ContactOutcome } from '@/lib/domain/vocabulary';
import { ApiError, fetchJson } from '@/lib/query/client';
import { fieldErrors } from '@/lib/validation/errors';
import { contactAttemptSchema, NOTE_MAX, type ContactAttemptBody } from '@/lib/validation/outreach';

/** Log one attempt to reach the patient, and optionally a follow-up call (a date and who makes it). */
export function ContactAttemptForm(props: { patientId: number; today: string; assignees: { id: string; name: string }[]; me: string }) {
  const id = useId();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<ContactOutcome | ''>('');
  const [note, setNote] = useState('');
  const [followUp, setFollowUp] = useState(false);
  const [dueOn, setDueOn] = useState(props.today);
  const [assigneeId, setAssigneeId] = useState(props.assignees.some((a) => a.id === props.me) ? props.me : (props.assignees[0]?.id ?? ''));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: ContactAttemptBody) => fetchJson(`/api/v1/patients/${props.patientId}/contacts`, { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: () => {
      setOpen(false);
      setOutcome('');
      setNote('');
      setFollowUp(false);
      router.refresh();
    },
  });
  const errors = { ...(mutation.error instanceof ApiError ? mutation.error.fields : {}), ...localErrors };
  const err = (field: string) =>
    errors[field] ? (
      <span id={`${id}-${field}`} className="field-error">
        {errors[field]}
      </span>
    ) : null;

  if (!open)
    return (
      <button type="button" className="small" onClick={() => setOpen(true)}>
        Log contact attempt
      </button>
    );

  return (
    <form
      className="stack"
      aria-label="Contact attempt"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = contactAttemptSchema.safeParse({ outcome: outcome || undefined, note, followUp: followUp ? { dueOn, assigneeId } : null });
        if (!parsed.success) {
          setLocalErrors(fieldErrors(parsed.error));
          return;
        }
        setLocalErrors({});
        mutation.mutate(parsed.data);
      }}
    >
      <label>
        Outcome
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as ContactOutcome | '')} aria-invalid={!!errors.outcome} aria-describedby={errors.outcome ? `${id}-outcome` : undefined}>
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
        <textarea value={note} maxLength={NOTE_MAX} rows={2} onChange={(e) => setNote(e.target.value)} />
        {err('note')}
      </label>
      <label className="inline">
        <input type="checkbox" checked={followUp} onChange={(e) => setFollowUp(e.target.checked)} /> Plan a follow-up call
      </label>
      {followUp && (
        <div className="pt-buttons">
          <label>
            Follow-up by
            <input type="date" value={dueOn} min={props.today} onChange={(e) => setDueOn(e.target.value)} aria-invalid={!!errors['followUp.dueOn']} />
            {err('followUp.dueOn')}
          </label>
          <label>
            Assigned to
            <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
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
      {mutation.error && !Object.keys(errors).length && (
        <p className="error" role="alert">
          {mutation.error.message}
        </p>
      )}
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
