import { getDb } from '@/db';
import { operationOutcome } from '@/lib/fhir/outcome';
import { resourceTypes } from '@/lib/fhir/resources';
import { isResourceType } from '@/lib/fhir/search';
import { requestNow } from '@/lib/clock';
import { fhirApi, fhirResponse, searchResponse } from '@/lib/http/fhir';

export const dynamic = 'force-dynamic';

/** FHIR R4 search: Patient, Device, MedicationRequest, Appointment or Flag of the caller's clinic (docs/fhir.md). */
export const GET = fhirApi('clinical:read', { resource: 'fhir-search' }, async ({ staff, params, request, read }) => {
  const type = params.type ?? '';
  if (!isResourceType(type)) {
    return fhirResponse(operationOutcome(404, `This server does not serve ${type}: it serves ${resourceTypes.join(', ')}.`), { status: 404 });
  }
  return searchResponse(getDb(), staff, type, request, requestNow(), read);
});
