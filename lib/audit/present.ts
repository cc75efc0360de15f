/**
 * The audit trail in sentences people read (issue 14, item 8): "Nurse Kim recorded a refill of pump 8637-40
 * SN NGP123456 for patient Thompson, Grace (MRN PT-1): 18 mL filled …", with names instead of ids, clinic time
 * instead of epoch milliseconds, and mL, mcg and mg instead of the stored µL and ng. Pure: the caller loads the
 * names (lib/audit/view.ts) and redacts the values first (./redact.ts), so a hidden value stays hidden here.
 */
import { formatConcentration, formatDose, formatInstant, formatUl } from '@/lib/format';
import type { AuditEntry } from './entry';
import { HIDDEN } from './redact';

export interface AuditLookups {
  timeZone: string;
  staff: ReadonlyMap<string, string>;
  /** Patients by id: `name` only when the reader may see demographics (audit:values). */
  patients: ReadonlyMap<number, { mrn: string; name: string | null }>;
  /** Pumps by id: `label` ("8637-40 SN NGP123456") only with audit:values. */
  pumps: ReadonlyMap<number, { patientId: number; label: string | null }>;
  drugs: ReadonlyMap<number, { product: string; doseUnit: 'mcg' | 'mg' }>;
}

export interface AuditChange {
  field: string;
  before: string;
  after: string;
}

export interface PresentedEntry {
  id: number;
  when: string;
  who: string;
  action: string;
  sentence: string;
  /** Each field the row records, in words and units (before and after for a change). */
  changes: AuditChange[];
  /** "192.0.2.10 · Firefox 128 on Linux", or null when the row predates addresses. */
  from: string | null;
}

const FIELD_NAMES: Record<string, string> = {
  performedAt: 'performed at',
  expectedResidualUl: 'expected residual',
  aspiratedResidualUl: 'aspirated residual',
  discrepancyUl: 'discrepancy',
  volumeFilledUl: 'volume filled',
  reservoirAfterUl: 'reservoir after',
  bridgeBolusUl: 'bridge bolus',
  concentrationNgPerMl: 'concentration',
  doseNgPerDay: 'dose',
  patientBolusDoseNg: 'patient bolus dose',
  drugId: 'drug',
  drugLot: 'drug lot',
  dateOfBirth: 'date of birth',
  givenName: 'given name',
  familyName: 'family name',
  patientIds: 'patients',
};

