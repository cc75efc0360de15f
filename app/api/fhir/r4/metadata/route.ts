import type { NextRequest } from 'next/server';
import { capabilityStatement } from '@/lib/fhir/capability';
import { fhirBase, fhirResponse } from '@/lib/server/fhir';

export const dynamic = 'force-dynamic';

/** The CapabilityStatement: public, as FHIR clients read it before they authenticate; it holds no clinic data. */
export async function GET(request: NextRequest): Promise<Response> {
  return fhirResponse(capabilityStatement(fhirBase(request), new Date().toISOString().slice(0, 10)));
}
