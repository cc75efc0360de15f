/** Errors that carry context, mapped to HTTP statuses in one place (lib/http/api.ts). */
export class AppError extends Error {
  readonly status: number = 500;
}
export class NotFoundError extends AppError {
  override readonly status = 404;
  override name = 'NotFoundError';
}
export class ForbiddenError extends AppError {
  override readonly status = 403;
  override name = 'ForbiddenError';
}
export class UnauthorizedError extends AppError {
  override readonly status = 401;
  override name = 'UnauthorizedError';
}
/** Someone else changed the record since it was read: the optimistic version check failed. */
export class ConflictError extends AppError {
  override readonly status = 409;
  override name = 'ConflictError';
}
/** Input that is well-formed but not allowed, with a message per field. */
export class ValidationError extends AppError {
  override readonly status = 400;
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}
/**
 * The database file at DATABASE_PATH is no longer the file this process opened (deleted, moved or copied over):
 * writes would go to a file nobody will read again, so none is accepted (503) until the server restarts.
 */
export class DatabaseFileChangedError extends AppError {
  override readonly status = 503;
  override name = 'DatabaseFileChangedError';
}

/**
 * A read refused because its audit row cannot be written and the clinic chose READ_AUDIT_FAIL_CLOSED=true
 * (db/audit-read.ts). Nothing of the record was shown.
 */
export class ReadAuditRefusedError extends AppError {
  override readonly status = 503;
  override name = 'ReadAuditRefusedError';
}
