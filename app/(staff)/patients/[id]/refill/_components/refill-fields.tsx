'use client';

import { useId } from 'react';
import type { RefillFormContext } from '@/db/queries/refills';
import type { RefillCheck } from './use-refill-check';
import type { RefillDraft, UpdateDraft } from './use-refill-draft';

/** How a refill section wires a control to its error: ids, aria-invalid and the error text. */
export interface FieldWiring {
  /** The form's id prefix (e.g. for the live discrepancy panel, `${id}-live`). */
  id: string;
  errors: Record<string, string>;
  describe: (key: string, extra?: string) => string | undefined;
  invalid: (key: string) => true | undefined;
  errorText: (key: string) => React.ReactNode;
}

export function useFieldWiring(errors: Record<string, string>): FieldWiring {
  const id = useId();
  return {
    id,
    errors,
    describe: (key, extra) =>
      [errors[key] ? `${id}-${key}-err` : null, extra].filter(Boolean).join(' ') || undefined,
    invalid: (key) => (errors[key] ? true : undefined),
    errorText: (key) =>
      errors[key] ? (
        <span id={`${id}-${key}-err`} className="field-error">
          {errors[key]}
        </span>
      ) : null,
  };
}

/** What every section of the refill form is given. */
export interface RefillSectionProps {
  context: RefillFormContext;
  draft: RefillDraft;
  update: UpdateDraft;
  check: RefillCheck;
  fields: FieldWiring;
}
