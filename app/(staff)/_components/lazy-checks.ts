'use client';

import { useEffect } from 'react';

/**
 * A form's client-side checks (its zod schemas), loaded when the form is first opened instead of with the page.
 * The patient page shows a dozen closed forms; importing their schemas statically put zod into its first load
 * (issue 18: Lighthouse mobile performance 91 with it, the target is 95). The server checks every request anyway:
 * these checks only name the field before a round trip.
 */
export interface LazyModule<T> {
  /** The module: the same promise on every call once it is loading; a failed load is tried again on the next call. */
  load: () => Promise<T>;
}

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let pending: Promise<T> | undefined;
  return {
    load: () =>
      (pending ??= importer().catch((error: unknown) => {
        pending = undefined;
        throw error;
      })),
  };
}

/** What a form says when its checks could not be fetched (offline, or a deploy replaced the chunk). */
export const CHECKS_UNAVAILABLE = 'Not saved: the form could not load its checks. Check the connection and try again.';

/**
 * Starts loading `checks` once the form is open (`open`, true by default for a form that mounts when opened), so
 * that a submit seconds later finds them ready; returns the loader for the submit handler to await.
 */
export function useLazyChecks<T>(checks: LazyModule<T>, open = true): () => Promise<T> {
  useEffect(() => {
    // A failure is reported by the submit that needs the module, not here.
    if (open) checks.load().catch(() => undefined);
  }, [checks, open]);
  return checks.load;
}
