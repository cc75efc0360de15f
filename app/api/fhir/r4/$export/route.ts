import { getDb } from '@/db';
import { requestNow } from '@/lib/clock';
import { bulkExportResponse, exportTypes, fhirApi } from '@/lib/http/fhir';

export const dynamic = 'force-dynamic';

/**
 * The whole clinic as FHIR NDJSON in one download (`?_type=Patient,Device` to choose types): a synchronous
 * form of FHIR Bulk Data's $export, sized for one clinic (docs/fhir.md).
 */
export const GET = fhirApi('clinical:read', { resource: 'fhir-bulk', action: 'export' }, async ({ staff, request, read }) => {
  return bulkExportResponse(getDb(), staff, exportTypes(request.nextUrl.searchParams.get('_type')), requestNow(), read);
});
