'use client';

/**
 * "My patients" or "the whole clinic" for the staff member's own calendar feed (decision 026). Saved at once
 * (audited); the calendar follows at its next fetch, at the same address.
 */
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { StaffFeedScope } from '@/lib/domain/vocabulary';
import { ApiError, fetchJson } from '@/lib/query/client';
import type { StaffFeedScopeStatus } from '@/lib/validation/feeds';

export function FeedScopePicker({ initial }: { initial: StaffFeedScopeStatus }) {
  const [status, setStatus] = useState(initial);
  const name = useId();
  const save = useMutation({
    mutationFn: (scope: StaffFeedScope) =>
      fetchJson<StaffFeedScopeStatus>('/api/v1/me/feed/scope', { method: 'PUT', body: JSON.stringify({ scope }) }),
    onSuccess: setStatus,
  });
  const noPatients = status.managedPatients === 0;
  return (
    <fieldset className="stack" disabled={save.isPending} data-testid="feed-scope">
      <legend>What your calendar shows</legend>
      <label>
        <input
          type="radio"
          name={name}
          checked={status.scope === 'mine'}
          disabled={noPatients}
          onChange={() => save.mutate('mine')}
        />{' '}
        My patients:{' '}
        {noPatients
          ? 'no patient has you as managing physician'
          : `the ${status.managedPatients} patient${status.managedPatients === 1 ? '' : 's'} you are managing physician of`}
      </label>
      <label>
        <input type="radio" name={name} checked={status.scope === 'clinic'} onChange={() => save.mutate('clinic')} /> The whole
        clinic
      </label>
      <p className="muted" role="status">
        {status.chosen
          ? 'Your choice is saved. Your calendar shows it at its next update.'
          : `Not chosen yet: ${status.scope === 'mine' ? 'your patients, because patients have you as managing physician' : 'the whole clinic'} (the default).`}
      </p>
      {save.error && (
        <p role="alert" className="error">
          {save.error instanceof ApiError ? save.error.message : 'The choice could not be saved. Try again.'}
        </p>
      )}
    </fieldset>
  );
}
