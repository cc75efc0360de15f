/**
 * The one place that reads the wall clock: ESLint refuses `Date.now()` and `new Date()` elsewhere in production
 * code. Domain functions and use cases take "now" as an argument; the edges (a handler, a page, start-up, a
 * schedule, a browser event) read it here once and pass it down, so a test can give any instant.
 */

/** The request's "now", read once by a handler or page. */
export function requestNow(): number {
  return Date.now();
}

/** The wall clock for work that is not a request: start-up, schedules, locks, a browser event. */
export function clockNow(): number {
  return Date.now();
}
