/**
 * FHIR search parameters this API understands, per resource type, and the matching of records against them.
 * An unknown parameter is refused (400 naming it) rather than ignored: a hospital system that believes it
 * filtered by `date` must not silently receive every appointment (FHIR's "strict" handling).
 */
import type { Resource } from '@medplum/fhirtypes';
import { ValidationError } from '@/lib/errors';
import {
  appointmentResource,
  deviceResource,
  flagResource,
  medicationRequestResource,
  patientResource,
  resourceTypes,
  type FhirResourceType,
} from './resources';
import type { FhirClinicRecords, FhirPatientRecord } from './types';

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

const common = ['_id', '_count', '_offset', '_format'] as const;
/** The search parameters of each type, beyond the common `_id`, `_count`, `_offset` and `_format`. */
export const searchParams: Record<FhirResourceType, readonly string[]> = {
  Patient: ['identifier', 'name', 'family', 'given', 'birthdate'],
  Device: ['patient', 'status'],
  MedicationRequest: ['patient', 'subject'],
  Appointment: ['patient', 'actor', 'status'],
  Flag: ['patient', 'subject'],
};

export interface FhirSearch {
  type: FhirResourceType;
  id: string | null;
  /** From `patient`, `subject` or `actor` (`Patient/12` or `12`), or Patient's `_id`. */
  patientId: number | null;
  identifier: { system: string | null; value: string } | null;
  name: string | null;
  family: string | null;
  given: string | null;
  birthdate: string | null;
  status: string | null;
  count: number;
  offset: number;
}

export function isResourceType(type: string): type is FhirResourceType {
  return (resourceTypes as readonly string[]).includes(type);
}

/** A patient reference's id: `Patient/12`, `12` or a full URL ending in `Patient/12`; else the field's 400. */
function patientIdOf(raw: string, field: string): number {
  const match = /^(?:(?:.*\/)?Patient\/)?([1-9]\d{0,15})$/.exec(raw.trim());
  if (!match) {
    throw new ValidationError(`${field} must be a Patient reference such as Patient/12.`, { [field]: 'Patient reference such as Patient/12' });
  }
  return Number(match[1]);
}

function integerParam(raw: string | null, field: string, min: number, max: number, fallback: number): number {
  if (raw == null) return fallback;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ValidationError(`${field} must be a whole number from ${min} to ${max}.`, { [field]: `${min}–${max}` });
  }
  return Number(raw);
}

/** Parses a search's query string for `type`; ValidationError naming the parameter when it is not allowed. */
export function parseSearch(type: FhirResourceType, params: URLSearchParams): FhirSearch {
  const allowed = new Set<string>([...common, ...searchParams[type]]);
  for (const key of new Set(params.keys())) {
    if (!allowed.has(key)) {
      throw new ValidationError(
        `${type} search does not support the parameter "${key}". Supported: ${[...allowed].join(', ')}.`,
        { [key]: 'not supported' },
      );
    }
    if (params.getAll(key).length > 1) throw new ValidationError(`Give the parameter "${key}" once.`, { [key]: 'repeated' });
  }
  const format = params.get('_format');
  if (format != null && !['json', 'application/json', 'application/fhir+json'].includes(format)) {
    throw new ValidationError('_format must be json: this server answers in FHIR JSON only.', { _format: 'json' });
  }
  const birthdate = params.get('birthdate');
  if (birthdate != null && !/^\d{4}-\d{2}-\d{2}$/.test(birthdate)) {
    throw new ValidationError('birthdate must be a date as YYYY-MM-DD.', { birthdate: 'YYYY-MM-DD' });
  }
  const status = params.get('status');
  const statuses = type === 'Device' ? ['active', 'inactive'] : ['booked', 'fulfilled', 'cancelled', 'noshow'];
  if (status != null && !statuses.includes(status)) {
    throw new ValidationError(`status must be one of ${statuses.join(', ')}.`, { status: statuses.join(', ') });
  }
  const refField = ['patient', 'subject', 'actor'].find((f) => params.has(f));
  const id = params.get('_id');
  let patientId = refField ? patientIdOf(params.get(refField)!, refField) : null;
  if (type === 'Patient' && id != null) patientId = /^[1-9]\d{0,15}$/.test(id) ? Number(id) : -1;
  const identifier = params.get('identifier');
  const bar = identifier?.indexOf('|') ?? -1;
  return {
    type,
    id,
    patientId,
    identifier:
      identifier == null
        ? null
        : bar >= 0
          ? { system: identifier.slice(0, bar) || null, value: identifier.slice(bar + 1) }
          : { system: null, value: identifier },
    name: params.get('name'),
    family: params.get('family'),
    given: params.get('given'),
    birthdate,
    status,
    count: integerParam(params.get('_count'), '_count', 0, MAX_COUNT, DEFAULT_COUNT),
    offset: integerParam(params.get('_offset'), '_offset', 0, 10_000_000, 0),
  };
}

/** FHIR string search: case- and accent-insensitive "starts with" on any word of the name. */
function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
const startsWord = (value: string, prefix: string) => fold(value).split(/\s+/).some((w) => w.startsWith(fold(prefix)));

function patientMatches(p: FhirPatientRecord, q: FhirSearch, mrnSystem: string): boolean {
  if (q.identifier) {
    if (q.identifier.system != null && q.identifier.system !== mrnSystem) return false;
    if (p.mrn !== q.identifier.value) return false;
  }
  if (q.name != null && !startsWord(`${p.givenName} ${p.familyName}`, q.name)) return false;
  if (q.family != null && !startsWord(p.familyName, q.family)) return false;
  if (q.given != null && !startsWord(p.givenName, q.given)) return false;
  if (q.birthdate != null && p.dateOfBirth !== q.birthdate) return false;
  return true;
}

/** Every resource of the search's type in `records` that matches it, in a stable order (by id). */
export function matchingResources(records: FhirClinicRecords, q: FhirSearch, mrnSystem: string): Resource[] {
  const forPatient = (patientId: number) => q.patientId == null || patientId === q.patientId;
  let out: Resource[];
  switch (q.type) {
    case 'Patient':
      out = records.patients
        .filter((p) => forPatient(p.id) && patientMatches(p, q, mrnSystem))
        .map((p) => patientResource(records.clinic, p));
      break;
    case 'Device':
      out = records.pumps.filter((p) => forPatient(p.patientId)).map(deviceResource);
      break;
    case 'MedicationRequest':
      out = records.programs.filter((p) => forPatient(p.patientId)).map(medicationRequestResource);
      break;
    case 'Appointment':
      out = records.appointments
        .filter((a) => forPatient(a.patientId))
        .map((a) => appointmentResource(records.clinic, a));
      break;
    case 'Flag':
      out = records.alerts.filter((a) => forPatient(a.patientId)).map(flagResource);
      break;
  }
  if (q.status != null) out = out.filter((r) => 'status' in r && r.status === q.status);
  if (q.id != null) out = out.filter((r) => r.id === q.id);
  return out;
}
