'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { fetchJson } from '@/lib/query/client';

interface PrintRecord {
  id: number;
  printedAt: number;
  programId: number;
}

/**
 * Records which version is printed (POST card-prints: the active program and the latest refill), then
 * opens the browser's print dialog. A failed record prints nothing, so the worklist never believes a card
 * is current when it is not.
 */
export function PrintButton({
  patientId,
  pumpId,
  kind,
}: {
  patientId: number;
  pumpId: number;
  kind: 'card' | 'letter';
}) {
  const router = useRouter();
  const [fitProblem, setFitProblem] = useState(false);
  const mutation = useMutation({
    mutationFn: () =>
      fetchJson<PrintRecord>(`/api/v1/patients/${patientId}/card-prints`, {
        method: 'POST',
        body: JSON.stringify({ pumpId, kind }),
      }),
    onSuccess: () => {
      window.print();
      router.refresh();
    },
  });

  const onClick = () => {
    // A page whose text cannot fit even at the smallest size would print clipped: refuse it.
    const overflow = document.querySelector('[data-fit="overflow"]') != null;
    setFitProblem(overflow);
    if (!overflow) mutation.mutate();
  };

  const what = kind === 'card' ? 'card' : 'letter';
  return (
    <div>
      <button type="button" onClick={onClick} disabled={mutation.isPending}>
        {mutation.isPending ? 'Recording the print…' : `Print ${what}`}
      </button>
      <div aria-live="polite">
        {fitProblem && (
          <p role="alert" className="error">
            Some text does not fit on the {what} even at the smallest legible size. Shorten the backup plan or
            allergies on the patient record, or print the letter instead. Nothing was printed.
          </p>
        )}
        {mutation.isError && (
          <p role="alert" className="error">
            The print was not recorded ({mutation.error.message}), so nothing was printed. Try again.
          </p>
        )}
        {mutation.isSuccess && (
          <p role="status" className="ok-text">
            Print recorded. If the printer dialog did not open, press Print {what} again.
          </p>
        )}
      </div>
    </div>
  );
}
