'use client';

import { useId, useLayoutEffect, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import { ApiError } from '@/lib/query/client';
import { fieldErrors } from '@/lib/validation/errors';

type Errors = Record<string, string>;

/**
 * Moves focus to the first invalid control of a form (document order), or else to its general error: after a
 * refused submit a keyboard or screen-reader user lands on what to fix instead of on a button that did nothing.
 */
export function focusFirstInvalid(form: HTMLElement | null): void {
  if (!form) return;
  const target =
    form.querySelector<HTMLElement>('[aria-invalid="true"]:not([disabled])') ??
    form.querySelector<HTMLElement>('[role="alert"]');
  if (!target) return;
  if (target.getAttribute('role') === 'alert' && !target.hasAttribute('tabindex')) target.tabIndex = -1;
  target.focus();
}

/**
 * Focuses the first invalid control of the form with id `formId` each time `attempt` grows (a submit that was
 * refused), in the same commit that renders the errors (a layout effect: the control is marked invalid and focused
 * before the browser paints, never a frame with focus still on the submit button, and a test that sees the error
 * sees the focus). By id rather than a ref: the form's errors object is read while rendering, which a ref inside
 * it would forbid (react-hooks/refs).
 */
export function useFocusFirstInvalid(formId: string, attempt: number): void {
  useLayoutEffect(() => {
    if (attempt > 0) focusFirstInvalid(document.getElementById(formId));
  }, [attempt, formId]);
}

export interface FormErrors {
  /** The form's id: `<form id={form.formId}>`. */
  formId: string;
  /** Empties the form's uncontrolled fields (after a save, so the next entry starts blank). */
  reset: () => void;
  /** Field errors by path (`followUp.dueOn`), the client's checks over the server's. */
  errors: Errors;
  /** A refusal that names no field (a 409, a network failure), or null. */
  general: string | null;
  /** Parses with the form's zod schema; on failure shows every field's error, focuses the first, returns null. */
  parse: <S extends z.ZodType>(schema: S, value: unknown) => z.output<S> | null;
  /** Shows field errors found by a check of the form's own (e.g. "does not match"); focuses the first. */
  refuse: (errors: Errors) => void;
  /** Shows what the server refused (an ApiError's fields and message); focuses the first. */
  refuseFromServer: (error: unknown, fallback?: string) => void;
  clear: () => void;
  /** aria-invalid and aria-describedby for the control of `key` (merge with ids of its help text). */
  control: (key: string, describedBy?: string) => { 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };
  /** The field's error message, with the id the control points at. `label` prefixes it ("Password is wrong"). */
  message: (key: string, label?: string) => ReactNode;
  /** The general refusal as an alert, when no field error explains it. */
  generalAlert: () => ReactNode;
}

/**
 * One form's errors, shown the same way on every form: each invalid control gets aria-invalid and points at its
 * message with aria-describedby (marked by a border and a sign in globals.css, not only red text), and a refused
 * submit moves focus to the first of them. Local checks and server refusals go through the same place.
 */
export function useFormErrors(): FormErrors {
  const id = useId();
  const formId = `${id}-form`;
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useFocusFirstInvalid(formId, attempt);

  const errId = (key: string) => `${id}-${key.replace(/[^\w-]/g, '_')}-err`;
  const refuse = (next: Errors) => {
    setErrors(next);
    setGeneral(null);
    setAttempt((a) => a + 1);
  };
  return {
    formId,
    reset: () => (document.getElementById(formId) as HTMLFormElement | null)?.reset(),
    errors,
    general,
    parse: (schema, value) => {
      const parsed = schema.safeParse(value);
      if (parsed.success) {
        setErrors({});
        setGeneral(null);
        return parsed.data;
      }
      refuse(fieldErrors(parsed.error));
      return null;
    },
    refuse,
    refuseFromServer: (error, fallback = 'Not saved. Try again.') => {
      const fields = error instanceof ApiError ? error.fields : {};
      setErrors(fields);
      setGeneral(Object.keys(fields).length ? null : error instanceof ApiError ? error.message : fallback);
      setAttempt((a) => a + 1);
    },
    clear: () => {
      setErrors({});
      setGeneral(null);
    },
    control: (key, describedBy) => ({
      'aria-invalid': errors[key] ? true : undefined,
      'aria-describedby': [describedBy, errors[key] ? errId(key) : null].filter(Boolean).join(' ') || undefined,
    }),
    message: (key, label) =>
      errors[key] ? (
        <span id={errId(key)} className="field-error">
          {label ? `${label} ${errors[key]}` : errors[key]}
        </span>
      ) : null,
    generalAlert: () =>
      general ? (
        <p role="alert" className="error">
          {general}
        </p>
      ) : null,
  };
}
