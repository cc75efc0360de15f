import { getDb } from '@/db';
import { operationOutcome } from '@/lib/fhir/outcome';
import { isResourceType } from '@/lib/fhir/search';
import { requestNow } from '@/lib/clock';
import { fhirApi, fhirResponse, readResponse } from '@/lib/http/fhir';

export const dynamic = 'force-dynamic';

/** FHIR R4 read: one resource of the caller's clinic by id, e.g. GET /api/fhir/r4/Patient/12 (docs/fhir.md). */
export const GET = fhirApi('clinical:read', { resource: 'fhir-read' }, async ({ staff, params, read }) => {
  const type = params.type ?? '';
  const id = params.id ?? '';
  if (!isResourceType(type)) return fhirResponse(operationOutcome(404, `This server does not serve ${type}.`), { status: 404 });
  return readResponse(getDb(), staff, type, id, requestNow(), read);
});
