/**
 * Who sees which values in the audit (issue 14, item 8; docs/security.md "Who reads the audit"). Everyone with
 * `audit:read` sees every row's who, when, what, from where and which patients. The field values of clinical
 * records (demographics, allergies, drugs, doses, volumes, notes, searches typed) are shown only with
 * `audit:values`; without it a clinical row keeps its identifiers and the names of the fields it touched, and
 * every value reads HIDDEN.
 *
 * Redaction is by allow-list: an entity not named administrative below is clinical, and in a clinical row only
 * identifier keys keep their value. A new audited field is therefore hidden until someone decides otherwise.
 */
import type { AuditEntry } from './entry';

export const HIDDEN = '(hidden)';

/** Rows about accounts, tokens, settings and the audit itself: no clinical values in them. */
const ADMINISTRATIVE_ENTITIES = new Set([
  'session',
  'staff',
  'staff-duty',
  'api-token',
  'clinic-settings',
  'notification-settings',
  'clinic-feed',
  'import-mapping',
  'audit-log',
  'clinic',
  'database-backup',
]);

/** Keys whose value identifies a record or a staff member, or counts rows: kept in every row. */
const IDENTIFIER_KEY = /^(id|patientIds|patientId|pumpId|visitId|orderId|programId|appointmentId|tokenId|sessionId|[a-z]+ById|versionNo|version|rows|total|counts|types|format|page|recordedLate|viewedAt)$/;

export function isClinicalEntity(entity: string): boolean {
  return !ADMINISTRATIVE_ENTITIES.has(entity);
}

function redactValue(value: unknown): unknown {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return value == null ? value : HIDDEN;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, IDENTIFIER_KEY.test(k) ? v : HIDDEN]));
}

/** The entry as a reader may see it: unchanged with `audit:values` or for an administrative row. */
export function redactAuditEntry<E extends Pick<AuditEntry, 'entity' | 'before' | 'after'>>(entry: E, canSeeValues: boolean): E {
  if (canSeeValues || !isClinicalEntity(entry.entity)) return entry;
  return { ...entry, before: redactValue(entry.before), after: redactValue(entry.after) };
}
