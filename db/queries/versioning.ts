/**
 * Optimistic concurrency: an update names the version it read. If someone saved in between, nothing is
 * written and the caller gets a 409 with a clear message, never a silent overwrite.
 */
import { ConflictError } from '@/lib/errors';

export function assertSameVersion(what: string, expected: number, actual: number): void {
  if (expected !== actual) {
    throw new ConflictError(
      `This ${what} was changed by someone else while you were editing (your version ${expected}, now ${actual}). Reload to see their changes, then make yours again.`,
    );
  }
}
