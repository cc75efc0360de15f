'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { TitrationOffer } from '@/db/queries/titration';
import { formatInstant, formatLocalDate } from '@/lib/format';
import { bookTitrationSeries } from '@/lib/query/appointments';
import { ApiError } from '@/lib/query/client';
import { refetchAfter } from '@/lib/query/keys';

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * After an implant: the clinic's titration visits (day 2, week 1, week 2 by default), each on the first open slot
 * from its day on, shown before anything is booked. The nurse unticks any she does not want; "Book" books the ticked
 * ones all or none (lib/clinic/titration.ts).
 */
export function TitrationOfferPanel({
  patientId,
  offer,
  timeZone,
}: {
  patientId: number;
  offer: TitrationOffer;
  timeZone: string;
}) {
  const id = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const bookable = offer.visits.filter((v) => v.slot);
  const [ticked, setTicked] = useState<Set<number>>(() => new Set(bookable.map((v) => v.offsetDays)));
  // The visits sent, in order: a refusal names one by its place in this list (`visits.1.date`).
  const [sent, setSent] = useState<number[]>([]);
  const mutation = useMutation({
    mutationFn: () => {
      const visits = bookable.filter((v) => ticked.has(v.offsetDays));
      setSent(visits.map((v) => v.offsetDays));
      return bookTitrationSeries(offer.pumpId, {
        visits: visits.map((v) => ({ date: v.slot!.date, time: v.slot!.time, label: v.label })),
      });
    },
    onSuccess: async () => {
      await refetchAfter(queryClient, { patientId }, 'schedule');
      router.refresh();
    },
  });
  const count = bookable.filter((v) => ticked.has(v.offsetDays)).length;
  const fields = mutation.error instanceof ApiError ? mutation.error.fields : {};

  return (
    <section className="card stack" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Titration visits after the implant</h3>
      <p className="muted">
        Implanted {formatLocalDate(offer.implantedOn)}. The clinic sees a new patient again while the dose is
        titrated. Proposed, nothing booked yet: untick a visit to leave it out.
      </p>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (count > 0) mutation.mutate();
        }}
      >
        <fieldset className="pt-fieldset">
          <legend>Proposed visits</legend>
          <ul className="pt-plain">
            {offer.visits.map((v) => (
              <li key={v.offsetDays}>
                {v.slot ? (
                  <label className="inline">
                    <input
                      type="checkbox"
                      checked={ticked.has(v.offsetDays)}
                      onChange={(e) =>
                        setTicked((t) => {
                          const next = new Set(t);
                          if (e.target.checked) next.add(v.offsetDays);
                          else next.delete(v.offsetDays);
                          return next;
                        })
                      }
                    />{' '}
                    <strong>{capitalised(v.label)}:</strong>{' '}
                    {formatInstant(v.slot.startsAt, timeZone)}
                    {v.slot.date !== v.targetDate && (
                      <span className="muted"> (first open slot from {formatLocalDate(v.targetDate)})</span>
                    )}
                  </label>
                ) : (
                  <span className="muted">
                    {capitalised(v.label)} ({formatLocalDate(v.targetDate)}):{' '}
                    {v.passed ? 'already passed' : 'no open slot within 14 days; book it on the calendar'}
                  </span>
                )}
                {Object.entries(fields)
                  .filter(([k]) => sent.includes(v.offsetDays) && k.startsWith(`visits.${sent.indexOf(v.offsetDays)}.`))
                  .map(([k, message]) => (
                    <span key={k} className="field-error">
                      {' '}
                      {message}
                    </span>
                  ))}
              </li>
            ))}
          </ul>
        </fieldset>
        {mutation.error && (
          <p role="alert" className="notice danger">
            {mutation.error.message}
          </p>
        )}
        <div className="pt-buttons">
          <button type="submit" disabled={count === 0 || mutation.isPending}>
            {mutation.isPending
              ? 'Booking…'
              : count === 0
                ? 'No visit ticked'
                : `Book ${count} titration visit${count === 1 ? '' : 's'}`}
          </button>
        </div>
      </form>
    </section>
  );
}
