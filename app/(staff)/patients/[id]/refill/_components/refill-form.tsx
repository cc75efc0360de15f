'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import { useFocusFirstInvalid } from '@/app/(staff)/_components/form-errors';
import type { RefillFormContext } from '@/db/queries/refills';
import { ApiError } from '@/lib/query/client';
import { refetchAfter } from '@/lib/query/keys';
import { recordVisit } from '@/lib/query/patients';
import { fieldErrors } from '@/lib/validation/errors';
import { recordVisitSchema } from '@/lib/validation/refill';
import { AppointmentsSection } from './appointments-section';
import { DrugSection } from './drug-section';
import { ProgramSection } from './program-section';
import { useFieldWiring, type RefillSectionProps } from './refill-fields';
import { RefillResult } from './refill-result';
import { liveFieldErrors, missingConfirmations, visitBody } from './refill-submission';
import { ResidualSection } from './residual-section';
import { SafeguardsSection } from './safeguards-section';
import { useRefillCheck } from './use-refill-check';
import { useRefillDraft } from './use-refill-draft';
import { VerificationSection } from './verification-section';

/** The refill visit form: live residual check with the domain's own function; the server recomputes and decides. */
export function RefillForm({
  context,
  mayChangeDose,
  draftStorageKey,
}: {
  context: RefillFormContext;
  mayChangeDose: boolean;
  /** Where the half-filled form is kept in this tab (user and pump), for the restore after an idle sign-out. */
  draftStorageKey?: string;
}) {
  const { draft, update, restored, discard } = useRefillDraft(context, draftStorageKey);
  const check = useRefillCheck(context, draft);
  const [submitted, setSubmitted] = useState(false);
  const [refused, setRefused] = useState<Record<string, string>>({});
  // Each refused submit (here or by the server) moves focus to the first field to fix.
  const formId = useId();
  const [attempt, setAttempt] = useState(0);
  useFocusFirstInvalid(formId, attempt);
  const mutation = useRecordVisit(context, discard, () => setAttempt((a) => a + 1));

  // Client checks mirror the server's, so the nurse sees them at once; the server checks them again.
  const liveErrors = liveFieldErrors(context, draft, check);
  const serverErrors = mutation.error instanceof ApiError ? mutation.error.fields : {};
  const fields = useFieldWiring({ ...(submitted ? refused : {}), ...serverErrors, ...liveErrors });

  if (mutation.data) return <RefillResult result={mutation.data} context={context} />;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const body = visitBody(context, draft, check, mayChangeDose);
    const parsed = recordVisitSchema.safeParse(body);
    const local = {
      ...(parsed.success ? {} : fieldErrors(parsed.error)),
      ...missingConfirmations(draft, check),
    };
    setRefused(local);
    if (!parsed.success || Object.keys(local).length > 0 || Object.keys(liveErrors).length > 0) {
      setAttempt((a) => a + 1);
      return;
    }
    // The body as typed (the visit time as an ISO string): parsed.data holds it as epoch ms, which the API refuses.
    mutation.mutate(body);
  };

  const section: RefillSectionProps = { context, draft, update, check, fields };
  return (
    <form id={formId} className="rf-form" onSubmit={submit} noValidate aria-describedby={`${fields.id}-live`}>
      {restored && (
        <p role="status" className="notice">
          Restored the refill you were filling in before you were signed out. Check each field, and enter the second person’s password again.
        </p>
      )}
      <div className="rf-columns">
        <div className="stack">
          <ResidualSection {...section} />
          <SafeguardsSection draft={draft} update={update} fields={fields} />
          <DrugSection {...section} />
        </div>

        <div className="stack">
          <ProgramSection {...section} mayChangeDose={mayChangeDose} />
          <AppointmentsSection {...section} />
          <VerificationSection {...section} />

          {mutation.error && (
            <p role="alert" className="notice danger">
              Not saved: {mutation.error.message}
            </p>
          )}
          {submitted && Object.keys(refused).length > 0 && !mutation.error && (
            <p role="alert" className="notice danger">
              Not saved: please correct the fields marked in red.
            </p>
          )}
          <div className="pt-buttons">
            <button type="submit" disabled={mutation.isPending}>
              {mutation.isPending ? 'Saving…' : 'Save refill'}
            </button>
            <Link className="button secondary" href={`/patients/${context.patient.id}`}>
              Cancel
            </Link>
          </div>
        </div>
      </div>
    </form>
  );
}

/** POST …/visits; on success, every query the visit changes is refetched. */
function useRecordVisit(context: RefillFormContext, onSaved: () => void, onRefused: () => void) {
  const queryClient = useQueryClient();
  const { patient, pump } = context;
  return useMutation({
    mutationFn: (body: Parameters<typeof recordVisit>[1]) => recordVisit(pump.id, body),
    onError: onRefused,
    onSuccess: async () => {
      onSaved();
      // The visit closes or keeps the appointments it replaces.
      await refetchAfter(queryClient, { patientId: patient.id }, 'schedule');
    },
  });
}
