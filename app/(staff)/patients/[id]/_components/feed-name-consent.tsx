'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { ApiError, fetchJson } from '@/lib/query/client';
import { formatInstant } from '@/lib/format';
import type { FeedFirstNameConsent } from '@/lib/validation/feeds';

/**
 * The patient's consent to their first name in their own calendar feed (PUT with the patient record's version).
 * Without it, feed entries carry no name.
 */
export function FeedNameConsent({ consent, timeZone }: { consent: FeedFirstNameConsent; timeZone: string }) {
  const router = useRouter();
  const mutation = useMutation({
    mutationFn: (give: boolean) =>
      fetchJson<FeedFirstNameConsent>(`/api/v1/patients/${consent.patientId}/feed/first-name`, {
        method: 'PUT',
        body: JSON.stringify({ consent: give, version: consent.version }),
      }),
    onSuccess: () => router.refresh(),
  });
  const given = consent.consentedAt != null;
  return (
    <div className="stack" data-testid="feed-name-consent">
      <p className="small" aria-live="polite">
        {given ? (
          <>
            Entries start with the first name <strong>{consent.firstName}</strong>: the patient consented on{' '}
            {formatInstant(consent.consentedAt, timeZone)}
            {consent.recordedByName ? ` (recorded by ${consent.recordedByName})` : ''}.
          </>
        ) : (
          <>Entries show no name. The first name is shown only if the patient consents.</>
        )}
      </p>
      {mutation.error && (
        <p className="error" role="alert">
          {mutation.error instanceof ApiError ? mutation.error.message : 'The request failed. Nothing was changed.'}
        </p>
      )}
      <div>
        <button
          type="button"
          className="secondary small"
          disabled={mutation.isPending}
          onClick={() => mutation.mutate(!given)}
        >
          {given ? 'Withdraw first-name consent' : 'Record consent to show the first name'}
        </button>
      </div>
    </div>
  );
}
