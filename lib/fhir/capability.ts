/** The server's CapabilityStatement (GET /api/fhir/r4/metadata): what a hospital's client may ask of it. */
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { resourceTypes, type FhirResourceType } from './resources';
import { searchParams } from './search';

const searchTypes: Record<string, 'token' | 'string' | 'date' | 'reference' | 'number'> = {
  _id: 'token',
  identifier: 'token',
  name: 'string',
  family: 'string',
  given: 'string',
  birthdate: 'date',
  patient: 'reference',
  subject: 'reference',
  actor: 'reference',
  status: 'token',
};

function resource(type: FhirResourceType): CapabilityStatementRestResource {
  return {
    type,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    searchParam: ['_id', ...searchParams[type]].map((name) => ({ name, type: searchTypes[name] ?? 'string' })),
  };
}

export function capabilityStatement(base: string, date: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    kind: 'instance',
    software: { name: 'Pump refill scheduler' },
    implementation: { description: 'Intrathecal pump refill scheduler: read-only FHIR R4 API', url: base },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Read-only. Authenticate with a personal API token (Authorization: Bearer) or a staff session; see docs/fhir.md.',
        security: { description: 'Bearer API tokens with the JSON API\'s roles; every read is audited.' },
        resource: resourceTypes.map(resource),
        operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
      },
    ],
  };
}
