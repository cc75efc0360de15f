/**
 * The audit trail as one reader may see it: the rows of a filter, redacted for the reader's permissions
 * (./redact.ts), with the names and units of ./present.ts. The one home for the audit page, GET /api/v1/audit
 * and the CSV export, so the three never disagree about what an admin sees.
 */
import 'server-only';
import type { Db } from '@/db/client';
import { auditLookupsFor, listAudit, type AuditFilter } from '@/db/queries/audit';
import { clinicTimeZone } from '@/db/queries/clinics';
import { can } from '@/lib/auth/permissions';
import type { StaffRole } from '@/lib/domain/vocabulary';
import type { AuditEntry } from './entry';
import { presentAuditEntry, type AuditLookups, type PresentedEntry } from './present';
import { redactAuditEntry } from './redact';

export interface AuditReader {
  clinicId: number;
  role: StaffRole;
}

export interface AuditView {
  timeZone: string;
  total: number;
  /** Whether field values of clinical records are shown (audit:values). */
  withValues: boolean;
  rows: { entry: AuditEntry; presented: PresentedEntry }[];
  /** The patients the listed rows are about (for the audit row of this read). */
  patientIds: number[];
}

const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);

function idsOf(entries: AuditEntry[]) {
  const patientIds: number[] = [];
  const pumpIds: number[] = [];
  for (const e of entries) {
    const after = (e.after ?? {}) as Record<string, unknown>;
    patientIds.push(...numbers(after.patientIds));
    if (typeof after.patientId === 'number') patientIds.push(after.patientId);
    if (typeof after.pumpId === 'number') pumpIds.push(after.pumpId);
    const id = Number(String(e.entityId ?? '').split(':')[0]);
    if (!Number.isSafeInteger(id)) continue;
    if (e.entity.startsWith('patient')) patientIds.push(id);
    if (e.entity === 'pump' || e.entity === 'alert') pumpIds.push(id);
  }
  return { patientIds, pumpIds };
}

export function viewAudit(db: Db, reader: AuditReader, filter: AuditFilter): AuditView {
  const withValues = can(reader.role, 'audit:values');
  const timeZone = clinicTimeZone(db, reader.clinicId);
  const { rows, total } = listAudit(db, reader.clinicId, filter);
  const entries = rows.map((r) => redactAuditEntry(r, withValues));
  const ids = idsOf(entries);
  const lookups: AuditLookups = { timeZone, ...auditLookupsFor(db, reader.clinicId, ids, withValues) };
  const patientIds = [...new Set([...ids.patientIds, ...[...lookups.pumps.values()].map((p) => p.patientId)])];
  return { timeZone, total, withValues, rows: entries.map((entry) => ({ entry, presented: presentAuditEntry(entry, lookups) })), patientIds };
}
