/**
 * The FHIR API's edge: the same tokens, roles and error mapping as the JSON API (api() in ./api.ts), answered
 * as FHIR JSON, with errors as OperationOutcome instead of `{ error }`.
 */
import 'server-only';
import type { NextRequest } from 'next/server';
import type { Resource } from '@medplum/fhirtypes';
import type { Permission } from '@/lib/auth/permissions';
import type { Staff } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { operationOutcome } from '@/lib/fhir/outcome';
import { mrnSystem, resourceTypes, searchsetBundle, toNdjson, type FhirResourceType } from '@/lib/fhir/resources';
import { isResourceType, matchingResources, parseSearch } from '@/lib/fhir/search';
import type { Db } from '@/db/client';
import { loadFhirRecords, patientOfResource } from '@/db/queries/fhir';
import { api, type PatientDataPermission, type ReadDeclaration } from './api';
import { requestOrigin } from './origin';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

type Handler = Parameters<typeof api>[1];
type ReadFn = Parameters<Handler>[0]['read'];

export function fhirResponse(resource: Resource, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(resource), {
    ...init,
    headers: { 'Content-Type': FHIR_JSON, 'Cache-Control': 'no-store', ...init.headers },
  });
}

/** The base URL of this FHIR server (PUBLIC_URL, else as the client reached it), for Bundle fullUrls and links. */
export function fhirBase(request: NextRequest): string {
  return `${requestOrigin(request.headers)}/api/fhir/r4`;
}

/**
 * api() for FHIR routes: its authorization and its audit of every read (every FHIR route answers with patient
 * data, so each declares its read), then any `{ error }` answer turned into an OperationOutcome.
 */
export function fhirApi(permission: Extract<Permission, PatientDataPermission>, reads: ReadDeclaration, handler: Handler) {
  const inner = api({ permission, reads }, handler);
  const route = async (request: NextRequest, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const response = await inner(request, context);
    if (response.status < 400) return response;
    const body = (await response.json().catch(() => null)) as { error?: unknown; fields?: unknown } | null;
    const message = typeof body?.error === 'string' ? body.error : 'The request failed.';
    const fields = body?.fields && typeof body.fields === 'object' ? (body.fields as Record<string, string>) : {};
    const headers: Record<string, string> = {};
    const retry = response.headers.get('retry-after');
    if (retry) headers['Retry-After'] = retry;
    return fhirResponse(operationOutcome(response.status, message, fields), { status: response.status, headers });
  };
  return Object.assign(route, { meta: inner.meta });
}

/** The patients a FHIR resource is about: a Patient itself, or every `Patient/{id}` it references. */
export function patientIdsOf(resources: readonly Resource[]): number[] {
  const ids = new Set<number>();
  for (const r of resources) {
    if (r.resourceType === 'Patient' && r.id) ids.add(Number(r.id));
    for (const m of JSON.stringify(r).matchAll(/"reference":"Patient\/(\d+)"/g)) ids.add(Number(m[1]));
  }
  return [...ids];
}

/** A search of one resource type: a searchset Bundle of the page asked for, audited like a JSON API read. */
export function searchResponse(db: Db, staff: Staff, type: FhirResourceType, request: NextRequest, now: number, read: ReadFn): Response {
  const params = request.nextUrl.searchParams;
  const q = parseSearch(type, params);
  const inClinic = q.patientId != null && q.patientId > 0 ? patientOfResource(db, staff.clinicId, 'Patient', String(q.patientId)) : null;
  const empty = q.patientId != null && inClinic == null;
  const records = empty ? null : loadFhirRecords(db, staff.clinicId, { patientId: q.patientId, types: new Set([type]) }, now);
  const all = records ? matchingResources(records, q, mrnSystem(staff.clinicId)) : [];
  const page = all.slice(q.offset, q.offset + q.count);
  const base = fhirBase(request);
  const pageUrl = (offset: number) => {
    const next = new URLSearchParams(params);
    next.set('_count', String(q.count));
    next.set('_offset', String(offset));
    return `${base}/${type}?${next.toString()}`;
  };
  const selfUrl = `${base}/${type}${params.size ? `?${params.toString()}` : ''}`;
  const nextUrl = q.offset + q.count < all.length && q.count > 0 ? pageUrl(q.offset + q.count) : null;
  // One row (written by api()): the query, how many resources matched, and the patients of the page shown.
  read({ resource: `fhir:${type}`, patientIds: inClinic != null ? [inClinic] : patientIdsOf(page), detail: { query: params.toString(), total: all.length } });
  return fhirResponse(searchsetBundle(base, selfUrl, page, { total: all.length, nextUrl }));
}

/** One resource by id, or a 404 OperationOutcome; a found resource records a view of its patient. */
export function readResponse(db: Db, staff: Staff, type: FhirResourceType, id: string, now: number, read: ReadFn): Response {
  const patientId = patientOfResource(db, staff.clinicId, type, id);
  const notFound = () => fhirResponse(operationOutcome(404, `No ${type} with id ${id}.`), { status: 404 });
  if (patientId == null) return notFound();
  const records = loadFhirRecords(db, staff.clinicId, { patientId, types: new Set([type]) }, now);
  const q = parseSearch(type, new URLSearchParams({ _id: id }));
  const [resource] = matchingResources(records, q, mrnSystem(staff.clinicId));
  // E.g. the program of an explanted pump, or an alert that has since been acknowledged.
  if (!resource) return notFound();
  read({ resource: `fhir:${type}`, entityId: id, patientIds: [patientId] });
  return fhirResponse(resource);
}

/** The resource types of a `_type` list (default: all), or a ValidationError naming the unknown one. */
export function exportTypes(raw: string | null): FhirResourceType[] {
  if (raw == null || raw.trim() === '') return [...resourceTypes];
  const types = raw.split(',').map((t) => t.trim());
  for (const t of types) {
    if (!isResourceType(t)) {
      throw new ValidationError(`_type: "${t}" is not exported. Choose from ${resourceTypes.join(', ')}.`, { _type: resourceTypes.join(', ') });
    }
  }
  return [...new Set(types)] as FhirResourceType[];
}

/** Every resource of the clinic of the given types, as NDJSON (one download), audited as one export. */
export function bulkExportResponse(db: Db, staff: Staff, types: FhirResourceType[], now: number, read: ReadFn): Response {
  const records = loadFhirRecords(db, staff.clinicId, { types: new Set(types) }, now);
  const system = mrnSystem(staff.clinicId);
  const counts: Record<string, number> = {};
  const lines: string[] = [];
  const patients = new Set<number>();
  for (const type of types) {
    const resources = matchingResources(records, parseSearch(type, new URLSearchParams()), system);
    counts[type] = resources.length;
    for (const id of patientIdsOf(resources)) patients.add(id);
    lines.push(toNdjson(resources));
  }
  read({ patientIds: [...patients], detail: { types, counts } });
  return new Response(lines.join(''), {
    headers: {
      'Content-Type': 'application/fhir+ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="fhir-export-${new Date(now).toISOString().slice(0, 10)}.ndjson"`,
      'Cache-Control': 'no-store',
    },
  });
}
