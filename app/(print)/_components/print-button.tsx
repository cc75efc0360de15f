'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { fetchJson } from '@/lib/query/client';

interface PrintRecord {
  id: number;
  printedAt: number;
  programId: number;
}

const unfit = () => document.querySelector('[data-fit="overflow"], [data-fit="pending"]') != null;

/**
 * Opens the browser's print dialog and, once it has closed (`afterprint`, which Ctrl+P fires too), asks whether the
 * paper came out: the browser fires `afterprint` for a cancelled dialog as well, so only the nurse's "Yes, it
 * printed" records the print (issue 15, item 7), with the fingerprint of exactly what the page showed (POST
 * card-prints). The server refuses (409) a
 * fingerprint that no longer matches the record, so a page left open while someone else edited the patient never
 * clears the "outdated" flag. A page that does not fit at the legible size, or whose QR code cannot work, prints
 * nothing (print CSS) and records nothing.
 */
export function PrintButton({
  patientId,
  pumpId,
  kind,
  fingerprint,
}: {
  patientId: number;
  pumpId: number;
  kind: 'card' | 'letter';
  fingerprint: string;
}) {
  const router = useRouter();
  const [fitProblem, setFitProblem] = useState(false);
  /** The dialog has closed: did it print? Asked until answered. */
  const [asking, setAsking] = useState(false);
  const [notPrinted, setNotPrinted] = useState(false);
  const mutation = useMutation({
    mutationFn: () =>
      fetchJson<PrintRecord>(`/api/v1/patients/${patientId}/card-prints`, {
        method: 'POST',
        body: JSON.stringify({ pumpId, kind, fingerprint }),
      }),
    onSuccess: () => router.refresh(),
  });
  // TanStack Query keeps `mutate` stable across renders: the listener is added once.
  const { mutate: record } = mutation;

  useEffect(() => {
    const afterPrint = () => {
      if (unfit()) {
        setFitProblem(true);
        return;
      }
      setNotPrinted(false);
      setAsking(true);
    };
    window.addEventListener('afterprint', afterPrint);
    return () => window.removeEventListener('afterprint', afterPrint);
  }, []);

  const onClick = () => {
    // A page whose text cannot fit even at the smallest legible size would print clipped or illegible: refuse it.
    const overflow = unfit();
    setFitProblem(overflow);
    if (!overflow) window.print();
  };

  const what = kind === 'card' ? 'card' : 'letter';
  return (
    <div>
      <button type="button" onClick={onClick} disabled={mutation.isPending}>
        {mutation.isPending ? 'Recording the print…' : `Print ${what}`}
      </button>
      {asking && (
        <div role="group" aria-label="Did it print?" className="notice warn">
          <p>
            Did the {what} come out of the printer, complete and legible? Only a printed {what} clears the
            “outdated” flag.
          </p>
          <button
            type="button"
            onClick={() => {
              setAsking(false);
              record();
            }}
          >
            Yes, it printed
          </button>{' '}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setAsking(false);
              setNotPrinted(true);
            }}
          >
            No, it did not print
          </button>
        </div>
      )}
      <div aria-live="polite">
        {notPrinted && (
          <p role="status">Not recorded: the worklist still shows this {what} as not printed or outdated.</p>
        )}
        {fitProblem && (
          <p role="alert" className="error">
            Some text does not fit on the {what} even at the smallest legible size (7 pt). Shorten the backup plan
            or allergies on the patient record, or print the letter instead. Nothing was printed.
          </p>
        )}
        {mutation.isError && (
          <p role="alert" className="error">
            The print was not recorded ({mutation.error.message}) The worklist still shows this {what} as
            outdated.
          </p>
        )}
        {mutation.isSuccess && (
          <p role="status" className="ok-text">
            Print recorded: this {what} is now the current one.
          </p>
        )}
      </div>
    </div>
  );
}
