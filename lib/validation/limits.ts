/**
 * Limits and keys that client components need at render time, kept free of zod: a form that imports a constant
 * from a schema module carries the whole of zod into the page's first load (about 30 KiB of script on the patient
 * page). The schemas import these from here, so each limit still has one home; the forms load the schemas only
 * when they are opened (app/(staff)/_components/lazy-checks.ts).
 */

/** A staff note on a contact attempt. */
export const NOTE_MAX = 1000;
/** A patient's note on the attendance page. */
export const PATIENT_NOTE_MAX = 300;

/**
 * What the patient panel leaves in sessionStorage for the print handout (same tab, never in a URL): the link
 * and when it was issued, so that a stale one is not printed.
 */
export const FEED_HANDOFF_KEY = 'pump-feed-handout';
/** A link handed to the print page is usable for this long after it was issued. */
export const FEED_HANDOFF_MAX_AGE_MS = 30 * 60_000;