/** "expectedResidualUl" → "expected residual". */
export function fieldName(key: string): string {
  return (
    FIELD_NAMES[key] ??
    key
      .replace(/(Ul|Ml|Ng|NgPerMl|NgPerDay|Ms)$/, '')
      .replace(/Ids?$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
  );
}

function drugUnit(drugId: unknown, lookups: AuditLookups): 'mcg' | 'mg' {
  return (typeof drugId === 'number' && lookups.drugs.get(drugId)?.doseUnit) || 'mcg';
}

export function patientLabel(id: number, lookups: AuditLookups): string {
  const p = lookups.patients.get(id);
  if (!p) return `patient #${id}`;
  return p.name ? `patient ${p.name} (MRN ${p.mrn})` : `patient #${id} (MRN ${p.mrn})`;
}

function pumpLabel(id: number, lookups: AuditLookups): string {
  const label = lookups.pumps.get(id)?.label;
  return label ? `pump ${label}` : `pump #${id}`;
}

/** One stored value in words and the units people use. `context` is the rest of the row (for the drug's unit). */
export function formatAuditValue(key: string, value: unknown, lookups: AuditLookups, context: Record<string, unknown> = {}): string {
  if (value === HIDDEN) return HIDDEN;
  if (value == null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (/Ul$/.test(key)) return formatUl(value);
    if (/NgPerMl$/.test(key)) return formatConcentration(value, drugUnit(context.drugId, lookups));
    if (/NgPerDay$/.test(key)) return formatDose(value, drugUnit(context.drugId, lookups));
    if (/Ng$/.test(key)) return formatDose(value, drugUnit(context.drugId, lookups), '');
    if (/At$/.test(key)) return formatInstant(value, lookups.timeZone);
    if (key === 'drugId') return lookups.drugs.get(value)?.product ?? `drug #${value}`;
    if (key === 'pumpId') return pumpLabel(value, lookups);
    if (key === 'patientId') return patientLabel(value, lookups);
  }
  if (typeof value === 'string' && /ById$/.test(key)) return lookups.staff.get(value) ?? value;
  if (key === 'patientIds' && Array.isArray(value)) {
    return value.length === 0 ? 'none' : value.map((id) => (typeof id === 'number' ? patientLabel(id, lookups) : String(id))).join('; ');
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function changesOf(entry: AuditEntry, lookups: AuditLookups): AuditChange[] {
  const before = record(entry.before);
  const after = record(entry.after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => !(k in before && k in after && JSON.stringify(before[k]) === JSON.stringify(after[k])))
    .map((k) => ({
      field: fieldName(k),
      before: k in before ? formatAuditValue(k, before[k], lookups, before) : '',
      after: k in after ? formatAuditValue(k, after[k], lookups, after) : '',
    }));
}

/** The patients a row is about: those a read names, else the patient of the record changed. */
function patientsOf(entry: AuditEntry, lookups: AuditLookups): number[] {
  const after = record(entry.after);
  if (Array.isArray(after.patientIds)) return after.patientIds.filter((id): id is number => typeof id === 'number');
  const id = Number(entry.entityId);
  if (entry.entity === 'patient' || entry.entity === 'patient-reminder-consent' || entry.entity === 'patient-feed') return Number.isSafeInteger(id) ? [id] : [];
  const pumpId = typeof after.pumpId === 'number' ? after.pumpId : entry.entity === 'pump' ? id : Number(String(entry.entityId).split(':')[0]);
  const pump = Number.isSafeInteger(pumpId) ? lookups.pumps.get(pumpId) : undefined;
  if (pump) return [pump.patientId];
  if (typeof after.patientId === 'number') return [after.patientId];
  return [];
}

const READ_NAMES: Record<string, string> = {
  patient: 'the record of',
  'patient-reminders': 'the reminders of',
  'patient-search': 'a patient search, which found',
  'pump-visits': 'the refill history of',
  'pump-programs': 'the program history of',
  'pump-orders': 'the program orders of',
  'pump-forecast': 'the forecast of',
  'pump-slots': 'the open slots for',
  'pump-page': 'a pump page of',
  appointment: 'an appointment of',
  appointments: 'the appointments of',
  worklist: 'the worklist, with',
  'day-sheet': 'the day sheet, with',
  'audit-log': 'the audit trail, about',
  'fhir-bulk': 'every FHIR resource, of',
  'patient-list': 'the patient list, with',
  reports: 'the clinic reports (aggregates), naming',
};

function readSentence(entry: AuditEntry, patients: string): string {
  const verb = entry.action === 'export' ? 'exported' : 'viewed';
  const after = record(entry.after);
  const page = typeof after.page === 'string' ? ` (${after.page})` : '';
  const what = entry.entity.startsWith('fhir:') ? `FHIR ${entry.entity.slice(5)} resources of` : (READ_NAMES[entry.entity] ?? `${fieldName(entry.entity)} of`);
  return `${verb} ${what}${page} ${patients}`;
}

const AUTH_SENTENCES: Record<string, string> = {
  'sign-in': 'signed in',
  'sign-in-failed': 'failed to sign in',
  lockout: 'was locked out after repeated failed sign-ins',
  'sign-out': 'signed out',
  'password-change': 'changed their password',
};

function whatSentence(entry: AuditEntry, lookups: AuditLookups, patients: number[]): string {
  const after = record(entry.after);
  const forPatients = patients.length === 0 ? 'no patient' : patients.length > 3 ? `${patients.length} patients` : patients.map((id) => patientLabel(id, lookups)).join(', ');
  const forPatient = patients.length > 0 ? ` for ${forPatients}` : '';
  const pump = typeof after.pumpId === 'number' ? pumpLabel(after.pumpId, lookups) : null;
  const key = `${entry.action} ${entry.entity}`;
  if (entry.action === 'view' || (entry.action === 'export' && Array.isArray(after.patientIds))) return readSentence(entry, forPatients);
  if (entry.entity === 'session' && AUTH_SENTENCES[entry.action]) {
    const reason = entry.action === 'sign-out' && after.reason === 'idle' ? ' (idle timeout)' : '';
    return `${AUTH_SENTENCES[entry.action]}${reason}`;
  }
  switch (key) {
    case 'create refill_visit': {
      const filled = typeof after.volumeFilledUl === 'number' ? `, ${formatUl(after.volumeFilledUl)},` : '';
      return `recorded a refill of ${pump ?? 'a pump'}${filled}${forPatient}`;
    }
    case 'review refill_visit':
      return `reviewed the residual discrepancy of refill visit ${entry.entityId}${pump ? ` on ${pump}` : ''}${forPatient}`;
    case 'create drug_program':
      return `recorded ${typeof after.versionNo === 'number' ? `version ${after.versionNo} of the program` : 'a program version'}${pump ? ` of ${pump}` : ''}${forPatient}`;
    case 'create program_order':
      return `ordered a program change${pump ? ` for ${pump}` : ''}${forPatient}`;
    case 'update program_order':
      return `marked program order ${entry.entityId} ${formatAuditValue('status', after.status, lookups)}${forPatient}`;
    case 'create patient':
      return `created the record of ${forPatients}`;
    case 'update patient':
      return `edited the record of ${forPatients}`;
    case 'create pump':
      return `added ${pumpLabel(Number(entry.entityId), lookups)}${forPatient}`;
    case 'update pump':
      return `changed ${pumpLabel(Number(entry.entityId), lookups)}${forPatient}`;
    case 'create appointment':
      return `booked appointment ${entry.entityId}${forPatient}`;
    case 'update appointment':
      return `changed appointment ${entry.entityId}${forPatient}`;
    case 'print card-print':
      return `printed the emergency card of ${forPatients}`;
    case 'create staff':
      return `added the staff account ${formatAuditValue('name', after.name, lookups)}`;
    case 'update staff':
      return `changed the staff account ${lookups.staff.get(entry.entityId ?? '') ?? entry.entityId}`;
    case 'password-reset staff':
      return `reset the password of ${lookups.staff.get(entry.entityId ?? '') ?? entry.entityId}`;
    case 'unlock staff':
      return `unlocked the account of ${lookups.staff.get(entry.entityId ?? '') ?? entry.entityId}`;
    case 'password-change staff':
      return 'changed their password';
    case 'create api-token':
      return 'created an API token';
    case 'revoke api-token':
      return 'revoked an API token';
    case 'update clinic-settings':
      return 'changed the clinic settings';
    case 'update notification-settings':
      return 'changed the notification settings';
    case 'export clinic':
      return 'exported the whole clinic (ZIP of CSV files)';
    case 'export database-backup':
      return 'downloaded the database backup';
    case 'export audit-log':
      return 'exported the audit trail';
  }
  if (entry.entity === 'alert') return `${entry.action === 'snooze' ? 'snoozed' : 'acknowledged'} alert ${String(entry.entityId).split(':')[1] ?? ''} on ${pumpLabel(Number(String(entry.entityId).split(':')[0]), lookups)}${forPatient}`;
  const verbs: Record<string, string> = { create: 'created', update: 'changed', delete: 'deleted', rotate: 'renewed', revoke: 'revoked', print: 'printed', export: 'exported' };
  return `${verbs[entry.action] ?? entry.action} ${fieldName(entry.entity)}${entry.entityId ? ` ${entry.entityId}` : ''}${forPatient}`;
}

/** "Firefox 128 on Linux" style, short: the user agent is kept whole in the row. */
function shortAgent(ua: string): string {
  const browser = /(Edg|Firefox|Chrome|Safari)\/(\d+)/.exec(ua);
  const os = /(Windows|Mac OS X|Android|iPhone|Linux)/.exec(ua);
  if (!browser) return ua.slice(0, 60);
  return `${browser[1] === 'Edg' ? 'Edge' : browser[1]} ${browser[2]}${os ? ` on ${os[1] === 'Mac OS X' ? 'macOS' : os[1]}` : ''}`;
}

/** The row in words. Give it a redacted entry (./redact.ts) unless the reader has audit:values. */
export function presentAuditEntry(entry: AuditEntry, lookups: AuditLookups): PresentedEntry {
  const who = (entry.actorId && lookups.staff.get(entry.actorId)) || entry.actorLabel;
  const patients = patientsOf(entry, lookups);
  const from = [entry.ipAddress, entry.userAgent ? shortAgent(entry.userAgent) : null].filter(Boolean).join(' · ') || null;
  return {
    id: entry.id,
    when: formatInstant(entry.at, lookups.timeZone),
    who,
    action: entry.action,
    sentence: `${who} ${whatSentence(entry, lookups, patients)}.`,
    changes: changesOf(entry, lookups).filter((c) => c.field !== 'patients'),
    from,
  };
}
