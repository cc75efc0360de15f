import type { NextRequest } from 'next/server';
import { capabilityStatement } from '@/lib/fhir/capability';
import { requestNow } from '@/lib/clock';
import { fhirBase, fhirResponse } from '@/lib/http/fhir';

export const dynamic = 'force-dynamic';

/** The CapabilityStatement: public, as FHIR clients read it before they authenticate; it holds no clinic data. */
export async function GET(request: NextRequest): Promise<Response> {
  return fhirResponse(capabilityStatement(fhirBase(request), new Date(requestNow()).toISOString().slice(0, 10)));
}
