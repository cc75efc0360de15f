/** Errors as FHIR OperationOutcome resources, with the issue code that matches the HTTP status. */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

const issueCodes: Record<number, OperationOutcomeIssue['code']> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-costly',
  503: 'transient',
};

export function operationOutcome(status: number, message: string, fields: Record<string, string> = {}): OperationOutcome {
  const code = issueCodes[status] ?? 'exception';
  const issues: OperationOutcomeIssue[] = Object.keys(fields).length
    ? Object.entries(fields).map(([field, detail]) => ({ severity: 'error', code, diagnostics: `${message} (${field}: ${detail})`, expression: [field] }))
    : [{ severity: 'error', code, diagnostics: message }];
  return { resourceType: 'OperationOutcome', issue: issues };
}
