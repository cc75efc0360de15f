/**
 * Errors thrown by the domain for input it cannot compute on. Each carries the offending field and value in
 * `context` so the one place that maps errors to HTTP statuses (422 for these) can name the field, and logs can
 * say which pump failed without the domain knowing about requests.
 */

export type ErrorContext = Record<string, unknown>;

export class DomainError extends Error {
  readonly context: ErrorContext;

  constructor(message: string, context: ErrorContext = {}) {
    super(message);
    this.name = new.target.name;
    this.context = context;
  }
}

/** A value is missing, out of range or inconsistent with another value. */
export class InvalidInputError extends DomainError {
  readonly field: string;

  constructor(field: string, message: string, context: ErrorContext = {}) {
    super(message, { field, ...context });
    this.field = field;
  }
}

/** The program list is empty: there is nothing to forecast from (`Pump 42 has no program since its refill`). */
export class NoProgramError extends InvalidInputError {}

/** One program version is malformed (bad step time, negative dose, mode not possible on this pump). */
export class InvalidProgramError extends InvalidInputError {}

/** The clinic's time zone is not a zone the runtime knows. */
export class InvalidTimeZoneError extends InvalidInputError {}

/** A refill would put more drug in the reservoir than it holds ("DO NOT OVERFILL", reference.md S13). */
export class FillExceedsCapacityError extends InvalidInputError {}

/** The clinic calendar leaves no refill day to move a due date back to (e.g. no weekdays configured). */
export class NoClinicDayError extends DomainError {}
