'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { fetchJson } from '@/lib/query/client';

/** The front desk has called the patient back about their request for another time. */
export function HandledButton({ requestId, patientName }: { requestId: number; patientName: string }) {
  const router = useRouter();
  const mutation = useMutation({
    mutationFn: () => fetchJson(`/api/v1/attendance-requests/${requestId}`, { method: 'PATCH', body: JSON.stringify({ handled: true }) }),
    onSuccess: () => router.refresh(),
  });
  return (
    <>
      <button type="button" className="secondary small" disabled={mutation.isPending} onClick={() => mutation.mutate()} aria-label={`Dealt with ${patientName}'s request`}>
        {mutation.isPending ? 'Saving…' : 'Dealt with'}
      </button>
      {mutation.error && (
        <p className="error" role="alert">
          {mutation.error.message}
        </p>
      )}
    </>
  );
}
