import type { z } from 'zod';

/** zod issues as one human message per field path (`programs.0.doseMcgPerDay`). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    out[key] ??= issue.message;
  }
  return out;
}
